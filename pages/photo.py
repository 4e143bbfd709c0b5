"""Step 1: a photo starts a new story (uploaded, or one of the bundled samples)."""

import streamlit as st

from core import alt_text, studio
from core.errors import StudioError
from core.photo import MAX_UPLOAD_BYTES
from core.samples import SAMPLES
from pages import _nav, _ui

_nav.begin(_nav.PHOTO)
st.write("Every story starts from a photo. The studio describes it, and you turn it into a book.")

story = _ui.current_story()
if story is not None and story.photo is not None:
    left, right = st.columns([1, 2])
    left.image(
        str(_ui.store().thumbnail(story.id, story.photo.image, 500)),
        caption=story.photo.filename,
        alt=alt_text.photo_alt(story),
    )
    right.markdown(
        f"You are working on **{_ui.literal(story.title)}**. A new photo starts a new story; "
        "this one stays in the Library."
    )
    _nav.link(_nav.CAPTION, where=right)


def _start(data: bytes | None, name: str) -> None:
    """A new story from an upload, or (no `data`) from the sample `name`, then its caption."""
    try:
        store = _ui.store()
        new = studio.start_story(store, data, name) if data is not None else studio.start_sample(store, name)
    except StudioError as error:
        st.error(str(error))  # the current story is untouched
        return
    _ui.open_story(new.id, page=_nav.CAPTION)


upload_tab, sample_tab = st.tabs(["Upload a photo", "Use a sample"])
with upload_tab:
    uploaded = st.file_uploader(
        "JPEG, PNG, WebP, GIF, BMP, TIFF or HEIC",
        type=["jpg", "jpeg", "png", "webp", "gif", "bmp", "tif", "tiff", "heic", "heif"],
        key="photo_upload",
        help=f"Up to {MAX_UPLOAD_BYTES // 2**20} MB. Very large photos are scaled down once; the original is kept.",
    )
    if uploaded is not None and st.button("Start a story with this photo", type="primary", key="photo_start"):
        _start(uploaded.getvalue(), uploaded.name)
with sample_tab:
    columns = st.columns(len(SAMPLES))
    for column, (name, sample) in zip(columns, SAMPLES.items()):
        column.image(str(sample.path), caption=sample.description, alt=f"Sample photo: {sample.description}")
        if column.button(f"Start with {sample.title}", key=f"photo_sample_{name}"):
            _start(None, name)
    st.caption("Sample photos: public domain and CC0, from scikit-image (see assets/samples/LICENSE.md).")
