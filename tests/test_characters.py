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
from core.story import Character
from tests.doubles import SolidIllustrator

LONG_SCENE = (
    "A wide view of the enormous misty mountain valley with a winding river, tall pine trees, a wooden "
    "bridge and a little cottage with smoke curling from the chimney, while birds fly over the hills in "
    "the golden evening light and the children play by the water, laughing and splashing as the sun sets "
    "behind the far blue mountains"
)
PIP = Sheet("Pip", "cat", "little tabby cat with golden fur and green eyes", "a red knitted scarf", ("orange", "white"))
MO = Sheet("Mo", "mouse", "small grey mouse with big round ears", "a blue waistcoat", ("grey", "blue"))


# Token ids OpenAI's CLIP tokenizer gives, as its model cards and transformers' docs print them
# ("a photo of a cat" -> [49406, 320, 1125, 539, 320, 2368, 49407]): known apart from our file.
CLIP_IDS = {"a photo of a cat": [320, 1125, 539, 320, 2368], "a photo of a dog": [320, 1125, 539, 320, 1929]}
CLIP_IDS["hello world"] = [3306, 1002]


def test_the_count_is_clips_own(tmp_path):
    """Our merges file is CLIP's whole list (its size from transformers' CLIP config, its ids as
    CLIP's own), and our counter reads it as transformers' CLIPTokenizer does."""
    from transformers import CLIPTextConfig, CLIPTokenizer

    lines = gzip.decompress(clip_tokens.MERGES_FILE.read_bytes()).decode().split("\n")[1:]
    merges = [line for line in lines if line.strip()]
    assert len(merges) == CLIPTextConfig().vocab_size - 2 * 256 - 2  # bytes, bytes at a word's end, start, end
    chars = list(clip_tokens._byte_chars().values())
    vocab = [*chars, *(c + "</w>" for c in chars), *("".join(m.split()) for m in merges)]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    (tmp_path / "vocab.json").write_text(json.dumps({v: i for i, v in enumerate(vocab)}))
    (tmp_path / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n")
    reference = CLIPTokenizer(str(tmp_path / "vocab.json"), str(tmp_path / "merges.txt"))
    for text in (image_prompt(LONG_SCENE, "watercolour")[0], "Mia's big-red  coat!! 123 café 🐱 don't", LONG_SCENE):
        assert clip_tokens.tokens(text) == reference.tokenize(text)
    for text, ids in CLIP_IDS.items():
        assert reference.convert_tokens_to_ids(clip_tokens.tokens(text)) == ids, text
        assert reference(text)["input_ids"] == [49406, *ids, 49407]


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
    assert any(hero.name == s.value for s in at.header)
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


# --- sheets after every draft, and a renamed character retold ------------------------------


def test_make_keeps_the_sheets_and_characters_lists_them(data_dir, tmp_path, capsys):
    """`make` writes through the pipeline: its story has sheets as a sequential draft has."""
    from core.cli import main
    from tests.conftest import SAMPLES

    out = tmp_path / "book"
    args = ["--data-dir", str(data_dir), "--pages", "2", "--seed", "3"]
    caption = ["--caption", "Our old tabby cat sleeping on the windowsill in the kitchen."]
    assert main(["make", str(SAMPLES / "chelsea.jpg"), "--out", str(out), *args, *caption]) == 0
    saved = json.loads((out / "story.json").read_text())
    assert saved["characters"] and saved["characters"][0]["kind"] == "cat", saved["characters"]
    capsys.readouterr()
    assert main(["characters", saved["id"], "--data-dir", str(data_dir)]) == 0
    listed = capsys.readouterr().out
    assert "No characters yet" not in listed and listed.startswith(f"{saved['characters'][0]['name']}: cat")


def test_the_sheets_come_from_the_drafts_plan_whatever_the_engine(store, cat_bytes):
    from core.story import Draft, StoryPage

    plan = {"hero": "Chelsea", "hero_desc": "an old tabby cat with golden fur", "hero_kind": "cat"}
    plan |= {"friend": "Dot", "friend_desc": "a clever little fox"}
    pages = [StoryPage(text="Chelsea slept.", scene="a cat asleep"), StoryPage(text="Dot came by.", scene="a fox")]
    draft = Draft(instruction="first draft", engine="remote", title="Chelsea", pages=pages, plan=plan)
    sheets = characters.from_draft_plan(draft)
    assert [(c.name, c.kind, c.look) for c in sheets] == [
        ("Chelsea", "cat", "old tabby cat with golden fur"),
        ("Dot", "fox", "clever little fox"),
    ]
    story = studio.start_story(store, cat_bytes, "cat.jpg").model_copy(update={"drafts": [draft]})
    story.chosen_draft = draft.id
    assert [c.name for c in characters.propose(story)] == ["Chelsea", "Dot"]
    assert characters.from_draft_plan(draft.model_copy(update={"plan": {}})) == []


def test_a_new_seed_proposes_new_sheets_but_a_persons_sheets_stay(store, drafted):
    story, _ = drafted
    first = [c.name for c in story.characters]
    for seed in range(1, 30):  # a seed whose plan names another hero
        studio.update_settings(store, story, seed=seed)
        list(studio.write_draft(store, story, OfflineWriter()))
        if first[0] not in story.draft.text():
            break
    assert story.characters and story.characters[0].name in story.draft.text() and story.characters[0].name != first[0]
    studio.edit_characters(store, story, {story.characters[0].name: {"outfit": "a red scarf"}})
    mine = store.load(story.id).characters
    studio.update_settings(store, story, seed=seed + 1)
    list(studio.write_draft(store, story, OfflineWriter()))
    assert store.load(story.id).characters == mine  # the person's sheets are never replaced


def _renamed_story(store, cat_bytes):
    from core.story import Draft, StoryPage

    story = studio.start_story(store, cat_bytes, "cat.jpg")
    studio.edit_caption(store, story, "Our old tabby cat on the windowsill.")
    pages = [
        StoryPage(text="Zara was an old tabby cat. Zara's tail curled.", scene="an old tabby cat on a sill"),
        StoryPage(text="Zarah waved. The cat smiled at Zara.", scene="Zara and a kite in the kitchen"),
    ]
    for page in pages:
        page.prompt = image_prompt(page.scene, story.settings.style)[0]
    plan = {"hero": "Zara", "hero_desc": "an old tabby cat", "hero_kind": "cat"}
    draft = Draft(instruction="first draft", engine="offline", title="Zara and the Kite", pages=pages, plan=plan)

    def keep(s):
        s.drafts.append(draft)
        s.chosen_draft = draft.id

    studio.commit(store, story, keep, "draft", "offline")
    list(studio.propose_characters(store, story))
    return store.load(story.id)


def test_renaming_a_character_retells_the_story_as_a_new_draft(store, cat_bytes):
    story = _renamed_story(store, cat_bytes)
    old = story.draft
    (zara,) = story.characters
    assert (zara.name, zara.kind, zara.look) == ("Zara", "cat", "old tabby cat")
    retold = studio.edit_characters(store, story, {"Zara": {"name": "Chelsea", "look": "old ginger cat"}})
    story = store.load(story.id)
    assert retold is not None and story.draft.id == retold.id and story.draft.parent == old.id
    assert story.find_draft(old.id) == old  # the old draft is kept as it was
    assert story.draft.title == "Chelsea and the Kite"
    assert [p.text for p in story.draft.pages] == [
        "Chelsea was an old ginger cat. Chelsea's tail curled.",
        "Zarah waved. The cat smiled at Chelsea.",  # whole words only: Zarah is someone else
    ]
    assert [p.scene for p in story.draft.pages] == ["an old ginger cat on a sill", "Chelsea and a kite in the kitchen"]
    assert [p.id for p in story.draft.pages] == [p.id for p in old.pages]  # the pages keep their pictures
    prompts = [characters.page_prompt(story, p).text for p in story.draft.pages]
    assert all("Zara" not in p and "Chelsea" in p for p in prompts), prompts
    assert "tabby" not in " ".join(p.prompt for p in story.draft.pages)
    assert story.draft.plan["hero"] == "Chelsea" and story.draft.author == "person"
    assert studio.edit_characters(store, story, {"Chelsea": {"outfit": "a bell"}}) is None  # nothing to retell


def test_renaming_on_the_command_line_and_the_page_retells_the_story(store, cat_bytes, data_dir, capsys):
    from core.cli import main
    from tests.test_app_flow import _app, _click, _page

    story = _renamed_story(store, cat_bytes)
    assert main(["characters", story.id, "--data-dir", str(data_dir), "--set", "Zara.name=Chelsea"]) == 0
    assert "retold as a new draft" in capsys.readouterr().err
    assert store.load(story.id).draft.pages[0].text == "Chelsea was an old tabby cat. Chelsea's tail curled."

    hero = store.load(story.id).characters[0]
    at = _app()
    at.query_params["story"] = story.id
    at.run()
    _page(at, "pages/characters.py")
    at.text_input(key=f"characters_name_{hero.id}").set_value("Mo")
    _click(at, "Save the characters")
    saved = store.load(story.id)
    assert saved.draft.title == "Mo and the Kite" and len(saved.drafts) == 3
    assert any("Chelsea is now Mo" in s.value for s in at.success) and not at.exception


def test_a_new_kind_changes_the_look_that_named_the_old_one() -> None:
    """Seen in a book: `--set Fern.kind=tortoise` left Fern's look "shy little hedgehog"."""
    fern = Character(name="Fern", kind="hedgehog", look="shy little hedgehog", author="model")
    (changed,) = characters.edit([fern], {"Fern": {"kind": "tortoise"}})
    assert changed.kind == "tortoise" and changed.look == "shy little tortoise"
    (kept,) = characters.edit([fern], {"Fern": {"kind": "tortoise", "look": "old and wise"}})
    assert kept.look == "old and wise"  # a look the person gives is theirs
    # the Characters page's form sends every field: the look it sends unchanged is not a new look
    (form,) = characters.edit([fern], {"Fern": {"name": "Fern", "kind": "tortoise", "look": "shy little hedgehog"}})
    assert form.look == "shy little tortoise"
