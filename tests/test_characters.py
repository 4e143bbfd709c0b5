"""Character sheets in picture prompts (CLIP's 77 tokens), and the offline hero composed into
painted scenes: the cut-out covers the subject, pages differ, the same seed gives the same book."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest
from PIL import Image

from core import studio
from core.characters import clip_tokens
from core.characters import library as character_library
from core.characters import sheets as characters
from core.errors import InputError
from core.offline.analysis import analyse
from core.offline.cutout import cut_out, subject_mask
from core.offline.illustrator import OfflineIllustrator
from core.offline.writer import OfflineWriter
from core.people.access import as_person
from core.people.spaces import Person
from core.prompts import Sheet, fit_prompt, image_prompt, styles
from core.providers.base import ImageJob, pictures
from tests.doubles import SolidIllustrator

LONG_SCENE = (
    "A wide view of the enormous misty mountain valley with a winding river, tall pine trees, a wooden "
    "bridge and a little cottage with smoke curling from the chimney, while birds fly over the hills in "
    "the golden evening light and the children play by the water, laughing and splashing as the sun sets "
    "behind the far blue mountains"
)
PIP = Sheet("Pip", "cat", "little tabby cat with golden fur and green eyes", "a red knitted scarf", ("orange", "white"))
MO = Sheet("Mo", "mouse", "small grey mouse with big round ears", "a blue waistcoat", ("grey", "blue"))


def test_the_count_is_clips_own(tmp_path):
    """Our counter against transformers' CLIPTokenizer built from the same merges."""
    from transformers import CLIPTokenizer

    lines = gzip.decompress(clip_tokens.MERGES_FILE.read_bytes()).decode().split("\n")[1:]
    merges = [line for line in lines if line.strip()]
    chars = list(clip_tokens._byte_chars().values())
    vocab = [*chars, *(c + "</w>" for c in chars), *("".join(m.split()) for m in merges)]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    (tmp_path / "vocab.json").write_text(json.dumps({v: i for i, v in enumerate(vocab)}))
    (tmp_path / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n")
    reference = CLIPTokenizer(str(tmp_path / "vocab.json"), str(tmp_path / "merges.txt"))
    for text in (image_prompt(LONG_SCENE, "watercolour")[0], "Mia's big-red  coat!! 123 café 🐱 don't", LONG_SCENE):
        assert clip_tokens.tokens(text) == reference.tokenize(text)


def test_a_long_scene_is_trimmed_to_fit_not_cut_silently():
    style_prompt = styles()["watercolour"]["prompt"]  # what image_prompt made of a scene before
    assert clip_tokens.count(style_prompt.replace("{scene}", LONG_SCENE)) > clip_tokens.PROMPT_TOKENS
    for style in ("watercolour", "ink", "pastel", "comic", "photo"):
        prompt, _ = image_prompt(LONG_SCENE, style)
        assert clip_tokens.count(prompt) <= clip_tokens.PROMPT_TOKENS, style
        assert prompt.split(" of ", 1)[1].startswith("a wide view of the enormous misty mountain valley")
    short, _ = image_prompt("A cat in the kitchen.", "watercolour")  # short prompts are as before
    as_before = "soft watercolour illustration of a cat in the kitchen, gentle washes of colour, paper texture, "
    assert short == as_before + "children's picture book"


def test_sheets_are_woven_in_a_fixed_order_and_trimmed_lowest_priority_first():
    fitted = fit_prompt("Pip and Mo celebrate in the garden at sunset by the old stone wall", "watercolour", [PIP, MO])
    assert fitted.tokens <= 75 and fitted.tokens == clip_tokens.count(fitted.text)
    assert fitted.text.index("Pip, a little tabby cat") < fitted.text.index("Mo, a small grey mouse")
    assert "wearing a red knitted scarf" in fitted.text and "gentle washes of colour" in fitted.text
    assert fitted.dropped[0] == "style: children's picture book"  # the style's last clause went first
    crowded = fit_prompt(LONG_SCENE, "watercolour", [PIP, MO])
    assert crowded.tokens <= 75
    assert "Pip" in crowded.text and "Mo" in crowded.text and "enormous misty mountain valley" in crowded.text
    order = [d for d in crowded.dropped if d.endswith(("colours", "outfit"))]
    assert order == ["Mo: colours", "Pip: colours", "Mo: outfit", "Pip: outfit"]
    assert fit_prompt(LONG_SCENE, "watercolour", [PIP, MO]) == crowded  # the same every time


@pytest.fixture
def drafted(store, cat_bytes):
    story = studio.start_story(store, cat_bytes, "cat.jpg")
    studio.edit_caption(store, story, "A photo of a little tabby cat with green eyes in the garden.")
    events = list(studio.write_draft(store, story, OfflineWriter()))
    return store.load(story.id), events


def test_a_draft_proposes_sheets_and_every_page_prompt_weaves_them_in(store, drafted):
    story, events = drafted
    names = [c.name for c in story.characters]
    assert len(names) >= 1 and story.characters[0].kind == "cat" and "tabby" in story.characters[0].look
    assert any(names[0] in str(getattr(e, "text", "")) for e in events)  # the person is told
    illustrator = SolidIllustrator()
    list(studio.illustrate(store, story, illustrator))
    for page, job in zip(story.draft.pages, illustrator.jobs, strict=True):
        on_page = characters.on_page(story.characters, page)
        assert clip_tokens.count(job.prompt) <= 75
        for c in on_page:
            assert f"{c.name}, a" in job.prompt, (c.name, job.prompt)
    assert any(characters.on_page(story.characters, p) for p in story.draft.pages)


def test_several_characters_edited_and_named_on_their_pages(store, drafted):
    story, _ = drafted
    hero = story.characters[0].name
    studio.edit_characters(
        store,
        story,
        {
            hero: {"outfit": "a yellow raincoat"},
            "Bram": {"kind": "owl", "look": "wise old owl", "colours": "brown, cream"},
        },
    )
    story = store.load(story.id)
    assert [c.name for c in story.characters][-1] == "Bram" and story.characters[0].outfit == "a yellow raincoat"
    page = story.draft.pages[0].model_copy(update={"text": f"{hero} met Bram the owl.", "scene": "In the garden."})
    fitted = characters.page_prompt(story, page).text
    assert fitted.index(f"{hero}, a") < fitted.index("Bram, a wise old owl") and "in brown and cream" in fitted
    with pytest.raises(Exception, match="same name"):
        studio.edit_characters(store, story, {"Bram": {"name": hero}})
    assert store.load(story.id).characters == story.characters  # a refused edit changes nothing


def test_a_model_answer_is_validated():
    sheets = characters.parse_answer(
        '```json\n{"characters": [{"name": "Ada", "kind": "girl", "look": "tall girl", "outfit": "", '
        '"colours": "red"}, {"name": "", "kind": "x"}]}\n```'
    )
    assert [(c.name, c.colours) for c in sheets] == [("Ada", ["red"])]
    with pytest.raises(Exception, match="could not be read"):
        characters.parse_answer("Sure! Ada is a girl.")


# --- the offline composition -------------------------------------------------------------


def synthetic_photo() -> tuple[Image.Image, tuple[int, int, int, int]]:
    """A textured green field with an orange figure of known place (no detector finds it)."""
    rng = np.random.default_rng(3)
    field = np.zeros((300, 400, 3), np.float32)
    field[:] = (70, 140, 70)
    field += rng.normal(0, 12, (300, 400, 1))
    ys, xs = np.mgrid[0:300, 0:400]
    figure = (((xs - 200) / 45) ** 2 + ((ys - 160) / 80) ** 2) <= 1
    field[figure] = (230, 120, 40)
    return Image.fromarray(np.clip(field, 0, 255).astype(np.uint8)), (155, 80, 90, 160)


def test_the_mask_covers_the_subject():
    photo, (x, y, w, h) = synthetic_photo()
    found = analyse(photo)
    assert not found.subject_detected  # the saliency path
    mask, _ = subject_mask(np.asarray(photo), found.subject_box, found.subject_kind)
    ys, xs = np.mgrid[0:300, 0:400]
    figure = (((xs - 200) / 45) ** 2 + ((ys - 160) / 80) ** 2) <= 1
    assert mask[figure].mean() > 0.9 and mask[~figure].mean() < 0.1
    astronaut = Image.open("assets/samples/astronaut.jpg").convert("RGB")  # the face-seeded path
    seen = analyse(astronaut)
    fx, fy, fw, fh = seen.faces[0].box
    cut = cut_out(astronaut, seen.subject_box, seen.subject_kind)
    bx, by, bw, bh = cut.box
    assert bx <= fx and by <= fy and bx + bw >= fx + fw and by + bh >= fy + fh
    sx, sy, sw, sh = cut.seed_box
    assert (cut.rgba[sy : sy + sh, sx : sx + sw, 3] > 128).mean() > 0.9  # the face is inside the mask
    assert cut.rgba.shape[0] > 2.5 * sh  # and the body below it came too


def book(photo: Image.Image, seed: int) -> list[np.ndarray]:
    scenes = ("A cat in the park.", "A cat in the forest at night.", "A cat on the beach.", "A cat by the river.")
    jobs = [
        ImageJob(
            prompt=image_prompt(s, "watercolour")[0],
            seed=seed + i,
            width=192,
            height=256,
            style="watercolour",
            scene=s,
            photo=photo,
        )  # fmt: skip
        for i, s in enumerate(scenes)
    ]
    return [np.asarray(p).astype(np.int16) for p in pictures(OfflineIllustrator().generate(jobs))]


def test_pages_differ_and_the_same_seed_gives_the_same_book():
    photo = Image.open("assets/samples/chelsea.jpg").convert("RGB")
    first, again, other = book(photo, 5), book(photo, 5), book(photo, 50)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert any(not np.array_equal(a, b) for a, b in zip(first, other, strict=True))
    for i in range(len(first)):
        for j in range(i + 1, len(first)):
            assert np.abs(first[i] - first[j]).mean() > 12, (i, j)


# --- the library and the command line -----------------------------------------------------

ALICE = Person(id="oidc:https://id.example:alice", name="Alice")
BOB = Person(id="oidc:https://id.example:bob", name="Bob")


def drafted_as(store, person, cat_bytes, caption):
    mine = as_person(store, person)
    story = studio.start_story(mine, cat_bytes, "cat.jpg")
    studio.edit_caption(mine, story, caption)
    list(studio.write_draft(mine, story, OfflineWriter()))
    return mine, mine.load(story.id)


def test_a_saved_character_is_used_in_another_story_of_the_space_only(store, cat_bytes):
    alice, first = drafted_as(store, ALICE, cat_bytes, "A little tabby cat with green eyes in the garden.")
    hero = first.characters[0]
    studio.edit_characters(alice, first, {hero.name: {"outfit": "a red scarf"}})
    entry = character_library.save_character(alice, alice.load(first.id), hero.name)
    assert entry.sheet.outfit == "a red scarf" and entry.sheet.references  # the photo came along
    _, second = drafted_as(store, ALICE, cat_bytes, "A girl in a blue coat on the beach.")
    added = studio.use_library_character(alice, second, entry.id)
    second = alice.load(second.id)
    assert len(second.characters) >= 2 and second.characters[-1].name == hero.name  # several characters
    assert second.characters[-1].library == entry.id and second.characters[-1].outfit == "a red scarf"
    assert set(added.references) <= second.image_names()
    assert alice.read_image(second.id, added.references[0]) == alice.read_image(first.id, first.photo.image)
    with pytest.raises(InputError, match="already"):
        studio.use_library_character(alice, second, entry.id)
    bob = as_person(store, BOB)  # another person's space: an empty library, and no way to Alice's entry
    assert character_library.list_characters(bob) == []
    with pytest.raises(InputError, match="no such character"):
        character_library.get(bob, entry.id)
    with pytest.raises(InputError):
        character_library.save_character(bob, first, hero.name)  # Bob may not even read Alice's story


def test_the_command_line_shows_and_edits_the_sheets(store, cat_bytes, data_dir, tmp_path, capsys):
    from core.cli import main

    story = studio.start_story(store, cat_bytes, "cat.jpg")
    studio.edit_caption(store, story, "A little tabby cat with green eyes in the garden.")
    list(studio.write_draft(store, story, OfflineWriter()))
    hero = store.load(story.id).characters[0].name
    base = ["--data-dir", str(data_dir)]
    assert main(["characters", story.id, *base, "--set", f"{hero}.outfit=a red scarf", "--set", "Bram.kind=owl"]) == 0
    out = capsys.readouterr().out
    assert f"{hero}: cat" in out and "wearing a red scarf" in out and "Bram: owl" in out
    assert main(["characters", story.id, *base, "--json"]) == 0
    sheets = json.loads(capsys.readouterr().out)
    sheets[-1]["look"] = "wise old owl"
    path = tmp_path / "sheets.json"
    path.write_text(json.dumps(sheets))
    assert main(["characters", story.id, *base, "--from-json", str(path), "--save", "Bram"]) == 0
    assert store.load(story.id).characters[-1].look == "wise old owl"
    assert main(["characters", *base]) == 0 and "Bram: owl; wise old owl" in capsys.readouterr().out
    assert main(["characters", story.id, *base, "--set", "Bram.size=big"]) == 2
    assert "NAME.FIELD=VALUE" in capsys.readouterr().err


def test_the_characters_page_edits_the_sheets(data_dir, cat_bytes):
    from tests.test_app_flow import _app, _click, _page
    from tests.test_app_pictures import _drafted

    store, story = _drafted(data_dir, cat_bytes, 2)
    hero = store.load(story.id).characters[0]
    at = _app()
    at.query_params["story"] = story.id
    at.run()
    _page(at, "pages/characters.py")
    assert any(hero.name == s.value for s in at.subheader)
    at.text_input(key=f"characters_outfit_{hero.id}").set_value("a yellow raincoat")
    _click(at, "Save the characters")
    assert store.load(story.id).characters[0].outfit == "a yellow raincoat"
    _click(at, "Save to the library")
    assert [e.sheet.name for e in character_library.list_characters(store)] == [hero.name]
    assert not at.exception


def test_a_writer_model_is_asked_for_the_sheets_with_a_schema(store, cat_bytes):
    from core.providers.remote_openai import RemoteWriter, forget_capabilities
    from core.settings import Settings
    from tests.fake_servers import FakeOpenAI, story_json

    answer = json.dumps(
        {"characters": [{"name": "Fox", "kind": "fox", "look": "small red fox", "outfit": "", "colours": ["red"]}]}
    )
    forget_capabilities()
    with FakeOpenAI(answers=[story_json(3), answer, "not JSON at all"]) as fake:
        settings = Settings(writer="remote", openai_base_url=fake.base_url, openai_api_key="sk-test")
        writer = RemoteWriter.from_settings(settings, backoff_s=0.01, retries=1)
        story = studio.start_story(store, cat_bytes, "cat.jpg")
        studio.edit_caption(store, story, "A fox on a beach.")
        studio.update_settings(store, story, pages=3)
        list(studio.write_draft(store, story, writer))
        asked = fake.chat_requests()[-1].json
        assert asked["response_format"]["json_schema"]["schema"] == characters.CHARACTER_SCHEMA
        assert [c.name for c in store.load(story.id).characters] == ["Fox"]
        events = list(studio.propose_characters(store, story, writer))  # an unusable answer: told, then proposed
        assert "could not be read" in events[0].text and store.load(story.id).characters
    forget_capabilities()
