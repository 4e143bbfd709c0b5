"""The steps of the studio as functions over a Story; the pages and the command line call these.

Each step takes the store, the story and the provider it needs, changes the story and saves it
through `commit`: a save names the revision it started from, and when someone saved meanwhile (a
second tab, a second person, a long step racing an edit) the change is applied again on top of the
newest revision, so nothing either of them made is lost; where two changes collide, the person's
edit is kept as a draft of its own and they are told.
Long steps are generators of progress events (`Token` for streamed text, `Progress` for "scene 3 of
8", `Notice` for something the person should know) and save after every finished piece, so the
story is consistent whenever the consumer stops iterating: a page that reruns mid-way, a person
pressing stop, a command line interrupted. A step that fails raises a StudioError and leaves the
story as it was before the failed piece.

The steps live in one module per job (`captions`, `drafts`, `pictures`, `translation`, `export`,
`narration`, `cast`, `level`, `stories`, `story_settings`, `photo`, `people` for who works where,
`engines` for what the chosen engines can do); `commit` holds the public
commit API (`commit`, `may_change`, `draft_of`, `put_picture`) that campaign steps, the pipelined
runner and picture choosing use as well. Everything a page, the CLI or another package calls is
re-exported here: `from core import studio; studio.illustrate(...)`.
"""

from core.studio.captions import ask, caption, edit_caption, restore_caption
from core.studio.cast import (
    add_character,
    edit_characters,
    propose_characters,
    replace_characters,
    use_library_character,
)
from core.studio.classes import approve_story, class_archive, set_class_reading_level
from core.studio.commit import commit, draft_of, may_change, put_picture
from core.studio.drafts import (
    Edited,
    brief,
    choose_draft,
    draft_from_stream,
    edit_draft,
    extend,
    revise,
    word_diff,
    write_draft,
    written,
)
from core.studio.engines import Capabilities, DeepLCheck, capabilities, check_deepl, made_by, remote_models
from core.studio.events import Event, Notice, Progress, Token
from core.studio.export import book_pdf, credits, export_file, export_pdf, printed_texts
from core.studio.level import fit_level
from core.studio.narration import narrate
from core.studio.people import (
    LINK_KEY,
    Level,
    Person,
    PersonStore,
    Publisher,
    Seat,
    Space,
    Store,
    add_to_team,
    classrooms,
    editable_teams,
    join_class,
    new_link_key,
    open_store,
    open_team,
    person_store,
    public_base_url,
    publisher,
    remember_person,
    seat_of,
    set_team_role,
    teams_of,
)
from core.studio.photo import open_image, photo_image, sample_caption, start_sample, start_story
from core.studio.pictures import (
    MAX_VARIANTS,
    add_variant,
    choose_variant,
    drawn_variant,
    illustrate,
    image_job,
    is_pinned,
    next_seed,
    page_seed,
    page_seed_after,
    pin,
    prompt_note,
    set_prompt,
    upscale,
)
from core.studio.stories import delete_story, duplicate_story, library
from core.studio.story_settings import update_settings
from core.studio.translation import edit_translation, retranslate_page, translate

__all__ = [
    "Capabilities",
    "capabilities",
    "DeepLCheck",
    "check_deepl",
    "made_by",
    "remote_models",
    "LINK_KEY",
    "Level",
    "Person",
    "PersonStore",
    "Publisher",
    "Seat",
    "Space",
    "Store",
    "add_to_team",
    "classrooms",
    "editable_teams",
    "join_class",
    "new_link_key",
    "open_store",
    "open_team",
    "person_store",
    "public_base_url",
    "publisher",
    "remember_person",
    "seat_of",
    "set_team_role",
    "teams_of",
    "approve_story",
    "set_class_reading_level",
    "MAX_VARIANTS",
    "Edited",
    "Event",
    "Notice",
    "Progress",
    "Token",
    "add_character",
    "add_variant",
    "ask",
    "book_pdf",
    "brief",
    "caption",
    "class_archive",
    "choose_draft",
    "choose_variant",
    "commit",
    "credits",
    "delete_story",
    "draft_from_stream",
    "draft_of",
    "drawn_variant",
    "duplicate_story",
    "edit_caption",
    "edit_characters",
    "edit_draft",
    "edit_translation",
    "export_file",
    "export_pdf",
    "extend",
    "fit_level",
    "illustrate",
    "image_job",
    "is_pinned",
    "library",
    "may_change",
    "narrate",
    "next_seed",
    "open_image",
    "page_seed",
    "page_seed_after",
    "photo_image",
    "pin",
    "put_picture",
    "printed_texts",
    "prompt_note",
    "propose_characters",
    "replace_characters",
    "restore_caption",
    "retranslate_page",
    "revise",
    "set_prompt",
    "sample_caption",
    "start_sample",
    "start_story",
    "translate",
    "update_settings",
    "upscale",
    "use_library_character",
    "word_diff",
    "write_draft",
    "written",
]
