"""The test suite on a busy machine (issue 21): every test against its timeout at a load of about 4.

Run: .venv/bin/python bench/suite_load.py [--busy 2] [-- PYTEST ARGS]   It measures and prints; it
does not pass or fail. It starts `--busy` loops that spin at normal priority (two on a two-core
machine: with the suite's two workers the load is about 4), runs the suite as the README's test
command does (`pytest -n 2 --dist loadfile`) with `--durations=0`, stops the loops, and prints:

- the wall time and the load average, sampled every 10 s while it ran (min, median, max);
- every test's seconds (setup + call + teardown) against its timeout: the module's or the test's
  own `pytest.mark.timeout`, else the suite's default (`timeout` in pyproject.toml), worst share
  first (goal: no test above a third);
- how many passed and failed.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import tomllib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DURATION = re.compile(r"^([\d.]+)s (setup|call|teardown)\s+(\S+)", re.M)


def timeout_of(test: str, default: float) -> float:
    """The timeout pytest-timeout gives `test` (path::name[params]): its own mark, its module's, or
    the suite's default."""
    path, _, name = test.partition("::")
    source = (ROOT / path).read_text()
    own = re.search(
        r"@pytest\.mark\.timeout\((\d+)\)[^\n]*\n(?:@[^\n]*\n)*def " + re.escape(name.split("[")[0]) + r"\b", source
    )
    module = re.search(r"^pytestmark = .*?timeout\((\d+)\)", source, re.M)
    found = own or module
    return float(found.group(1)) if found else default


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--busy", type=int, default=2, help="spinning loops beside the suite (default 2)")
    args, pytest_args = parser.parse_known_args()
    pytest_args = [a for a in pytest_args if a != "--"]
    default = float(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["timeout"])

    loops = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.busy)]
    loads: list[float] = []
    running = threading.Event()
    running.set()

    def sample() -> None:
        while running.is_set():
            loads.append(os.getloadavg()[0])
            time.sleep(10)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadfile", "--durations=0", "-q", *pytest_args],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    finally:
        running.clear()
        for loop in loops:
            loop.kill()
    wall = time.perf_counter() - start
    output = done.stdout + done.stderr

    tests: dict[str, float] = defaultdict(float)
    for seconds, _, test in DURATION.findall(output):
        tests[test] += float(seconds)
    shares = sorted(((s / timeout_of(t, default), s, t) for t, s in tests.items()), reverse=True)
    print(
        f"suite beside {args.busy} busy loops: {wall / 60:.1f} min wall; load average min/median/max "
        f"{min(loads):.1f} / {statistics.median(loads):.1f} / {max(loads):.1f}",
        flush=True,
    )
    print("tests against their timeouts, the largest shares first (goal: none above 1/3):")
    for share, seconds, test in shares[:12]:
        print(f"  {share:5.2f}  {seconds:6.1f} s of {timeout_of(test, default):.0f} s  {test}")
    print(f"above a third: {sum(1 for s, _, _ in shares if s > 1 / 3)} of {len(shares)} tests")
    summary = [line for line in output.splitlines() if re.search(r"\d+ (passed|failed)", line)]
    print(summary[-1] if summary else output[-2000:])


if __name__ == "__main__":
    main()
