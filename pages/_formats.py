"""The Export page's other formats (every one in `core.export.formats.FORMATS` but the PDF): make,
download, and scan to open on a phone. A new format appears here by its line in that table."""

from __future__ import annotations

import streamlit as st

from core import providers, studio
from core.export.formats import FORMATS
from core.export.qr import qr_image
from core.storage.publish import Publisher
from core.story import Story
from pages import _narration, _ui


def other_formats(story: Story, language: str | None, publisher: Publisher) -> None:
    store, settings = _ui.store(), _ui.settings()
    st.subheader("Read-along and other formats")
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
        _ui.run_step(
            f"Making the {chosen.label}",
            lambda: studio.export_file(
                store,
                story,
                name,
                language=language,
                publisher=publisher,
                safety=providers.story_safety(settings, store, story.id),
                options=options,
            ),
        )
        story = store.load(story.id)
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
        qr.image(qr_image(latest.url), caption="Scan to open on a phone", width=200)
