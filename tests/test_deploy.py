"""The deployment examples in deploy/ agree with the code: every variable they set is a real
setting, the studio asks the model service for the models it serves, sessions are sticky, and the
model service's arguments are ones `python -m core serve` and `core.serve.app:build` accept.
They cannot run here (Docker, a GPU, a Kubernetes cluster), so they are read, not started."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from core.settings import ALIASES, Settings, load_settings

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
MODELS = ("vision", "writer", "illustrator", "upscaler")


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def k8s(name: str) -> list[dict]:
    return list(yaml.safe_load_all((DEPLOY / "k8s" / name).read_text()))


def streamlit_env_names() -> set[str]:
    import streamlit.config

    def env(key: str) -> str:
        return "STREAMLIT_" + re.sub(r"(?<=[a-z])(?=[A-Z])", "_", key.replace(".", "_")).upper()

    return {env(key) for key in streamlit.config._config_options_template}


def is_setting(name: str) -> bool:
    """A studio setting (VISUTALE_<field> or an alias), an AWS variable, or a Streamlit option."""
    return (
        name in {f"VISUTALE_{field.upper()}" for field in Settings.model_fields}
        or name in ALIASES
        or name.startswith("AWS_")
        or name in streamlit_env_names()
    )


def compose_env(service: str) -> dict[str, str]:
    return {k: str(v) for k, v in (compose()["services"][service].get("environment") or {}).items()}


def container_env(container: dict) -> dict[str, str]:
    return {item["name"]: str(item.get("value", "<secret>")) for item in container.get("env") or []}


def studio_container() -> dict:
    (deployment,) = [doc for doc in k8s("studio.yaml") if doc["kind"] == "Deployment"]
    return deployment["spec"]["template"]["spec"]["containers"][0]


def ray_containers() -> list[dict]:
    cluster = k8s("rayservice.yaml")[0]["spec"]["rayClusterConfig"]
    groups = [cluster["headGroupSpec"], *cluster["workerGroupSpecs"]]
    return [c for group in groups for c in group["template"]["spec"]["containers"]]


def serve_config() -> dict:
    return yaml.safe_load(k8s("rayservice.yaml")[0]["spec"]["serveConfigV2"])


def our_envs() -> dict[str, dict[str, str]]:
    """Every environment our own images are given, by where it is set."""
    envs = {f"compose {name}": compose_env(name) for name, s in compose()["services"].items() if "build" in s}
    envs["k8s studio"] = container_env(studio_container())
    for container in ray_containers():
        envs[f"k8s {container['name']}"] = container_env(container)
    return envs


def test_every_variable_set_is_a_real_setting():
    envs = our_envs()
    assert set(envs) == {"compose studio", "compose models", "k8s studio", "k8s ray-head", "k8s ray-worker"}
    wrong = {(where, name) for where, env in envs.items() for name in env if not is_setting(name)}
    assert not wrong
    assert is_setting("STREAMLIT_SERVER_COOKIE_SECRET") and not is_setting("VISUTALE_NO_SUCH_FIELD")


@pytest.mark.parametrize("where", ["compose studio", "compose models", "k8s studio", "k8s ray-worker"])
def test_the_values_load_as_settings(where):
    env = {k: v for k, v in our_envs()[where].items() if k.startswith("VISUTALE_")}
    settings = load_settings(env=env)  # InputError names a value that is not valid
    if "studio" in where:
        assert all(getattr(settings, capability) == "remote" for capability in MODELS)


def test_the_studio_asks_the_model_service_for_the_models_it_serves():
    pairs = [
        (compose_env("studio"), compose_env("models")),
        (container_env(studio_container()), *[container_env(c) for c in ray_containers()]),
    ]
    for studio, *services in pairs:
        for service in services:
            for capability in ("vision", "writer", "illustrator"):
                assert (
                    studio[f"VISUTALE_REMOTE_{capability.upper()}_MODEL"]
                    == service[f"VISUTALE_MODEL_{capability.upper()}"]
                )
            assert studio["VISUTALE_MODEL_UPSCALER"] == service["VISUTALE_MODEL_UPSCALER"]
    url = urlsplit(compose_env("studio")["VISUTALE_OPENAI_BASE_URL"])
    command = shlex.split(compose()["services"]["models"]["command"])
    assert (url.hostname, url.port, url.path) == ("models", int(command[command.index("--port") + 1]), "/v1")
    url = urlsplit(container_env(studio_container())["VISUTALE_OPENAI_BASE_URL"])
    assert url.hostname == k8s("rayservice.yaml")[0]["metadata"]["name"] + "-serve-svc"  # KubeRay's Service
    assert url.port == 8000 and url.path == "/v1"


def test_two_studio_replicas_with_sticky_sessions():
    studio = compose()["services"]["studio"]
    assert studio["deploy"]["replicas"] == 2
    labels = dict(label.split("=", 1) for label in studio["labels"])
    assert labels["traefik.http.services.studio.loadbalancer.sticky.cookie"] == "true"
    docs = {doc["kind"]: doc for doc in k8s("studio.yaml")}
    assert docs["Deployment"]["spec"]["replicas"] == 2
    assert docs["Ingress"]["metadata"]["annotations"]["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert docs["Service"]["spec"]["sessionAffinity"] == "ClientIP"
    backend = docs["Ingress"]["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == docs["Service"]["metadata"]["name"]


def test_the_model_service_arguments_are_accepted():
    from core.cli.parser import build_parser
    from core.serve.app import build
    from core.serve.cli import plan_of
    from core.serve.plan import ServePlan

    command = shlex.split(compose()["services"]["models"]["command"])
    assert command[:4] == ["python", "-m", "core", "serve"]
    args = build_parser().parse_args(command[3:])
    plan = plan_of(args, load_settings(env=compose_env("models")))
    assert {m.name: m.num_gpus for m in plan.models} == {
        "vision": 0.2,
        "writer": 0.3,
        "illustrator": 0.4,
        "upscaler": 0.1,
    }
    (application,) = serve_config()["applications"]
    module, _, attribute = application["import_path"].partition(":")
    assert f"{module}:{attribute}" == "core.serve.app:build" and callable(build)
    plan = ServePlan.from_args(application["args"])
    illustrator = plan.model("illustrator")
    options = illustrator.deployment_options(target_ongoing=plan.batch_size, health_check_period_s=None)
    assert options["ray_actor_options"]["num_gpus"] == 1
    assert options["autoscaling_config"]["max_replicas"] == 4 and "num_replicas" not in options
