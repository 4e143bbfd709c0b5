"""The story video: streams a phone plays, a length that matches the narration, subtitles heard
and read at the same moment, hostile text shown as written, burned-in subtitles, the QR code."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from core import studio
from core.cli import main
from core.export.formats import ExportRequest
from core.export.qr import decode_qr
from core.export.readalong import readalong_book
from core.export.video import END_SECONDS, JOINER, TITLE_SECONDS, make_video
from core.storage.store import Store
from tests.conftest import SAMPLES
from tests.doubles import ScriptedWriter, SolidIllustrator, ToneNarrator, story_of
from tests.test_browser import CHROMIUM

pytestmark = pytest.mark.skipif(not shutil.which("ffprobe"), reason="the video needs ffmpeg (apt-get install ffmpeg)")

HOSTILE = 'Kit said "hi" {\\an8} & <i>ran</i> --> far.\nThen C:\\new {\\b1}x} ended.'
URL = "https://books.example.org/e/0123456789abcdef/The_Kite.mp4"


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A two-page story (the first read aloud, the second changed since: silent), its MP4 made
    through the command line, and the same with subtitles burned in and a public address."""
    store = Store(tmp_path_factory.mktemp("video") / "data")
    story = studio.start_story(store, (SAMPLES / "chelsea.jpg").read_bytes(), "chelsea.jpg")
    studio.edit_caption(store, story, "A ginger cat.")
    list(studio.write_draft(store, story, ScriptedWriter(story_of("The Kite", HOSTILE, "They ran."))))
    list(studio.illustrate(store, story, SolidIllustrator()))
    list(studio.narrate(store, story, ToneNarrator()))
    first, second = story.draft.pages
    studio.edit_draft(store, story, story.title, [(first.text, first.scene), ("They ran home.", second.scene)])
    folder = tmp_path_factory.mktemp("out")
    plain = folder / "plain.mp4"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VISUTALE_DATA_DIR", str(store.root))
        assert main(["export", story.id, "--format", "mp4", "--out", str(plain)]) == 0
    story = store.load(story.id)
    burned = folder / "burned.mp4"
    request = ExportRequest(store, story, url=URL, options={"burn_subtitles": True})
    burned.write_bytes(make_video(request))
    return store, story, plain, burned


def probe(path) -> dict:
    done = subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
        capture_output=True,
        check=True,
    )
    return json.loads(done.stdout)


def cues(path) -> list[tuple[float, float, str]]:
    """The mov_text track's cues as stored (start, end, text), read from the packets themselves so
    no subtitle decoder reinterprets the text on the way back."""
    done = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "s", "-show_packets", "-show_data", "-of", "json", str(path)],
        capture_output=True,
        check=True,
    )
    found = []
    for packet in json.loads(done.stdout)["packets"]:
        hexdump = "".join(re.findall(r"^[0-9a-f]{8}: ((?:[0-9a-f]{2,4} ?)+)", packet.get("data", ""), re.M))
        data = bytes.fromhex(hexdump.replace(" ", ""))
        size = int.from_bytes(data[:2], "big")
        if size:
            start = float(packet["pts_time"])
            found.append((start, start + float(packet["duration_time"]), data[2 : 2 + size].decode()))
    return found


def frame(path, seconds: float) -> Image.Image:
    done = subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", str(seconds), "-i", str(path), "-frames:v", "1", "-f", "image2pipe",
         "-vcodec", "png", "-"],
        capture_output=True,
        check=True,
    )  # fmt: skip
    from io import BytesIO

    return Image.open(BytesIO(done.stdout)).convert("RGB")


def test_h264_aac_and_a_tagged_subtitle_track(made) -> None:
    streams = {s["codec_type"]: s for s in probe(made[2])["streams"]}
    assert streams["video"]["codec_name"] == "h264" and streams["video"]["pix_fmt"] == "yuv420p"
    assert (streams["video"]["width"], streams["video"]["height"]) == (1280, 720)
    assert streams["audio"]["codec_name"] == "aac"
    assert streams["subtitle"]["codec_name"] == "mov_text" and streams["subtitle"]["tags"]["language"] == "eng"


def test_it_lasts_the_cards_the_narration_and_the_silent_page(made) -> None:
    store, story, plain, _ = made
    narrated, silent = readalong_book(store, story).pages
    assert narrated.audio and silent.audio is None
    expected = TITLE_SECONDS + narrated.duration + 3.0 + END_SECONDS  # a short silent page: 3 s
    for stream in probe(plain)["streams"][:2]:
        assert abs(float(stream["duration"]) - expected) < 0.5


def test_each_sentence_is_read_when_it_is_heard_and_hostile_text_stays_text(made) -> None:
    store, story, plain, _ = made
    narrated, silent = readalong_book(store, story).pages
    shown = cues(plain)
    assert [text.replace(JOINER, "") for *_, text in shown] == [
        " ".join(s.text.split()) for s in narrated.sentences
    ] + ["They ran home."]
    for (start, end, _), sentence in zip(shown, narrated.sentences, strict=False):
        assert abs(start - (TITLE_SECONDS + sentence.start)) < 0.05
        assert abs(end - (TITLE_SECONDS + sentence.end)) < 0.05
    assert abs(shown[-1][0] - (TITLE_SECONDS + narrated.duration)) < 0.05
    assert "{\\an8} & <i>ran</i> --> far." in shown[0][2].replace(JOINER, "")


def test_burned_in_subtitles_print_at_the_bottom_as_written(made) -> None:
    _, _, plain, burned = made
    moment = TITLE_SECONDS + 0.5  # the first sentence, with its {\an8}, is being said
    without, with_text = frame(plain, moment), frame(burned, moment)
    bottom, top = (0, 600, 1280, 720), (0, 0, 1280, 120)
    changed = ImageStat.Stat(ImageChops.difference(without.crop(bottom), with_text.crop(bottom))).mean
    assert max(changed) > 5  # white letters with a dark outline
    unchanged = ImageStat.Stat(ImageChops.difference(without.crop(top), with_text.crop(top))).mean
    assert max(unchanged) < 1  # {\an8} did not move the subtitle to the top


def test_the_end_card_has_the_qr_code_of_the_file(made) -> None:
    duration = float(probe(made[3])["format"]["duration"])
    assert decode_qr(frame(made[3], duration - 1)) == URL
    assert decode_qr(frame(made[2], duration - 1)) is None  # not published: no code


def test_the_export_is_recorded_with_its_format(made) -> None:
    story = made[1]
    assert story.latest_export("mp4").filename.endswith(".mp4")


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (apt-get install chromium)")
def test_a_browser_plays_it(made, browser) -> None:
    store, story, plain, _ = made
    page_file = plain.parent / "watch.html"
    page_file.write_text(f'<video src="{plain.name}" muted playsinline preload="auto"></video>', encoding="utf-8")
    page = browser.new_page()
    try:
        page.goto(page_file.as_uri())
        support = page.evaluate(
            """document.querySelector('video').canPlayType('video/mp4; codecs="avc1.42E01E, mp4a.40.2"')"""
        )
        assert support in ("probably", "maybe"), "this Chromium cannot play H.264 + AAC"
        page.wait_for_function("document.querySelector('video').readyState >= 1", timeout=15000)
        duration = page.evaluate("document.querySelector('video').duration")
        assert abs(duration - float(probe(plain)["format"]["duration"])) < 0.5
        page.evaluate("document.querySelector('video').play()")
        page.wait_for_function("document.querySelector('video').currentTime > 0.5", timeout=15000)
        assert page.evaluate("document.querySelector('video').error") is None
    finally:
        page.close()


def test_the_command_line_asks_for_burned_in_subtitles_only_of_a_video(made, monkeypatch, capsys) -> None:
    store, story, _, _ = made
    monkeypatch.setenv("VISUTALE_DATA_DIR", str(store.root))
    asked = []

    def recorded(request):
        asked.append(request.options)
        return b"\x00\x00\x00\x18ftypmp42 a stand-in video"

    monkeypatch.setattr("core.export.video.make_video", recorded)
    assert main(["export", story.id, "--format", "mp4", "--burn-subtitles"]) == 0
    assert asked == [{"burn_subtitles": True}]
    assert main(["export", story.id, "--format", "epub", "--burn-subtitles"]) == 2
    assert "--burn-subtitles is an option of the video" in capsys.readouterr().err
