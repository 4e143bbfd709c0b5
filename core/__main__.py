"""The headless command line: `python -m core make PHOTO --out DIR`.

It runs the same `core.studio` steps as the pages, so a batch of photos can become books on a
server without the UI. Progress goes to stderr; DIR receives story.pdf and story.json. Any problem a
person can fix (a missing photo, a bad option, a service that refuses) ends with one line on stderr
and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from core import studio
from core.errors import StudioError
from core.prompts import styles
from core.story import AUDIENCES, ASPECTS, MAX_PAGES, PAGE_SIZES

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not argparse's usage block
        self.exit(EXIT_USAGE, f"error: {message} (see python -m core make --help)\n")


def _pages(value: str) -> int:
    number = int(value)
    if not 1 <= number <= MAX_PAGES:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_PAGES}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m core", description="VisuTale Studio without the UI.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    make = commands.add_parser("make", help="turn a photo into an illustrated PDF story")
    make.add_argument("photo", type=Path)
    make.add_argument("--out", type=Path, required=True, help="folder for story.pdf and story.json")
    make.add_argument("--pages", type=_pages, default=8)
    make.add_argument("--style", choices=sorted(styles()), default="watercolour")
    make.add_argument("--audience", choices=AUDIENCES, default="young children")
    make.add_argument("--genre", default="adventure")
    make.add_argument("--tone", default="warm")
    make.add_argument("--aspect", choices=ASPECTS, default="portrait")
    make.add_argument("--page-size", choices=PAGE_SIZES, default="A4")
    make.add_argument("--seed", type=int, default=1)
    make.add_argument("--caption", help="your own description of the photo (skips the vision step)")
    make.add_argument("--upscale", type=int, choices=(2, 4), help="upscale every picture")
    engines = make.add_argument_group("engines (default: the offline engine)")
    for capability, choices in (("vision", ("offline", "local", "remote")),
                                ("writer", ("offline", "local", "remote")),
                                ("illustrator", ("offline", "local", "remote")),
                                ("upscaler", ("offline", "local")),
                                ("translator", ("none", "deepl", "writer"))):
        engines.add_argument(f"--{capability}", choices=choices)
    for capability in ("vision", "writer", "illustrator", "refiner", "upscaler"):
        engines.add_argument(f"--model-{capability}", metavar="ID_OR_PATH")
    make.add_argument("--language", help="translate the story into this language code (e.g. de)")
    make.add_argument("--bilingual", action="store_true", help="print both languages on each page")
    make.add_argument("--glossary", action="append", default=[], metavar="NAME=WANTED",
                      help="keep a name as you want it in the translation (repeatable)")
    return parser


def _settings(args: argparse.Namespace):
    from core.settings import load_settings

    overrides = {name: getattr(args, name) for name in ("vision", "writer", "illustrator", "upscaler", "translator")}
    for capability in ("vision", "writer", "illustrator", "refiner", "upscaler"):
        overrides[f"model_{capability}"] = getattr(args, f"model_{capability}")
    return load_settings(overrides=overrides)


def _run(events: Iterator[studio.Event], label: str) -> None:
    """Show a step's progress on stderr: a line per progress event, a counter for streamed text."""
    written = 0
    try:
        for event in events:
            if isinstance(event, studio.Token):
                written += len(event.text)
                print(f"\r{label}: {written} characters", end="", file=sys.stderr, flush=True)
            elif isinstance(event, studio.Progress):
                print(f"{label}: {event.label}", file=sys.stderr, flush=True)
            else:
                print(f"note: {event.text}", file=sys.stderr, flush=True)
    finally:  # end the counter's line, so an error that stops the step starts a line of its own
        if written:
            print(file=sys.stderr)


def make(args: argparse.Namespace) -> Path:
    from core import providers
    from core.store import Store

    settings = _settings(args)
    if not args.photo.is_file():
        raise StudioError(f"There is no photo at {args.photo}.")
    # Ask for every engine before any work, so a missing translator or model fails fast.
    vision = None if args.caption else providers.vision_for(settings)
    writer = providers.writer_for(settings)
    illustrator = providers.illustrator_for(settings)
    upscaler = providers.upscaler_for(settings) if args.upscale else None
    translator = providers.translator_for(settings) if args.language else None
    store = Store(settings.data_dir)
    story = studio.start_story(store, args.photo.read_bytes(), args.photo.name)
    print(f"story {story.id} (saved in {store.folder(story.id)})", file=sys.stderr)
    story.settings = story.settings.model_copy(update={
        "pages": args.pages, "style": args.style, "audience": args.audience, "genre": args.genre,
        "tone": args.tone, "aspect": args.aspect, "seed": args.seed})
    if args.caption:
        studio.edit_caption(store, story, args.caption)
    else:
        _run(studio.caption(store, story, vision), "caption")
    _run(studio.write_draft(store, story, writer), "story")
    safety = providers.safety_for(settings)
    _run(studio.illustrate(store, story, illustrator, safety=safety), "pictures")
    if upscaler:
        _run(studio.upscale(store, story, upscaler, args.upscale), "upscale")
    if translator:
        glossary = dict(pair.split("=", 1) for pair in args.glossary if "=" in pair)
        _run(studio.translate(store, story, translator, args.language, glossary=glossary), "translate")
    base_url = settings.public_base_url or "http://localhost:8501"
    from core.publish import StaticFolder

    _run(studio.export_pdf(store, story, publisher=StaticFolder(settings.static_dir, base_url),
                           page_size=args.page_size, language=args.language, bilingual=args.bilingual,
                           safety=safety), "pdf")
    args.out.mkdir(parents=True, exist_ok=True)
    export = story.exports[-1]
    shutil.copyfile(store.export_path(story.id, export.token), args.out / "story.pdf")
    (args.out / "story.json").write_text(story.model_dump_json(indent=1), encoding="utf-8")
    return args.out / "story.pdf"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        pdf = make(args)
    except StudioError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("stopped; the story is saved as far as it got", file=sys.stderr)
        return 130
    except OSError as error:  # the output folder cannot be written, a disk is full
        print(f"error: {error.strerror or error} ({error.filename or ''})", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:  # a bug: one line for the person, the traceback only when asked
        if os.environ.get("VISUTALE_DEBUG"):
            raise
        print(f"error: the studio failed unexpectedly ({type(error).__name__}: {error}); "
              "the story is saved as far as it got. Set VISUTALE_DEBUG=1 for the details.", file=sys.stderr)
        return 1
    print(pdf)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    sys.exit(main())
