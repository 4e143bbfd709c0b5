"""Step 2: the vision engine describes the photo; the person corrects it and asks questions."""

import streamlit as st

from core import alt_text, providers, studio
from pages import _jobs, _nav, _ui

_nav.begin(_nav.CAPTION)
story = _ui.require_story("photo")
store = _ui.store()
settings = _ui.settings()
describing = _jobs.panel(story, key="caption", kinds=("caption",))  # the story's jobs, from any page

left, right = st.columns([1, 2])
left.image(
    str(store.thumbnail(story.id, story.photo.image, 500)), caption=story.photo.filename, alt=alt_text.photo_alt(story)
)

with right:
    described = any(c.author == "model" for c in story.captions)  # a sample's own words are not a description
    label = "Describe the photo again" if described else "Describe the photo"
    kind = "primary" if not story.captions else "secondary"
    if st.button(label, type=kind, key="caption_describe", disabled=describing):
        _jobs.start(story, "caption", {})  # a job of the story: it goes on if the person leaves

    if story.captions:
        current = story.captions[-1]
        _ui.engine_line(current.engine, current.model if current.author == "model" else "")
        if current.incomplete:
            st.warning("This description stopped before the end; edit it or describe the photo again.")
        text = st.text_area(
            "The caption (edit it freely: the story is written from it)",
            height=160,
            key=_ui.refilled("caption_text", current.text, (story.id, len(story.captions))),
        )
        if st.button("Save my caption", key="caption_save"):
            with _ui.shows_errors():
                if studio.edit_caption(store, story, text, providers.story_safety(settings, store, story.id)):
                    st.rerun()
                st.info("The caption is unchanged.")
        _nav.link(_nav.STORY_SETTINGS)

if len(story.captions) > 1:
    with st.expander(f"Earlier versions ({len(story.captions) - 1})"):
        for index in range(len(story.captions) - 2, -1, -1):
            version = story.captions[index]
            who = {"sample": "the studio (the sample's own words)", "": "you"}.get(
                version.engine, f"{version.engine} engine"
            )
            st.markdown(f"**Version {index + 1}** · by {who} · {version.created:%Y-%m-%d %H:%M}")
            st.markdown(_ui.literal(version.text))
            if st.button("Restore this version", key=f"caption_restore_{index}"):
                studio.restore_caption(store, story, index)
                st.rerun()

st.header("Ask about the photo")
question = st.text_input(
    "Question", placeholder="What colours stand out? How many faces are there?", key="caption_question"
)
if st.button("Ask", key="caption_ask") and question:
    _ui.run_step(
        "Looking at the photo",
        lambda: studio.ask(store, story, providers.vision_for(settings), question),
        stream=True,
        capability="vision",
    )
for qa in reversed(story.questions[-5:]):
    st.markdown(f"**Q:** {_ui.literal(qa.question)}  \n**A:** {_ui.literal(qa.answer)}")
    _ui.engine_line(qa.engine, qa.model)
