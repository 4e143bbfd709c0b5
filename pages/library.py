"""Every story this person may see: open, duplicate, share (a shared studio), delete (with a confirm),
and its history (who changed what and when: the owner of a class or team space sees it for every
story there).

The list comes from the store as this session's person sees it, so it holds their own stories and
those shared with them, nothing else; what each may do (`summary.level`) only decides which buttons
are drawn; core refuses the rest anyway.
"""

import streamlit as st

from core import studio
from core.export.archive import export_zip, import_zip
from core.studio import Level
from core.text import safe_filename
from pages import _identity, _jobs, _nav, _ui

_nav.begin(_nav.LIBRARY)
store = _ui.store()
shared_studio = _identity.shared(_ui.settings())
pupil = _identity.current_seat()


def import_box() -> None:
    """A story ZIP (from 'Download as ZIP', here or in another studio) becomes a new story of theirs."""
    done = st.session_state.pop("library_imported", None)
    with st.expander("Import a story from a ZIP", expanded=done is not None):
        if done:
            st.success(f"Imported '{done}': it is yours, in the list above.")
        uploads = st.session_state.setdefault("library_import_round", 0)  # a new uploader after each import
        upload = st.file_uploader("Story ZIP", type=["zip"], key=f"library_import_{uploads}")
        if upload is not None and st.button("Import it", key="library_import_go"):
            with _ui.shows_errors():
                st.session_state["library_imported"] = import_zip(store, upload.getvalue()).title
                st.session_state["library_import_round"] = uploads + 1
                st.rerun()  # the whole page: the sidebar counts the space's stories against its limits


MODES = {"view": "Read only", "edit": "Can edit"}


def share_box(where, story_id: str) -> None:
    """Share one story with a person (by e-mail or id) or the whole space; list and revoke shares."""
    box = where.popover("Share")
    access = store.access(story_id)  # the owner's own story: readable
    with _ui.shows_errors():
        for share in access.shares:
            who = "everyone in this space" if share.kind == "space" else share.label or share.target
            line, revoke = box.columns([3, 1])
            line.caption(f"{_ui.literal(who)} · {MODES[share.mode].lower()}")
            if revoke.button("Revoke", key=f"library_revoke_{story_id}_{share.kind}_{share.target}"):
                store.revoke(story_id, None if share.kind == "space" else share.target)
                _ui.rerun_panel()
    person = box.text_input(
        "E-mail address or person id",
        key=f"library_share_with_{story_id}",
        placeholder="name@example.com, or oidc:… / link:…",
    )
    mode = box.radio("They may", list(MODES), format_func=MODES.get, key=f"library_share_mode_{story_id}")
    if box.button("Share with this person", key=f"library_share_{story_id}", disabled=not person.strip()):
        with _ui.shows_errors():
            store.share(story_id, person, mode)
            _ui.rerun_panel()
    if store.spaces.get(access.space).kind == "person":
        return  # a person's own space has nobody else in it
    if box.button("Share with everyone in this space", key=f"library_share_space_{story_id}"):
        with _ui.shows_errors():
            store.share(story_id, None, mode)
            _ui.rerun_panel()


def history_box(where, story_id: str) -> None:
    """Who changed the story, what and when, newest first (the store keeps the last 500)."""
    box = where.expander("History")
    entries = store.history(story_id)
    if not entries:
        box.caption("No changes recorded yet.")
        return
    box.dataframe(
        [
            {"Rev.": e.revision, "When (UTC)": f"{e.time:%d %b %H:%M:%S}", "Step": e.step, "Who": e.by}
            for e in reversed(entries)
        ],
        hide_index=True,
        key=f"library_history_{story_id}",
    )


def _stories() -> None:
    """The list and the import box: a panel of its own, so sharing a story or revoking a share (which
    nothing outside the list shows) draws the list again, not the whole page."""
    stories = studio.library(store)
    if not stories:
        st.info("No stories yet.")
        _nav.link(_nav.PHOTO, "Start with a photo")
        import_box()
        return
    _jobs.library_panel({s.id: s.title for s in stories})
    st.caption(f"{len(stories)} {'story' if len(stories) == 1 else 'stories'}, saved as they change.")
    for summary in stories:
        thumb, info, actions = st.columns([1, 4, 2])
        if summary.thumbnail and summary.thumbnail.exists():
            thumb.image(str(summary.thumbnail), width=96, alt=f"The first picture of {summary.title}")
        shared_note = ""
        if summary.level < Level.OWN:
            shared_note = " · shared with you, " + ("read-only" if summary.level == Level.VIEW else "you can edit it")
        size = "campaign" if summary.kind == "campaign" else f"{summary.pages} pages"
        info.markdown(
            f"**{_ui.literal(summary.title)}**  \n{size} · changed {summary.updated:%Y-%m-%d %H:%M} UTC" + shared_note
        )
        if actions.button("Open", key=f"library_open_{summary.id}", type="primary"):
            if summary.kind == "campaign":
                _ui.open_story(summary.id, page=_nav.CAMPAIGN)
            else:
                _ui.open_story(summary.id, page=_nav.DRAFT if summary.pages else _nav.CAPTION)
        if shared_studio and summary.level == Level.OWN and pupil is None:  # in a class, the teacher shares
            share_box(actions, summary.id)
        history_box(info, summary.id)
        more = actions.popover("More")
        more.download_button(
            "Download as ZIP",
            lambda story_id=summary.id: export_zip(store, store.load(story_id)),
            file_name=f"{safe_filename(summary.title)}.zip",
            mime="application/zip",
            key=f"library_zip_{summary.id}",
            on_click="ignore",
            help="The story, its photo, pictures and PDFs: import it into another studio or space.",
        )
        if more.button("Duplicate", key=f"library_duplicate_{summary.id}"):
            with _ui.shows_errors():
                studio.duplicate_story(store, summary.id)
                st.rerun()  # the whole page: the sidebar counts the space's stories against its limits
        if summary.level < Level.OWN:
            continue  # only its owner deletes a story
        more.caption("Its published PDFs stop downloading: their links and QR codes will answer that they are gone.")
        confirm = more.checkbox("Yes, delete it for good", key=f"library_confirm_{summary.id}")
        if more.button("Delete", key=f"library_delete_{summary.id}", disabled=not confirm):
            with _ui.shows_errors():
                studio.delete_story(store, summary.id, publisher=_ui.publisher())
                if st.session_state.get("story_id") == summary.id:
                    st.session_state.pop("story_id")
                    st.query_params.clear()
                st.rerun()  # the whole page: its address and sidebar may show it, its limits count it
    import_box()


_nav.panel(_stories)()
