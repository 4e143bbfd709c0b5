"""One function per subcommand: parse what argparse gave, call the `core.studio` steps, print.

Every decision about a story is the studio's; these functions only pick the story, build the
engines the settings name, turn progress into stderr lines and print the result on stdout. A
problem a person can fix is raised as a StudioError (exit 2).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

from core import providers, studio
from core.cli.output import print_draft, print_pictures, print_story, run
from core.cli.parser import MODEL_FLAGS
from core.errors import InputError
from core.limits import Limits
from core.publish import StaticFolder
from core.settings import Settings, load_settings
from core.spaces import Person, valid_person_id
from core.store import Store, StoryNotFound
from core.story import STORY_ID, Story, StoryPage

STORY_FIELDS = ("pages", "style", "audience", "genre", "tone", "aspect", "seed")
DEFAULT_BASE_URL = "http://localhost:8501"


# --- shared -----------------------------------------------------------------------------


def settings_of(args: argparse.Namespace) -> Settings:
    """The settings, with what the command line named on top (a flag left out changes nothing)."""
    overrides = {capability: getattr(args, capability, None) for capability in providers.CAPABILITIES}
    overrides.update({f"model_{name}": getattr(args, f"model_{name}", None) for name in MODEL_FLAGS})
    overrides.update(
        illustrator_steps=getattr(args, "steps", None),
        illustrator_size=getattr(args, "size", None),
        data_dir=args.data_dir,
    )
    return load_settings(overrides=overrides)


def find_story(store: Store, wanted: str) -> Story:
    """The story with this id, or with the only id that starts with it (at least 4 characters)."""
    wanted = wanted.strip().lower()
    if STORY_ID.match(wanted):
        matches = [wanted]
    elif re.fullmatch(r"[0-9a-f]{4,31}", wanted):
        matches = [s.id for s in studio.library(store) if s.id.startswith(wanted)]
    else:
        matches = []
    if len(matches) > 1:
        raise InputError(f"'{wanted}' is the start of {len(matches)} story ids; give more of it.")
    if matches:
        try:
            return store.load(matches[0])
        except StoryNotFound:
            pass
    raise InputError(f"There is no story '{wanted}' in {store.root}; `python -m core list` shows the stories.")


def page_of(story: Story, number: int) -> StoryPage:
    pages = story.draft.pages if story.draft else []
    if not pages:
        raise InputError("There is no draft yet: run `python -m core write ID` first.")
    if not 1 <= number <= len(pages):
        raise InputError(f"This story has {len(pages)} pages; choose --page between 1 and {len(pages)}.")
    return pages[number - 1]


def publisher_for(settings: Settings) -> StaticFolder:
    """Streamlit's static folder, at the address a phone reaches this studio by (for the QR code)."""
    return StaticFolder(settings.static_dir, settings.public_base_url or DEFAULT_BASE_URL)


def glossary_of(pairs: list[str]) -> dict[str, str]:
    wrong = [pair for pair in pairs if "=" not in pair]
    if wrong:
        raise InputError(f"A glossary entry is NAME=WANTED, not '{wrong[0]}'.")
    return dict(pair.split("=", 1) for pair in pairs)


def check_bilingual(args: argparse.Namespace) -> None:
    if args.bilingual and not args.language:
        raise InputError("--bilingual prints two languages: name the translation with --language.")


def _export(store: Store, story: Story, settings: Settings, args: argparse.Namespace) -> Path:
    """Export as `make` and `export` were asked; the PDF's path in the store."""
    publisher = publisher_for(settings) if args.publish else None
    events = studio.export_pdf(
        store, story, publisher=publisher, page_size=args.page_size, language=args.language,
        bilingual=args.bilingual, safety=providers.safety_for(settings),
    )  # fmt: skip
    run(events, "pdf")
    record = story.exports[-1]
    if publisher:
        print(f"published at {record.url}", file=sys.stderr)
    return store.export_path(story.id, record.token)


# --- the subcommands --------------------------------------------------------------------


def make(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    if not args.photo.is_file():
        raise InputError(f"There is no photo at {args.photo}.")
    check_bilingual(args)
    glossary = glossary_of(args.glossary)
    # Ask for every engine before any work, so a missing translator or model fails fast.
    vision = None if args.caption else providers.vision_for(settings)
    writer = providers.writer_for(settings)
    illustrator = providers.illustrator_for(settings)
    upscaler = providers.upscaler_for(settings) if args.upscale else None
    translator = providers.translator_for(settings) if args.language else None
    story = studio.start_story(store, args.photo.read_bytes(), args.photo.name)
    print(f"story {story.id} (saved in {store.folder(story.id)})", file=sys.stderr)
    studio.update_settings(store, story, **{name: getattr(args, name) for name in STORY_FIELDS})
    if args.caption:
        studio.edit_caption(store, story, args.caption)
    else:
        run(studio.caption(store, story, vision), "caption")
    run(studio.write_draft(store, story, writer), "story")
    run(studio.illustrate(store, story, illustrator, safety=providers.safety_for(settings)), "pictures")
    if upscaler:
        run(studio.upscale(store, story, upscaler, args.upscale), "upscale")
    if translator:
        run(studio.translate(store, story, translator, args.language, glossary=glossary), "translate")
    pdf = _export(store, story, settings, args)
    args.out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdf, args.out / "story.pdf")
    (args.out / "story.json").write_text(story.model_dump_json(indent=1), encoding="utf-8")
    print(args.out / "story.pdf")
    if args.publish:
        print(story.exports[-1].url)


def list_stories(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    summaries = studio.library(store)
    if args.json:
        rows = [{"id": s.id, "title": s.title, "updated": s.updated.isoformat(), "pages": s.pages} for s in summaries]
        print(json.dumps(rows, indent=1, ensure_ascii=False))
        return
    if not summaries:
        print(f"No stories in {store.root} yet: `python -m core make PHOTO --out DIR` makes one.", file=sys.stderr)
    for s in summaries:
        print(f"{s.id}  {s.updated:%Y-%m-%d %H:%M}  {s.pages:2d} pages  {s.title}")


def show(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    story = find_story(store, args.id)
    if args.json:  # the story document, with its history (who changed what and when) beside it
        document = json.loads(story.model_dump_json())
        document["history"] = [json.loads(entry.model_dump_json()) for entry in store.history(story.id)]
        print(json.dumps(document, indent=1, ensure_ascii=False))
        return
    print_story(story)


def caption(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    story = find_story(store, args.id)
    if args.text is not None:
        if not studio.edit_caption(store, story, args.text):
            print("The caption is already this; nothing changed.", file=sys.stderr)
    else:
        run(studio.caption(store, story, providers.vision_for(settings)), "caption")
    print(story.caption)


def write(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    story = find_story(store, args.id)
    writer = providers.writer_for(settings)
    changes = {name: getattr(args, name) for name in STORY_FIELDS if getattr(args, name) is not None}
    if changes:
        studio.update_settings(store, story, **changes)
    run(studio.write_draft(store, story, writer), "story")
    print_draft(story)


def revise(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    story = find_story(store, args.id)
    run(studio.revise(store, story, providers.writer_for(settings), args.instruction), "story")
    print_draft(story)


def enlarge(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    story = find_story(store, args.id)
    run(studio.extend(store, story, providers.writer_for(settings), args.pages), "story")
    print_draft(story)


def illustrate(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    story = find_story(store, args.id)
    if args.prompt is not None and args.page is None:
        raise InputError("--prompt changes one page's picture prompt: say which with --page N.")
    page_ids = [page_of(story, args.page).id] if args.page else None
    illustrator = providers.illustrator_for(settings)
    if args.prompt is not None:
        studio.set_prompt(store, story, page_ids[0], args.prompt)
    run(
        studio.illustrate(
            store, story, illustrator, page_ids=page_ids, seed=args.seed, safety=providers.safety_for(settings)
        ),
        "pictures",
    )
    print_pictures(story, store, set(page_ids) if page_ids else None)


def upscale(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    story = find_story(store, args.id)
    page_ids = [page_of(story, args.page).id] if args.page else None
    run(studio.upscale(store, story, providers.upscaler_for(settings), args.factor, page_ids=page_ids), "upscale")
    print_pictures(story, store, set(page_ids) if page_ids else None, upscaled=True)


def translate(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    story = find_story(store, args.id)
    glossary = glossary_of(args.glossary)
    run(
        studio.translate(
            store,
            story,
            providers.translator_for(settings),
            args.language,
            formality=args.formality,
            glossary=glossary or None,
        ),
        "translate",
    )
    translation = story.translation(args.language)
    print(translation.title)
    for number, text in enumerate(translation.pages, start=1):
        print(f"\n[{number}] {text}")


def export(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    story = find_story(store, args.id)
    check_bilingual(args)
    pdf = _export(store, story, settings, args)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf, args.out)
        pdf = args.out
    print(pdf)
    if args.publish:
        print(story.exports[-1].url)


def delete(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    story = find_story(store, args.id)
    if not args.yes:
        if not sys.stdin.isatty():
            raise InputError("Deleting cannot be undone: add --yes to delete without being asked.")
        published = f" and unpublish its {len(story.exports)} PDF(s)" if story.exports else ""
        try:
            answer = input(f"Delete '{story.title}' ({story.id}){published}? [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            raise InputError("Nothing was deleted.")
    unpublished = studio.delete_story(store, story.id, publisher=publisher_for(settings))
    print(f"deleted {story.id}" + (f" and unpublished its {unpublished} PDF(s)" if unpublished else ""))


COMMANDS = {
    "make": make,
    "list": list_stories,
    "show": show,
    "caption": caption,
    "write": write,
    "revise": revise,
    "enlarge": enlarge,
    "illustrate": illustrate,
    "upscale": upscale,
    "translate": translate,
    "export": export,
    "delete": delete,
}


def dispatch(args: argparse.Namespace) -> None:
    settings = settings_of(args)
    if args.command == "serve":  # the model service keeps no stories
        from core.serve.cli import serve

        return serve(args, settings)
    store = Store(settings.data_dir).as_person(person_of(args), limits=Limits.from_settings(settings))
    COMMANDS[args.command](args, settings, store)


def person_of(args: argparse.Namespace) -> Person:
    """Who the command line works as: the personal studio's one person unless `--as` names another."""
    wanted = getattr(args, "as_person", None)
    if not wanted:
        return Person.personal()
    return Person(id=valid_person_id(wanted))
