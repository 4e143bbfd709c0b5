"""The flow in the real app with the remote engines selected, driven by Streamlit's AppTest.

Vision, writer and illustrator run against FakeOpenAI and translation against FakeDeepL: real HTTP
servers on 127.0.0.1 that the real `openai` and `deepl` clients talk to. The engines are chosen the
way a person running the studio would choose them: through the environment, before the app starts.

What is checked is what the person sees ("Made by a remote server", "Made by DeepL", one clear
message when the server refuses), and that the keys never reach a page, the story or the PDF.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from core.storage.store import Store
from tests.fake_servers import FakeDeepL, FakeOpenAI, Fault
from tests.test_app_flow import _app, _click, _page, _texts

OPENAI_KEY = "sk-fake-openai-VT9x7Qk2"
DEEPL_KEY = "fake-deepl-VT4m8Zr1:fx"
KEYS = (OPENAI_KEY, DEEPL_KEY)

REVISED = json.dumps(
    {
        "title": "Rufus and the Lighthouse",
        "pages": [
            {
                "text": f"Page {n}: Mia and Rufus the fox walk on. Rufus wears a green hat.",
                "scene": f"Mia and Rufus the red fox in a green hat on a beach, moment {n}",
            }
            for n in range(1, 4)
        ],
    }
)


@pytest.fixture
def servers(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FakeOpenAI, FakeDeepL]]:
    """Both fakes running, and the studio's environment pointing every capability at them."""
    from core.providers.remote_openai import forget_capabilities

    forget_capabilities()
    with FakeOpenAI(api_key=OPENAI_KEY) as openai_server, FakeDeepL(auth_key=DEEPL_KEY) as deepl_server:
        for name in ("VISION", "WRITER", "ILLUSTRATOR"):
            monkeypatch.setenv(f"VISUTALE_{name}", "remote")
        monkeypatch.setenv("VISUTALE_TRANSLATOR", "deepl")
        monkeypatch.setenv("OPENAI_BASE_URL", openai_server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
        monkeypatch.setenv("DEEPL_AUTH_KEY", DEEPL_KEY)
        monkeypatch.setenv("DEEPL_SERVER_URL", deepl_server.server_url)
        monkeypatch.setenv("VISUTALE_REQUEST_TIMEOUT_S", "10")
        yield openai_server, deepl_server
    forget_capabilities()


def _rendered(at: AppTest) -> str:
    """Every element of the page as the browser receives it: labels, values, bodies, help texts."""
    return "\n".join(str(node.proto) for node in at._tree if getattr(node, "proto", None) is not None)


def _no_keys(text: str | bytes, where: str) -> None:
    for key in KEYS:
        needle = key.encode() if isinstance(text, bytes) else key
        assert needle not in text, f"a key leaked into {where}"


def _page_texts(at: AppTest) -> list:
    """The text boxes of the draft's pages."""
    return [t for t in at.text_area if (t.key or "").startswith("draft_text_")]


class _Seen:
    """Collects the rendered elements of every page a test visits."""

    def __init__(self) -> None:
        self.pages: list[str] = []

    def __call__(self, at: AppTest) -> AppTest:
        self.pages.append(_rendered(at))
        return at


def test_remote_engines_photo_to_bilingual_pdf(servers, data_dir, cat_bytes) -> None:
    openai_server, deepl_server = servers
    seen = _Seen()
    at = _app()
    at.run()
    assert not at.exception, at.exception
    seen(at)
    assert "vision remote · writer remote · pictures remote" in _texts(at)
    at.file_uploader[0].set_value(("chelsea.jpg", cat_bytes, "image/jpeg")).run()
    seen(_click(at, "Start a story with this photo"))
    story_id = at.session_state["story_id"]

    # Caption: streamed from the server, the photo sent as a data URL.
    seen(_page(at, "pages/caption.py"))
    seen(_click(at, "Describe the photo"))
    assert "Made by a remote server · gpt-4o-mini" in _texts(at)
    assert "yellow raincoat" in at.text_area[0].value
    ask = openai_server.chat_requests()[-1].body
    assert ask["stream"] is True
    assert ask["messages"][0]["content"][1]["image_url"]["url"].startswith("data:image/jpeg;base64,")
    at.text_area[0].set_value(at.text_area[0].value + " The fox is called Rufus.").run()
    seen(_click(at, "Save my caption"))

    seen(_page(at, "pages/story_settings.py"))
    at.slider[0].set_value(3)
    seen(_click(at, "Save settings"))
    assert "Saved" in _texts(at)

    # Draft, then a free-text revision.
    seen(_page(at, "pages/draft.py"))
    seen(_click(at, "Write the story"))
    assert "Made by a remote server · gpt-4o-mini" in _texts(at)
    assert len(_page_texts(at)) == 3
    openai_server.add_answers(REVISED)
    at.text_input(key="draft_instruction").set_value("Give the fox a name and a hat")
    seen(_click(at, "Revise"))
    assert at.text_input[0].value == "Rufus and the Lighthouse"
    assert "Rufus wears a green hat" in _page_texts(at)[0].value
    assert "Made by a remote server" in _texts(at) and not at.error

    # Pictures from the images endpoint, seeds recorded.
    seen(_page(at, "pages/pictures.py"))
    seen(_click(at, "Draw the 3 missing pictures"))
    assert "Made by a remote server · gpt-image-1 · seed" in _texts(at)
    assert len(openai_server.requests_to("/images/generations")) == 3
    story = Store(data_dir).load(story_id)
    variants = [story.scenes[p.id].chosen_variant() for p in story.draft.pages]
    assert all(v.engine == "remote" and v.model == "gpt-image-1" and v.params["seed_sent"] for v in variants)

    # Translate into German with DeepL, names kept by a glossary; edit one page by hand.
    seen(_page(at, "pages/translate.py"))
    target = at.selectbox(key="translate_target")
    assert "de" in target.options or "German (de)" in target.options
    target.set_value("de")
    at.text_area(key="translate_glossary").set_value("Rufus = Rufus\nMia = Mia").run()
    seen(_click(at, "Translate into German"))
    assert "Made by DeepL" in _texts(at)
    story = Store(data_dir).load(story_id)
    page_ids = [p.id for p in story.draft.pages]
    first = at.text_area(key=f"translate_de_{page_ids[0]}").value
    assert first.startswith("[DE] ") and "Rufus" in first and "RUFUS" not in first  # the glossary held
    assert deepl_server.glossaries, "the names went to DeepL as a glossary"
    at.text_area(key=f"translate_de_{page_ids[1]}").set_value("Mia und Rufus gehen weiter am Strand.")
    seen(_click(at, "Save my edits"))
    assert at.text_area(key=f"translate_de_{page_ids[1]}").value == "Mia und Rufus gehen weiter am Strand."
    translation = Store(data_dir).load(story_id).translation("de")
    assert translation.edited and translation.pages[1] == "Mia und Rufus gehen weiter am Strand."

    # Export: German, bilingual.
    seen(_page(at, "pages/export.py"))
    at.selectbox(key="export_language").set_value("de").run()
    at.checkbox(key="export_bilingual").check()
    seen(_click(at, "Make the PDF"))
    assert [b.label for b in at.get("download_button")] == ["Download the PDF"]
    story = Store(data_dir).load(story_id)
    export = story.exports[-1]
    assert export.language == "de" and export.bilingual
    pdf = Store(data_dir).export_path(story_id, export.token).read_bytes()
    text = " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())  # lines are wrapped in the PDF
    assert "Rufus wears a green hat" in text and "Mia und Rufus gehen weiter am Strand" in text

    # The keys were never shown, saved or printed.
    for number, rendered in enumerate(seen.pages):
        _no_keys(rendered, f"rendered page #{number}")
    for path in data_dir.parent.rglob("*"):
        if path.is_file():
            _no_keys(path.read_bytes(), str(path.relative_to(data_dir.parent)))
    _no_keys(pdf, "the PDF")


def _drafted(at: AppTest, photo: bytes) -> str:
    """Upload, caption and draft with the remote engines; returns the story id."""
    at.run()
    at.file_uploader[0].set_value(("chelsea.jpg", photo, "image/jpeg")).run()
    _click(at, "Start a story with this photo")
    _page(at, "pages/caption.py")
    _click(at, "Describe the photo")
    _page(at, "pages/draft.py")
    _click(at, "Write the story")
    return at.session_state["story_id"]


def test_a_refused_key_on_revision_is_one_message_and_the_draft_is_kept(servers, data_dir, cat_bytes) -> None:
    openai_server, _ = servers
    at = _app()
    story_id = _drafted(at, cat_bytes)
    before = Store(data_dir).load(story_id)
    title = at.text_input[0].value

    openai_server.inject(Fault(status=401, path="/chat/completions"))
    at.text_input(key="draft_instruction").set_value("Give the fox a name")
    _click(at, "Revise")
    assert len(at.error) == 1
    message = at.error[0].value
    assert "refused the API key (401 unauthorised)" in message and "127.0.0.1" in message
    assert "Traceback" not in _rendered(at)
    after = Store(data_dir).load(story_id)
    assert after.chosen_draft == before.chosen_draft and len(after.drafts) == len(before.drafts)
    assert at.text_input[0].value == title  # the draft on the page is the one the person had
    _no_keys(_rendered(at), "the error page")


def test_deepl_out_of_quota_is_one_message_and_nothing_is_translated(servers, data_dir, cat_bytes) -> None:
    _, deepl_server = servers
    at = _app()
    story_id = _drafted(at, cat_bytes)
    _page(at, "pages/translate.py")
    at.selectbox(key="translate_target").set_value("de").run()
    deepl_server.inject(Fault(status=456, path="/v2/translate"))
    _click(at, "Translate into German")
    assert len(at.error) == 1 and "character quota" in at.error[0].value
    assert Store(data_dir).load(story_id).translations == []
    assert "Made by DeepL" not in _texts(at)
    _no_keys(_rendered(at), "the Translate page")


def test_settings_page_tests_both_connections_without_showing_keys(servers, data_dir) -> None:
    at = _app()
    at.run()
    _page(at, "pages/settings.py")
    assert "API key (currently set)" in _rendered(at)  # the scan sees labels, so it would see a key
    _click(at, "Test the OpenAI-compatible server")
    assert "Models: gpt-4o-mini, gpt-image-1, llava, qwen2.5" in [s.value for s in at.success]
    _no_keys(_rendered(at), "the Settings page")
    _click(at, "Test DeepL")
    deepl = [s.value for s in at.success if "Languages:" in s.value]
    assert deepl and "characters used" in deepl[0]
    assert all(code in deepl[0] for code in ("de", "ja", "zh-Hans"))
    _no_keys(_rendered(at), "the Settings page")

    # A wrong key typed in Settings: the server echoes it back, the page never shows it.
    wrong = "sk-typed-wrong-Kq81"
    key_box = next(t for t in at.text_input if t.label.startswith("API key"))
    key_box.set_value(wrong)
    _click(at, "Apply")
    _click(at, "Test the OpenAI-compatible server")
    assert any("refused the API key" in e.value for e in at.error)
    assert wrong not in _rendered(at)
