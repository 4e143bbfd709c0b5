"""A class's steps that need the studio: the teacher's archive of every pupil's book, and the
class's reading level (checked against the levels a teacher can pick)."""

from __future__ import annotations

import io
import json
import zipfile

from core.people.access import PersonStore
from core.people.classes import Classroom, Classrooms
from core.people.spaces import Person
from core.reading.levels import level_of
from core.studio.export import book_pdf
from core.text import safe_filename


def set_class_reading_level(classes: Classrooms, class_id: str, by: Person, level: str | None) -> Classroom:
    """The reading level new stories in the class start at, by its name or key (None or "": none)."""
    return classes.set_reading_level(class_id, by, level_of(level).key if level else None)


def class_archive(classes: Classrooms, class_id: str, store: PersonStore) -> bytes:
    """One ZIP of the class for its teacher: per pupil, each story's JSON and its PDF (the
    last one exported, else one made now; a story without a draft has no PDF)."""
    room = classes.get(class_id, store.person)
    buffer = io.BytesIO()
    index = []
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for pupil, summary in classes.stories(class_id, store):
            story = store.load(summary.id)
            folder = safe_filename(pupil.name if pupil else "Teacher") + (f"-{pupil.id[5:9]}" if pupil else "")
            stem = f"{folder}/{safe_filename(story.title)}"
            while stem in used:
                stem += "-" + story.id[:4]
            used.add(stem)
            archive.writestr(f"{stem}.json", story.model_dump_json(indent=1))
            pdf = None
            latest = story.latest_export("pdf")
            if latest and store.export_path(story.id, latest.token).exists():
                pdf = store.export_path(story.id, latest.token).read_bytes()
            elif story.draft is not None:
                pdf = book_pdf(store, story)
            if pdf:
                archive.writestr(f"{stem}.pdf", pdf)
            index.append(
                {
                    "pupil": pupil.name if pupil else None,
                    "title": story.title,
                    "story": story.id,
                    "files": [f"{stem}.json"] + ([f"{stem}.pdf"] if pdf else []),
                }
            )
        archive.writestr(
            "class.json",
            json.dumps({"class": room.name, "code": room.code, "stories": index}, indent=1, ensure_ascii=False),
        )
    return buffer.getvalue()
