"""What `python -m core serve` and a RayService's `args` ask for, checked before Ray starts: the
deployment options each model gets, and clear messages for options that make no sense."""

from __future__ import annotations

import pytest

from core.cli import main
from core.errors import InputError
from core.serve.app import studio_settings
from core.serve.plan import MODELS, ServePlan, parse_pairs
from core.settings import load_settings


def test_defaults_one_replica_each_and_a_shared_card_only_where_there_is_one():
    plan = ServePlan.from_args({})
    assert [m.name for m in plan.models] == list(MODELS)
    assert {m.replicas for m in plan.models} == {1}
    assert {m.num_gpus for m in plan.with_gpu_defaults(1).models} == {0.25}
    assert {m.num_gpus for m in plan.with_gpu_defaults(0).models} == {0.0}
    given = ServePlan.from_args({"gpus": {"illustrator": 1}}).with_gpu_defaults(2)
    assert given.model("illustrator").num_gpus == 1 and given.model("vision").num_gpus == 0.25


def test_deployment_options_carry_gpu_share_replicas_and_autoscaling():
    plan = ServePlan.from_args(
        {
            "models": "writer,illustrator",
            "replicas": {"writer": 2},
            "gpus": {"writer": 0.5},
            "autoscale": {"illustrator": "1:4"},
        }
    )
    writer = plan.model("writer").deployment_options(target_ongoing=1, health_check_period_s=None)
    assert writer["num_replicas"] == 2 and writer["ray_actor_options"] == {"num_gpus": 0.5, "num_cpus": 0.0}
    pictures = plan.model("illustrator").deployment_options(target_ongoing=4, health_check_period_s=2)
    assert "num_replicas" not in pictures and pictures["health_check_period_s"] == 2
    assert pictures["autoscaling_config"] == {
        "min_replicas": 1,
        "initial_replicas": 1,
        "max_replicas": 4,
        "target_ongoing_requests": 4,
    }
    assert plan.model("vision") is None


@pytest.mark.parametrize(
    "args, says",
    [
        ({"models": "vision,painter"}, "'painter' is not one of them"),
        ({"replicas": {"painter": 2}}, "'painter' is not a model"),
        ({"replicas": {"writer": 0}}, "at least 1"),
        ({"gpus": {"writer": "lots"}}, "must be a number"),
        ({"autoscale": {"illustrator": "4:1"}}, "MIN:MAX"),
        ({"settings": {"openai_api_key": "sk-x"}}, "does not take the setting"),
    ],
)
def test_options_that_make_no_sense_are_named(args, says):
    with pytest.raises(InputError, match=says):
        ServePlan.from_args(args)


def test_pairs_need_a_name_and_a_value():
    assert parse_pairs(["illustrator=2", " vision = 0.5 "], "gpus") == {"illustrator": "2", "vision": "0.5"}
    with pytest.raises(InputError, match="MODEL=VALUE"):
        parse_pairs(["illustrator"], "replicas")


def test_the_command_line_refuses_a_bad_option_in_one_line_before_starting_ray(capsys):
    assert main(["serve", "--replicas", "painter=2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: replicas: 'painter' is not a model") and "Traceback" not in err


def test_the_printed_settings_point_a_studio_at_every_served_model():
    plan = ServePlan.from_args({"settings": {"model_illustrator": "/models/sdxl", "model_upscaler": "/models/x4"}})
    settings = load_settings(env=studio_settings(plan, "http://gpu2:8000/v1"))
    assert (settings.vision, settings.writer, settings.illustrator, settings.upscaler) == ("remote",) * 4
    assert settings.endpoint("illustrator")[0] == "http://gpu2:8000/v1"
    assert settings.remote_illustrator_model == "/models/sdxl" and settings.model_upscaler == "/models/x4"
