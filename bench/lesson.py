"""The How it works lesson, measured: picture -> caption retrieval of a trained W for each loss and
optimiser (mean over seeds) beside the fair baselines fitted on the same pairs (ridge regression in
closed form; PCA-16 then least squares), PCA of each side alone (which never sees the pairs, so it
sits near chance by construction) and guessing; W's distance from ridge in points; the seconds an
epoch takes with OpenBLAS on one thread and on its own count, and how far numpy's hand-written
backpropagation is from torch's autograd. It prints; it does not pass or fail.

    .venv/bin/python bench/lesson.py [--seeds 5] [--pairs 240] [--epochs 30]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.lesson import train  # noqa: E402
from core.lesson.train import Config, Lesson  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--pairs", type=int, default=240)
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args()

    lessons = [Lesson.build(args.pairs, seed) for seed in range(args.seeds)]
    n = len(lessons[0].data.test)
    print(f"{args.pairs} pairs ({n} held out), {args.epochs} epochs, seeds 0-{args.seeds - 1}")
    print(f"guessing: top-1 {1 / n:.1%}, top-5 {5 / n:.1%}")
    baselines = {
        "PCA of each side alone (no pairs)": [lesson.pca() for lesson in lessons],
        "PCA-16 + least squares (same pairs)": [lesson.pca_least_squares() for lesson in lessons],
        "ridge regression, closed form, α by cross-validation on the training pairs": [
            lesson.ridge() for lesson in lessons
        ],
    }
    for label, scores in baselines.items():
        print(f"{label}: top-1 {np.mean([p.top1 for p in scores]):.1%}, top-5 {np.mean([p.top5 for p in scores]):.1%}")
    print("ridge's α per seed:", ", ".join(f"{lesson.ridge_alpha():g}" for lesson in lessons))
    ridge = np.mean([p.top1 for p in list(baselines.values())[-1]])
    for loss in train.LOSSES:
        for optimiser in train.OPTIMISERS:
            runs, seconds = [], 0.0
            for seed, lesson in enumerate(lessons):
                start = time.perf_counter()
                runs.append(lesson.run(Config(loss=loss, optimiser=optimiser, epochs=args.epochs, seed=seed)))
                seconds += time.perf_counter() - start
            print(
                f"W {loss:6s} {optimiser:4s}: top-1 {np.mean([r.retrieval.top1 for r in runs]):.1%}, "
                f"top-5 {np.mean([r.retrieval.top5 for r in runs]):.1%}, "
                f"loss {np.mean([r.epochs[0].loss for r in runs]):.4f} -> "
                f"{np.mean([r.epochs[-1].loss for r in runs]):.4f}, "
                f"{seconds / len(runs) / args.epochs * 1000:.1f} ms an epoch, "
                f"top-1 {100 * (np.mean([r.retrieval.top1 for r in runs]) - ridge):+.1f} points against ridge"
            )

    lesson = lessons[0]
    for label, limited in (("one BLAS thread", True), ("OpenBLAS's own thread count", False)):
        if not limited:
            train.few_threads = _no_limit  # what numpy does by itself
        start = time.perf_counter()
        lesson.run(Config(epochs=10))
        print(f"{label}: {(time.perf_counter() - start) / 10 * 1000:.1f} ms an epoch")

    try:
        import torch  # noqa: F401
    except ImportError:
        print("torch is not installed: no autograd comparison")
        return
    a = lesson.run(Config(epochs=5, backend="numpy"))
    b = lesson.run(Config(epochs=5, backend="torch"))
    print(f"numpy vs torch autograd after 5 epochs: largest difference in W {np.max(np.abs(a.W - b.W)):.2e}")


def _no_limit():
    from contextlib import nullcontext

    return nullcontext()


if __name__ == "__main__":
    main()
