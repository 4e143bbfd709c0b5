"""What the Draft and Export pages show of the narration: each page's audio, the voice that reads
it, and buttons to read every page, or one page again. The work is `core.studio.narrate`.

The panel is a fragment: it draws from the story as saved, and while the story is being read aloud
it refreshes on its own every `_jobs.REFRESH_S`, so each page's audio appears as it is read without
the rest of the page being drawn again.
"""

from __future__ import annotations

import streamlit as st

from core import providers
from core.errors import StudioError
from core.story import Story
from pages import _jobs, _nav, _ui


def panel(story: Story, language: str | None = None, *, key: str) -> None:
    """The narration of the chosen draft in `language` (None: the story's own), page by page."""
    reading = _jobs.running(story.id, "narration")
    (_live if reading else _still)(story.id, language or story.settings.language, key)


def _narration(story_id: str, language: str, key: str) -> None:
    store, settings = _ui.store(), _ui.settings()
    story = store.load(story_id)  # as saved now: a fragment's own reruns must not draw an old copy
    try:
        narrator = providers.narrator_for(settings)
        voice = narrator.voice_for(language)
    except StudioError as error:
        st.info(f"Reading aloud in '{language}' is not possible here: {error}")
        return

    def read(page_ids=None) -> None:
        """Read aloud as a job of the story: it goes on when the person leaves the page (`core.jobs`);
        the whole page reruns, so its jobs panel shows the job."""
        _jobs.start(story, "narration", {"page_ids": page_ids, "language": language}, label="Reading aloud")

    pages = story.draft.pages
    missing = [page for page in pages if story.narration(page.id, language) is None]
    st.caption(f"Voice: {voice} · {len(pages) - len(missing)} of {len(pages)} pages read aloud")
    if missing and st.button(
        f"Read {'every page' if len(missing) == len(pages) else 'the other pages'} aloud",
        type="primary",
        key=f"{key}_narrate_all",
    ):
        read()
    for number, page in enumerate(pages, start=1):
        narration = story.narration(page.id, language)
        if narration is not None and not store.audio_path(story.id, narration.audio).exists():
            narration = None  # its audio did not come along: read it again
        label, player, again = st.columns([1, 5, 2], vertical_alignment="center")
        label.markdown(f"**Page {number}**")
        if narration is None:
            player.caption("Not read aloud yet (or its text changed since).")
        else:
            player.audio(str(store.audio_path(story.id, narration.audio)), format="audio/wav")
            player.caption(f"{narration.duration:.1f} s · {narration.voice}")
        if again.button("Read again" if narration else "Read aloud", key=f"{key}_narrate_{page.id}"):
            read([page.id])


_live = _nav.panel(_narration, run_every=_jobs.REFRESH_S)
_still = _nav.panel(_narration)
