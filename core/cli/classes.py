"""A teacher's classes from the command line: the same calls as the Classroom page
(`core.people.classes.Classrooms`), as the teacher `--as` names.

    python -m core class open "Class 4b"          # prints the class id and its code
    python -m core class list
    python -m core class show CLASS_ID             # code, pupils, their stories
    python -m core class review CLASS_ID on|off
    python -m core class approve CLASS_ID STORY_ID [--withdraw]
    python -m core class reset-link CLASS_ID --pupil NAME_OR_ID   # prints the new private link's key
    python -m core class remove CLASS_ID --pupil NAME_OR_ID
    python -m core class close CLASS_ID
    python -m core class reopen CLASS_ID
    python -m core class archive CLASS_ID --out class.zip
"""

from __future__ import annotations

import argparse

from core import studio
from core.errors import InputError
from core.people.classes import Classroom, Classrooms
from core.settings import Settings
from core.storage.store import Store


def run_class(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    classes, teacher = Classrooms(store.data), store.person
    if args.action == "list":
        for room in classes.classes_of(teacher):
            state = f"code {room.code}" if room.open else "closed"
            print(f"{room.id}  {room.name}  ({state}, {len(room.pupils)} pupils)")
        return
    if not args.name_or_id:
        raise InputError(f"class {args.action} needs {'a name' if args.action == 'open' else 'a class id'}.")
    if args.action == "open":
        room = classes.open_class(teacher, args.name_or_id)
        print(f"{room.id}  {room.name}  code {room.code}")
        return
    room = classes.get(args.name_or_id, teacher)
    if args.action == "show":
        _show(room, classes, store)
    elif args.action == "review":
        if args.value not in ("on", "off"):
            raise InputError("class review needs on or off.")
        classes.set_review(room.id, teacher, args.value == "on")
        print(f"review before printing: {args.value}")
    elif args.action == "approve":
        if not args.value:
            raise InputError("class approve needs the story id.")
        studio.approve_story(classes, room.id, teacher, args.value, approved=not args.withdraw)
        print(f"{'withdrawn' if args.withdraw else 'approved'}: {args.value}")
    elif args.action == "reset-link":
        print(classes.reset_link(room.id, teacher, _pupil(room, args.pupil)))
    elif args.action == "remove":
        classes.remove_pupil(room.id, teacher, _pupil(room, args.pupil))
        print("removed; their stories stay with you")
    elif args.action == "close":
        classes.close(room.id, teacher)
        print("closed: the code and every pupil link no longer work")
    elif args.action == "reopen":
        print(f"open again, code {classes.reopen(room.id, teacher).code}")
    elif args.action == "archive":
        if args.out is None:
            raise InputError("class archive needs --out FILE.zip.")
        args.out.write_bytes(studio.class_archive(classes, room.id, store))
        print(args.out)


def _pupil(room: Classroom, wanted: str | None) -> str:
    """A pupil's id from their id or their first name (when no other pupil has it)."""
    if not wanted:
        raise InputError("Name the pupil with --pupil (their first name or id).")
    matches = [p for p in room.pupils if wanted in (p.id, p.name) or p.name.lower() == wanted.lower()]
    if len(matches) != 1:
        raise InputError(
            f"No pupil called {wanted} in this class."
            if not matches
            else f"Two pupils are called {wanted}: use the id."
        )
    return matches[0].id


def _show(room: Classroom, classes: Classrooms, store: Store) -> None:
    print(f"{room.name}  ({f'code {room.code}' if room.open else 'closed'}; review {'on' if room.review else 'off'})")
    stories = classes.stories(room.id, store)
    stopped = classes.blocked(room.id, store.person)  # what the safety check stopped (core.classroom.safety)
    deleted = store.deletions(room.id)  # a deleted story's history went with it: this is what is left
    for pupil in [*room.pupils, *room.former]:
        gone = " (no longer in the class)" if pupil in room.former else ""
        print(f"- {pupil.name}{gone}  {pupil.id}")
        for owner, summary in stories:
            if owner is not None and owner.id == pupil.id:
                approved = "  approved" if summary.id in room.approved else ""
                print(f"    {summary.id}  {summary.title}  ({summary.pages} pages){approved}")
        for gone_story in (d for d in deleted if d.owner == pupil.id):
            print(
                f"    deleted {gone_story.time:%Y-%m-%d %H:%M} UTC by {gone_story.name or gone_story.person}: "
                f"{gone_story.story}  {gone_story.title}"
            )
        for attempt in (a for a in stopped if a.person == pupil.id):
            text = " ".join(attempt.text.split())
            print(
                f"    stopped {attempt.at:%Y-%m-%d %H:%M} UTC, {attempt.what} in {attempt.story}: "
                f"{text!r}: {'; '.join(attempt.reasons)}"
            )


COMMANDS = {"class": run_class}
