"""The command line's grammar: every subcommand and option, and nothing else.

Engine choices come from the one registry in `core.providers`, style names from the presets, page
sizes and audiences from the Story model, so the command line never keeps a list of its own.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from core import providers
from core.campaign_document import CAMPAIGN_STYLES, MAX_VARIANTS
from core.export.formats import FORMATS
from core.prompts import styles
from core.reading.levels import LEVEL_KEYS
from core.story import ASPECTS, AUDIENCES, LAYOUTS, MAX_PAGES, PAGE_SIZES

EXIT_USAGE = 2
MODEL_FLAGS = ("vision", "writer", "illustrator", "refiner", "upscaler")  # --model-NAME for each
CLASS_ACTIONS = ("open", "list", "show", "review", "approve", "reset-link", "remove", "close", "reopen", "archive")


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """argparse's formatter that ends each option's help with its default, where there is one to say.

    No "(default: None)" for an option that is off unless given, no "(default: False)" for a switch,
    and nothing added where the help already says its default in words ("default: the settings").
    """

    def _get_help_string(self, action: argparse.Action) -> str:
        help = action.help or ""
        if "default" in help or action.default in (None, False, [], "", argparse.SUPPRESS):
            return help
        return super()._get_help_string(action)


STORY_ID = "a story id (or the start of one: `list` shows them)"


class Parser(argparse.ArgumentParser):
    """Every parser of the command line: one-line errors, and each option's default in its help."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

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


def _folder_or_url(value: str) -> Path | str:
    """A folder, or an object store's address as typed (a Path would fold the `//` of `s3://`)."""
    return value if "://" in value else Path(value)


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        type=_folder_or_url,
        metavar="DIR",
        help="where the stories live: a folder or an object store, s3://bucket/prefix (default: the data_dir setting)",
    )
    common.add_argument(
        "--as",
        dest="as_person",
        metavar="PERSON_ID",
        help="work as this person of a shared studio, in their own space (default: the personal studio's "
        "person); the studio's sidebar shows each person's id",
    )
    common.add_argument(
        "--in-space",
        dest="in_space",
        metavar="SPACE_ID",
        help="start new stories in this team's space (`team list` shows the ids) (default: your own space)",
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
            help="; ".join(f"{name}: {engine.description}" for name, engine in engines.items())
            + " (default: the settings, else offline)",
        )
    for name in MODEL_FLAGS:
        group.add_argument(
            f"--model-{name}", metavar="ID_OR_PATH", help=f"the local {name} model (default: the settings)"
        )
    group.add_argument(
        "--steps", type=_number(1, 200), help="denoising steps per picture, local model (default: the settings)"
    )
    group.add_argument(
        "--size",
        type=_number(128, 2048),
        metavar="PX",
        help="the long side of each picture in pixels, 512 suits a CPU (offline and local engines; a remote "
        "server draws the nearest size it offers; default: the settings)",
    )
    return parent


def _story_settings(parser: argparse.ArgumentParser, *, defaults: bool) -> None:
    """The story's own settings; `write` leaves out what is not given (the story keeps its own)."""
    default = (lambda value: value) if defaults else (lambda value: None)
    group = parser.add_argument_group("the story")
    kept = "" if defaults else " (default: the story's own)"
    group.add_argument(
        "--pages",
        type=_number(1, MAX_PAGES),
        default=default(8),
        metavar="N",
        help=f"how many pages the story has, 1 to {MAX_PAGES}{kept}",
    )
    group.add_argument(
        "--style",
        choices=sorted(styles()),
        default=default("watercolour"),
        help=f"the pictures' style: {', '.join(sorted(styles()))}{kept}",
    )
    group.add_argument(
        "--audience", choices=AUDIENCES, default=default("young children"), help=f"who the story is for{kept}"
    )
    group.add_argument(
        "--genre", default=default("adventure"), help=f"the kind of story, in your words (mystery, fable...){kept}"
    )
    group.add_argument("--tone", default=default("warm"), help=f"how it feels, in your words (funny, calm...){kept}")
    group.add_argument("--aspect", choices=ASPECTS, default=default("portrait"), help=f"the pictures' shape{kept}")
    group.add_argument("--seed", type=int, default=default(1), help=f"the same seed gives the same book{kept}")


def _glossary(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--glossary",
        action="append",
        default=[],
        metavar="NAME=WANTED",
        help="keep a name as you want it in the translation (repeatable)",
    )


def _classroom(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--classroom",
        action="store_true",
        help="end the book with 'Words to know' and 'Let's talk about the story' (questions; no answers)",
    )
    parser.add_argument(
        "--answer-key",
        type=Path,
        metavar="FILE",
        help="write the teacher's answer key here, as text (default: not written)",
    )


def build_parser() -> argparse.ArgumentParser:
    common, engines = _common(), _engines()
    parser = Parser(
        prog="visutale" if Path(sys.argv[0]).name == "visutale" else "python -m core",
        description="VisuTale Studio without the UI: the same steps as "
        "the pages, over the stories in the data folder. Progress goes to stderr, results to stdout.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser, metavar="COMMAND")

    def command(name: str, help: str, *, runs_engines: bool = False) -> argparse.ArgumentParser:
        parents = [common, engines] if runs_engines else [common]
        return commands.add_parser(name, help=help, description=help, parents=parents)

    make = command("make", "turn a photo into an illustrated PDF story", runs_engines=True)
    make.add_argument("photo", type=Path, help="the photo the story starts from (JPEG, PNG, HEIC, WebP...)")
    make.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for story.pdf and story.json")
    _story_settings(make, defaults=True)
    make.add_argument("--page-size", choices=PAGE_SIZES, default="A4", help="the PDF's page size")
    make.add_argument(
        "--caption", help="your own description of the photo, skipping the vision step (default: the engine's)"
    )
    make.add_argument("--upscale", type=int, choices=(2, 4), help="upscale every picture (default: not upscaled)")
    make.add_argument(
        "--language", help="translate the story into this language code, e.g. de (default: not translated)"
    )
    make.add_argument("--bilingual", action="store_true", help="print both languages on each page")
    _glossary(make)
    make.add_argument(
        "--publish", action="store_true", help="also serve the PDF from the static folder, with its QR code page"
    )
    _classroom(make)

    for name, help in (("list", "the stored stories, newest first"), ("show", "one story")):
        sub = command(name, help)
        if name == "show":
            sub.add_argument("id", help=STORY_ID)
        sub.add_argument("--json", action="store_true", help="print JSON (show: the story document and its history)")

    caption = command("caption", "describe the story's photo, or set your own caption", runs_engines=True)
    caption.add_argument("id", help=STORY_ID)
    caption.add_argument("--text", help="your own caption instead of the vision engine's")
    caption.add_argument("--ask", metavar="QUESTION", help="ask the vision engine a question about the photo instead")

    write = command("write", "write a new draft from the caption and the story's settings", runs_engines=True)
    write.add_argument("id", help=STORY_ID)
    _story_settings(write, defaults=False)

    revise = command("revise", "rewrite the chosen draft as you ask", runs_engines=True)
    revise.add_argument("id", help=STORY_ID)
    revise.add_argument("instruction", help='e.g. "simpler", "more exciting", "make it rhyme"')

    draft = command("draft", "the story's drafts: list them, use one, or edit the chosen one by hand")
    draft.add_argument("id", help=STORY_ID)
    draft.add_argument("--use", type=_number(1), metavar="K", help="use draft K (its number in the list)")
    draft.add_argument(
        "--page", type=_number(1, MAX_PAGES), metavar="N", help="with --text: the page to rewrite (from 1)"
    )
    draft.add_argument("--text", help="with --page: your own text for that page (kept as a new draft)")
    draft.add_argument("--title", help="your own title (kept as a new draft)")

    enlarge = command("enlarge", "add pages to the chosen draft", runs_engines=True)
    enlarge.add_argument("id", help=STORY_ID)
    enlarge.add_argument("pages", type=_number(1, MAX_PAGES), metavar="N", help="how many pages to add")

    illustrate = command("illustrate", "draw a new picture for every page, or for one", runs_engines=True)
    illustrate.add_argument("id", help=STORY_ID)
    illustrate.add_argument(
        "--page", type=_number(1, MAX_PAGES), metavar="N", help="only this page, from 1 (default: every page)"
    )
    illustrate.add_argument("--seed", type=int, help="the seed to draw with (default: the story's next one)")
    illustrate.add_argument("--prompt", help="a new picture prompt for the page (needs --page)")
    illustrate.add_argument(
        "--variants",
        type=_number(1, 8),
        default=1,
        metavar="N",
        help="N pictures per page in one batch (the first used)",
    )
    illustrate.add_argument("--unpinned", action="store_true", help="only the pages whose picture is not pinned")

    pin = command("pin", "pin a page's picture (redraws leave it in use), or unpin it")
    pin.add_argument("id", help=STORY_ID)
    pin.add_argument("--page", type=_number(1, MAX_PAGES), metavar="N", required=True, help="the page (from 1)")
    pin.add_argument("--picture", type=_number(1), metavar="K", help="use and pin the page's K-th picture (from 1)")
    pin.add_argument("--off", action="store_true", help="unpin")

    versions = command(
        "versions", "make whole-book versions (picture sets, or drafts) to choose from", runs_engines=True
    )
    versions.add_argument("id", help=STORY_ID)
    versions.add_argument("--count", type=_number(2, 4), default=3, metavar="N", help="how many versions, 2 to 4")
    versions.add_argument("--drafts", action="store_true", help="versions of the story text instead of the pictures")

    choose = command("choose", "use version K of the book, or only some of its pages")
    choose.add_argument("id", help=STORY_ID)
    choose.add_argument("version", type=_number(1), metavar="K", help="the version's number, as `versions` printed it")
    choose.add_argument(
        "--page", type=_number(1, MAX_PAGES), metavar="N", action="append", help="only this page (repeatable)"
    )

    redraw = command("redraw", "redraw a region of a page's picture (local and remote engines)", runs_engines=True)
    redraw.add_argument("id", help=STORY_ID)
    redraw.add_argument("--page", type=_number(1, MAX_PAGES), metavar="N", required=True, help="the page (from 1)")
    redraw.add_argument(
        "--region", required=True, metavar="L,T,R,B", help="the region as fractions 0-1, e.g. 0.2,0.3,0.7,0.9"
    )
    redraw.add_argument("--prompt", help="what the region should show (default: the page's prompt)")
    redraw.add_argument("--seed", type=int, help="the seed of the redrawn region (default: the next of the story)")

    upscale = command("upscale", "upscale the chosen picture of every page, or of one", runs_engines=True)
    upscale.add_argument("id", help=STORY_ID)
    upscale.add_argument("--factor", type=int, choices=(2, 4), default=2, help="how many times larger")
    upscale.add_argument(
        "--page", type=_number(1, MAX_PAGES), metavar="N", help="only this page, from 1 (default: every page)"
    )

    story_jobs = command(
        "jobs", "the story's jobs (pictures, upscale, narration, exports): list, cancel, resume", runs_engines=True
    )
    story_jobs.add_argument("id", help=STORY_ID)
    what = story_jobs.add_mutually_exclusive_group()
    what.add_argument("--cancel", metavar="JOB", help="stop this job (what it finished is kept)")
    what.add_argument("--resume", metavar="JOB", help="finish an interrupted job here: only what is left")
    story_jobs.add_argument("--json", action="store_true", help="the job records as JSON")

    translate = command("translate", "translate the chosen draft", runs_engines=True)
    translate.add_argument("id", help=STORY_ID)
    translate.add_argument("language", metavar="LANG", help="a language code, e.g. de, fr, pt-BR")
    translate.add_argument(
        "--formality", choices=("more", "less"), help="DeepL: more or less formal (default: the language's usual)"
    )
    _glossary(translate)
    translate.add_argument(
        "--page", type=_number(1, MAX_PAGES), metavar="N", help="translate only this page again (from 1)"
    )
    translate.add_argument("--text", help="with --page: your own translation of that page instead")
    translate.add_argument("--title", help="your own translation of the title")

    duplicate = command("duplicate", "copy a story (the copy is a new story of yours)")
    duplicate.add_argument("id", help=STORY_ID)

    export = command("export", "print the chosen draft as a PDF, or make it in another format")
    export.add_argument("id", help=STORY_ID)
    export.add_argument(
        "--format",
        choices=[*FORMATS, "print-pdf"],
        default="pdf",
        help="; ".join(
            f"{f.name}: {f.label}" + (f", {f.description}" if f.description else "") for f in FORMATS.values()
        )
        + "; print-pdf: a PDF for a printer (trim, 3 mm bleed, crop marks)",
    )
    export.add_argument("--language", help="a translation's language (default: the story's own)")
    export.add_argument("--bilingual", action="store_true", help="print both languages on each page")
    export.add_argument("--page-size", choices=PAGE_SIZES, help="the PDF's page size (default: the story's last)")
    export.add_argument("--out", type=Path, metavar="FILE", help="also copy the PDF here")
    export.add_argument(
        "--publish", action="store_true", help="serve the PDF from the static folder, with its QR code page"
    )
    export.add_argument(
        "--trim",
        metavar="SIZE",
        help="print-pdf's trim: A4, Letter, square, 8.5x8.5in, 8x10in, 10x8in, 11x8.5in or e.g. 148x210mm "
        "(default: the story's last, else A4)",
    )
    export.add_argument("--crop-marks", action="store_true", help="print-pdf: crop marks outside the bleed")
    export.add_argument("--burn-subtitles", action="store_true", help="mp4: also draw the subtitles into the picture")
    export.add_argument(
        "--layout", choices=LAYOUTS, help="above, beside, band (full-bleed) or large (type) (default: the story's last)"
    )

    narrate = command("narrate", "read the chosen draft aloud, every page or one", runs_engines=True)
    narrate.add_argument("id", help=STORY_ID)
    narrate.add_argument("--page", type=_number(1, MAX_PAGES), metavar="N", help="only this page (from 1), read again")
    narrate.add_argument(
        "--voice",
        help="offline: joe (Piper, English) or espeak (espeak-ng, every language); remote: the server's voice name",
    )
    narrate.add_argument("--language", help="read a translation (default: the story's own language)")
    narrate.add_argument("--again", action="store_true", help="also read pages that already have a narration")
    _classroom(export)
    export.add_argument("--writer", choices=list(providers.engines("writer")), help="the writer asked for definitions")

    fit = command("fit-level", "rewrite the pages that read above or below a reading level", runs_engines=True)
    fit.add_argument("id", help=STORY_ID)
    fit.add_argument("--level", choices=LEVEL_KEYS, help="the reading level (default: the story's; naming one sets it)")

    people = command(
        "characters",
        "show or edit a story's character sheets, and the space's character library",
        runs_engines=True,
    )
    people.add_argument("id", nargs="?", help="a story id (without one: the library)")
    people.add_argument("--json", action="store_true", help="print the sheets (or the library) as JSON")
    people.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME.FIELD=VALUE",
        help="change one field (name, kind, look, outfit, colours) of a character; a new name adds one; "
        "repeatable, e.g. --set 'Pip.outfit=a red scarf'",
    )
    people.add_argument("--remove", action="append", default=[], metavar="NAME", help="remove a character")
    people.add_argument(
        "--from-json", type=Path, metavar="FILE", help="replace the sheets with those of a JSON file (as --json prints)"
    )
    people.add_argument("--propose", action="store_true", help="propose the sheets again from the chosen draft")
    people.add_argument("--save", metavar="NAME", help="save this character of the story to the space's library")
    people.add_argument("--use", metavar="ENTRY", help="add this library character to the story")

    delete = command("delete", "delete a story and unpublish its PDFs")
    delete.add_argument("id", help=STORY_ID)
    delete.add_argument("--yes", action="store_true", help="do not ask (needed without a terminal)")
    add_sharing(command)
    add_class(command)
    add_import(command)

    lesson = command("lesson", "the How it works lesson: train W to join pictures to captions, compare with PCA")
    lesson.add_argument("--loss", choices=("cosine", "mse"), default="cosine", help="what W is trained to lower")
    lesson.add_argument("--optimiser", choices=("sgd", "adam"), default="adam", help="how each step moves W")
    lesson.add_argument("--lr", type=float, help="learning rate (default: 0.5 for sgd, 0.003 for adam)")
    lesson.add_argument("--epochs", type=_number(1, 1000), default=30, help="passes over the training pairs")
    lesson.add_argument("--pairs", type=_number(20, 432), default=240, help="picture/caption pairs to draw")
    lesson.add_argument("--seed", type=int, default=0, help="the same seed draws the same pairs and starts W alike")
    lesson.add_argument("--backend", choices=("numpy", "torch"), default="numpy", help="which library trains W")
    lesson.add_argument("--photo", type=Path, help="also list the captions nearest to this photo's W·x")
    add_campaign(commands, [common, engines])
    add_brand(commands, [common])

    from core.serve.cli import add_parser as add_serve_parser  # no Ray import until it runs

    add_serve_parser(commands, MODEL_FLAGS)
    return parser


def add_sharing(command: Callable[..., argparse.ArgumentParser]) -> None:
    """`share`, `unshare`, `team` (run by core.cli.sharing)."""
    for name, help in (("share", "share a story with a person or its whole space"), ("unshare", "stop sharing")):
        sub = command(name, help)
        sub.add_argument("id", help="a story id (or the start of one)")
        whom = sub.add_mutually_exclusive_group(required=True)
        whom.add_argument("--with", dest="with_person", metavar="WHO", help="an e-mail address or person id")
        whom.add_argument("--space", dest="whole_space", action="store_true", help="everyone in the story's space")
        if name == "share":
            sub.add_argument("--mode", choices=("view", "edit"), default="view", help="read only, or edit")

    team = command("team", "open a team, add or remove people, list your teams")
    team.add_argument("action", choices=("create", "add", "remove", "list"), help="what to do")
    team.add_argument("name_or_id", nargs="?", metavar="NAME_OR_TEAM_ID", help="create: its name; add/remove: its id")
    team.add_argument("--member", metavar="WHO", help="an e-mail address (signed in once) or person id")
    team.add_argument(
        "--role", choices=("editor", "viewer"), default="editor", help="add: editors start stories, viewers read"
    )


def add_class(command: Callable[..., argparse.ArgumentParser]) -> None:
    """`class ACTION ...` (run by core.cli.classes)."""
    sub = command("class", "open and run a class: pupils, review before printing, close, one ZIP")
    sub.add_argument("action", choices=CLASS_ACTIONS, help="what to do: " + ", ".join(CLASS_ACTIONS))
    sub.add_argument("name_or_id", nargs="?", metavar="NAME_OR_CLASS_ID", help="open: its name; else: the class id")
    sub.add_argument("value", nargs="?", help="review: on or off; approve: the story id")
    sub.add_argument("--pupil", metavar="NAME_OR_ID", help="reset-link / remove: the pupil")
    sub.add_argument("--withdraw", action="store_true", help="approve: take the approval back")
    sub.add_argument("--out", type=Path, metavar="FILE", help="archive: where to write the ZIP")


def add_import(command: Callable[..., argparse.ArgumentParser]) -> None:
    """`import FILE.zip` (run by core.cli.archives)."""
    sub = command("import", "import a story ZIP as a new story of yours")
    sub.add_argument("file", type=Path, metavar="FILE.zip", help="a ZIP the studio exported (export --format zip)")


def add_campaign(commands, parents: list[argparse.ArgumentParser]) -> None:
    """`campaign PHOTO --out DIR`: a marketer's campaign mockups (core.campaign) in one go."""
    what = "turn a product photo into campaign mockups: PNGs per variant and format, deck.pdf, copy.csv, campaign.zip"
    campaign = commands.add_parser("campaign", help=what, description=what, parents=parents)
    campaign.add_argument("photo", type=Path, help="the product photo")
    campaign.add_argument("--out", type=Path, required=True, help="folder for the pictures, deck, CSV and ZIP")
    campaign.add_argument(
        "--brand",
        type=Path,
        metavar="BRAND_FILE",
        help="a brand kit file, TOML or JSON (see README), or a kit id of the space",
    )
    campaign.add_argument(
        "--variants", type=_number(1, MAX_VARIANTS), default=3, metavar="N", help="how many copy variants"
    )
    campaign.add_argument(
        "--brief",
        default="",
        metavar="TEXT",
        help="'product=...; audience=...; offer=...; channel=...; cta=...; language=en', or a sentence: "
        "'Ridge Roast for busy commuters; 20%% off the first bag; order online'",
    )
    campaign.add_argument("--seed", type=int, default=1, help="the same seed gives the same copy and pictures")
    campaign.add_argument("--style", choices=CAMPAIGN_STYLES, default="clean", help="the mockups' look")
    campaign.add_argument("--caption", help="your own description of the photo (skips the vision step)")
    campaign.add_argument("--name", help="the campaign's name (default: the brand's)")
    campaign.add_argument(
        "--translate",
        action="append",
        default=[],
        metavar="LANG",
        help="also translate the copy into this language, with its own pictures (repeatable; needs a translator)",
    )
    campaign.add_argument("--publish", action="store_true", help="serve the deck with its QR code from static/")


def add_brand(commands, parents: list[argparse.ArgumentParser]) -> None:
    """`brand list|import|export`: the brand kits of the space, as the Brand kit page has them."""
    what = "the brand kits of your space: list them, import a kit file, export one as a file"
    brand = commands.add_parser("brand", help=what, description=what, parents=parents)
    brand.add_argument("action", choices=("list", "import", "export"), help="what to do")
    brand.add_argument("target", nargs="?", metavar="FILE_OR_ID", help="import: a kit file; export: a kit id")
    brand.add_argument("--out", type=Path, metavar="FILE", help="export: where to write it (.toml or .json)")
