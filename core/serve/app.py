"""Building the model service's Serve application, and running it on one machine or a cluster.

- `build_app(plan)`: the Serve application (a Gateway bound to one deployment per model);
- `build(args)`: the same, from plain arguments: what a Serve config file or a KubeRay RayService
  names as `import_path: core.serve.app:build` with `args:` (see deploy/k8s/rayservice.yaml), and
  what `serve run core.serve.app:build models=illustrator` calls;
- `start(plan, ...)` / `stop()`: Ray (a local one unless `address` names a cluster) and the app,
  without blocking (tests, bench/scale.py); `python -m core serve` is `start` then wait.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

from core.serve.plan import ServePlan, served_settings

APP_NAME = "visutale-models"

# For a Ray started here (a value the operator set wins; a cluster keeps its own):
# - Ray starts its workers at nice 15, to keep its own daemons responsive; but here the workers are
#   the service (the model replicas, the HTTP proxy), and beside anything at normal priority (the
#   studio, another process) they got a thirtieth of a core: the replicas took 166-230 s to load on
#   a two-core machine at load 5, and 10-12 s when it was quiet. They run at normal priority.
# - the HTTP proxy's first start (a fresh process importing Serve, uvicorn and starlette) took
#   longer than Ray's 5 s ready check on that machine; after three failed checks the controller
#   kills the proxy and starts another, until `serve.start` gives up after 60 s. 30 s lets it come up.
LOCAL_RAY_ENV = {"RAY_worker_niceness": "0", "RAY_SERVE_PROXY_READY_CHECK_TIMEOUT_S": "30"}


def build_app(plan: ServePlan) -> Any:
    from core.serve.gateway import Gateway  # both decorate with Ray Serve at import: only when serving
    from core.serve.models import DEPLOYMENTS

    handles = {}
    for model in plan.models:
        picture = model.name == "illustrator"
        options = model.deployment_options(
            target_ongoing=plan.batch_size if picture else 1, health_check_period_s=plan.health_check_period_s
        )
        if picture:
            options["user_config"] = {"batch_size": plan.batch_size, "batch_wait_s": plan.batch_wait_s}
            options["max_ongoing_requests"] = max(8, 2 * plan.batch_size)  # room to fill a batch
        handles[model.name] = DEPLOYMENTS[model.name].options(**options).bind(plan.settings)
    return Gateway.bind(handles, plan.served_names(), plan.retries)


def resolved(plan: ServePlan) -> ServePlan:
    """The plan with every served setting filled in (environment, then the plan's own values) and
    GPU shares for the cluster Ray is connected to."""
    import ray

    from core.settings import load_settings

    settings = served_settings(load_settings(overrides=plan.settings))
    gpus = ray.cluster_resources().get("GPU", 0) if ray.is_initialized() else 0
    return replace(plan, settings=settings).with_gpu_defaults(gpus)


def build(args: dict[str, Any]) -> Any:
    """The application builder for Serve config files and RayServices (see the module doc)."""
    return build_app(resolved(ServePlan.from_args(args)))


def studio_settings(plan: ServePlan, base_url: str) -> dict[str, str]:
    """The environment that points a studio at this service (remote engines and model names)."""
    names = plan.served_names()
    env = {"VISUTALE_OPENAI_BASE_URL": base_url}
    for capability in names:
        env[f"VISUTALE_{capability.upper()}"] = "remote"
    for capability in ("vision", "writer", "illustrator"):
        if capability in names:
            env[f"VISUTALE_REMOTE_{capability.upper()}_MODEL"] = names[capability]
    if "upscaler" in names:
        env["VISUTALE_MODEL_UPSCALER"] = names["upscaler"]
    return env


def start(
    plan: ServePlan,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    address: str | None = None,
    ray_options: dict[str, Any] | None = None,
) -> tuple[ServePlan, str]:
    """Ray and the application, running; returns the resolved plan and the base URL (…/v1)."""
    import ray
    from ray import serve

    if not ray.is_initialized():
        if address is None:
            for name, value in LOCAL_RAY_ENV.items():
                os.environ.setdefault(name, value)  # Ray's processes here inherit the environment
        ray.init(address=address, **(ray_options or {}))
    serve.start(http_options={"host": host, "port": port})
    plan = resolved(plan)
    serve.run(build_app(plan), name=APP_NAME, route_prefix="/")
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return plan, f"http://{shown}:{port}/v1"


def stop(*, cluster: bool = False) -> None:
    """Stop what `start` started: on a cluster (`address` given) only this application, which
    leaves the cluster and its other applications running; here, Serve and the local Ray."""
    import ray
    from ray import serve

    if not ray.is_initialized():
        return
    if cluster:
        serve.delete(APP_NAME)
    else:
        serve.shutdown()
    ray.shutdown()
