"""Reading aloud: sentences, the narrate step, the offline voices (Piper, espeak-ng), a remote
speech server, the command line, and what a narration belongs to."""

from __future__ import annotations

import hashlib
import shutil
import subprocess

import pytest

from core import providers, studio
from core.cli import main
from core.errors import InputError, NotConfigured
from core.narration import PAUSE_S, duration_of, sentences
from core.people.access import as_person
from core.safety import SafetyChecker
from core.settings import Settings
from tests.doubles import ScriptedWriter, SolidIllustrator, ToneNarrator, UpperTranslator, story_of
from tests.fake_servers import FakeOpenAI

PAGES = ("Kit saw a red kite. It flew over the hill!", "Dot ran after it. They laughed and went home.")


@pytest.fixture
def story(store, cat_bytes):
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    studio.edit_caption(store, story, "A ginger cat on a red rug.")
    list(studio.write_draft(store, story, ScriptedWriter(story_of("The Kite", *PAGES))))
    list(studio.illustrate(store, story, SolidIllustrator()))
    return story


# --- sentences -------------------------------------------------------------------------------


def test_sentences_are_slices_of_the_text_in_order() -> None:
    text = 'Mr. Fox said, "Look!" Then he ran... far away? Yes.\nThe end'
    found = sentences(text)
    assert found == ['Mr. Fox said, "Look!"', "Then he ran... far away?", "Yes.", "The end"]
    cursor = 0
    for sentence in found:
        cursor = text.index(sentence, cursor) + len(sentence)


def test_sentences_in_other_scripts() -> None:
    assert sentences("猫が来た。犬も来た！") == ["猫が来た。", "犬も来た！"]
    assert sentences("बिल्ली आई। कुत्ता भी आया।") == ["बिल्ली आई।", "कुत्ता भी आया।"]
    assert sentences("هل جاء القط؟ نعم.") == ["هل جاء القط؟", "نعم."]
    assert sentences("Oh! — ") == ["Oh! —"]  # a piece with nothing to say joins the sentence before
    assert sentences("   ") == []


def test_a_pages_spans_join_back_into_exactly_its_text() -> None:
    from core.export.readalong import ReadAlongPage, Sentence

    text = "Kit ran.  Dot said: “Wait!”\n\nThe end"
    page = ReadAlongPage(1, text, tuple(Sentence(s) for s in sentences(text)), None, None)
    assert "".join(piece for piece, _ in page.spans()) == text
    assert [index for _, index in page.spans()] == [0, None, 1, None, 2]


def test_audio_at_two_rates_or_in_another_format_is_read_to_one_page(tmp_path) -> None:
    from core.narration import read_wav, speak_each, wav_bytes

    second_of = {16000: b"\1\0" * 16000, 24000: b"\1\0" * 24000}
    answers = iter([(second_of[24000], 24000), (second_of[16000], 16000)])
    speech = speak_each(lambda text: next(answers), ["One.", "Two."], "test")
    assert speech.duration == pytest.approx(1 + PAUSE_S + 1, abs=0.01)  # resampled to the first rate
    assert duration_of(speech.audio) == pytest.approx(speech.duration, abs=0.01)
    if shutil.which("ffmpeg"):  # a server that answers MP3 although WAV was asked for
        source = tmp_path / "a.wav"
        source.write_bytes(wav_bytes(b"\0\0" * 22050 * 2, 22050))
        subprocess.run(["ffmpeg", "-v", "error", "-i", str(source), str(tmp_path / "a.mp3")], check=True)
        pcm, rate = read_wav((tmp_path / "a.mp3").read_bytes())
        assert rate == 24000 and len(pcm) / 2 / rate == pytest.approx(2.0, abs=0.1)


# --- the narrate step --------------------------------------------------------------------------


def test_each_page_is_read_sentence_by_sentence_and_kept_by_content_hash(store, story) -> None:
    narrator = ToneNarrator()
    events = list(studio.narrate(store, story, narrator))
    assert [e.done for e in events if isinstance(e, studio.Progress)] == [0, 1, 2]
    saved = store.load(story.id)
    for page, text in zip(saved.draft.pages, PAGES):
        narration = saved.narration(page.id)
        assert narration.voice == "tone (en)" and narration.language == "en"
        assert [s.text for s in narration.sentences] == sentences(text)
        wav = store.read_audio(story.id, narration.audio)
        assert narration.audio == f"{hashlib.sha256(wav).hexdigest()}.wav"
        assert abs(duration_of(wav) - narration.duration) < 0.01
        first, second = narration.sentences
        # each sentence as long as its audio, then a pause, then the next one
        assert first.start == 0 and first.end == pytest.approx(len(first.text) * 0.05, abs=0.01)
        assert second.start == pytest.approx(first.end + PAUSE_S, abs=0.01)
        assert second.end == pytest.approx(narration.duration, abs=0.01)


def test_a_narration_is_current_only_while_its_page_says_the_same(store, story) -> None:
    list(studio.narrate(store, story, ToneNarrator()))
    first, second = story.draft.pages
    studio.edit_draft(store, story, "The Kite", [("Kit saw a blue kite.", first.scene), (second.text, second.scene)])
    edited = store.load(story.id)
    assert edited.narration(first.id) is None and edited.narration(second.id) is not None
    again = ToneNarrator()
    list(studio.narrate(store, edited, again))  # only the edited page is read again
    assert again.said == [("en", "Kit saw a blue kite.")]
    older = edited.drafts[0].id
    studio.choose_draft(store, edited, older)  # the first draft's reading is still there
    assert store.load(story.id).narration(first.id).sentences[0].text == "Kit saw a red kite."


def test_one_page_is_read_again_on_its_own(store, story) -> None:
    list(studio.narrate(store, story, ToneNarrator()))
    second = story.draft.pages[1]
    before = {n.page_id: n.created for n in story.narrations}
    once = ToneNarrator()
    list(studio.narrate(store, story, once, page_ids=[second.id]))
    assert [text for _, text in once.said] == sentences(PAGES[1])
    after = {n.page_id: n.created for n in store.load(story.id).narrations}
    assert after[second.id] > before[second.id] and len(after) == 2


def test_a_translation_is_read_in_its_language(store, story) -> None:
    list(studio.translate(store, story, UpperTranslator(), "de"))
    narrator = ToneNarrator()
    list(studio.narrate(store, story, narrator, language="de"))
    assert narrator.said[0] == ("de", "[de] KIT SAW A RED KITE.")
    saved = store.load(story.id)
    page = saved.draft.pages[0]
    assert saved.narration(page.id, "de").language == "de" and saved.narration(page.id) is None
    with pytest.raises(InputError, match="no translation into 'fr'"):
        list(studio.narrate(store, saved, narrator, language="fr"))


def test_the_safety_check_hears_every_page_first(store, story) -> None:
    first, second = story.draft.pages
    studio.edit_draft(store, story, "The Kite", [("What the fuck, said Kit.", ""), (second.text, second.scene)])
    narrator = ToneNarrator()
    events = list(studio.narrate(store, story, narrator, safety=SafetyChecker()))
    notices = [e.text for e in events if isinstance(e, studio.Notice)]
    assert len(notices) == 1 and notices[0].startswith("Page 1 was not read aloud") and "fuck" in notices[0]
    assert all("fuck" not in text for _, text in narrator.said)
    assert store.load(story.id).narration(first.id) is None


def test_a_reader_may_not_narrate(store, story) -> None:
    from core.people.spaces import Person

    stranger = as_person(store, Person(id="oidc:https://id.example:stranger", name="S"))
    with pytest.raises(InputError):
        list(studio.narrate(stranger, story, ToneNarrator()))


def test_a_duplicate_keeps_its_narration(store, story) -> None:
    list(studio.narrate(store, story, ToneNarrator()))
    copy = store.duplicate(story.id)
    narration = copy.narration(copy.draft.pages[0].id)
    assert store.read_audio(copy.id, narration.audio) == store.read_audio(story.id, narration.audio)


# --- the real voices ---------------------------------------------------------------------------


def test_piper_reads_english_at_a_speaking_pace(store, story) -> None:
    narrator = providers.narrator_for(Settings())
    assert narrator.voice_for("en") == "Piper joe (en_US)"
    list(studio.narrate(store, story, narrator, page_ids=[story.draft.pages[0].id]))
    narration = store.load(story.id).narration(story.draft.pages[0].id)
    assert narration.engine == "offline" and narration.voice == "Piper joe (en_US)"
    for sentence in narration.sentences:  # "Kit saw a red kite." / "It flew over the hill!"
        assert 0.8 < sentence.end - sentence.start < 4.0, sentence
    assert narration.duration == pytest.approx(duration_of(store.read_audio(story.id, narration.audio)), abs=0.01)


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")
def test_espeak_reads_other_languages_and_the_page_says_so(store, story) -> None:
    from core.offline.narrator import OfflineNarrator, espeak_voice

    assert espeak_voice("de") == "de" and espeak_voice("pt-BR") == "pt-br" and espeak_voice("zh-Hans") == "cmn"
    assert espeak_voice("xx") is None
    narrator = OfflineNarrator()
    assert narrator.voice_for("de") == "espeak-ng de"
    speech = narrator.speak(["Die Katze sitzt am Fenster.", "-v en Sie schläft."], "de")
    assert speech.voice == "espeak-ng de" and len(speech.sentences) == 2
    assert all(0.8 < s.end - s.start < 4.0 for s in speech.sentences)
    assert OfflineNarrator("espeak").voice_for("en") == "espeak-ng en-us"
    with pytest.raises(InputError, match="English only"):
        OfflineNarrator("joe").voice_for("de")
    with pytest.raises(InputError, match="voices 'joe'"):
        OfflineNarrator("alice")


def test_a_remote_speech_server_reads_each_sentence(store, story) -> None:
    with FakeOpenAI(models=None, api_key="sk-speech") as server:
        settings = Settings(
            narrator="remote", narrator_voice="nova", openai_base_url=server.base_url, openai_api_key="sk-speech"
        )
        narrator = providers.narrator_for(settings)
        list(studio.narrate(store, story, narrator))
        asked = server.requests_to("/audio/speech")
    assert [r.body["input"] for r in asked] == [s for text in PAGES for s in sentences(text)]
    assert {(r.body["voice"], r.body["model"], r.body["response_format"]) for r in asked} == {
        ("nova", "gpt-4o-mini-tts", "wav")
    }
    narration = store.load(story.id).narration(story.draft.pages[0].id)
    assert narration.engine == "remote" and narration.voice.startswith("nova (gpt-4o-mini-tts at 127.0.0.1")
    first = narration.sentences[0]
    assert first.end - first.start == pytest.approx(0.06 * len(first.text), abs=0.01)
    assert "sk-speech" not in store.load(story.id).model_dump_json()


def test_a_remote_server_that_fails_says_so_and_keeps_the_story(store, story) -> None:
    with FakeOpenAI(models=None) as server:
        server.inject(status=500, path="/audio/speech", times=4)
        settings = Settings(narrator="remote", openai_base_url=server.base_url)
        narrator = providers.narrator_for(settings)
        narrator.service.backoff_s = 0
        with pytest.raises(Exception) as failed:
            list(studio.narrate(store, story, narrator))
    assert type(failed.value).__name__ == "RemoteError" and "127.0.0.1" in str(failed.value)
    assert store.load(story.id).narrations == []


# --- the command line --------------------------------------------------------------------------


def test_the_command_line_narrates_one_page_with_a_voice(story, data_dir, capsys) -> None:
    assert main(["narrate", story.id[:8], "--page", "2", "--voice", "espeak"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("[2] ") and "espeak-ng en-us" in out and "2 sentences" in out
    assert main(["show", story.id]) == 0
    assert "narration (en): 1 of 2 pages read aloud (espeak-ng en-us)" in capsys.readouterr().out
    assert main(["narrate", story.id, "--voice", "nobody"]) == 2
    assert "voices 'joe'" in capsys.readouterr().err
    assert main(["narrate", story.id, "--page", "9"]) == 2
    assert "choose --page between 1 and 2" in capsys.readouterr().err


def test_without_piper_english_is_read_by_espeak(monkeypatch) -> None:
    from core.offline import narrator as offline

    monkeypatch.setattr(offline, "piper_installed", lambda: False)
    assert offline.OfflineNarrator().voice_for("en") == "espeak-ng en-us"
    offline._piper.cache_clear()
    monkeypatch.setitem(__import__("sys").modules, "piper", None)  # as if it were not installed
    with pytest.raises(NotConfigured, match="pip install piper-tts"):
        offline.OfflineNarrator("joe").voice_for("en")
    offline._piper.cache_clear()
