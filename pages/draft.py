"""Step 4: the writer drafts the story; the person edits, revises, enlarges, compares and restores."""

import html

import streamlit as st

from core import studio
from core.errors import StudioError
from core.prompts import REVISIONS
from core.reading.levels import LEVEL_KEYS, LEVELS, page_levels
from core.story import MAX_PAGES
from pages import _jobs, _narration, _nav, _ui

_nav.begin(_nav.DRAFT)
story = _ui.require_story("caption")
store = _ui.store()
WRITING = ("draft", "revise", "enlarge", "fit-level")
writing = _jobs.panel(story, key="draft", kinds=WRITING)  # the story's jobs, started here or on any page


def _run(kind: str, params: dict, label: str) -> None:
    """Start the writer as a job of the story: it goes on if the person leaves the page, and the
    jobs panel above shows its words as they come. With the option on, each page's picture
    starts as soon as the page is written."""
    if kind in ("draft", "revise"):
        params = {**params, "pipelined": bool(st.session_state.get("draft_pipelined"))}
    _jobs.start(story, kind, params, label=label)


def _pipelined_option() -> None:
    st.toggle(
        "Draw the pictures while the story is written",
        key="draft_pipelined",
        help="Each page's picture starts as soon as the writer has finished that page. A revision "
        "redraws only the pages it changes.",
    )


draft = story.draft
if draft is None:
    st.write(
        f"The writer will turn your caption into a {story.settings.pages}-page story for {story.settings.audience}."
    )
    _pipelined_option()
    if st.button("Write the story", type="primary", key="draft_write", disabled=writing):
        _run("draft", {}, "Writing the story")
    st.stop()

_ui.engine_line(draft.engine if draft.author == "model" else "", draft.model)
if draft.incomplete:
    st.warning("This draft stopped before the end: revise it, or write a new draft.")


def _save_edits(draft_id: str, page_ids: list[str]) -> None:
    """The form's callback: it runs before the next script run, with the values this tab's form
    submitted and the draft that form showed, so an edit made in a tab whose draft has moved on
    (another tab, another person) is merged or kept as a draft of its own, never dropped."""
    state = st.session_state
    title = state[f"draft_title_{draft_id}"]
    edited = [(state[f"draft_text_{draft_id}_{i}"], state[f"draft_scene_{draft_id}_{i}"]) for i in page_ids]
    try:
        fresh = store.load(story.id)
        result = studio.edit_draft(store, fresh, title, edited, based_on=draft_id)
    except StudioError as error:
        state["draft_message"] = ("error", str(error))
        return
    if result.notice:
        state["draft_message"] = ("warning", result.notice)
    elif result.draft is None:
        state["draft_message"] = ("info", "Nothing changed.")


kind, message = st.session_state.pop("draft_message", (None, None))
if kind:
    getattr(st, kind)(message)

levels = page_levels(story)  # None until a reading level is picked
with st.form(f"draft_edit_{draft.id}"):
    st.text_input("Title", draft.title, key=f"draft_title_{draft.id}")
    for number, page in enumerate(draft.pages, start=1):
        st.text_area(f"Page {number}", page.text, key=f"draft_text_{draft.id}_{page.id}")
        if levels:
            (st.caption if levels[number - 1].in_band else st.warning)(levels[number - 1].summary())
        st.text_input(
            f"Key scene of page {number} (what its picture shows)", page.scene, key=f"draft_scene_{draft.id}_{page.id}"
        )
    st.form_submit_button("Save my edits", on_click=_save_edits, args=(draft.id, [p.id for p in draft.pages]))

st.header("Reading level")
level_keys = ["", *LEVEL_KEYS]
level_col, fit_col = st.columns([3, 1])
picked = level_col.selectbox(
    "Reading level (each page is measured against it)",
    level_keys,
    index=level_keys.index(story.settings.reading_level or ""),
    format_func=lambda key: LEVELS[key].label if key else "None",
    key="draft_level",
)
if picked != (story.settings.reading_level or ""):
    studio.update_settings(store, story, reading_level=picked or None)
    st.rerun()
if levels:
    outside = sum(not m.in_band for m in levels)
    level_col.caption(
        f"{outside} of {len(levels)} pages read outside the band: 'Fit the level' rewrites only those, as a new draft."
        if outside
        else f"Every page reads at {LEVELS[picked].band()}."
    )
fit_col.write("")
if picked and fit_col.button(
    "Fit the level", key="draft_fit_level", disabled=writing or (bool(levels) and all(m.in_band for m in levels))
):
    _run("fit-level", {"level": picked}, "Fitting the level")

st.header("Change the story")
_pipelined_option()
columns = st.columns(3)  # two rows of three: each label reads whole
for n, (key, label) in enumerate(REVISIONS.items()):
    if columns[n % 3].button(label, key=f"draft_revise_{key}", width="stretch", disabled=writing):
        _run("revise", {"instruction": label}, label)
free, go = st.columns([4, 1])
instruction = free.text_input(
    "Or say what to change", placeholder="Give the cat a name and a hat", key="draft_instruction"
)
go.write("")
if go.button("Revise", key="draft_revise_free", disabled=writing) and instruction:
    _run("revise", {"instruction": instruction}, "Revising")

left, right = st.columns(2)
with left:
    room = MAX_PAGES - len(draft.pages)
    if room > 0:
        extra = st.number_input("Pages to add", 1, room, min(2, room), key="draft_extra")
        if st.button("Enlarge the story", key="draft_extend", disabled=writing):
            _run("enlarge", {"pages": int(extra)}, "Enlarging")
    else:
        st.caption(f"The story has the most pages a book can have ({MAX_PAGES}).")
with right:
    seed = st.number_input(
        "Seed for a new draft", 0, 2**31 - 1, story.settings.seed + len(story.drafts), key="draft_seed"
    )
    if st.button("Write a new draft", key="draft_regenerate", disabled=writing):
        studio.update_settings(store, story, seed=int(seed))
        _run("draft", {}, "Writing a new draft")

st.header(f"Drafts ({len(story.drafts)})")


def _label(d) -> str:
    number = story.drafts.index(d) + 1
    parent = story.find_draft(d.parent) if d.parent else None
    origin = f" from #{story.drafts.index(parent) + 1}" if parent else ""
    chosen = " · chosen" if d.id == story.chosen_draft else ""
    return f"#{number} {d.instruction}{origin} · {d.engine or 'you'} · {d.created:%H:%M}{chosen}"


ids = [d.id for d in story.drafts]
pick = st.selectbox(
    "Draft", ids, index=ids.index(draft.id), key="draft_pick", format_func=lambda i: _label(story.find_draft(i))
)
if pick != draft.id and st.button("Use this draft", key="draft_choose"):
    studio.choose_draft(store, story, pick)
    st.rerun()

if len(story.drafts) > 1:
    with st.expander("Compare two drafts"):
        a_col, b_col = st.columns(2)
        older = a_col.selectbox(
            "Older",
            ids,
            index=max(len(ids) - 2, 0),
            key="draft_cmp_a",
            format_func=lambda i: _label(story.find_draft(i)),
        )
        newer = b_col.selectbox(
            "Newer", ids, index=len(ids) - 1, key="draft_cmp_b", format_func=lambda i: _label(story.find_draft(i))
        )
        runs = studio.word_diff(story.find_draft(older), story.find_draft(newer))
        styled = {" ": "{}", "-": "<del style='color:#b3261e'>{}</del>", "+": "<ins style='color:#1b6e20'>{}</ins>"}
        st.markdown(
            " ".join(styled[op].format(html.escape(text)) for op, text in runs), unsafe_allow_html=True
        )  # every word is escaped: nothing a model wrote is interpreted

with st.expander("Read aloud"):
    _narration.panel(story, key="draft")

_nav.link(_nav.PICTURES)
