"""Step 5: a picture for every key scene; the person picks, regenerates, reseeds and re-prompts.

All pages show as a grid of small pictures; one page at a time opens for work, so a 24-page
story stays quick to use. Several pictures per page can be drawn in one batch and compared side
by side; a pinned page keeps its picture through "redraw unpinned"; whole-book versions are
compared page by page and mixed; a region of a picture can be redrawn where the engine can.

The grid and the page open for work are one panel (`st.fragment`): picking another page to work on,
typing its prompt or moving the region's sliders draws the panel again, not the whole page; a
change saved to the story reruns the whole page, whose sidebar shows the story's revision.
"""

import streamlit as st

from core import alt_text, providers, studio
from core.characters.sheets import page_prompt
from pages import _jobs, _nav, _pictures_more, _ui

GRID = 6  # small pictures per row
NEWEST = 6  # versions of one page shown to pick from (the chosen one is always among them)

_nav.begin(_nav.PICTURES)
story = _ui.require_story("draft")
store = _ui.store()
settings = _ui.settings()
draft = story.draft


def _draw(story, label: str, page_ids=None, seed=None, unpinned=False) -> None:
    """Draw as a job of the story: it goes on when the person leaves the page (`core.jobs`)."""
    variants = int(st.session_state.get("pictures_variants", 1))
    params = {"page_ids": page_ids, "seed": seed, "variants": variants, "unpinned": unpinned}
    _jobs.start(story, "pictures", params, label=label)


drawing = _jobs.panel(story, key="pictures", kinds=("pictures", "versions"))
missing = [page.id for page in story.pages_without_picture()]
pinned = sum(studio.is_pinned(story, page.id) for page in draft.pages)
left, middle, right = st.columns([2, 2, 1], vertical_alignment="bottom")
label = "Draw the missing picture" if len(missing) == 1 else f"Draw the {len(missing)} missing pictures"
if missing and left.button(label, type="primary", key="pictures_missing", disabled=drawing):
    _draw(story, "Drawing pictures", missing)
if not missing:  # the redraw button comes first when nothing is missing
    left, middle = middle, left
if pinned and middle.button(f"Redraw the {len(draft.pages) - pinned} unpinned pages", key="pictures_unpinned"):
    _draw(story, "Drawing pictures", unpinned=True)
elif not pinned and middle.button("Draw a new picture for every page", key="pictures_all"):
    _draw(story, "Drawing pictures")
right.number_input(
    "Pictures per page",
    1,
    studio.MAX_VARIANTS,
    1,
    key="pictures_variants",
    help="Several pictures of each page, drawn in one batch, to compare side by side below.",
)


def _grid(story_id: str) -> None:
    """The small pictures of every page and the page open for work: a panel of its own, so picking
    a page or outlining a region draws this again, not the whole page."""
    store, settings = _ui.store(), _ui.settings()
    story = store.load(story_id)  # as saved now: a fragment's own reruns must not draw an old copy
    draft = story.draft
    numbered = list(enumerate(draft.pages, start=1))
    for row in range(0, len(numbered), GRID):
        for cell, (number, each) in zip(st.columns(GRID), numbered[row : row + GRID]):
            picture = story.picture(each.id)
            mark = " · pinned" if studio.is_pinned(story, each.id) else ""
            if picture:
                cell.image(
                    str(store.thumbnail(story.id, picture.image, 200)),
                    caption=f"Page {number}{mark}",
                    alt=alt_text.page_alt(story, each.id, number),
                )
            else:
                cell.caption(f"Page {number}: no picture yet")

    st.divider()
    number = st.selectbox(
        "Work on page", range(1, len(draft.pages) + 1), key="pictures_page", format_func=lambda n: f"Page {n}"
    )
    page = draft.pages[number - 1]
    scene = story.scenes.get(page.id)
    made = len(scene.variants) if scene else 0
    chosen = story.picture(page.id)
    text_col, image_col = st.columns([2, 3])
    with text_col:
        st.markdown(_ui.literal(page.text))
        prompt = st.text_area("Picture prompt", page.prompt, key=f"pictures_prompt_{draft.id}_{page.id}")
        seed = st.number_input(
            "Seed", 0, 2**31 - 1, studio.next_seed(story, page.id), key=f"pictures_seed_{page.id}_{made}"
        )
        with _ui.shows_errors():
            note = studio.prompt_note(store, story, providers.illustrator_for(settings), prompt)
            if note:
                st.caption(note)
        a, b = st.columns(2)
        new_picture = a.button("New picture", key="pictures_new", width="stretch")
        seeded = b.button("Redraw with seed", key="pictures_seeded", width="stretch")
        if new_picture or seeded:
            with _ui.shows_errors():
                if prompt != page.prompt:  # either button draws the prompt as the person left it
                    studio.set_prompt(store, story, page.id, prompt)
                _draw(story, f"Drawing page {number}", [page.id], int(seed) if seeded else None)
    with image_col:
        if chosen is None:
            st.info("No picture yet.")
        else:
            st.image(str(store.thumbnail(story.id, chosen.image, 380)), alt=alt_text.page_alt(story, page.id, number))
            _ui.engine_line(chosen.engine, f"{chosen.model} · seed {chosen.seed} · {chosen.width}×{chosen.height}")
            if chosen.prompt != page_prompt(story, page).text:
                st.caption("Drawn from an earlier prompt.")

    if chosen is not None and made > 1:
        # Each version keeps its number (#1 is the first ever drawn) on its small picture and in the picker.
        number_of = {v.id: n for n, v in enumerate(scene.variants, start=1)}
        shown = scene.variants[-NEWEST:]
        if chosen.id in {v.id for v in shown}:
            if made > NEWEST:
                st.caption(f"The newest {len(shown)} of the {made} versions.")
        else:
            shown = [chosen, *shown[1:]]
            st.caption(f"The one in use and the newest {len(shown) - 1} of the {made} versions.")
        for thumb, variant in zip(st.columns(NEWEST), shown):
            thumb.image(
                str(store.thumbnail(story.id, variant.image, 160)),
                caption=f"#{number_of[variant.id]}  \nseed {variant.seed}",
                alt=alt_text.page_alt(story, page.id, number, lead=f"Version #{number_of[variant.id]} of "),
            )
        ids = [v.id for v in shown]
        pick = st.radio(
            "Use picture",
            ids,
            index=ids.index(chosen.id),
            horizontal=True,
            key=f"pictures_pick_{page.id}_{made}_{chosen.id}",  # chosen elsewhere (a version, a pin): a fresh picker
            format_func=lambda i: f"#{number_of[i]}",
        )
        if pick != chosen.id:
            with _ui.shows_errors():
                studio.choose_variant(store, story, page.id, pick)
                st.rerun()  # the whole page: the sidebar shows the story's new revision

    if chosen is not None:
        _pictures_more.pin_box(store, story, page, number)
        _pictures_more.region(store, story, settings, page, chosen)
    _pictures_more.versions(store, story, drawing)


_nav.panel(_grid)(story.id)

_nav.link(_nav.UPSCALE)
