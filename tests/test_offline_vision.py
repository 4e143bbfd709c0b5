"""The offline analysis and vision: real detections on the bundled sample photos."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from core.offline.analysis import analyse, colour_name
from core.offline.mood import mood_of
from core.offline.vision import OfflineVision
from core.providers.base import Vision

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "assets" / "samples"


@pytest.fixture(scope="module")
def photos() -> dict[str, Image.Image]:
    return {name: Image.open(SAMPLES / f"{name}.jpg").convert("RGB") for name in ("astronaut", "chelsea", "coffee")}


def test_finds_the_astronauts_face(photos):
    a = analyse(photos["astronaut"])
    assert len(a.faces) == 1 and not a.cat_faces
    x, y, w, h = a.faces[0].box
    assert 150 < x + w / 2 < 300 and 60 < y + h / 2 < 180  # her face, upper centre
    assert a.faces[0].horizontal == "centre" and a.faces[0].vertical == "top"
    assert a.subject_kind == "face" and a.subject_box == a.faces[0].box
    assert a.orientation == "square"


def test_finds_the_cat_face(photos):
    a = analyse(photos["chelsea"])
    assert len(a.cat_faces) >= 1 and not a.faces
    assert a.subject_kind == "cat face"
    assert a.orientation == "landscape"


def test_finds_nothing_on_the_coffee(photos):
    a = analyse(photos["coffee"])
    assert a.faces == () and a.cat_faces == () and a.bodies == ()
    assert a.subject_kind == "centre of interest"
    x, y, w, h = a.subject_box
    assert 0 <= x and 0 <= y and x + w <= a.width and y + h <= a.height and w > 50 and h > 50


def test_colours_and_light(photos):
    coffee = analyse(photos["coffee"])
    assert set(coffee.colour_names) & {"rust", "brown", "dark brown", "red", "tan"}
    assert coffee.warmth == "warm"
    assert abs(sum(c.share for c in coffee.colours) - 1) < 0.3
    assert colour_name((250, 250, 250)) == "white"
    assert colour_name((200, 30, 30)) == "red"
    assert colour_name((30, 60, 210)) == "blue"
    assert colour_name((40, 150, 60)) == "green"
    bright = analyse(Image.new("RGB", (300, 200), (250, 250, 235)))
    dim = analyse(Image.new("RGB", (200, 300), (20, 25, 60)))
    assert bright.brightness == "bright" and dim.brightness == "dim"
    assert dim.warmth == "cool" and dim.orientation == "portrait"
    assert bright.faces == () and bright.colour_names[0] in ("white", "cream")


def test_analysis_is_cached_and_works_on_big_photos(photos):
    fresh = photos["coffee"].rotate(180)
    first = analyse(fresh)
    again = analyse(fresh.copy())  # same content, another object: the cached result
    assert again is first
    big = photos["astronaut"].resize((2400, 2400))
    result = analyse(big)  # detection runs on a <= 512 px copy; boxes come back in full size
    assert len(result.faces) == 1 and result.faces[0].box[2] > 300  # boxes in the input's pixels


def test_description_says_what_was_found(photos):
    vision = OfflineVision()
    assert isinstance(vision, Vision) and vision.engine == "offline"
    chunks = list(vision.describe(photos["astronaut"]))
    assert len(chunks) > 5  # streamed in word groups
    text = "".join(chunks)
    assert "one human face" in text and "square" in text
    cat = "".join(vision.describe(photos["chelsea"]))
    assert "cat face" in cat and "human face" not in cat and "brown" in cat
    coffee = "".join(vision.describe(photos["coffee"]))
    assert "No faces, cats or people" in coffee
    for word in ("cup", "coffee", "dog", "car", "table"):  # never names what it cannot detect
        assert word not in coffee.lower()


def test_answers_what_it_can(photos):
    vision = OfflineVision()
    ask = lambda name, q: "".join(vision.ask(photos[name], q))  # noqa: E731
    assert "one human face" in ask("astronaut", "How many people are in the photo?")
    assert "one cat face" in ask("chelsea", "Is there a cat?")
    assert "no human faces" in ask("coffee", "Are there any people?")
    colours = ask("coffee", "What colours are there?")
    assert "%" in colours and any(c in colours for c in ("rust", "brown", "red"))
    assert "light" in ask("coffee", "Is it dark or bright?")
    assert "at the top" in ask("astronaut", "Where is the subject?")
    assert "landscape" in ask("coffee", "Is it portrait or landscape?")
    cannot = ask("coffee", "What is the dog's name?")
    assert "cannot answer" in cannot and "Settings" in cannot


def test_mood_lexicon():
    assert mood_of("They laughed and danced at the party, so happy.") == "joyful"
    assert mood_of("Suddenly the storm roared and they ran!") == "tense"
    assert mood_of("She cried, lonely and sad, in the rain.") == "sad"
    assert mood_of("A strange shadow moved in the misty dark; a secret clue.") == "mysterious"
    assert mood_of("The quiet river drifted softly, sleepy and still.") == "calm"
    assert mood_of("") == "calm" and mood_of("12345") == "calm"


def test_offline_engine_imports_nothing_heavy():
    code = (
        "import sys\n"
        "import core.offline.analysis, core.offline.vision, core.offline.writer, "
        "core.offline.illustrator, core.offline.upscaler, core.offline.mood\n"
        "from core.providers import vision_for, writer_for, illustrator_for, upscaler_for\n"
        "from core.settings import Settings\n"
        "s = Settings()\n"
        "print(type(vision_for(s)).__name__, type(writer_for(s)).__name__, "
        "type(illustrator_for(s)).__name__, type(upscaler_for(s)).__name__)\n"
        "heavy = [m for m in ('torch', 'transformers', 'diffusers', 'openai', 'deepl', 'streamlit') "
        "if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "OfflineVision OfflineWriter OfflineIllustrator OfflineUpscaler" in out.stdout
    assert "HEAVY []" in out.stdout
