"""What the model service runs: which models, how many replicas, what share of a GPU, batching.

One `ServePlan` comes either from the command line (`python -m core serve --gpus illustrator=1 ...`)
or from the `args` of a Serve config / KubeRay RayService (`ServePlan.from_args`), so a laptop and
a cluster run the same application. It holds only plain values (it travels to the Ray controller
and to each replica): the model settings are the `SERVED_FIELDS` of `core.settings.Settings`.

Defaults: one replica per model, no CPU reservation (a model's real constraint is its GPU), and a
GPU share of 1 / number-of-models per model when the Ray cluster has GPUs (they share one card),
none otherwise. Ray hides the GPUs from an actor that asked for none, so a share must be asked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from core.errors import InputError

MODELS = ("vision", "writer", "illustrator", "upscaler")
# The Settings fields a replica needs to load and drive its model (never keys or the data folder).
SERVED_FIELDS = (
    "model_vision",
    "model_writer",
    "model_illustrator",
    "model_refiner",
    "model_upscaler",
    "load_in_4bit",
    "gpu_memory_budget_gb",
    "illustrator_steps",
    "illustrator_size",
    "stop_words",
)
DEPLOYMENT_NAMES = {
    "vision": "VisionModel",
    "writer": "WriterModel",
    "illustrator": "IllustratorModel",
    "upscaler": "UpscalerModel",
}


@dataclass(frozen=True)
class ModelPlan:
    """One model's deployment: replicas (or autoscaling between min and max), GPU and CPU share."""

    name: str
    replicas: int = 1
    num_gpus: float | None = None  # None: decided by `with_gpu_defaults` from the cluster
    num_cpus: float = 0.0
    autoscale: tuple[int, int] | None = None  # (min_replicas, max_replicas)

    def deployment_options(self, *, target_ongoing: float, health_check_period_s: float | None) -> dict[str, Any]:
        """Keyword arguments for `Deployment.options(...)`."""
        options: dict[str, Any] = {
            "name": DEPLOYMENT_NAMES[self.name],
            "ray_actor_options": {"num_gpus": self.num_gpus or 0, "num_cpus": self.num_cpus},
        }
        if self.autoscale:
            low, high = self.autoscale
            options["autoscaling_config"] = {
                "min_replicas": low,
                "initial_replicas": low,
                "max_replicas": high,
                "target_ongoing_requests": target_ongoing,
            }
        else:
            options["num_replicas"] = self.replicas
        if health_check_period_s is not None:
            options["health_check_period_s"] = health_check_period_s
        return options


@dataclass(frozen=True)
class ServePlan:
    models: tuple[ModelPlan, ...] = tuple(ModelPlan(name) for name in MODELS)
    settings: dict[str, Any] = field(default_factory=dict)  # SERVED_FIELDS values
    batch_size: int = 4  # pictures drawn in one pipeline call
    batch_wait_s: float = 0.05  # how long a picture waits for others to join its batch
    retries: int = 2  # a request whose replica died is asked again this many times
    health_check_period_s: float | None = None  # None: Serve's default (10 s)

    def model(self, name: str) -> ModelPlan | None:
        return next((m for m in self.models if m.name == name), None)

    def served_names(self) -> dict[str, str]:
        """What clients call each model ("model" in a request): its id in the settings, as vLLM does."""
        return {m.name: str(self.settings.get(f"model_{m.name}") or "") for m in self.models}

    def with_gpu_defaults(self, cluster_gpus: float) -> ServePlan:
        """Models with no GPU share given get 1/len(models) of a card where the cluster has GPUs."""
        share = round(1 / len(self.models), 4) if cluster_gpus > 0 and self.models else 0.0
        return replace(
            self,
            models=tuple(m if m.num_gpus is not None else replace(m, num_gpus=share) for m in self.models),
        )

    # --- as plain data (a RayService's `args`) ---------------------------------------------
    def to_args(self) -> dict[str, Any]:
        out = asdict(self)
        out["models"] = [m.name for m in self.models]
        out["replicas"] = {m.name: m.replicas for m in self.models}
        out["gpus"] = {m.name: m.num_gpus for m in self.models if m.num_gpus is not None}
        out["cpus"] = {m.name: m.num_cpus for m in self.models}
        out["autoscale"] = {m.name: f"{m.autoscale[0]}:{m.autoscale[1]}" for m in self.models if m.autoscale}
        return out

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> ServePlan:
        """From a Serve config's `args` (the keys of `to_args`; every key optional)."""
        names = _model_names(args.get("models") or MODELS)
        replicas = _per_model(args.get("replicas") or {}, "replicas", int, minimum=1)
        gpus = _per_model(args.get("gpus") or {}, "gpus", float, minimum=0)
        cpus = _per_model(args.get("cpus") or {}, "cpus", float, minimum=0)
        autoscale = {name: _range(name, value) for name, value in (args.get("autoscale") or {}).items()}
        _per_model(autoscale, "autoscale", lambda v: v)
        unknown = set(args.get("settings") or {}) - set(SERVED_FIELDS)
        if unknown:
            raise InputError(f"The model service does not take the setting(s) {', '.join(sorted(unknown))}.")
        models = tuple(
            ModelPlan(
                name,
                replicas=replicas.get(name, 1),
                num_gpus=gpus.get(name),
                num_cpus=cpus.get(name, 0.0),
                autoscale=autoscale.get(name),
            )
            for name in names
        )
        return cls(
            models=models,
            settings=dict(args.get("settings") or {}),
            batch_size=_positive(args.get("batch_size", 4), "batch_size", int),
            batch_wait_s=_positive(args.get("batch_wait_s", 0.05), "batch_wait_s", float, minimum=0),
            retries=_positive(args.get("retries", 2), "retries", int, minimum=0),
            health_check_period_s=args.get("health_check_period_s"),
        )


def served_settings(settings: Any) -> dict[str, Any]:
    """The SERVED_FIELDS of a Settings object, as plain values."""
    return settings.model_dump(include=set(SERVED_FIELDS))


def parse_pairs(pairs: Sequence[str], what: str) -> dict[str, str]:
    """["illustrator=2", "vision=0.5"] -> {"illustrator": "2", ...}; a clear message for anything else."""
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not value:
            raise InputError(f"--{what} takes MODEL=VALUE (for example illustrator=2), not '{pair}'.")
        out[name.strip()] = value.strip()
    return out


def _model_names(names: Any) -> tuple[str, ...]:
    if isinstance(names, str):
        names = [n for n in names.split(",") if n.strip()]
    names = tuple(dict.fromkeys(str(n).strip() for n in names))
    wrong = [n for n in names if n not in MODELS]
    if wrong or not names:
        raise InputError(f"The models to serve are {', '.join(MODELS)}; '{', '.join(wrong)}' is not one of them.")
    return names


def _per_model(values: Mapping[str, Any], what: str, kind: Any, minimum: float | None = None) -> dict[str, Any]:
    out = {}
    for name, value in values.items():
        if name not in MODELS:
            raise InputError(f"{what}: '{name}' is not a model; the models are {', '.join(MODELS)}.")
        out[name] = _positive(value, f"{what} of {name}", kind, minimum=minimum)
    return out


def _positive(value: Any, what: str, kind: Any, minimum: float | None = 1) -> Any:
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise InputError(f"{what} must be a number, not '{value}'.") from None
    if minimum is not None and isinstance(number, (int, float)) and number < minimum:
        raise InputError(f"{what} must be at least {minimum}, not {value}.")
    return number


def _range(name: str, value: Any) -> tuple[int, int]:
    low, sep, high = str(value).partition(":")
    try:
        pair = (int(low), int(high))
    except ValueError:
        pair = None
    if not sep or pair is None or not 0 <= pair[0] <= pair[1] or pair[1] < 1:
        raise InputError(f"autoscale of {name} takes MIN:MAX replicas (for example 1:4), not '{value}'.")
    return pair
