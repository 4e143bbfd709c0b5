"""The sample photos bundled under assets/samples (licences in assets/samples/LICENSE.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core import ASSETS

FOLDER = ASSETS / "samples"


@dataclass(frozen=True)
class Sample:
    """A bundled photo: its button's name, its alt text, its file, and `caption`: the words a
    person would write for it (checked against the photo: the espresso cup is red), which a story
    started from the sample begins with. The offline engine sees a face and light grey in the
    astronaut photo, and wrote a street story from it; a newcomer's first book should be the
    astronaut's, in space."""

    title: str
    description: str
    path: Path
    caption: str


SAMPLES: dict[str, Sample] = {
    "astronaut": Sample(
        "the astronaut",
        "An astronaut in her suit",
        FOLDER / "astronaut.jpg",
        "Astronaut Eileen in her orange suit, ready to fly into space, with the space shuttle behind her.",
    ),
    "chelsea": Sample(
        "the cat",
        "Chelsea the cat",
        FOLDER / "chelsea.jpg",
        "Our tabby cat Chelsea, with big green eyes, wide awake and curious at home in the living room.",
    ),
    "coffee": Sample(
        "the coffee",
        "A cup of coffee",
        FOLDER / "coffee.jpg",
        "A red cup of espresso on a red saucer with a silver spoon, on an old wooden cafe table.",
    ),
}


def sample_bytes(name: str) -> bytes:
    return SAMPLES[name].path.read_bytes()
