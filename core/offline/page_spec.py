"""The scene spec of each page the offline writer tells: what its picture must show.

Made from the plan and the page's own text, so the picture and the words agree: the props and
companions are the world things the page names (`core.offline.scene_check`), the setting is the
story's (a story stays in its kind of place), the time follows the arc (morning at the start,
dusk at the end, night when the page says so), the pose follows what the hero does.
"""

from __future__ import annotations

import re

from core.offline.scene_check import named_companions, named_props
from core.story import SceneSpec

# the hero's pose by what the page tells, first match wins
_POSE_WORDS = (
    ("sleep", ("fell asleep", "asleep", "sleeping", "dozed", "nodded off")),
    ("hug", ("hug", "hugged")),
    ("jump", ("jumped", "jumping", "leapt")),
    ("reach", ("reach", "stretching", "tugged", "lifted", "pulled", "shake")),
    ("run", ("ran ", "chased", "hurried", "raced")),
    ("wave", ("waved", "called out", "calling")),
    ("sit", ("sat down", "sitting", "curled up", "rested")),
    ("look", ("looked", "searched", "saw", "spotted", "listened", "looking")),
    ("walk", ("walked", "set off", "walking", "went")),
)
_ACTIONS = {
    "beginning": "at home",
    "problem": "finds the trouble",
    "turn": "sees the answer",
    "ending": "celebrates",
}
_STAGE_TIME = {"beginning": "morning", "problem": "day", "attempt": "day", "turn": "day", "ending": "dusk"}
_STAGE_FRAMING = {"beginning": "wide", "problem": "close", "attempt": "medium", "turn": "close", "ending": "wide"}


def spec_for(plan, stages: list[str], text: str, scene: str, index: int) -> SceneSpec:
    """The SceneSpec of one page told from `plan` (a `core.offline.writer.Plan`)."""
    low = text.lower()
    stage = stages[-1]
    pose = next((p for p, ws in _POSE_WORDS if any(w in low for w in ws)), plan.pose if index == 0 else "stand")
    if plan.place in ("space", "moon") and pose in ("stand", "walk", "run"):
        pose = "float"
    if index == 0 and plan.pose != "stand":
        pose = plan.pose  # the photo's own pose opens the book
    time = _STAGE_TIME.get(stage, "day")
    if re.search(r"\b(night|bedtime|stars came out|moon rose)\b", low):
        time = "night"
    weather = plan.problem.get("weather", "clear")
    if stage == "ending" or plan.place in ("space", "moon") or plan.problem["where"] == "indoor":
        weather = "clear" if plan.place != "snow" else "snow"
    elif plan.place == "snow":
        weather = "snow"
    companions = named_companions(text, plan.noun)
    if plan.friend and plan.friend_kind and re.search(rf"\b{re.escape(plan.friend)}\b", text):
        if plan.friend_kind not in companions:
            companions.insert(0, plan.friend_kind)
    action = _ACTIONS.get(stage, "")
    if stage == "attempt" and len(stages) == 1:  # the scene says what the try was: "looking under the table"
        found = re.search(r"\b([a-z]+ing\b.*)$", scene.rstrip("."))
        action = found.group(1)[:80] if found else "trying again"
    props = named_props(text)
    # the plot's own prop in the colour its lines give it ("Chelsea's red ball"), when they do
    coloured = any("{thing_colour}" in str(v) for v in plan.problem.values())
    colours = {p: plan.thing_colour for p in plan.problem.get("props", ()) if p in props and coloured}
    spot = next((p for p in plan.places if p in low), "") if stage == "attempt" else ""
    return SceneSpec(
        setting=plan.place,
        time=time,
        weather=weather,
        hero=plan.noun,
        pose=pose,
        action=action,
        companions=companions,
        props=props,
        framing=_STAGE_FRAMING.get(stage, "medium") if len(stages) == 1 else "wide",
        colours=colours,
        spot=spot,
    )
