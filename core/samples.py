"""The sample photos bundled under assets/samples (licences in assets/samples/LICENSE.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core import ASSETS

FOLDER = ASSETS / "samples"


@dataclass(frozen=True)
class Sample:
    title: str
    description: str
    path: Path


SAMPLES: dict[str, Sample] = {
    "astronaut": Sample("the astronaut", "An astronaut in her suit", FOLDER / "astronaut.jpg"),
    "chelsea": Sample("the cat", "Chelsea the cat", FOLDER / "chelsea.jpg"),
    "coffee": Sample("the coffee", "A cup of coffee", FOLDER / "coffee.jpg"),
}


def sample_bytes(name: str) -> bytes:
    return SAMPLES[name].path.read_bytes()
