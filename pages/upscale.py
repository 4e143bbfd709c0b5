"""Step 6: upscale the chosen pictures 2x or 4x, all or one by one, with a before/after view."""

import streamlit as st

from core import alt_text
from pages import _jobs, _nav, _ui

_nav.begin(_nav.UPSCALE)
story = _ui.require_story("draft")
store = _ui.store()
settings = _ui.settings()

factor = st.radio("Enlarge by", [2, 4], horizontal=True, format_func=lambda f: f"{f}×", key="upscale_factor")
st.caption("The offline engine resamples with Lanczos and sharpens; a local model repaints detail.")


def _upscale(label: str, page_ids=None) -> None:
    """Upscale as a job of the story: it goes on when the person leaves the page (`core.jobs`)."""
    _jobs.start(story, "upscale", {"factor": factor, "page_ids": page_ids}, label=label)


upscaling = _jobs.panel(story, key="upscale", kinds=("upscale",))


pictured = story.pictured_pages()
if not pictured:
    st.info("There are no pictures yet.")
    _nav.link(_nav.PICTURES, "Go to Pictures")
    st.stop()

label = f"Upscale the picture {factor}×" if len(pictured) == 1 else f"Upscale all {len(pictured)} pictures {factor}×"
if st.button(label, type="primary", key="upscale_all", disabled=upscaling):
    _upscale("Upscaling")

for number, page, variant in pictured:
    st.divider()
    before, after, action = st.columns([2, 2, 1])
    before.image(
        str(store.thumbnail(story.id, variant.image, 480)),
        caption=f"Page {number} · before · {variant.width}×{variant.height}",
        alt=alt_text.page_alt(story, page.id, number) + " (before upscaling)",
    )
    if variant.upscaled:
        after.image(
            str(store.thumbnail(story.id, variant.upscaled, 480)),
            caption=f"after · {variant.upscale.get('width')}×{variant.upscale.get('height')}",
            alt=alt_text.page_alt(story, page.id, number) + " (upscaled)",
        )
        _ui.engine_line(variant.upscale.get("engine", ""), variant.upscale.get("model", ""))
    else:
        after.info("Not upscaled yet.")
    if action.button(f"Upscale page {number}", key=f"upscale_{page.id}"):
        _upscale(f"Upscaling page {number}", [page.id])

_nav.link(_nav.EXPORT)
