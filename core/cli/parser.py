"""The command line's grammar: every subcommand and option, and nothing else.

Engine choices come from the one registry in `core.providers`, style names from the presets, page
sizes and audiences from the Story model, so the command line never keeps a list of its own.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from core import providers
from core.prompts import styles
from core.story import ASPECTS, AUDIENCES, MAX_PAGES, PAGE_SIZES

EXIT_USAGE = 2
MODEL_FLAGS = ("vision", "writer", "illustrator", "refiner", "upscaler")


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not argparse's usage block
        self.exit(EXIT_USAGE, f"error: {message} (see {self.prog} --help)\n")


def _number(low: int, high: int | None = None):
    """An argparse type: an integer in [low, high], with a message naming the range."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{value}' is not a whole number") from None
        if number < low or (high is not None and number > high):
            raise argparse.ArgumentTypeError(
                f"must be between {low} and {high}" if high is not None else f"must be at least {low}"
            )
        return number

    parse.__name__ = "number"  # argparse names the type in its messages
    return parse


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir", type=Path, metavar="DIR", help="where the stories live (default: the data_dir setting)"
    )
    common.add_argument(
        "--as",
        dest="as_person",
        metavar="PERSON_ID",
        help="work as this person of a shared studio, in their own space (default: the personal studio's "
        "person); the studio's sidebar shows each person's id",
    )
    return common


def _engines() -> argparse.ArgumentParser:
    """Engine, model and picture options, for every subcommand that runs an engine."""
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("engines (default: the settings, else the offline engine)")
    for capability in providers.CAPABILITIES:
        engines = providers.engines(capability)
        group.add_argument(
            f"--{capability}",
            choices=list(engines),
            help="; ".join(f"{name}: {engine.description}" for name, engine in engines.items()),
        )
    for name in MODEL_FLAGS:
        group.add_argument(f"--model-{name}", metavar="ID_OR_PATH", help=f"the local {name} model")
    group.add_argument("--steps", type=_number(1, 200), help="denoising steps per picture (local model)")
    group.add_argument(
        "--size",
        type=_number(128, 2048),
        metavar="PX",
        help="the long side of each picture in pixels, 512 suits a CPU (offline and local engines; a remote "
        "server draws the nearest size it offers)",
    )
    return parent


def _story_settings(parser: argparse.ArgumentParser, *, defaults: bool) -> None:
    """The story's own settings; `write` leaves out what is not given (the story keeps its own)."""
    default = (lambda value: value) if defaults else (lambda value: None)
    group = parser.add_argument_group("the story")
    group.add_argument("--pages", type=_number(1, MAX_PAGES), default=default(8))
    group.add_argument("--style", choices=sorted(styles()), default=default("watercolour"))
    group.add_argument("--audience", choices=AUDIENCES, default=default("young children"))
    group.add_argument("--genre", default=default("adventure"))
    group.add_argument("--tone", default=default("warm"))
    group.add_argument("--aspect", choices=ASPECTS, default=default("portrait"))
    group.add_argument("--seed", type=int, default=default(1), help="the same seed gives the same book")


def _glossary(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--glossary",
        action="append",
        default=[],
        metavar="NAME=WANTED",
        help="keep a name as you want it in the translation (repeatable)",
    )


def build_parser() -> argparse.ArgumentParser:
    common, engines = _common(), _engines()
    parser = Parser(
        prog="python -m core",
        description="VisuTale Studio without the UI: the same steps as "
        "the pages, over the stories in the data folder. Progress goes to stderr, results to stdout.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser, metavar="COMMAND")

    def command(name: str, help: str, *, runs_engines: bool = False) -> argparse.ArgumentParser:
        parents = [common, engines] if runs_engines else [common]
        return commands.add_parser(name, help=help, description=help, parents=parents)

    make = command("make", "turn a photo into an illustrated PDF story", runs_engines=True)
    make.add_argument("photo", type=Path)
    make.add_argument("--out", type=Path, required=True, help="folder for story.pdf and story.json")
    _story_settings(make, defaults=True)
    make.add_argument("--page-size", choices=PAGE_SIZES, default="A4")
    make.add_argument("--caption", help="your own description of the photo (skips the vision step)")
    make.add_argument("--upscale", type=int, choices=(2, 4), help="upscale every picture")
    make.add_argument("--language", help="translate the story into this language code (e.g. de)")
    make.add_argument("--bilingual", action="store_true", help="print both languages on each page")
    _glossary(make)
    make.add_argument(
        "--publish", action="store_true", help="also serve the PDF from the static folder, with its QR code page"
    )

    for name, help in (("list", "the stored stories, newest first"), ("show", "one story")):
        sub = command(name, help)
        if name == "show":
            sub.add_argument("id", help="a story id (or the start of one)")
        sub.add_argument("--json", action="store_true", help="print JSON (show: the story document and its history)")

    caption = command("caption", "describe the story's photo, or set your own caption", runs_engines=True)
    caption.add_argument("id")
    caption.add_argument("--text", help="your own caption instead of the vision engine's")

    write = command("write", "write a new draft from the caption and the story's settings", runs_engines=True)
    write.add_argument("id")
    _story_settings(write, defaults=False)

    revise = command("revise", "rewrite the chosen draft as you ask", runs_engines=True)
    revise.add_argument("id")
    revise.add_argument("instruction", help='e.g. "simpler", "more exciting", "make it rhyme"')

    enlarge = command("enlarge", "add pages to the chosen draft", runs_engines=True)
    enlarge.add_argument("id")
    enlarge.add_argument("pages", type=_number(1, MAX_PAGES), metavar="N", help="how many pages to add")

    illustrate = command("illustrate", "draw a new picture for every page, or for one", runs_engines=True)
    illustrate.add_argument("id")
    illustrate.add_argument("--page", type=_number(1, MAX_PAGES), metavar="N", help="only this page (from 1)")
    illustrate.add_argument("--seed", type=int, help="this seed instead of the next one of the story")
    illustrate.add_argument("--prompt", help="a new picture prompt for the page (needs --page)")

    upscale = command("upscale", "upscale the chosen picture of every page, or of one", runs_engines=True)
    upscale.add_argument("id")
    upscale.add_argument("--factor", type=int, choices=(2, 4), default=2)
    upscale.add_argument("--page", type=_number(1, MAX_PAGES), metavar="N", help="only this page (from 1)")

    translate = command("translate", "translate the chosen draft", runs_engines=True)
    translate.add_argument("id")
    translate.add_argument("language", metavar="LANG", help="a language code, e.g. de, fr, pt-BR")
    translate.add_argument("--formality", choices=("more", "less"))
    _glossary(translate)

    export = command("export", "print the chosen draft as a PDF")
    export.add_argument("id")
    export.add_argument("--language", help="a translation's language (default: the story's own)")
    export.add_argument("--bilingual", action="store_true", help="print both languages on each page")
    export.add_argument("--page-size", choices=PAGE_SIZES)
    export.add_argument("--out", type=Path, metavar="FILE", help="also copy the PDF here")
    export.add_argument(
        "--publish", action="store_true", help="serve the PDF from the static folder, with its QR code page"
    )

    delete = command("delete", "delete a story and unpublish its PDFs")
    delete.add_argument("id")
    delete.add_argument("--yes", action="store_true", help="do not ask (needed without a terminal)")

    from core.serve.cli import add_parser as add_serve_parser  # no Ray import until it runs

    add_serve_parser(commands, MODEL_FLAGS)
    return parser
