"""Campaign step 3: every variant as pictures in 1:1, 4:5, 9:16 and 16:9."""

import streamlit as st

from core.campaign.layout import FORMATS
from pages import _campaign_ui, _jobs, _nav, _ui

_nav.begin(_nav.CAMPAIGN_FORMATS)
story = _campaign_ui.require_campaign()
store = _ui.store()
campaign = story.campaign
if not campaign.variants:
    st.info("Write the copy first: the pictures carry it.")
    _nav.link(_nav.CAMPAIGN_COPY, "Go to Copy variants")
    st.stop()

laying_out = _jobs.panel(story, key="campaign_formats", kinds=("campaign-pictures", "campaign-export"))
languages = [campaign.brief.language] + sorted({t.language for t in campaign.translations})
language = st.radio("Language", languages, horizontal=True, key="campaign_formats_language")
st.caption(
    f"Look: {campaign.style} (change it on Product & brief). Text never covers the product, stays inside each "
    "platform's safe zone and reaches a contrast of 4.5:1, measured on the pixels."
)
if st.button("Make the pictures", type="primary", key="campaign_make", disabled=laying_out):
    # a job of the campaign: it goes on if the person leaves, and Resume makes only the missing ones
    _jobs.start(story, "campaign-pictures", {"language": language, "variant_ids": None})

for variant in campaign.variants:
    pictures = [(f, campaign.picture(variant.id, f.key, language)) for f in FORMATS]
    if not any(p for _, p in pictures):
        continue
    st.markdown(f"**Variant {campaign.letter(variant.id)}** · {_ui.literal(variant.headline)}")
    columns = st.columns([f.width / f.height for f in FORMATS])
    for column, (fmt, picture) in zip(columns, pictures):
        if picture is None:
            column.caption(f"{fmt.label}: not made yet")
            continue
        column.image(
            str(store.thumbnail(story.id, picture.image, 600)),
            alt=f"{fmt.label} picture of variant {campaign.letter(variant.id)}: {variant.headline}",
        )
        column.caption(
            f"{fmt.label} · {fmt.width}×{fmt.height} ({fmt.channels}) · contrast ≥ {picture.min_contrast:.1f}:1"
            + (" · panel" if picture.panel else "")
        )
if any(campaign.pictures):
    _nav.link(_nav.CAMPAIGN_EXPORT)
