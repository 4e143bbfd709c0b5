"""Campaign step 4: the PNG set, the deck, the CSV for ad managers, all in one ZIP; a QR code
downloads the deck on a phone."""

import streamlit as st

from core.campaign import steps
from core.export.qr import qr_image
from core.text import safe_filename
from pages import _campaign_ui, _jobs, _nav, _ui

_nav.begin(_nav.CAMPAIGN_EXPORT)
story = _campaign_ui.require_campaign()
store = _ui.store()
campaign = story.campaign
if not campaign.variants:
    st.info("Write the copy first: there is nothing to export yet.")
    _nav.link(_nav.CAMPAIGN_COPY, "Go to Copy variants")
    st.stop()

exporting = _jobs.panel(story, key="campaign_export", kinds=("campaign-pictures", "campaign-export"))
publisher = _ui.publisher()
missing = steps.missing_pictures(story)
if missing:
    st.caption(f"{len(missing)} picture(s) are not made yet; making the exports makes them first.")
st.caption(f"The QR code will point at {publisher.base_url}; set the public address in Settings if phones use another.")
if st.button("Make the exports", type="primary", key="campaign_export_go", disabled=exporting):
    _jobs.start(story, "campaign-export", {})  # a job of the campaign: it goes on if the person leaves

latest = steps.latest_export(store, story)
if latest is not None:
    record, deck, archive = latest
    base = safe_filename(story.campaign.name)
    st.success(
        f"{len(record.files)} files: {sum(f.endswith('.png') for f in record.files)} pictures, the deck "
        f"({record.deck_size / 1024:.0f} KB) and the copy as CSV; {record.zip_size / 2**20:.1f} MB zipped."
    )
    download, qr = st.columns([2, 1])
    download.download_button(
        "Download everything (ZIP)", archive, file_name=f"{base}.zip", mime="application/zip",
        type="primary", key="campaign_zip", on_click="ignore",
    )  # fmt: skip
    download.download_button(
        "Download the deck (PDF)", deck, file_name=f"{base}.pdf", mime="application/pdf",
        key="campaign_deck", on_click="ignore",
    )  # fmt: skip
    with download.expander("What is inside"):
        st.write(", ".join(record.files))
    if record.url:
        download.markdown(f"Link to the deck: `{record.url}`")
        qr.image(
            qr_image(record.url),
            caption="Scan to download the deck on a phone",
            width=220,
            alt=f"QR code of the link {record.url}",
        )
