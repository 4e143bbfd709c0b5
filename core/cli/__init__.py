"""The headless command line: `python -m core COMMAND ...`, the same steps as the pages.

`make` turns a photo into a book in one go; `list`, `show`, `duplicate`, `caption`, `write`, `revise`,
`draft`, `enlarge`, `illustrate`, `upscale`, `translate`, `narrate`, `export` (`--format pdf|epub|html`) and
`delete` work on stored stories, each calling the same `core.studio` step as its page. Progress
goes to stderr, results to stdout (JSON with `--json` for `list` and `show`). A problem a person
can fix (a wrong id, a bad option, a refused photo, a service that says no) ends with one line on
stderr and exit status 2; a bug with one line and exit status 1 (the traceback with
VISUTALE_DEBUG=1); never a traceback otherwise.
Nothing is published to the static folder unless asked (`--publish` on `make` and `export`).
"""

from __future__ import annotations

import os
import sys

from core.cli.parser import EXIT_USAGE, build_parser
from core.errors import StudioError
from core.extras import missing_extra

EXIT_BUG = 1
EXIT_INTERRUPTED = 130


def main(argv: list[str] | None = None) -> int:
    """The command line: `python -m core ...` and the installed `visutale ...` both land here."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as done:  # --help, or a usage error already printed as one line
        return int(done.code or 0)
    # imported after parsing: it keeps `--help` fast (the steps load engines, wordfreq, OpenCV ...)
    from core.cli.commands import dispatch

    try:
        dispatch(args)
    except StudioError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("stopped; the story is saved as far as it got", file=sys.stderr)
        return EXIT_INTERRUPTED
    except ImportError as error:  # an extra that is not installed is named with its install command
        extra = missing_extra(error)
        if extra is None:
            return _bug(error)
        print(f"error: {extra}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:  # a folder that cannot be written, a disk that is full
        print(f"error: {error.strerror or error} ({error.filename or ''})", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:  # a bug: one line for the person, the traceback only when asked
        return _bug(error)
    return 0


def _bug(error: Exception) -> int:
    if os.environ.get("VISUTALE_DEBUG"):
        raise error
    print(
        f"error: the studio failed unexpectedly ({type(error).__name__}: {error}); "
        "the story is saved as far as it got. Set VISUTALE_DEBUG=1 for the details.",
        file=sys.stderr,
    )
    return EXIT_BUG
