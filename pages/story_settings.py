"""Step 3: what kind of story to write: length, audience, genre, tone, art style, aspect, language."""

import streamlit as st

from core import studio
from core.language import name_of, story_languages
from core.prompts import styles
from core.story import ASPECTS, AUDIENCES, MAX_PAGES
from pages import _nav, _ui

GENRES = ["adventure", "mystery", "friendship", "fairy tale", "science fiction", "funny"]
TONES = ["warm", "funny", "exciting", "calm", "spooky"]
LANGUAGES = story_languages()

_nav.begin(_nav.STORY_SETTINGS)
story = _ui.require_story("caption")
s = story.settings

with st.form("story_settings_form"):
    pages = st.slider("Length in pages", 1, MAX_PAGES, s.pages)
    audience = st.radio("Audience", AUDIENCES, index=AUDIENCES.index(s.audience), horizontal=True)
    left, right = st.columns(2)
    genre = left.selectbox(
        "Genre", GENRES, index=GENRES.index(s.genre) if s.genre in GENRES else 0, accept_new_options=True
    )
    tone = right.selectbox("Tone", TONES, index=TONES.index(s.tone) if s.tone in TONES else 0, accept_new_options=True)
    names = list(styles())
    style = left.selectbox(
        "Art style",
        names,
        index=names.index(s.style) if s.style in names else 0,
        format_func=lambda name: styles()[name]["label"],
    )
    aspect = right.radio("Page aspect", ASPECTS, index=ASPECTS.index(s.aspect), horizontal=True)
    codes = list(LANGUAGES)
    language = left.selectbox(
        "Language of the story",
        codes,
        format_func=LANGUAGES.get,
        index=codes.index(s.language) if s.language in codes else 0,
    )
    seed = right.number_input("Seed (the same seed writes the same story)", 0, 2**31 - 1, s.seed)
    saved = st.form_submit_button("Save settings", type="primary")

if saved:
    with _ui.shows_errors():
        studio.update_settings(
            _ui.store(),
            story,
            pages=pages,
            audience=audience,
            genre=genre,
            tone=tone,
            style=style,
            aspect=aspect,
            language=language,
            seed=int(seed),
        )
        st.success("Saved. New drafts and pictures use these settings.")

writes = studio.capabilities(_ui.settings()).story_languages
if writes is not None and story.settings.language not in writes:
    st.info(
        f"The {_ui.settings().writer} writer writes in {', '.join(name_of(code) for code in writes)}. For another "
        "language, choose a local or remote writer, or translate the story on the Translate page."
    )
_nav.link(_nav.DRAFT)
