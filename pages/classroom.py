"""A teacher's classes: open one, show its code and QR code, see every pupil's stories and what
they did, reset a pupil's link or take them out, review before printing, close (and reopen) it and
download everything as one ZIP.

A pupil sees their own place here (their class and their link). Everything is decided in
`core.people.classes`, reached through `core.studio`; this page only draws it.
"""

import streamlit as st

from core import studio
from core.export.qr import qr_image
from core.reading.levels import LEVEL_KEYS, LEVELS
from core.text import safe_filename
from pages import _identity, _nav, _ui

_nav.begin(_nav.CLASSROOM)
settings = _ui.settings()
base_url = _ui.base_url(settings)

if not _identity.shared(settings):
    st.info(
        "Classes need a shared studio: pupils join from their own devices, so the studio must run with "
        "sign-in for the teacher (see 'Classes' in the README). A personal studio is one person's."
    )
    st.stop()

seat = _identity.current_seat()
if seat is not None:
    st.markdown(f"You are in **{_ui.literal(seat.class_name)}** as **{_ui.literal(seat.person.name)}**.")
    st.write(
        "Your stories are in the Library; your teacher can read them, nobody else can unless your teacher "
        "shares one. This is your private link: bookmark it, and keep it to yourself."
    )
    st.code(f"{base_url}/?space={st.session_state.get('space_key', '')}", language=None)
    _nav.link(_nav.PHOTO, "Start a story")
    st.stop()

who: studio.Person = _ui.person()
classes = studio.classrooms(settings)
store = _ui.store()

with st.expander("Open a new class", expanded=not classes.classes_of(who)):
    with st.form("classroom_new", border=False):
        name = st.text_input("Class name", placeholder="Class 4b", max_chars=80, key="classroom_name")
        if st.form_submit_button("Open the class", type="primary"):
            with _ui.shows_errors():
                st.session_state["classroom_id"] = classes.open_class(who, name).id

rooms = classes.classes_of(who)
if not rooms:
    st.info("You have no classes yet. Pupils join a class with its code and their first name, without accounts.")
    st.stop()

ids = [room.id for room in rooms]
names = {room.id: room.name + ("" if room.open else " (closed)") for room in rooms}
chosen = st.session_state.get("classroom_id")
class_id = st.selectbox(
    "Class", ids, format_func=names.get, index=ids.index(chosen) if chosen in ids else 0, key="classroom_pick"
)
st.session_state["classroom_id"] = class_id
room = classes.get(class_id, who)

if room.open:
    join_url = f"{base_url}/classroom?join={room.code}"
    code_box, qr_box = st.columns([2, 1])
    code_box.markdown(f"## Class code: `{room.code}`")
    code_box.caption(
        "Pupils open the studio, type this code and their first name (no account, no e-mail), or scan the QR "
        f"code. Each gets a private link of their own. Join link: {join_url}"
    )
    qr_box.image(qr_image(join_url), caption="Scan to join", width=200, alt=f"QR code of the join link {join_url}")
    review = st.toggle(
        "Review each story before pupils print it",
        room.review,
        key=f"classroom_review_{room.id}",
        help="A pupil's PDF export is refused until you approve that story here.",
    )
    if review != room.review:
        room = classes.set_review(room.id, who, review)
    level_keys = ["", *LEVEL_KEYS]
    level = st.selectbox(
        "Reading level of new stories",
        level_keys,
        index=level_keys.index(room.reading_level or ""),
        format_func=lambda key: LEVELS[key].label if key else "None (each story picks its own)",
        key=f"classroom_level_{room.id}",
        help="Every page of a story is measured against it on the Draft page; a story can change it.",
    )
    if level != (room.reading_level or ""):
        room = studio.set_class_reading_level(classes, room.id, who, level or None)
else:
    st.info("This class is closed: its code and every pupil link no longer work. You keep every story.")
    if st.button("Reopen the class (with a new code; pupils' links work again)", key=f"classroom_reopen_{room.id}"):
        classes.reopen(room.id, who)
        st.rerun()

stories = classes.stories(room.id, store)
blocked: dict[str, list] = {}  # what the safety check stopped, per person (kept with the class)
for attempt in classes.blocked(room.id, who):
    blocked.setdefault(attempt.person, []).append(attempt)
deleted: dict[str, list] = {}  # stories deleted from the class, per owner (their history went with them)
for gone in store.deletions(room.id):
    deleted.setdefault(gone.owner, []).append(gone)


def _show_deleted(gone: list) -> None:
    st.markdown(f"**Deleted ({len(gone)})**")
    st.dataframe(
        [{"When (UTC)": f"{d.time:%d %b %H:%M}", "Story": d.title, "Deleted by": d.name or d.person} for d in gone],
        hide_index=True,
        width="stretch",
    )


def _show_blocked(attempts: list) -> None:
    """The teacher's full view of what was stopped: when, what for, which story, the text, why."""
    st.markdown(f"**Stopped by the safety check ({len(attempts)})**")
    st.dataframe(
        [
            {
                "When (UTC)": f"{a.at:%d %b %H:%M}",
                "For": a.what,
                "Story": a.title,
                "Text": a.text,
                "Why": "; ".join(a.reasons),
            }
            for a in attempts
        ],
        hide_index=True,
        width="stretch",
    )


by_pupil: dict[str, list] = {}
for pupil, summary in stories:
    by_pupil.setdefault(pupil.id if pupil else "", []).append(summary)

st.header(f"Pupils ({len(room.pupils)})")
if not room.pupils:
    st.caption("Nobody has joined yet.")


def history(pupil_id: str, own: list) -> None:
    """What one pupil did, newest first, across their stories (from each story's audit trail)."""
    entries = sorted(
        ((e, summary.title) for summary in own for e in store.history(summary.id)), key=lambda pair: pair[0].time
    )
    if entries:
        st.caption("What they did")
        st.dataframe(
            [
                {"When (UTC)": f"{e.time:%d %b %H:%M}", "Story": title, "Step": e.step, "Who": e.by}
                for e, title in reversed(entries[-50:])
            ],
            hide_index=True,
            key=f"classroom_history_{pupil_id}",
        )


for pupil in room.pupils:
    own = by_pupil.get(pupil.id, [])
    stopped = blocked.get(pupil.id, [])
    flag = f" · {len(stopped)} stopped by the safety check" if stopped else ""
    with st.expander(f"{pupil.name} · {len(own)} {'story' if len(own) == 1 else 'stories'}{flag}"):
        if stopped:
            _show_blocked(stopped)
        if deleted.get(pupil.id):
            _show_deleted(deleted[pupil.id])
        for summary in own:
            line, open_box, read_box, approve_box = st.columns([4, 1, 1, 2])
            line.markdown(f"**{_ui.literal(summary.title)}**  \n{summary.pages} pages")
            if open_box.button("Open", key=f"classroom_open_{summary.id}"):
                _ui.open_story(summary.id)
            if summary.pages and read_box.button("Read aloud", key=f"classroom_read_{summary.id}"):
                _ui.open_story(summary.id, _nav.READ_ALOUD)
            if room.review and summary.id in room.approved:
                approve_box.caption("Approved for printing")
                if approve_box.button("Withdraw approval", key=f"classroom_withdraw_{summary.id}"):
                    studio.approve_story(classes, room.id, who, summary.id, approved=False)
                    st.rerun()
            elif room.review and approve_box.button("Approve printing", key=f"classroom_approve_{summary.id}"):
                studio.approve_story(classes, room.id, who, summary.id)
                st.rerun()
        if room.open and st.button("Reset this pupil's link", key=f"classroom_reset_{pupil.id}"):
            with _ui.shows_errors():
                st.session_state[f"classroom_link_{pupil.id}"] = classes.reset_link(room.id, who, pupil.id)
        new_key = st.session_state.get(f"classroom_link_{pupil.id}")
        if new_key:
            st.caption(f"{pupil.name}'s new link (the old one no longer works): give it to them only.")
            st.code(f"{base_url}/?space={new_key}", language=None)
        history(pupil.id, own)
        sure = st.checkbox(
            f"Take {pupil.name} out of the class (their link stops; you keep their stories)",
            key=f"classroom_remove_sure_{pupil.id}",
        )
        if st.button("Remove from the class", key=f"classroom_remove_{pupil.id}", disabled=not sure):
            classes.remove_pupil(room.id, who, pupil.id)
            st.rerun()
for pupil in room.former:
    own = by_pupil.get(pupil.id, [])
    with st.expander(f"{pupil.name} (no longer in the class) · {len(own)} {'story' if len(own) == 1 else 'stories'}"):
        for summary in own:
            line, open_box = st.columns([4, 1])
            line.markdown(f"**{_ui.literal(summary.title)}**  \n{summary.pages} pages")
            if open_box.button("Open", key=f"classroom_open_{summary.id}"):
                _ui.open_story(summary.id)
        history(pupil.id, own)

if blocked.get(who.id):
    with st.expander(f"Your own attempts stopped by the safety check ({len(blocked[who.id])})"):
        _show_blocked(blocked[who.id])

st.header("All the class's stories")
st.download_button(
    f"Download every story as a ZIP ({len(stories)} stories: PDF and story file)",
    lambda: studio.class_archive(classes, room.id, store),
    file_name=f"{safe_filename(room.name)}.zip",
    mime="application/zip",
    key=f"classroom_zip_{room.id}",
    on_click="ignore",
    disabled=not stories,
)
if room.open:
    confirm = st.checkbox("Yes, close this class: pupils' links stop working", key=f"classroom_confirm_{room.id}")
    if st.button("Close the class", disabled=not confirm, key=f"classroom_close_{room.id}"):
        classes.close(room.id, who)
        st.rerun()
