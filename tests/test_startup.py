"""The command line starts fast (issue 21): `--help` and a usage error load no engine, no word
table and no image library, because the steps are imported only after parsing. No timing here
(bench/offline.py prints the seconds): what a fresh process has imported is the behaviour."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("core.studio", "core.jobs", "wordfreq", "lemminflect", "cv2", "numpy", "reportlab", "torch", "PIL")
PROBE = """
import contextlib, io, json, sys
from core.cli import main
from core.reading import syllables
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    codes = [main(["--help"]), main(["make", "--help"]), main(["make", "--pages", "nine"])]
loaded = [name for name in json.loads(sys.argv[1]) if name in sys.modules]
loader = getattr(syllables, "_hyphenator", None)  # None: the dictionary was read at import
read = 1 if loader is None else loader.cache_info().currsize
print(json.dumps({"codes": codes, "loaded": loaded, "hyphenator": read}))
"""


def test_help_and_a_usage_error_load_no_engine_and_no_word_table():
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(HEAVY)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["codes"] == [0, 0, 2]
    assert seen["loaded"] == []
    assert seen["hyphenator"] == 0  # pyphen's dictionary is read on the first word counted
