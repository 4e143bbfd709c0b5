"""Step 7: the PDF book, its download button, and the QR code a phone can download it with; then
the read-along formats (EPUB, web reader) with the narration they carry."""

import streamlit as st

from core import studio
from core.errors import InputError
from core.export.fonts import printable
from core.export.printing import TRIMS
from core.export.qr import qr_image
from core.story import LAYOUTS, PAGE_SIZES
from pages import _formats, _jobs, _nav, _ui

_nav.begin(_nav.EXPORT)
story = _ui.require_story("draft")
store = _ui.store()
settings = _ui.settings()
draft = story.draft

missing = [draft.pages.index(page) + 1 for page in story.pages_without_picture()]
if len(missing) == 1:
    st.warning(f"Page {missing[0]} has no picture yet; it prints with text only.")
elif missing:
    st.warning(f"Pages {', '.join(map(str, missing))} have no picture yet; they print with text only.")

ORIGINAL = "original"
languages = {ORIGINAL: f"The story's language ({story.settings.language})"}
for translation in story.translations:
    if translation.draft == draft.id:
        ok, reason = printable(translation.language)
        if ok:
            languages[translation.language] = f"Translation: {translation.language}"
        else:
            st.caption(f"The {translation.language} translation cannot be printed here: {reason}")

left, middle, right = st.columns(3)
page_size = left.radio(
    "Page size",
    PAGE_SIZES,
    index=PAGE_SIZES.index(story.export.page_size),
    key="export_size",
    disabled=st.session_state.get("export_print", False),  # a printer's PDF has a trim size instead
)
keys = list(languages)
choice = middle.selectbox(
    "Language",
    keys,
    format_func=languages.get,
    key="export_language",
    index=keys.index(story.export.language) if story.export.language in keys else 0,
)
language = None if choice == ORIGINAL else choice
bilingual = right.checkbox(
    "Bilingual (both texts on each page)", story.export.bilingual, disabled=language is None, key="export_bilingual"
)
LAYOUT_NAMES = {
    "above": "Picture above the text",
    "beside": "Picture beside the text",
    "band": "Full-page picture, text on a band",
    "large": "Large type for early readers",
}
layout = left.selectbox(
    "Layout",
    LAYOUTS,
    format_func=LAYOUT_NAMES.get,
    index=LAYOUTS.index(story.export.layout),
    key="export_layout",
)
for_print = right.toggle("For a printer", False, key="export_print", help="A trim size, 3 mm bleed, crop marks")
trim, crop_marks = None, False
if for_print:
    trims = list(TRIMS)
    trim = right.selectbox(
        "Trim size",
        trims,
        index=trims.index(story.export.trim) if story.export.trim in trims else 0,
        key="export_trim",
    )
    crop_marks = right.checkbox("Crop marks", story.export.crop_marks, key="export_crop_marks")
    st.caption(
        "The print PDF has a 3 mm bleed on every side (TrimBox and BleedBox set), pictures at up to "
        "300 dpi, and crop marks outside the bleed if you ask. It is RGB, not PDF/X: most print "
        "services convert it themselves."
    )
classroom = st.checkbox(
    "Classroom pages: end the book with 'Words to know' and 'Let's talk about the story'",
    key="export_classroom",
)
if classroom:
    with st.expander("What the classroom pages will print"):
        from core.classroom.book import questions_for, reading_level, words_for

        st.caption(
            f"Words above the level '{reading_level(story).label}', hardest first, each with a child's "
            "definition (or its sentence in the story); a companion or prop has its picture in the PDF."
        )
        for word in words_for(story):
            st.markdown(f"**{word.word}**: {word.definition or f'“{word.sentence}” (page {word.page})'}")
        for number, question in enumerate(questions_for(story), start=1):
            st.write(f"{number}. {question.question}")
publisher = _ui.publisher()
may_print = True
try:
    store.check_printing(story.id)  # a class that reviews first: say so before the button is pressed
except InputError as waiting:
    st.info(str(waiting))
    may_print = False  # an earlier PDF is not handed out either until the teacher approves
st.caption(
    f"The QR code will point at {publisher.base_url}. A phone must be able to reach that address: "
    "set the public address in Settings when the studio runs behind another name."
)

_jobs.panel(story, key="export", kinds=("export-pdf", "export-file", "narration"))
if st.button("Make the print PDF" if for_print else "Make the PDF", type="primary", key="export_go"):
    params = {
        "page_size": page_size,
        "language": language,
        "bilingual": bilingual and language is not None,
        "layout": layout,
        "trim": trim,
        "crop_marks": crop_marks,
        "classroom": classroom,
        "ask_writer": classroom and studio.capabilities(settings).answers_questions,
    }  # a job of the story: it goes on when the person leaves the page (`core.jobs`)
    _jobs.start(story, "export-pdf", params, label="Making the print PDF" if for_print else "Making the PDF")

latest = story.latest_export("pdf")
if latest and may_print:
    pdf = store.export_path(story.id, latest.token)
    if pdf.exists():
        made_for = f"for a printer, trim {latest.trim}" if latest.trim else latest.page_size
        st.success(f"{latest.filename}: {latest.pages} pages, {latest.size / 1024:.0f} KB, {made_for}.")
        for note in latest.notes:
            st.warning(note)
        download, qr = st.columns([2, 1])
        download.download_button(
            "Download the PDF",
            pdf.read_bytes,
            file_name=latest.filename,  # read on click
            mime="application/pdf",
            type="primary",
            key="export_download",
            on_click="ignore",
        )
        if latest.url:
            download.markdown(f"Link for this PDF: `{latest.url}`")
            qr.image(
                qr_image(latest.url),
                caption="Scan to download on a phone",
                width=220,
                alt=f"QR code of the link {latest.url}",
            )
        st.caption(studio.credits(story))

_formats.other_formats(story, language)
if classroom:
    from core.classroom.book import answer_key_text

    st.download_button(
        "Download the teacher's answer key",
        lambda: answer_key_text(store.load(story.id)),
        file_name="answer-key.txt",
        mime="text/plain",
        key="export_answer_key",
        on_click="ignore",
    )
