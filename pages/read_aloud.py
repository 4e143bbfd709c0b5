"""The read-aloud view for a projector: the story's web reader, large, one page at a time.

Space and the arrow keys turn the pages (click the book first so it has the keyboard), P or ▶
reads the page aloud and the sentence being read lights up. A story without narration reads
without sound. Pupils' books open here from the Classroom page. `st.iframe` (Streamlit's successor to
`components.html`) runs the HTML as the app's own origin, which is why `core.export.reader` escapes
every text and allows no script but its own."""

import streamlit as st

from core.export.reader import read_aloud_html
from pages import _nav, _ui

_nav.begin(_nav.READ_ALOUD)
story = _ui.require_story("draft")
store = _ui.store()

languages = [story.settings.language] + [t.language for t in story.translations if t.draft == story.draft.id]
languages = list(dict.fromkeys(languages))
language = st.selectbox("Language", languages, key="read_aloud_language") if len(languages) > 1 else languages[0]
html, narrated = read_aloud_html(store, story, language)
if not narrated:
    st.info("This story has not been read aloud yet: it shows without sound. Read it aloud on the Draft page.")
st.caption("Click the book, then turn pages with Space or the arrow keys; P reads the page aloud.")
st.iframe(html, height=760)  # the reader's own CSP lets only its script run; every text is escaped
