"""Every saved story: open, duplicate, delete (with a confirm)."""

import streamlit as st

from core import studio
from pages import _nav, _ui

_nav.begin(_nav.LIBRARY)
store = _ui.store()
stories = studio.library(store)
if not stories:
    st.info("No stories yet.")
    _nav.link(_nav.PHOTO, "Start with a photo")
    st.stop()

st.caption(f"{len(stories)} {'story' if len(stories) == 1 else 'stories'}, saved as they change.")
for summary in stories:
    thumb, info, actions = st.columns([1, 4, 2])
    if summary.thumbnail and summary.thumbnail.exists():
        thumb.image(str(summary.thumbnail), width=96)
    info.markdown(
        f"**{_ui.literal(summary.title)}**  \n{summary.pages} pages · changed {summary.updated:%Y-%m-%d %H:%M} UTC"
    )
    if actions.button("Open", key=f"library_open_{summary.id}", type="primary"):
        _ui.open_story(summary.id, page=_nav.DRAFT if summary.pages else _nav.CAPTION)
    more = actions.popover("More")
    if more.button("Duplicate", key=f"library_duplicate_{summary.id}"):
        with _ui.shows_errors():
            studio.duplicate_story(store, summary.id)
            st.rerun()
    more.caption("Its published PDFs stop downloading: their links and QR codes will answer that they are gone.")
    confirm = more.checkbox("Yes, delete it for good", key=f"library_confirm_{summary.id}")
    if more.button("Delete", key=f"library_delete_{summary.id}", disabled=not confirm):
        with _ui.shows_errors():
            studio.delete_story(store, summary.id, publisher=_ui.publisher())
            if st.session_state.get("story_id") == summary.id:
                st.session_state.pop("story_id")
                st.query_params.clear()
            st.rerun()
