"""Outgrowing one machine (issue 11): what a Ray Serve replica buys, and what the object store costs.

Run: .venv/bin/python bench/scale.py [--pictures 24] [--clients 4] [--steps 4] [--size 128]

Pictures per minute of the tiny random-weight SDXL (base + refiner, tests/tiny_models.py) drawn
three ways in one run, each by `--clients` threads asking for pictures at once as that many people
would, `--pictures` in all:

- in process: the studio's local engine (`LocalIllustrator`), one model shared by every thread
  behind its lock, as one studio process draws;
- through Ray Serve with 1 replica, then 2 replicas, of the illustrator: `python -m core serve`'s
  application on a local Ray, driven by the studio's remote engine over HTTP (batches of up to 4).

Each replica reserves one CPU (Ray gives it one thread of torch) and the in-process figure uses one
thread too, so the three draw with the same arithmetic; on this 2-core machine two replicas can
only use what two cores give (a GPU node gives one card per replica). The machine is shared: the
figures move with its load, the ratios less. The
ratios printed are serve-2 / serve-1 (what a second replica buys) and serve-1 / in process (what the
service's HTTP, batching and process hop cost). It measures and prints; it does not pass or fail.

The story-store figures (local folder vs the moto S3 server, conflict rate) are bench/store_scale.py's;
this script runs it afterwards when it is there.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.chdir(ROOT)  # Ray's workers import `core` from the driver's working directory
for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_PROGRESS_BARS"):
    os.environ[name] = "1"  # nothing is downloaded; the replicas inherit it


def jobs(count: int, size: int):
    from core.providers.base import ImageJob

    # Short prompts: the tiny CLIP reads 32 characters.
    return [ImageJob(f"a red fox {i}", seed=i, width=size, height=size) for i in range(count)]


def per_minute(count: int, seconds: float) -> float:
    return 60.0 * count / seconds


def draw_all(illustrator, work, clients: int) -> float:
    """Seconds for `clients` threads to draw every job, one picture per call."""
    from core.providers.base import pictures

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        drawn = list(pool.map(lambda job: pictures(illustrator.generate([job])), work))
    assert all(len(p) == 1 for p in drawn)
    return time.perf_counter() - start


def in_process(models: dict, work, clients: int, steps: int, size: int) -> float:
    import torch

    from core.local.manager import ModelManager
    from core.providers.local_illustrator import LocalIllustrator

    torch.set_num_threads(1)  # as a replica with one CPU runs (Ray sets OMP_NUM_THREADS=1): the same work per picture

    illustrator = LocalIllustrator(
        str(models["illustrator"]), str(models["refiner"]), steps=steps, manager=ModelManager()
    )
    illustrator.loaded()
    draw_all(illustrator, work[:clients], clients)  # warm up
    return draw_all(illustrator, work, clients)


def through_serve(models: dict, work, clients: int, steps: int, size: int, replicas: int, port: int) -> float:
    from core.providers.remote_openai import RemoteIllustrator, forget_capabilities
    from core.serve.app import start, studio_settings
    from core.serve.plan import ServePlan
    from core.settings import load_settings

    plan = ServePlan.from_args(
        {
            "models": ["illustrator"],
            "replicas": {"illustrator": replicas},
            "cpus": {"illustrator": 1},
            "settings": {
                "model_illustrator": str(models["illustrator"]),
                "model_refiner": str(models["refiner"]),
                "illustrator_steps": steps,
                "illustrator_size": size,
            },
        }
    )
    ray_options = {"num_cpus": 2, "include_dashboard": False, "object_store_memory": 200 * 1024**2}
    plan, base_url = start(plan, port=port, ray_options={**ray_options, "log_to_driver": False})
    forget_capabilities()
    illustrator = RemoteIllustrator.from_settings(load_settings(env=studio_settings(plan, base_url)))
    draw_all(illustrator, work[:clients], clients)  # warm up
    return draw_all(illustrator, work, clients)


def store_figures() -> None:
    script = ROOT / "bench" / "store_scale.py"
    if not script.is_file():
        print("\nstore figures: bench/store_scale.py is not here yet")
        return
    print(flush=True)
    subprocess.run([sys.executable, str(script)], check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pictures", type=int, default=24)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--size", type=int, default=128, help="picture side in pixels (at least 128)")
    parser.add_argument("--port", type=int, help="the service's port (default: a free one)")
    args = parser.parse_args()
    if args.port is None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            args.port = sock.getsockname()[1]

    import tiny_models

    from core.serve.app import stop

    work = jobs(args.pictures, args.size)
    with tempfile.TemporaryDirectory() as folder:
        base, refiner = tiny_models.tiny_sdxl(Path(folder) / "sdxl")
        models = {"illustrator": base, "refiner": refiner}
        figures = {"in process": in_process(models, work, args.clients, args.steps, args.size)}
        print(f"in process: {figures['in process']:.1f} s", file=sys.stderr, flush=True)
        try:
            for replicas in (1, 2):
                name = f"Ray Serve, {replicas} replica{'s' if replicas > 1 else ''}"
                figures[name] = through_serve(models, work, args.clients, args.steps, args.size, replicas, args.port)
                print(f"{name}: {figures[name]:.1f} s", file=sys.stderr, flush=True)
        finally:
            stop()
    print(
        f"\n{args.pictures} pictures of {args.size}x{args.size} px, {args.steps} steps (tiny SDXL base + refiner), "
        f"{args.clients} clients at once, {os.cpu_count()} CPUs"
    )
    rates = {name: per_minute(args.pictures, seconds) for name, seconds in figures.items()}
    for name, seconds in figures.items():
        print(f"  {name:<22} {rates[name]:8.1f} pictures/min  ({seconds:.1f} s)")
    one, two = rates["Ray Serve, 1 replica"], rates["Ray Serve, 2 replicas"]
    print(f"  2 replicas / 1 replica: {two / one:.2f}x;  1 replica / in process: {one / rates['in process']:.2f}x")
    store_figures()


if __name__ == "__main__":
    main()
