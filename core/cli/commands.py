"""One function per subcommand: parse what argparse gave, call the `core.studio` steps, print.

Every decision about a story is the studio's; these functions only pick the story, build the
engines the settings name, turn progress into stderr lines and print the result on stdout. A
problem a person can fix is raised as a StudioError (exit 2).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from core import jobs, providers, studio
from core.cli import archives, classes, sharing
from core.cli.campaign import brand as brand_command
from core.cli.campaign import campaign as campaign_command
from core.cli.common import find_story, page_of, publisher_for, settings_of
from core.cli.output import print_draft, print_levels, print_pictures, print_story, run
from core.errors import InputError
from core.export.formats import FORMATS
from core.people.access import as_person
from core.people.limits import Limits
from core.people.spaces import Person, valid_person_id
from core.settings import Settings
from core.storage.datadir import data_dir_of
from core.storage.store import Store
from core.story import Story
from core.studio import choosing

STORY_FIELDS = ("pages", "style", "audience", "genre", "tone", "aspect", "seed")


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
    for_print = getattr(args, "format", "pdf") == "print-pdf"
    writer = providers.writer_for(settings) if args.classroom and _asks_writer(args, settings) else None
    params = {
        "page_size": args.page_size, "language": args.language, "bilingual": args.bilingual,
        "layout": getattr(args, "layout", None), "trim": (args.trim or story.export.trim) if for_print else None,
        "crop_marks": for_print and args.crop_marks, "classroom": args.classroom, "ask_writer": writer is not None,
    }  # fmt: skip
    run(jobs.follow(store, story, "export-pdf", params, jobs.Tools(settings, publisher)), "pdf")
    if args.answer_key:
        from core.classroom.book import answer_key_text

        args.answer_key.parent.mkdir(parents=True, exist_ok=True)
        args.answer_key.write_text(answer_key_text(story, writer), encoding="utf-8")
        print(f"answer key: {args.answer_key}", file=sys.stderr)
    record = story.exports[-1]
    if publisher:
        print(f"published at {record.url}", file=sys.stderr)
    return store.export_path(story.id, record.token)


def _asks_writer(args: argparse.Namespace, settings: Settings) -> bool:
    """Whether the classroom pages ask a writer model (definitions, questions): a local or remote
    writer named on the command line or in the settings; the offline engine has nothing to ask."""
    return providers.engine_for(settings, "writer").name != "offline"


# --- the subcommands --------------------------------------------------------------------


def make(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    if not args.photo.is_file():
        raise InputError(f"There is no photo at {args.photo}.")
    check_bilingual(args)
    glossary = glossary_of(args.glossary)
    # Ask for every engine before any work, so a missing translator or model fails fast.
    if not args.caption:
        providers.vision_for(settings)
    providers.writer_for(settings)
    providers.illustrator_for(settings)
    upscaler = providers.upscaler_for(settings) if args.upscale else None
    translator = providers.translator_for(settings) if args.language else None
    story = studio.start_story(store, args.photo.read_bytes(), args.photo.name)
    print(f"story {story.id} (saved in {store.location(story.id)})", file=sys.stderr)
    studio.update_settings(store, story, **{name: getattr(args, name) for name in STORY_FIELDS})
    safety = providers.story_safety(settings, store, story.id)
    tools = jobs.Tools(settings)
    if args.caption:
        studio.edit_caption(store, story, args.caption, safety)
    else:
        run(jobs.follow(store, story, "caption", {}, tools), "caption")
    # Each page's picture starts as soon as the writer has finished the page (core.studio.pipeline).
    run(jobs.follow(store, story, "draft", {"pipelined": True}, tools), "story and pictures")
    if upscaler:
        run(jobs.follow(store, story, "upscale", {"factor": args.upscale}, tools), "upscale")
    if translator:
        params = {"language": args.language, "formality": None, "glossary": glossary}
        run(jobs.follow(store, story, "translate", params, tools), "translate")
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
    safety = providers.story_safety(settings, store, story.id)
    if args.ask is not None:
        if args.text is not None:
            raise InputError("Set your own caption or ask a question: not both in one command.")
        run(studio.ask(store, story, providers.vision_for(settings), args.ask), "answer")
        print(story.questions[-1].answer)
        return
    if args.text is not None:
        if not studio.edit_caption(store, story, args.text, safety):
            print("The caption is already this; nothing changed.", file=sys.stderr)
    else:
        run(jobs.follow(store, story, "caption", {}, jobs.Tools(settings)), "caption")
    print(story.caption)


def write(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    story = find_story(store, args.id)
    providers.writer_for(settings)  # a writer that cannot start says so before the settings change
    changes = {name: getattr(args, name) for name in STORY_FIELDS if getattr(args, name) is not None}
    if changes:
        studio.update_settings(store, story, **changes)
    run(jobs.follow(store, story, "draft", {"pipelined": False}, jobs.Tools(settings)), "story")
    print_draft(story)


def revise(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    story = find_story(store, args.id)
    params = {"instruction": args.instruction, "pipelined": False}
    run(jobs.follow(store, story, "revise", params, jobs.Tools(settings)), "story")
    print_draft(story)


def draft(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    """`draft ID`: the drafts, numbered as the Draft page numbers them; `--use K` chooses one;
    `--page N --text ...` and `--title ...` are a hand edit of the chosen draft (a new draft)."""
    story = find_story(store, args.id)
    if (args.page is None) != (args.text is None):
        raise InputError("--page and --text go together: the page to rewrite and your text for it.")
    if args.use is not None and (args.text is not None or args.title is not None):
        raise InputError("Use a draft, or edit the chosen one: not both in one command.")
    if args.use is not None:
        if args.use > len(story.drafts):
            raise InputError(f"This story has {len(story.drafts)} drafts; there is no draft {args.use}.")
        studio.choose_draft(store, story, story.drafts[args.use - 1].id)
    elif args.text is not None or args.title is not None:
        current = story.draft
        if current is None:
            raise InputError("This story has no draft yet: `write ID` writes one.")
        target = page_of(story, args.page).id if args.page is not None else None
        pages = [(args.text if page.id == target else page.text, page.scene) for page in current.pages]
        edited = studio.edit_draft(store, story, args.title or current.title, pages, based_on=current.id)
        if edited.draft is None:
            print("Your text is already the draft's; nothing changed.", file=sys.stderr)
        if edited.notice:
            print(edited.notice, file=sys.stderr)
    for number, each in enumerate(story.drafts, start=1):
        chosen = "  (chosen)" if each.id == story.chosen_draft else ""
        parent = story.find_draft(each.parent) if each.parent else None
        origin = f" from #{story.drafts.index(parent) + 1}" if parent else ""
        by = each.engine or "you"
        print(f"#{number} {each.instruction}{origin} · {by} · {each.created:%Y-%m-%d %H:%M} · {each.title}{chosen}")


def duplicate(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    copy = studio.duplicate_story(store, find_story(store, args.id).id)
    print(f"{copy.id}  {copy.title}")


def enlarge(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    story = find_story(store, args.id)
    run(jobs.follow(store, story, "enlarge", {"pages": args.pages}, jobs.Tools(settings)), "story")
    print_draft(story)


def illustrate(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    story = find_story(store, args.id)
    if args.prompt is not None and args.page is None:
        raise InputError("--prompt changes one page's picture prompt: say which with --page N.")
    page_ids = [page_of(story, args.page).id] if args.page else None
    providers.illustrator_for(settings)  # an engine that cannot start says so before the prompt changes
    if args.prompt is not None:
        studio.set_prompt(store, story, page_ids[0], args.prompt)
    params = {"page_ids": page_ids, "seed": args.seed, "variants": args.variants, "unpinned": args.unpinned}
    run(jobs.follow(store, story, "pictures", params, jobs.Tools(settings)), "pictures")
    print_pictures(story, store, set(page_ids) if page_ids else None)


def upscale(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    story = find_story(store, args.id)
    page_ids = [page_of(story, args.page).id] if args.page else None
    params = {"factor": args.factor, "page_ids": page_ids}
    run(jobs.follow(store, story, "upscale", params, jobs.Tools(settings)), "upscale")
    print_pictures(story, store, set(page_ids) if page_ids else None, upscaled=True)


def translate(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    """The whole draft translated (a job, as on the page); or, in a translation already made, one
    page translated again (`--page N`), or your own words for a page or the title (`--text`,
    `--title`), as the Translate page's form keeps them."""
    story = find_story(store, args.id)
    if args.text is not None and args.page is None:
        raise InputError("--text is your translation of one page: say which with --page N.")
    if args.page is None and args.title is None:
        params = {"language": args.language, "formality": args.formality, "glossary": glossary_of(args.glossary)}
        run(jobs.follow(store, story, "translate", params, jobs.Tools(settings)), "translate")
    else:
        translation = story.translation(args.language)
        if translation is None:
            raise InputError(f"There is no translation into {args.language} yet: `translate ID {args.language}`.")
        index = None
        if args.page is not None:
            page_of(story, args.page)  # a page the draft has, or one line saying which it has
            index = args.page - 1
        if args.text is not None or args.title is not None:
            pages = list(translation.pages)
            if index is not None:
                pages[index] = args.text
            studio.edit_translation(store, story, args.language, args.title or translation.title, pages)
        else:
            translator = providers.translator_for(settings)
            glossary = glossary_of(args.glossary)
            studio.retranslate_page(store, story, translator, args.language, index, args.formality, glossary)
    translation = story.translation(args.language)
    print(translation.title)
    for number, text in enumerate(translation.pages, start=1):
        print(f"\n[{number}] {text}")


def export(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    story = find_story(store, args.id)
    check_bilingual(args)
    if args.format != "print-pdf" and (args.trim or args.crop_marks):
        raise InputError("--trim and --crop-marks are for a printer: add --format print-pdf.")
    if args.format not in ("pdf", "print-pdf"):
        return export_format(args, settings, store, story)
    pdf = _export(store, story, settings, args)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf, args.out)
        pdf = args.out
    print(pdf)
    if args.publish:
        print(story.exports[-1].url)


def story_jobs(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    """`jobs ID`: the story's jobs; `--cancel JOB` stops one, `--resume JOB` finishes one here."""
    story = find_story(store, args.id)
    if args.cancel:
        jobs.cancel(store, story.id, args.cancel)
        print(f"asked job {args.cancel} to stop", file=sys.stderr)
    elif args.resume:
        events = jobs.resume(store, story, args.resume, jobs.Tools(settings, publisher_for(settings)), here=True)
        if events is None:
            print("nothing was left to do", file=sys.stderr)
        else:
            run(events, "resume")
    records = jobs.of_story(store, story.id)
    if args.json:
        print(json.dumps([json.loads(r.model_dump_json()) | {"seen": r.seen_state()} for r in records], indent=1))
        return
    for r in records:
        counted = f" {r.done}/{r.total}" if r.total else ""
        print(f"{r.id}  {r.seen_state():<11} {r.kind:<11}{counted}  {r.created:%Y-%m-%d %H:%M:%S}  by {r.who}")
        if r.error:
            print(f"    {r.error}")


def fit_level(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    story = find_story(store, args.id)
    run(jobs.follow(store, story, "fit-level", {"level": args.level}, jobs.Tools(settings)), "fit")
    print_levels(story)


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


def characters(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    from core.characters import library as character_library
    from core.cli.characters import changes_of, print_library, print_sheets, sheets_from_file

    if args.id is None:
        if args.set or args.remove or args.from_json or args.propose or args.save or args.use:
            raise InputError("Name the story whose characters to change.")
        print_library(character_library.list_characters(store), args.json)
        return
    story = find_story(store, args.id)
    if args.propose:
        run(studio.propose_characters(store, story, providers.writer_for(settings)), "characters")
    retold = []
    if args.from_json:
        retold.append(studio.replace_characters(store, story, sheets_from_file(args.from_json)))
    changes = changes_of(args.set, args.remove)
    if changes:
        retold.append(studio.edit_characters(store, story, changes))
    for draft in filter(None, retold):
        print(f"the story is retold as a new draft ({draft.instruction}); the old one is kept", file=sys.stderr)
    if args.use:
        added = studio.use_library_character(store, story, args.use)
        print(f"added {added.name} from the library", file=sys.stderr)
    if args.save:
        entry = character_library.save_character(store, story, args.save)
        print(f"saved {entry.sheet.name} to the library as {entry.id}", file=sys.stderr)
    print_sheets(story.characters, args.json)


def export_format(args: argparse.Namespace, settings: Settings, store: Store, story: Story) -> None:
    """`export --format F` for every format but the PDF (`core.export.formats`)."""
    if args.bilingual or args.page_size:
        raise InputError(
            "--bilingual and --page-size are options of the PDF; leave them out for --format " + args.format
        )
    if args.burn_subtitles and args.format != "mp4":
        raise InputError("--burn-subtitles is an option of the video: add --format mp4.")
    publisher = publisher_for(settings) if args.publish else None
    params = {
        "format": args.format, "language": args.language,
        "options": {"burn_subtitles": True} if args.burn_subtitles else {},
    }  # fmt: skip
    run(jobs.follow(store, story, "export-file", params, jobs.Tools(settings, publisher)), args.format)
    record = story.exports[-1]
    path = store.export_path(story.id, record.token, FORMATS[args.format].extension)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, args.out)
        path = args.out
    print(path)
    if publisher:
        print(record.url)


def narrate(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    story = find_story(store, args.id)
    page_ids = [page_of(story, args.page).id] if args.page else None
    params = {"page_ids": page_ids, "language": args.language, "again": args.again}
    run(jobs.follow(store, story, "narration", params, jobs.Tools(settings)), "narration")
    language = args.language or story.settings.language
    for number, page in enumerate(story.draft.pages, start=1):
        if page_ids and page.id not in page_ids:
            continue
        narration = story.narration(page.id, language)
        if narration is None:
            print(f"[{number}] not read aloud")
            continue
        path = store.audio_path(story.id, narration.audio)
        print(
            f"[{number}] {narration.duration:5.1f} s  {len(narration.sentences)} sentences  {narration.voice}  {path}"
        )


def pin(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    story = find_story(store, args.id)
    page = page_of(story, args.page)
    variant_id = None
    if args.picture is not None:
        variants = story.scenes[page.id].variants if page.id in story.scenes else []
        if not 1 <= args.picture <= len(variants):
            raise InputError(
                f"Page {args.page} has {len(variants)} pictures; choose --picture between 1 and {len(variants)}."
            )
        variant_id = variants[args.picture - 1].id
    studio.pin(store, story, page.id, not args.off, variant_id)
    print_pictures(story, store, {page.id})


def versions(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    story = find_story(store, args.id)
    if args.drafts:
        run(choosing.make_draft_versions(store, story, providers.writer_for(settings), args.count), "versions")
        for version in story.versions:
            print(f"version {version.number}: {story.find_draft(version.draft).title} (seed {version.seed})")
        return
    run(jobs.follow(store, story, "versions", {"count": args.count}, jobs.Tools(settings)), "versions")
    for version in story.versions:
        print(f"version {version.number}:")
        for number, page in enumerate(story.draft.pages, start=1):
            picture = choosing.version_picture(story, version.number, page.id)
            if picture is not None:
                print(f"  page {number}: {store.image_path(story.id, picture.image)} (seed {picture.seed})")


def choose(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    story = find_story(store, args.id)
    page_ids = [page_of(story, n).id for n in args.page] if args.page else None
    choosing.choose_version(store, story, args.version, page_ids)
    if story.versions and story.versions[0].kind == "draft":
        print_draft(story)
    else:
        print_pictures(story, store, set(page_ids) if page_ids else None)


def redraw(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    story = find_story(store, args.id)
    page = page_of(story, args.page)
    try:
        box = tuple(float(v) for v in args.region.split(","))
    except ValueError:
        box = ()
    if len(box) != 4:
        raise InputError("--region is four numbers from 0 to 1: left,top,right,bottom (e.g. 0.2,0.3,0.7,0.9).")
    events = choosing.redraw_region(
        store, story, providers.illustrator_for(settings), page.id, box, args.prompt, args.seed,
        safety=providers.story_safety(settings, store, story.id),
    )  # fmt: skip
    run(events, "redraw")
    print_pictures(story, store, {page.id})


COMMANDS = {
    "pin": pin,
    "versions": versions,
    "choose": choose,
    "redraw": redraw,
    "make": make,
    "list": list_stories,
    "show": show,
    "caption": caption,
    "write": write,
    "revise": revise,
    "draft": draft,
    "duplicate": duplicate,
    "enlarge": enlarge,
    "illustrate": illustrate,
    "upscale": upscale,
    "translate": translate,
    "export": export,
    "narrate": narrate,
    "delete": delete,
    "fit-level": fit_level,
    "jobs": story_jobs,
    "characters": characters,
    **sharing.COMMANDS,
    **classes.COMMANDS,
    **archives.COMMANDS,
    "campaign": campaign_command,
    "brand": brand_command,
}


def dispatch(args: argparse.Namespace) -> None:
    settings = settings_of(args)
    if args.command == "serve":  # the model service keeps no stories
        from core.serve.cli import serve

        return serve(args, settings)
    store = as_person(
        Store(data_dir_of(settings)),
        person_of(args),
        getattr(args, "in_space", None),
        limits=Limits.from_settings(settings),
    )
    COMMANDS[args.command](args, settings, store)


def person_of(args: argparse.Namespace) -> Person:
    """Who the command line works as: the personal studio's one person unless `--as` names another."""
    wanted = getattr(args, "as_person", None)
    if not wanted:
        return Person.personal()
    return Person(id=valid_person_id(wanted))


def lesson(args: argparse.Namespace, settings: Settings, store: Store) -> None:
    """The How it works page's lesson, headless: the loss curve, then the retrieval scores."""
    from core.lesson.train import Config, Lesson
    from core.photo import load_photo

    try:
        config = Config(args.loss, args.optimiser, args.lr, args.epochs, seed=args.seed, backend=args.backend)
    except ValueError as error:
        raise InputError(str(error)) from None
    photo = load_photo(args.photo.read_bytes(), args.photo.name).image if args.photo else None
    print(f"drawing {args.pairs} picture/caption pairs", file=sys.stderr)
    taught = Lesson.build(args.pairs, args.seed)
    steps = taught.train(config)
    while True:
        try:
            epoch = next(steps)
        except StopIteration as done:
            trained = done.value
            break
        print(f"epoch {epoch.epoch:4d}  loss {epoch.loss:.4f}  held-out loss {epoch.test_loss:.4f}")
    w, pca = trained.retrieval, taught.pca()
    print(
        f"picture -> caption on {w.pairs} held-out pairs "
        f"(chance: top-1 {w.chance1:.1%}, top-5 {w.chance5:.1%})\n"
        f"  W ({config.loss}, {config.optimiser}, lr {config.rate:g}, {config.epochs} epochs): "
        f"top-1 {w.top1:.1%}, top-5 {w.top5:.1%}\n"
        f"  PCA (each side alone, no pairs): top-1 {pca.top1:.1%}, top-5 {pca.top5:.1%}"
    )
    if photo is not None:
        print(f"captions nearest to W·x of {args.photo.name}:")
        for text, score in taught.nearest_captions(photo, trained.W):
            print(f"  {score:.2f}  {text}")


COMMANDS["lesson"] = lesson
