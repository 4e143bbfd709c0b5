"""The Pictures page's choosing tools: pin a page, redraw a region, whole-book versions.

Thin like every page: widgets here, the steps in `core.studio` and `core.studio.choosing`. A region is
chosen with two range sliders (Streamlit has no brush; streamlit-drawable-canvas is unmaintained
and breaks on current Streamlit), shown as a rectangle on the picture before it is redrawn.

These are drawn inside the Pictures page's panel (an `st.fragment`): moving the region's sliders
redraws only the panel's outlined preview; whatever is saved to the story (a pin, a redrawn region, a
version used) reruns the whole page, whose buttons and sidebar show it.
"""

from __future__ import annotations

import io

import streamlit as st
from PIL import ImageDraw

from core import alt_text, providers, studio
from core.settings import Settings
from core.story import ImageVariant, Story, StoryPage
from core.studio import choosing
from core.studio.choosing import MAX_VERSIONS
from pages import _jobs, _ui


def pin_box(store: studio.PersonStore, story: Story, page: StoryPage, number: int) -> None:
    """Pin or unpin the page's picture in use."""
    pinned = studio.is_pinned(story, page.id)
    wanted = st.checkbox(
        f"Pin page {number}'s picture",
        value=pinned,
        key=f"pictures_pin_{page.id}_{pinned}",
        help="A pinned picture stays in use when you redraw the unpinned pages or make versions of the book.",
    )
    if wanted != pinned:
        with _ui.shows_errors():
            studio.pin(store, story, page.id, wanted)
            st.rerun()


def _outlined(store: studio.PersonStore, story: Story, picture: ImageVariant, box: choosing.Box) -> bytes:
    """The picture with the region outlined, as PNG bytes for st.image (kept nowhere)."""
    image = studio.open_image(store, story.id, picture.image)
    image.thumbnail((380, 380))
    w, h = image.size
    draw = ImageDraw.Draw(image)
    corners = (box[0] * w, box[1] * h, box[2] * w - 1, box[3] * h - 1)
    draw.rectangle(corners, outline=(255, 255, 255), width=3)
    draw.rectangle(corners, outline=(220, 30, 60), width=1)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def region(store: studio.PersonStore, story: Story, settings: Settings, page: StoryPage, picture: ImageVariant) -> None:
    """Redraw a rectangle of the picture in use, where the engine can."""
    illustrator = providers.illustrator_for(settings)
    with st.expander("Redraw a region of this picture"):
        if not choosing.can_redraw_region(illustrator):
            st.info(
                f"The {illustrator.engine} engine cannot redraw part of a picture: it restyles your photo "
                "as a whole. Choose the local or remote engine for pictures in Settings to redraw a region."
            )
            return
        controls, preview = st.columns([3, 2])
        with controls:
            left, right = st.slider("From left to right (%)", 0, 100, (25, 75), key=f"pictures_region_x_{page.id}")
            top, bottom = st.slider("From top to bottom (%)", 0, 100, (25, 75), key=f"pictures_region_y_{page.id}")
            prompt = st.text_input(
                "What the region should show", placeholder=page.prompt, key=f"pictures_region_prompt_{page.id}"
            )
        box = (left / 100, top / 100, right / 100, bottom / 100)
        if right > left and bottom > top:
            preview.image(
                _outlined(store, story, picture, box),
                caption="The region to redraw",
                alt=f"The picture with the region to redraw outlined: {alt_text.scene_of(story, page.id)}",
            )
        if controls.button("Redraw the region", key=f"pictures_region_go_{page.id}"):
            safety = providers.story_safety(settings, store, story.id)
            step = lambda: choosing.redraw_region(  # noqa: E731
                store, story, illustrator, page.id, box, prompt or None, safety=safety
            )
            if _ui.run_step("Redrawing the region", step, capability="illustrator"):
                st.rerun()


def versions(store: studio.PersonStore, story: Story, drawing: bool) -> None:
    """Make whole-book versions, compare them page by page, use one or mix pages; `drawing`: a
    job of the story draws pictures or versions now (the page's job panel knows)."""
    draft = story.draft
    st.header("Versions of the whole book")
    count_col, go_col = st.columns([1, 3])
    count = count_col.number_input("Versions", 2, MAX_VERSIONS, 3, key="pictures_versions_count")
    go_col.write("")
    if go_col.button(f"Make {int(count)} versions of the book", key="pictures_versions_make", disabled=drawing):
        # a job of the story: every unpinned page drawn `count` times goes on if the person leaves
        _jobs.start(story, "versions", {"count": int(count)}, label=f"Making {int(count)} versions of the book")
    made = [v for v in story.versions if v.kind == "pictures" and v.draft == draft.id]
    if not made:
        st.caption("Each version draws every unpinned page from its own seeds; pinned pages stay in all of them.")
        return
    heads = st.columns([1] + [2] * len(made))
    heads[0].caption("Page")
    for head, version in zip(heads[1:], made):
        if head.button(f"Use version {version.number}", key=f"pictures_version_use_{version.number}", width="stretch"):
            with _ui.shows_errors():
                choosing.choose_version(store, story, version.number)
                st.rerun()
    for number, page in enumerate(draft.pages, start=1):
        cells = st.columns([1] + [2] * len(made))
        cells[0].markdown(f"**{number}**")
        in_use = story.picture(page.id)
        for cell, version in zip(cells[1:], made):
            picture = choosing.version_picture(story, version.number, page.id)
            if picture is None:
                cell.caption("not drawn")
                continue
            used = in_use is not None and in_use.id == picture.id
            pinned = " · pinned" if studio.is_pinned(story, page.id) else ""
            cell.image(
                str(store.thumbnail(story.id, picture.image, 160)),
                caption=f"in use{pinned}" if used else None,
                alt=alt_text.page_alt(story, page.id, number, lead=f"Book version {version.number}, "),
            )
            if not used and cell.button(
                "Use for this page", key=f"pictures_version_page_{version.number}_{page.id}", width="stretch"
            ):
                with _ui.shows_errors():
                    choosing.choose_version(store, story, version.number, [page.id])
                    st.rerun()
