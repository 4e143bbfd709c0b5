"""Stories on object storage (issue 11): story operations per second on the local folder and on an
S3 server, and the conflict rate of two writers hammering one story.

Run: .venv/bin/python bench/store_scale.py [--ops 40] [--stories 20] [--seconds 8]

The S3 server is moto's (`moto[server]`), started here in a process of its own on 127.0.0.1, so its
figures are an S3 protocol round trip on this machine, not AWS latency (tens of milliseconds per
request there; a save is about six requests). For each data folder it times:

- load: open one story (`Store.load`);
- save: load, change a setting, save on top of that revision (`Store.save`);
- list: the Library of `--stories` stories (`Store.list`).

Then two writer processes (two studio replicas) load and save one story as fast as they can for
`--seconds`, without retrying: the conflict rate is the share of saves refused with StaleRevision
(on S3 by the server's conditional write, locally by the lock and the revision check). It checks
that nothing was lost: the story's revision went up by exactly the number of saves that succeeded.
It measures and prints; it does not pass or fail.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.storage.datadir import open_data_dir  # noqa: E402
from core.storage.store import Store  # noqa: E402

KEY_ID, SECRET = "bench", "bench-secret"

WRITER = """
import json, sys, time
from core.storage.datadir import data_dir_of
from core.settings import load_settings
from core.storage.store import StaleRevision, Store

store = Store(data_dir_of(load_settings(overrides={"data_dir": sys.argv[1]})))
story_id = sys.argv[2]
store.load(story_id)
print("ready", flush=True)
until = float(sys.stdin.readline())  # both writers start together
saved = stale = 0
while time.time() < until:
    story = store.load(story_id)
    story.settings.seed += 1
    try:
        store.save(story)
        saved += 1
    except StaleRevision:
        stale += 1
print(json.dumps({"saved": saved, "stale": stale}))
"""


def start_s3() -> tuple[subprocess.Popen, str]:
    """moto's S3 server in its own process, with one bucket."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    import boto3

    boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET, region_name="us-east-1"
    ).create_bucket(Bucket="bench")
    return server, endpoint


def per_second(action, count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        action()
    return count / (time.perf_counter() - start)


def measure(store: Store, root: str, env: dict, ops: int, stories: int, seconds: float) -> dict:
    made = [store.create() for _ in range(stories)]
    one = made[0].id

    def save() -> None:
        story = store.load(one)
        story.settings.seed += 1
        store.save(story)

    figures = {
        "load/s": per_second(lambda: store.load(one), ops),
        "save/s": per_second(save, ops),
        "list/s": per_second(store.list, max(3, ops // 10)),
    }
    before = store.load(one).revision
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, root, one],
            cwd=ROOT,
            env={**env, "PYTHONPATH": str(ROOT)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for writer in writers:  # imported and connected
        assert writer.stdout.readline().strip() == "ready"
    until = time.time() + seconds
    for writer in writers:
        writer.stdin.write(f"{until}\n")
        writer.stdin.flush()
    counts = [json.loads(w.communicate(timeout=120 + seconds)[0]) for w in writers]
    saved, stale = sum(c["saved"] for c in counts), sum(c["stale"] for c in counts)
    figures.update(
        {
            "two writers: saves/s": saved / seconds,
            "conflict rate": stale / max(saved + stale, 1),
            "lost updates": saved - (store.load(one).revision - before),
        }
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ops", type=int, default=40, help="loads and saves timed per data folder")
    parser.add_argument("--stories", type=int, default=20, help="stories in the listed Library")
    parser.add_argument("--seconds", type=float, default=8.0, help="how long the two writers hammer one story")
    args = parser.parse_args()

    results = {}
    folder = Path(tempfile.mkdtemp(prefix="store-bench-"))
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("VISUTALE_")}
        results["local folder"] = measure(Store(folder), str(folder), env, args.ops, args.stories, args.seconds)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    server, endpoint = start_s3()
    try:
        url = f"s3://bench/{uuid.uuid4().hex[:8]}"
        store = Store(open_data_dir(url, {"endpoint_url": endpoint, "key": KEY_ID, "secret": SECRET}))
        env.update(AWS_ACCESS_KEY_ID=KEY_ID, AWS_SECRET_ACCESS_KEY=SECRET, AWS_ENDPOINT_URL=endpoint)
        results["S3 (moto server)"] = measure(store, url, env, args.ops, args.stories, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=10)

    names = list(next(iter(results.values())))
    print(f"{'':24s}" + "".join(f"{where:>20s}" for where in results))
    for name in names:
        row = (results[where][name] for where in results)
        cells = "".join(f"{value:>20.0%}" if name == "conflict rate" else f"{value:>20.1f}" for value in row)
        print(f"{name:24s}{cells}")
    print(f"({args.ops} loads and saves, {args.stories} stories listed, two writers for {args.seconds:.0f} s)")


if __name__ == "__main__":
    main()
