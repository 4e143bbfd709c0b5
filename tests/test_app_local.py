"""The whole flow in the real app with the tiny local models selected: photo to PDF, twice.

The models are built once per test session (tests/tiny_models.py): a tiny random-weight LLaVA
(its caption is gibberish, so the person rewrites it, as a person would), a tiny writer trained on
the spot to answer with a valid one-page story, a two-block SDXL base + refiner and a tiny x4
upscaler. They are chosen the way a person running the studio chooses them: VISUTALE_VISION=local,
VISUTALE_MODEL_VISION=<folder> and so on, and loaded by the project's own loaders (4-bit NF4 for
LLaVA and the writer: bitsandbytes quantises on the CPU). Only the sizes are shrunk: 32 px
pictures, 2 denoising steps, short generations.
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("diffusers")

import tiny_models  # noqa: E402  (tests/ is on sys.path, as for test_local_models)

from core.jobs.runner import runner  # noqa: E402
from core.local.manager import ModelManager, get_manager  # noqa: E402
from core.storage.store import Store  # noqa: E402
from tests.doubles import written  # noqa: E402
from tests.test_app_flow import _app, _click, _page, _texts, settled  # noqa: E402

pytestmark = pytest.mark.timeout(360)  # the local tiny models load and draw twice: 109 s at load 4-7

SIZE, TINY_SIZES = tiny_models.SIZE, tiny_models.TINY_SIZES
CAPTION = "A small grey cat with green eyes looks up from a wooden floor."


@pytest.fixture(scope="module", autouse=True)
def offline():
    """No test downloads anything."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("TRANSFORMERS_OFFLINE", "1")
        mp.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        import huggingface_hub.constants

        mp.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
        yield


@pytest.fixture(scope="session")
def tiny_local(tiny, tmp_path_factory) -> dict:
    """Every tiny model, with the trained writer as the writer (built once per test session)."""
    return {**tiny, "writer": tiny_models.trained_writer(tmp_path_factory.mktemp("trained-writer"))}


@pytest.fixture
def manager():
    """The process's own model manager (the app's st.cache_resource holds this one), emptied."""
    manager = get_manager()
    manager.clear()
    manager.loads.clear()
    yield manager
    manager.clear()
    manager.loads.clear()


@pytest.fixture
def local_engines(tiny_local, data_dir, manager, monkeypatch) -> dict:
    """Select the tiny local models for vision, writer, illustrator and upscaler, with tiny sizes."""
    from core.providers import local_illustrator
    from core.providers.local_upscaler import LocalUpscaler
    from core.providers.local_vision import LocalVision
    from core.providers.local_writer import LocalWriter

    overrides = tiny_models.settings_overrides(tiny_local, illustrator_steps=2)
    overrides.pop("translator")  # this walk does not translate: the default stays
    for name, value in overrides.items():
        monkeypatch.setenv(f"VISUTALE_{name.upper()}", str(value))
    monkeypatch.setattr(local_illustrator, "SDXL_SIZES", TINY_SIZES)
    monkeypatch.setitem(LocalVision.__init__.__kwdefaults__, "max_new_tokens", 12)
    monkeypatch.setitem(LocalWriter.__init__.__kwdefaults__, "max_new_tokens", 40)
    monkeypatch.setitem(LocalUpscaler.__init__.__kwdefaults__, "steps", 2)
    return tiny_local


def _captions(at) -> list[str]:
    return [c.value for c in at.caption]


def _press(at, key: str, label: str | None = None):
    """Click the button with this widget key (labels such as "Draw the 3 missing pictures" follow
    the story), after checking its label when one is given; then no exception may show."""
    button = at.button(key=key)
    if label is not None:
        assert button.label == label
    before = runner().submitted
    button.click().run()
    assert not at.exception, at.exception
    return settled(at, before)


def walk_locally(at, photo: bytes, paths: dict) -> str:
    """From the Photo page: upload, caption (rewritten by the person), one page, draft and a
    free-text revision, picture, upscale, PDF, every model step made by a local model. Returns the
    story id."""
    at.file_uploader[0].set_value(("chelsea.jpg", photo, "image/jpeg")).run()
    _press(at, "photo_start")
    story_id = at.session_state["story_id"]

    _page(at, "pages/caption.py")
    _press(at, "caption_describe", "Describe the photo")
    assert f"Made by a local model · {paths['vision']}" in _captions(at)
    gibberish = at.text_area[0].value
    assert gibberish.strip() and gibberish != CAPTION  # random weights: the person rewrites it
    at.text_area[0].set_value(CAPTION).run()
    _press(at, "caption_save")
    assert at.text_area[0].value == CAPTION and "Made by you" in _captions(at)

    _page(at, "pages/story_settings.py")
    at.slider[0].set_value(1)
    _click(at, "Save settings")
    assert "Saved" in _texts(at)

    _page(at, "pages/draft.py")
    _press(at, "draft_write")
    assert f"Made by a local model · {paths['writer']}" in _captions(at)
    assert at.text_input[0].value == "The Little Cat"
    assert [t.value for t in at.text_area if (t.key or "").startswith("draft_text_")] == [
        "A little cat found a red ball and played in the sun all day."
    ]
    at.text_input(key="draft_instruction").set_value("Give the cat a pet snail called Sam").run()
    _press(at, "draft_revise_free")  # free text: a language model follows any instruction
    assert f"Made by a local model · {paths['writer']}" in _captions(at)

    _page(at, "pages/pictures.py")
    _press(at, "pictures_missing")
    assert any(
        c.startswith(f"Made by a local model · {paths['illustrator']} · seed ") and c.endswith("32×32")
        for c in _captions(at)
    ), _captions(at)

    _page(at, "pages/upscale.py")
    _press(at, "upscale_all")
    assert f"Made by a local model · {paths['upscaler']}" in _captions(at)

    _page(at, "pages/export.py")
    _press(at, "export_go")
    assert [b.proto.label for b in at.get("download_button")] == ["Download the PDF"]
    return story_id


def open_studio():
    """A new browser session on the Photo page; returns it and its sidebar's lines.

    (AppTest shows the sidebar of the entry page's first run only: after a page switch its
    sidebar comes back empty, so the sidebar is read here.)"""
    at = _app()
    at.run()
    assert not at.exception, at.exception
    sidebar = [c.value for c in at.sidebar.caption]
    assert "Engines: vision local · writer local · pictures local · upscale local · translate none" in sidebar
    return at, sidebar


def test_photo_to_pdf_with_local_models_twice_loads_each_once(local_engines, manager, data_dir, cat_bytes):
    at, sidebar = open_studio()
    assert "No local model loaded yet: each loads on first use, once for everyone." in sidebar
    first = walk_locally(at, cat_bytes, local_engines)
    story = Store(data_dir).load(first)
    assert story.captions[0].engine == "local" and story.captions[-1].author == "person"
    assert [d.engine for d in story.drafts] == ["local", "local"]
    assert story.draft.instruction == "Give the cat a pet snail called Sam"
    variant = story.scenes[story.draft.pages[0].id].chosen_variant()
    assert variant.engine == "local" and (variant.width, variant.height) == (SIZE, SIZE)
    assert variant.params["steps"] == 2 and variant.params["refiner"] == str(local_engines["refiner"])
    assert variant.upscale["engine"] == "local" and variant.upscale["width"] == 2 * SIZE
    export = story.exports[-1]
    assert Store(data_dir).export_path(first, export.token).read_bytes().startswith(b"%PDF")
    assert len(manager.loads) == 4 and set(manager.loads.values()) == {1}

    at, sidebar = open_studio()  # another browser session sees the models the first one loaded
    loaded = sorted(line.split(" · ")[0] for line in sidebar if line.startswith("Loaded: "))
    assert loaded == sorted(f"Loaded: {key}" for key in manager.loads), sidebar
    second = walk_locally(at, cat_bytes, local_engines)
    assert second != first
    assert len(manager.loads) == 4 and set(manager.loads.values()) == {1}, manager.loads
    kinds = sorted(key.split(":")[0] for key in manager.loads)
    assert kinds == ["illustrator", "upscaler", "vision", "writer"]


def test_a_missing_local_model_offers_the_offline_engine(local_engines, manager, monkeypatch, tmp_path, cat_bytes):
    missing = str(tmp_path / "no-such-llava")
    monkeypatch.setenv("VISUTALE_MODEL_VISION", missing)
    at, _ = open_studio()
    at.file_uploader[0].set_value(("chelsea.jpg", cat_bytes, "image/jpeg")).run()
    _press(at, "photo_start")
    _page(at, "pages/caption.py")
    _press(at, "caption_describe")
    errors = [e.value for e in at.error]
    assert any(f"The model '{missing}' is not on this machine" in e and "hf download" in e for e in errors), errors
    assert not at.text_area  # no caption was made, and nothing else was lost
    assert not manager.loads

    (fallback,) = [b for b in at.button if b.label == "Use the offline engine for the vision instead"]
    _press(at, fallback.key)  # the failed job's offer: the offline engine, and the failure read
    assert at.session_state["settings_overrides"]["vision"] == "offline"
    _press(at, "caption_describe")
    assert not at.error
    assert any(c.startswith("Made by the offline engine") for c in _captions(at))
    assert "cat" in at.text_area[0].value.lower()


def test_the_trained_writer_writes_its_story_in_4bit_whatever_it_is_asked(tiny_local):
    """The writer the walk relies on: loaded 4-bit by LocalWriter, sampled at 0.8, any prompt."""
    import bitsandbytes as bnb

    from core.providers.base import Brief, WrittenStory
    from core.providers.local_writer import LocalWriter
    from core.providers.storyjson import parse_story

    expected = parse_story(tiny_models.STORY_ANSWER, expected_pages=1)
    writer = LocalWriter(str(tiny_local["writer"]), manager=ModelManager(), max_new_tokens=40)
    assert writer.temperature == 0.8 and writer.load_in_4bit
    for seed, caption in enumerate([CAPTION, "zq ▇ 42 !!", "Ein Hund im Park.", CAPTION * 3]):
        brief = Brief(caption=caption, pages=1, audience="adults", genre="mystery", tone="spooky", seed=seed)
        chunks, story = written(writer.draft(brief))
        assert story == expected
        assert "".join(chunks) == tiny_models.STORY_ANSWER and len(chunks) > 3  # streamed, no repair
    _, revised = written(writer.revise(brief, expected, "Make the ending happier"))
    assert isinstance(revised, WrittenStory) and revised.title == "The Little Cat"
    model = writer.manager.get(writer.key).model
    assert any(isinstance(m, bnb.nn.Linear4bit) for m in model.modules())
