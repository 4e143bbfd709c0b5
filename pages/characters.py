"""The story's characters: their sheets, which every picture prompt of their pages names, and the
space's character library (save one, use one in this story). Logic in core.characters.sheets,
core.studio and core.characters.library."""

import streamlit as st

from core import providers, studio
from core.characters import library as character_library
from core.characters.sheets import page_prompt
from pages import _nav, _ui

_nav.begin(_nav.CHARACTERS)
story = _ui.require_story("draft")
store = _ui.store()
settings = _ui.settings()

st.caption(
    "Each picture prompt names the characters on its page with these words, in this order, "
    "trimmed to the 77 tokens a picture model reads."
)
if not story.characters:
    st.info("No characters yet: propose them from the draft, or add one below.")

with st.form("characters_form"):
    changes: dict[str, dict] = {}
    for c in story.characters:
        st.subheader(c.name)
        a, b = st.columns(2)
        fields = {
            "name": a.text_input("Name", c.name, key=f"characters_name_{c.id}"),
            "kind": b.text_input("Kind", c.kind, key=f"characters_kind_{c.id}", placeholder="a cat, a girl"),
            "look": a.text_input("Look", c.look, key=f"characters_look_{c.id}"),
            "outfit": b.text_input("Outfit", c.outfit, key=f"characters_outfit_{c.id}"),
            "colours": a.text_input("Colours", ", ".join(c.colours), key=f"characters_colours_{c.id}"),
        }
        if b.checkbox("Remove", key=f"characters_remove_{c.id}"):
            changes[c.id] = {"remove": True}
        elif fields != {**c.model_dump(include={"name", "kind", "look", "outfit"}), "colours": ", ".join(c.colours)}:
            changes[c.id] = fields
    added = st.text_input("Add a character (their name)", key="characters_new")
    if added.strip():
        changes[added.strip()] = {}
    if st.form_submit_button("Save the characters", type="primary"):
        with _ui.shows_errors():
            studio.edit_characters(store, story, changes)
            st.rerun()

if st.button("Propose the characters again from the draft", key="characters_propose"):
    if _ui.run_step(
        "Proposing characters",
        lambda: studio.propose_characters(store, story, providers.writer_for(settings)),
        capability="writer",
    ):
        st.rerun()

if story.characters and story.draft:
    with st.expander("The picture prompt of each page"):
        for number, page in enumerate(story.draft.pages, start=1):
            fitted = page_prompt(story, page)
            st.markdown(f"**Page {number}** ({fitted.tokens} of 75 tokens)  \n{_ui.literal(fitted.text)}")
            if fitted.dropped:
                st.caption("Left out to fit: " + _ui.literal("; ".join(fitted.dropped)))

st.subheader("Character library")
with _ui.shows_errors():
    entries = character_library.list_characters(store)
    if story.characters:
        left, right = st.columns([3, 1])
        chosen = left.selectbox("Save a character", [c.name for c in story.characters], key="characters_save_pick")
        if right.button("Save to the library", key="characters_save"):
            character_library.save_character(store, story, chosen)
            st.rerun()
    if entries:
        by_id = {e.id: e for e in entries}
        left, right = st.columns([3, 1])
        pick = left.selectbox(
            "Use a saved character",
            list(by_id),
            key="characters_use_pick",
            format_func=lambda i: f"{by_id[i].sheet.name}: {by_id[i].sheet.look or by_id[i].sheet.kind}",
        )
        if right.button("Use in this story", key="characters_use"):
            studio.use_library_character(store, story, pick)
            st.rerun()
    else:
        st.caption("No saved characters in this space yet.")

_nav.link(_nav.PICTURES)
