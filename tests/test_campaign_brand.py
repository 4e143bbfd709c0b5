"""Brand kits: the one-file format, refusals that name the field, fonts and logos checked at the
door, kits kept per space with versions, the command line's exit 2, and the writer's JSON path."""

from __future__ import annotations

import csv
import io
import json
import struct
from pathlib import Path

import pytest
from PIL import Image

from core import studio
from core.campaign import steps
from core.campaign.brand import (
    BUNDLED_REGULAR,
    DEFAULT_KIT,
    BrandError,
    build_kit,
    check_font,
    default_kit,
    kit_json,
    kit_toml,
    load_logo,
    read_kit,
)
from core.campaign.brands import BrandKits, KitNotFound
from core.campaign.copy import CopyBrief, asker, model_variants
from core.cli import main
from core.errors import InputError, ProviderError
from core.people.access import as_person
from core.people.spaces import Person, Spaces
from core.providers.remote_openai import RemoteWriter, forget_capabilities
from core.settings import Settings
from core.storage.store import Store, StoryNotFound
from tests.conftest import SAMPLES
from tests.fake_servers import FakeOpenAI

GOOD = DEFAULT_KIT.read_text(encoding="utf-8")


def restricted(font: bytes, fs_type: int = 0x0002) -> bytes:
    """The font with its OS/2 fsType set (0x0002: restricted licence embedding)."""
    tables = struct.unpack(">H", font[4:6])[0]
    for n in range(tables):
        entry = 12 + 16 * n
        if font[entry : entry + 4] == b"OS/2":
            offset = struct.unpack(">I", font[entry + 8 : entry + 12])[0]
            return font[: offset + 8] + struct.pack(">H", fs_type) + font[offset + 10 :]
    raise AssertionError("no OS/2 table")


def png(mode: str = "RGBA", size=(200, 80)) -> bytes:
    image = Image.new(mode, size, (10, 20, 30, 0) if mode == "RGBA" else (10, 20, 30))
    if mode == "RGBA":
        image.paste((200, 50, 50, 255), (20, 20, 180, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_example_kit_is_the_default_and_round_trips_through_toml_and_json():
    kit = default_kit()
    assert kit.kit.name == "Harbour & Co." and kit.kit.logo in kit.files
    for text, name in ((kit_toml(kit.kit, kit.files), "k.toml"), (kit_json(kit.kit, kit.files), "k.json")):
        again = read_kit(text.encode("utf-8"), name)  # one file: the logo travels inline
        assert again.kit == kit.kit and again.files == kit.files


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (('accent = "#E36414"', 'accent = "#E3641"'), "palette.accent"),
        (('primary = "#0F4C5C"', 'primary = "teal"'), "palette.primary"),
        (('name = "Harbour & Co."', 'name = ""'), "name"),
        (('mandatory = "Offer valid while stocks last. Terms apply."', 'mandatory = "Cheap offer."'), "mandatory"),
        (('logo = "harbour-logo.png"', 'logo = "missing.png"'), "logo"),
        (("[palette]", 'colour = "red"\n[palette]'), "colour"),
    ],
)
def test_a_bad_kit_is_refused_naming_the_field(change, field):
    text = GOOD.replace(*change)
    with pytest.raises(BrandError) as refused:
        read_kit(text.encode("utf-8"), "brand.toml", DEFAULT_KIT.parent)
    assert f"{field}:" in str(refused.value)


def test_fonts_are_refused_when_they_cannot_be_embedded_or_lack_the_languages_letters():
    font = BUNDLED_REGULAR.read_bytes()
    assert check_font(font, ("en", "de", "fr", "ru")).family
    with pytest.raises(BrandError, match="^font: .*does not allow embedding"):
        check_font(restricted(font), filename="Locked.ttf")
    with pytest.raises(BrandError, match="^font: .*does not allow embedding"):
        check_font(restricted(font, 0x0200), filename="Bitmap.ttf")
    assert check_font(restricted(font, 0x0008)).family  # editable embedding is fine
    with pytest.raises(BrandError, match=r"^font: .*lacks letters the campaign's language \(ja\) needs"):
        check_font(font, ("ja",))
    with pytest.raises(BrandError, match="^font: .*PostScript"):
        check_font(b"OTTO" + font[4:], filename="Brand.otf")
    with pytest.raises(BrandError, match="^font: .*not a TrueType"):
        check_font(b"<html>nope</html>")


def test_an_uploaded_font_is_embedded_as_a_subset_in_the_deck(tmp_path: Path):
    from pypdf import PdfReader

    from core.campaign.copy import Copy
    from core.campaign.deck import Deck, Slide, render_deck

    font = tmp_path / "MyBrand.bin"
    font.write_bytes(BUNDLED_REGULAR.read_bytes())
    kit = build_kit({"name": "Fonted", "palette": {"primary": "#222244", "accent": "#FFCC00"}},
                    font=(font.read_bytes(), "MyBrand.ttf"))  # fmt: skip
    slide = Slide("A", Copy("Grüße aus Köln", "Ein Körper, ein Gefühl.", "Jetzt"), {})
    deck, pages = render_deck(Deck("Herbst", kit.kit, None, font, [slide], [("Product", "Kaffee")], "de"))
    reader = PdfReader(io.BytesIO(deck))
    assert pages == len(reader.pages) == 3
    fonts = {str(f.get_object()["/BaseFont"]) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert fonts and all("+" in name for name in fonts)  # subsets only (a prefix such as AAAAAA+)
    assert any(name.endswith("NotoSans-Regular") or "NotoSans" in name for name in fonts)
    assert "Grüße aus Köln" in reader.pages[1].extract_text()
    assert len(deck) < 200_000  # a subset, not the 500 KB font


def test_logos_keep_their_transparency_and_opaque_or_other_files_are_refused():
    data, image = load_logo(png())
    assert image.mode == "RGBA" and image.getchannel("A").getextrema() == (0, 255)
    with pytest.raises(BrandError, match="^logo: it has no transparent pixels"):
        load_logo(png("RGB"))
    jpeg = io.BytesIO()
    Image.new("RGB", (100, 100)).save(jpeg, format="JPEG")
    with pytest.raises(BrandError, match="^logo: use a PNG or WebP"):
        load_logo(jpeg.getvalue())
    with pytest.raises(BrandError, match="^logo: "):
        load_logo(b"%PDF-1.4 not a picture")


def test_kits_are_versioned_per_space_and_invisible_elsewhere(data_dir: Path):
    alice = Person(id="oidc:https://id.test:alice", name="Alice")
    bob = Person(id="oidc:https://id.test:bob", name="Bob")
    root = Store(data_dir)
    kits = BrandKits(as_person(root, alice))
    kit_id, first = kits.save(default_kit())
    changed = build_kit({"name": "Harbour Two", "palette": {"primary": "#112233", "accent": "#FF8800"}},
                        base=default_kit())  # fmt: skip
    assert kits.save(changed, kit_id, first) == (kit_id, 2)
    with pytest.raises(InputError, match="changed elsewhere"):
        kits.save(changed, kit_id, first)  # started from an old version: refused, nothing lost
    assert kits.load(kit_id)[0].kit.name == "Harbour Two"
    assert kits.load(kit_id, 1)[0].kit.name == "Harbour & Co."
    assert kits.load(kit_id)[0].files == default_kit().files  # the logo was kept
    assert [k.id for k in BrandKits(as_person(root, bob)).list()] == []
    with pytest.raises(KitNotFound):
        BrandKits(as_person(root, bob)).load(kit_id)
    team = Spaces(data_dir).create("team", alice, "Marketing")
    Spaces(data_dir).set_role(team.id, alice, bob.id, "viewer")
    BrandKits(as_person(root, alice, team.id)).save(default_kit())
    viewer = BrandKits(as_person(root, bob, team.id))
    assert len(viewer.list()) == 1
    with pytest.raises(InputError, match="not change them"):
        viewer.save(default_kit())


def test_another_persons_campaign_does_not_exist_for_them(data_dir: Path):
    alice = as_person(Store(data_dir), Person(id="oidc:https://id.test:alice"))
    story = steps.start_campaign(alice, (SAMPLES / "coffee.jpg").read_bytes(), "coffee.jpg")
    bob = as_person(Store(data_dir), Person(id="oidc:https://id.test:bob"))
    with pytest.raises(StoryNotFound):
        bob.load(story.id)
    assert [s.id for s in studio.library(alice) if s.kind == "campaign"] == [story.id]
    assert studio.library(bob) == []


def test_the_command_line_exits_2_naming_the_field(tmp_path: Path, capsys):
    bad = tmp_path / "brand.toml"
    bad.write_text(GOOD.replace('accent = "#E36414"', 'accent = "orange"').replace('logo = "harbour-logo.png"', ""))
    photo = str(SAMPLES / "coffee.jpg")
    assert main(["campaign", photo, "--out", str(tmp_path / "out"), "--brand", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: brand kit: palette.accent:") and "\n" not in err
    font_kit = tmp_path / "font.toml"
    (tmp_path / "Locked.ttf").write_bytes(restricted(BUNDLED_REGULAR.read_bytes()))
    font_kit.write_text(GOOD.replace('logo = "harbour-logo.png"', 'font = "Locked.ttf"'))
    assert main(["campaign", photo, "--out", str(tmp_path / "out"), "--brand", str(font_kit)]) == 2
    assert capsys.readouterr().err.startswith("error: font: Locked.ttf does not allow embedding")
    assert main(["campaign", photo, "--out", str(tmp_path / "out"), "--brief", "colour=red"]) == 2
    assert "brief: 'colour' is not a brief field" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


BRIEF = CopyBrief(product="Harbour Morning Blend", audience="early risers", banned=("cheap",), tone=("premium",))


def good_answer(n: int) -> str:
    return json.dumps({"variants": [{"headline": f"Quietly exceptional {i}", "body": "Savour it.", "cta": "Discover"}
                                    for i in range(n)]})  # fmt: skip


def remote_writer(server: FakeOpenAI) -> RemoteWriter:
    settings = Settings(writer="remote", openai_base_url=server.base_url, openai_api_key="sk-test")
    return RemoteWriter.from_settings(settings, backoff_s=0.01, retries=1)


def test_the_writer_is_asked_for_the_schema_and_repaired_once():
    forget_capabilities()
    too_long = json.dumps({"variants": [{"headline": "x" * 41, "body": "b", "cta": "c"}] * 2})
    banned = json.dumps({"variants": [{"headline": "Cheap coffee", "body": "b", "cta": "c"}]})
    with FakeOpenAI(answers=[too_long, good_answer(2), banned, banned]) as server:
        variants = model_variants(asker(remote_writer(server)), BRIEF, 2)
        assert [v.headline for v in variants] == ["Quietly exceptional 0", "Quietly exceptional 1"]
        first, second = server.chat_requests()
        assert first.body["response_format"]["json_schema"]["schema"]["required"] == ["variants"]
        assert "headline: has 41 characters, at most 40" in second.body["messages"][-1]["content"]
        with pytest.raises(ProviderError, match="banned word 'cheap'.*even after one repair"):
            model_variants(asker(remote_writer(server)), BRIEF, 1)
        assert len(server.chat_requests()) == 4  # one answer and one repair each, no more


def test_the_local_writer_writes_copy_through_the_same_checks(tmp_path: Path):
    from core.local.manager import ModelManager
    from core.providers.local_writer import LocalWriter

    asked: list[list[dict]] = []
    answers = ["Here are some ideas: buy coffee!", good_answer(3)]

    def generate(messages, *, seed, max_new_tokens, what):  # the model's answers, in chunks as it streams
        asked.append(messages)
        answer = answers.pop(0)
        yield from (answer[i : i + 7] for i in range(0, len(answer), 7))

    local = LocalWriter(str(tmp_path / "no-weights-needed"), manager=ModelManager())
    local._generate = generate
    variants = model_variants(asker(local), BRIEF, 3, who="The local writer")
    assert len(variants) == 3 and len(asked) == 2
    assert asked[1][-2] == {"role": "assistant", "content": "Here are some ideas: buy coffee!"}
    assert "no JSON object" in asked[1][-1]["content"]


def test_the_command_line_translates_the_copy_with_the_configured_translator(tmp_path: Path, monkeypatch, capsys):
    from core import providers

    class Doubling:
        """German runs long, as German does: every text twice."""

        engine, model = "deepl", "fake"

        def languages(self):
            return []

        def translate(self, texts, target, *, source=None, formality=None, glossary=None):
            return [f"[{target}] {t} {t}" for t in texts]

    monkeypatch.setattr(providers, "translator_for", lambda settings: Doubling())
    out = tmp_path / "out"
    args = ["campaign", str(SAMPLES / "coffee.jpg"), "--out", str(out), "--variants", "1", "--caption", "A cup."]
    assert main([*args, "--brief", "Harbour Morning Blend", "--translate", "de"]) == 0, capsys.readouterr().err
    assert {p.name for p in out.glob("A-*.png")} >= {"A-1x1.png", "A-1x1-de.png", "A-16x9-de.png"}
    rows = list(csv.DictReader(io.StringIO((out / "copy.csv").read_text(encoding="utf-8-sig"))))
    assert [(r["variant"], r["language"]) for r in rows] == [("A", "en"), ("A", "de")]
    german = rows[1]
    assert german["headline"].startswith("[de] ")
    assert len(german["headline"]) <= 40 and len(german["body"]) <= 125 and len(german["call_to_action"]) <= 20


def test_the_command_line_imports_lists_and_exports_the_spaces_kits(tmp_path: Path, capsys):
    assert main(["brand", "import", str(DEFAULT_KIT)]) == 0
    kit_id = capsys.readouterr().out.strip()
    assert main(["brand", "list"]) == 0
    assert capsys.readouterr().out.startswith(f"{kit_id}  version 1")
    assert main(["brand", "export", kit_id, "--out", str(tmp_path / "kit.json")]) == 0
    exported = read_kit((tmp_path / "kit.json").read_bytes(), "kit.json")
    assert exported.kit == default_kit().kit and exported.files == default_kit().files
    assert main(["brand", "export", "0123456789abcdef", "--out", str(tmp_path / "x.toml")]) == 2
    assert "There is no such brand kit in this space." in capsys.readouterr().err
