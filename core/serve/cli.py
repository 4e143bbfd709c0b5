"""`python -m core serve`: the local models as a Ray Serve application, on this machine or a cluster.

Its options are read into a `ServePlan` before Ray is imported, so a wrong one costs no start-up.
It prints the address and the settings that point a studio at it, then serves until Ctrl-C.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from core.serve.plan import MODELS, ModelPlan, ServePlan, parse_pairs

PAIR_OPTIONS = {
    "replicas": "replicas of a model (default 1), e.g. --replicas illustrator=2",
    "gpus": "GPU share of each replica of a model, e.g. --gpus illustrator=1 --gpus vision=0.5 "
    "(default: the models share one card where Ray finds GPUs, none otherwise)",
    "cpus": "CPUs reserved by each replica of a model (default 0)",
    "autoscale": "scale a model's replicas with its load between MIN and MAX, e.g. --autoscale illustrator=1:4",
}


def add_parser(commands: Any, model_flags: tuple[str, ...]) -> argparse.ArgumentParser:
    serve = commands.add_parser(
        "serve",
        help="serve the local models to studios over OpenAI-compatible routes (Ray Serve)",
        description="Serve the local models (LLaVA, the writer, SDXL base + refiner, the upscaler) as a Ray Serve "
        "application with OpenAI-compatible routes, so any studio's remote engine can use them.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0: every interface)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.add_argument(
        "--address", help="a running Ray cluster to deploy to ('auto', or ray://HOST:10001); default: start one here"
    )
    serve.add_argument("--models", default=",".join(MODELS), help=f"which models, comma-separated ({','.join(MODELS)})")
    for name, help in PAIR_OPTIONS.items():
        serve.add_argument(f"--{name}", action="append", default=[], metavar="MODEL=VALUE", help=help)
    serve.add_argument("--batch-size", type=int, default=4, help="pictures drawn together in one pipeline call")
    serve.add_argument(
        "--batch-wait", type=float, default=0.05, metavar="SECONDS", help="how long a picture waits for a batch"
    )
    for name in model_flags:
        serve.add_argument(f"--model-{name}", metavar="ID_OR_PATH", help=f"the {name} model (default: the settings)")
    serve.add_argument("--steps", type=int, help="denoising steps per picture")
    serve.add_argument("--size", type=int, metavar="PX", help="draw pictures with this long side, whatever is asked")
    serve.set_defaults(data_dir=None)
    return serve


def plan_of(args: argparse.Namespace, settings: Any) -> ServePlan:
    """The plan the options describe (InputError names a wrong one)."""
    from core.serve.plan import served_settings

    pairs = {name: parse_pairs(getattr(args, name), name) for name in PAIR_OPTIONS}
    plan = ServePlan.from_args(
        {
            "models": args.models,
            **pairs,
            "batch_size": args.batch_size,
            "batch_wait_s": args.batch_wait,
            "settings": served_settings(settings),
        }
    )
    return plan


def serve(args: argparse.Namespace, settings: Any) -> None:
    from core.extras import require

    require("serve")  # Ray is imported only now: without the extra, name it and its install command
    from core.serve.app import start, stop, studio_settings  # imports Ray: only with the extra, only now

    plan = plan_of(args, settings)
    print("starting Ray and the models (loading them takes a while) ...", file=sys.stderr)
    try:
        plan, base_url = start(plan, host=args.host, port=args.port, address=args.address)
        print(f"serving {', '.join(m.name for m in plan.models)} at {base_url}", file=sys.stderr)
        for model in plan.models:
            print(f"  {_describe(model)}", file=sys.stderr)
        print("point a studio at it with:", file=sys.stderr)
        for key, value in studio_settings(plan, base_url).items():
            print(f"{key}={value}")
        sys.stdout.flush()
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("stopping the model service", file=sys.stderr)
    finally:
        stop(cluster=args.address is not None)


def _describe(model: ModelPlan) -> str:
    if model.autoscale:
        replicas = f"{model.autoscale[0]}-{model.autoscale[1]} replicas"
    else:
        replicas = f"{model.replicas} replica(s)"
    return f"{model.name}: {replicas}, {model.num_gpus or 0:g} GPU and {model.num_cpus:g} CPU each"
