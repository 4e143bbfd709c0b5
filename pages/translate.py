"""Translate the chosen draft (DeepL or the writer model); edit it and retranslate page by page."""

import streamlit as st

from core import providers, studio
from core.errors import StudioError
from pages import _jobs, _nav, _ui

_nav.begin(_nav.TRANSLATE)
story = _ui.require_story("draft")
store = _ui.store()
settings = _ui.settings()
translating = _jobs.panel(story, key="translate", kinds=("translate",))  # the story's jobs, from any page
draft = story.draft

try:
    translator = providers.translator_for(settings)
    cache_key = ("translate_languages", translator.engine, translator.model)
    if st.session_state.get("translate_languages_key") != cache_key:  # ask the server once a session
        st.session_state["translate_languages"] = translator.languages()
        st.session_state["translate_languages_key"] = cache_key
    languages = st.session_state["translate_languages"]
except StudioError as error:
    st.info(str(error))
    _nav.link(_nav.SETTINGS, "Open Settings")
    st.stop()

by_code = {language.code: language for language in languages}
codes = [c for c in by_code if c.split("-")[0].lower() != story.settings.language]
left, right = st.columns(2)
target = left.selectbox("Into", codes, format_func=lambda c: f"{by_code[c].name} ({c})", key="translate_target")
formality = None
if by_code[target].formality:
    choice = right.radio(
        "Form of address", ["default", "formal", "informal"], horizontal=True, key="translate_formality"
    )
    formality = {"formal": "more", "informal": "less"}.get(choice)
names = st.text_area(
    "Names to keep as you want them (one per line: Name = Name in translation)",
    key="translate_glossary",
    placeholder="Chelsea = Chelsea",
)
glossary = dict(line.split("=", 1) for line in names.splitlines() if "=" in line)
glossary = {k.strip(): v.strip() for k, v in glossary.items() if k.strip() and v.strip()}

if st.button(f"Translate into {by_code[target].name}", type="primary", key="translate_go", disabled=translating):
    params = {"language": target, "formality": formality, "glossary": glossary}
    _jobs.start(story, "translate", params, label=f"Translating into {by_code[target].name}")

translation = story.translation(target)
if translation is None:
    st.stop()
_ui.engine_line(translation.engine, translation.model)
with st.form(f"translate_edit_{target}_{len(story.translations)}"):
    title = st.text_input("Title", translation.title)
    texts = []
    for number, (page, text) in enumerate(zip(draft.pages, translation.pages), start=1):
        original, translated = st.columns(2)
        original.markdown(f"**Page {number}**  \n{_ui.literal(page.text)}")
        texts.append(translated.text_area(f"Page {number} in {target}", text, key=f"translate_{target}_{page.id}"))
    if st.form_submit_button("Save my edits"):
        with _ui.shows_errors():
            studio.edit_translation(store, story, target, title, texts)
            st.rerun()

page_number = st.number_input("Retranslate page", 1, len(draft.pages), 1, key="translate_page")
if st.button("Retranslate this page", key="translate_page_go"):
    with st.spinner("Translating…"), _ui.shows_errors():
        studio.retranslate_page(store, story, translator, target, int(page_number) - 1, formality, glossary)
        st.rerun()
