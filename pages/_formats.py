"""The Export page's other formats (every one in `core.export.formats.FORMATS` but the PDF): make,
download, and scan to open on a phone. A new format appears here by its line in that table."""

from __future__ import annotations

import streamlit as st

from core.export.formats import FORMATS
from core.export.qr import qr_image
from core.story import Story
from pages import _jobs, _narration, _ui


def other_formats(story: Story, language: str | None) -> None:
    """The formats, each made as a job of the story (the Export page shows the jobs)."""
    store = _ui.store()
    st.header("Read-along and other formats")
    with st.expander("Narration", expanded=False):
        _narration.panel(story, language, key="export")
    choices = [name for name, fmt in FORMATS.items() if fmt.make]
    name = st.radio(
        "Format",
        choices,
        format_func=lambda n: f"{FORMATS[n].label}: {FORMATS[n].description}",
        key="export_format",
    )
    chosen = FORMATS[name]
    options = {}
    if name == "mp4":
        options["burn_subtitles"] = st.checkbox(
            "Also burn the subtitles into the picture (for players that hide subtitle tracks)",
            key="export_burn_subtitles",
        )
    if st.button(f"Make the {chosen.label}", key=f"export_make_{name}"):
        params = {"format": name, "language": language, "options": options}
        _jobs.start(story, "export-file", params, label=f"Making the {chosen.label}")  # shown by the Export page
    latest = story.latest_export(name)
    if latest is None:
        return
    path = store.export_path(story.id, latest.token, chosen.extension)
    if not path.exists():
        return
    download, qr = st.columns([2, 1])
    download.success(f"{latest.filename}: {latest.size / 1024:.0f} KB, made {latest.created:%H:%M}.")
    download.download_button(
        f"Download the {chosen.label}",
        path.read_bytes,
        file_name=latest.filename,
        mime=chosen.mime,
        key=f"export_download_{name}",
        on_click="ignore",
    )
    if latest.url:
        download.markdown(f"Link: `{latest.url}`")
        qr.image(
            qr_image(latest.url), caption="Scan to open on a phone", width=200, alt=f"QR code of the link {latest.url}"
        )
