"""The story as a video (MP4: H.264, AAC, soft subtitles) to share where books are not read: a
chat, a classroom screen, a video site.

Why it is built this way:

- Every shot (title card, one per page, end card) is a still drawn here with Pillow: the picture
  fitted into 16:9 on a blurred, dimmed copy of itself, the cards' text in the font of the story's
  language (`core.export.fonts`, shaped by raqm). ffmpeg turns each still into one video segment
  (a slow zoom on pages), all of the same size and frame rate, and the concat demuxer joins them
  without encoding again. A shot lasts a whole number of frames, so the picture never drifts from
  the sound.
- The sound is one track made in the final step: each page's narration WAV (resampled, padded or
  cut to its shot's length) and silence for the cards and the pages never read aloud (shown for a
  reading-time estimate).
- Subtitles are a mov_text track tagged with the language, one cue per sentence at the moment the
  narration says it (the whole text on a silent page); `options={"burn_subtitles": True}` also
  draws them into the pictures with libass, with `assets/fonts` so every bundled script prints.
- Story text is data. It never meets a shell (every ffmpeg call is an argument list) and it is
  escaped for the two ASS readers it meets: ffmpeg's (the mov_text track) and libass (burned in).
  Neither has a complete escape syntax, so a WORD JOINER (U+2060, invisible) is put after the
  characters that would start a code: `\\n` stays a backslash and an n, `{\\an8}` stays text.
- There is no progress channel in `ExportRequest`, so it is made fast instead: 1280x720 at 12 fps
  (the slow zoom moves under a pixel a frame, as smooth as at 24 fps, and half the frames cost
  half the encoding), x264 `veryfast` tuned for still images with its motion search cut to the
  least (one reference frame, diamond search, no trellis: a zoom on a still has little motion to
  find): an 8-page story's MP4 in about a third of the CPU time it took (figures:
  bench/offline.py, bench/exports.py).
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps

from core.errors import NotConfigured, ProviderError
from core.export import fonts
from core.export.formats import ExportRequest
from core.export.qr import qr_image
from core.export.readalong import ReadAlongBook, readalong_book
from core.narration import ffmpeg_binary

SIZE = (1280, 720)
FPS = 12  # enough for a slow zoom on a still (see above)
SAMPLE_RATE = 44100
TITLE_SECONDS = 3.0
END_SECONDS = 4.0
WORDS_PER_SECOND = 2.5  # a silent page is shown as long as reading it aloud would take
SILENT_PAGE_MIN_SECONDS = 3.0
ZOOM = 0.06  # how much closer a page is at its end than at its start
JOINER = "\u2060"  # WORD JOINER: invisible, breaks an escape sequence apart
FONT_DIR = fonts.FONT_DIR
BACKGROUND = (24, 24, 32)


@dataclass
class Shot:
    """One segment of the video: what is seen, for how many frames, what is heard and read."""

    still: Image.Image
    frames: int
    audio: Path | None = None
    cues: list[tuple[float, float, str]] = field(default_factory=list)  # seconds into the shot
    moving: bool = False

    @property
    def seconds(self) -> float:
        return self.frames / FPS


def make_video(request: ExportRequest) -> bytes:
    """The MP4 of the story (or its translation): title card, one shot per page, end card."""
    ffmpeg = ffmpeg_binary()
    if ffmpeg is None:
        raise NotConfigured("Videos need ffmpeg: apt-get install ffmpeg.")
    book = readalong_book(request.store, request.story, request.language)
    shots = [title_card(book), *page_shots(book), end_card(book, request.url)]
    burn = bool(request.options.get("burn_subtitles"))
    with tempfile.TemporaryDirectory(prefix="visutale-video-") as folder:
        work = Path(folder)
        font = subtitle_font(book) if burn else None
        segments = [_segment(ffmpeg, work, index, shot, font) for index, shot in enumerate(shots)]
        return _join(ffmpeg, work, shots, segments, book.language)


# --- what is seen -----------------------------------------------------------------------------


def frames_for(seconds: float) -> int:
    return max(1, round(seconds * FPS))


def page_shots(book: ReadAlongBook) -> list[Shot]:
    shots = []
    for page in book.pages:
        still = framed(page.picture or book.cover)
        if page.audio:
            frames = frames_for(page.duration)
            end = frames / FPS
            cues = [(s.start, min(s.end, end), s.text) for s in page.sentences if s.start is not None and s.start < end]
            shots.append(Shot(still, frames, page.audio, cues, moving=True))
        else:
            seconds = max(SILENT_PAGE_MIN_SECONDS, len(page.text.split()) / WORDS_PER_SECOND)
            frames = frames_for(seconds)
            shots.append(Shot(still, frames, None, [(0.0, frames / FPS, page.text)] if page.text.strip() else [], True))
    return shots


def framed(picture: Path | None) -> Image.Image:
    """The picture whole, as large as 16:9 allows, on a blurred and dimmed copy of itself."""
    canvas = Image.new("RGB", SIZE, BACKGROUND)
    if picture is None or not picture.exists():
        return canvas
    with Image.open(picture) as opened:
        image = ImageOps.exif_transpose(opened).convert("RGB")
    backdrop = ImageOps.fit(image, SIZE, Image.Resampling.BILINEAR)
    backdrop = backdrop.resize((SIZE[0] // 8, SIZE[1] // 8)).filter(ImageFilter.GaussianBlur(4)).resize(SIZE)
    canvas = ImageEnhance.Brightness(backdrop).enhance(0.45)
    front = ImageOps.contain(image, SIZE, Image.Resampling.LANCZOS)
    canvas.paste(front, ((SIZE[0] - front.width) // 2, (SIZE[1] - front.height) // 2))
    return canvas


def title_card(book: ReadAlongBook) -> Shot:
    """The photo the story grew from, dimmed, with the title across it."""
    still = ImageEnhance.Brightness(framed(book.cover)).enhance(0.55)
    draw = ImageDraw.Draw(still)
    _text_block(draw, book.title, book.language, 64, (80, 0, SIZE[0] - 80, SIZE[1]), book.direction)
    return Shot(still, frames_for(TITLE_SECONDS))


def end_card(book: ReadAlongBook, url: str | None) -> Shot:
    """The title and the credits and, when the file has a public address, its QR code."""
    still = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(still)
    right = SIZE[0] - 80
    if url:
        code = qr_image(url).convert("RGB")
        side = 400
        code = code.resize((side, side), Image.Resampling.NEAREST)
        still.paste(code, (SIZE[0] - side - 80, (SIZE[1] - side) // 2))
        right = SIZE[0] - side - 140
    middle = SIZE[1] // 2
    _text_block(draw, book.title, book.language, 52, (80, 60, right, middle), book.direction)
    _text_block(draw, book.credits, None, 24, (80, middle + 20, right, SIZE[1] - 60), "ltr", anchor_top=True)
    return Shot(still, frames_for(END_SECONDS))


def _font(text: str, language: str | None, size: int) -> ImageFont.FreeTypeFont:
    choice = fonts.font_for(text, language)
    return ImageFont.truetype(str(choice.path), size, index=choice.subfont, layout_engine=ImageFont.Layout.RAQM)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    """Greedy word wrap; a word (or a text without spaces, as in Chinese) wider than the line is
    cut between characters."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if draw.textlength(candidate, font=font) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            for ch in word:
                if draw.textlength(line + ch, font=font) > width and line:
                    lines.append(line)
                    line = ""
                line += ch
        lines.append(line)
    return [line for line in lines if line.strip()]


def _text_block(draw, text: str, language, size: int, box, direction: str, anchor_top: bool = False) -> None:
    """`text` wrapped into `box` (left, top, right, bottom), centred (or from the top), shrunk
    until it fits, white with a dark outline so it reads on any picture."""
    left, top, right, bottom = box
    while True:
        font = _font(text, language, size)
        lines = _wrap(draw, text, font, right - left)
        step = int(size * 1.3)
        if len(lines) * step <= bottom - top or size <= 16:
            break
        size = int(size * 0.85)
    y = top if anchor_top else top + (bottom - top - len(lines) * step) // 2
    for line in lines:
        x = (left + right) / 2
        draw.text(
            (x, y + step / 2),
            line,
            font=font,
            anchor="mm",
            fill="white",
            stroke_width=max(1, size // 20),
            stroke_fill="black",
            direction=direction,
        )
        y += step


# --- subtitles --------------------------------------------------------------------------------


def ass_head(font: str) -> str:
    """An ASS file's start: the video's size and one style, white with a dark outline, at the
    bottom, in `font` (a family name libass finds in `assets/fonts` or on the system)."""
    return f"""[Script Info]
ScriptType: v4.00+
PlayResX: {SIZE[0]}
PlayResY: {SIZE[1]}
WrapStyle: 0

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, \
Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, \
MarginL, MarginR, MarginV, Encoding
Style: Default,{font},40,&H00FFFFFF,&H00FFFFFF,&H00000000,&H99000000,0,0,0,0,100,100,0,0,1,3,1,2,80,80,36,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
"""


def one_line(text: str) -> str:
    """A cue's text on one line: a line break inside a subtitle file would end the cue."""
    return " ".join(text.split())


def for_ffmpeg(text: str) -> str:
    """Text for ffmpeg's ASS reader (the mov_text track): it reads `{\\` as the start of a style
    code and `\\n`, `\\N` as line breaks, and nothing else."""
    return one_line(text).replace("\\", "\\" + JOINER).replace("{", "{" + JOINER)


def for_libass(text: str) -> str:
    """Text for libass (burned in): `{...}` is a style block (`\\{`, `\\}` are literal braces) and a
    backslash starts a code (`\\n`, `\\N`, `\\h`)."""
    escaped = {"\\": "\\" + JOINER, "{": "\\{", "}": "\\}"}
    return "".join(escaped.get(ch, ch) for ch in one_line(text))


def ass_time(seconds: float) -> str:
    centis = max(0, round(seconds * 100))
    return f"{centis // 360000}:{centis // 6000 % 60:02d}:{centis // 100 % 60:02d}.{centis % 100:02d}"


def ass(cues: list[tuple[float, float, str]], escape, font: str = "Noto Sans") -> str:
    events = "".join(
        f"Dialogue: 0,{ass_time(start)},{ass_time(end)},Default,,0,0,0,,{escape(text)}\n"
        for start, end, text in cues
        if end > start
    )
    return ass_head(font) + events


def timeline(shots: list[Shot]) -> list[tuple[float, float, str]]:
    """Every cue in the video's time: each shot's own cues moved by where the shot starts."""
    cues, frame = [], 0
    for shot in shots:
        offset = frame / FPS
        cues += [(offset + start, offset + end, text) for start, end, text in shot.cues]
        frame += shot.frames
    return cues


def subtitle_font(book: ReadAlongBook) -> str:
    """The family name of the font that prints the book's language (Noto Naskh Arabic, Noto Sans
    Thai ...): libass then shapes the text with it instead of falling back glyph by glyph."""
    text = " ".join(page.text for page in book.pages) or book.title
    return _font(text, book.language, 40).getname()[0]


def language_tag(language: str) -> str:
    """The ISO 639-2 code an MP4 track carries ("de" -> "deu"); "und" when there is none."""
    import langcodes

    try:
        return langcodes.Language.get(language).to_alpha3()
    except (LookupError, ValueError):
        return "und"


# --- ffmpeg -----------------------------------------------------------------------------------


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, timeout=900)
    if done.returncode != 0:
        raise ProviderError(f"ffmpeg could not {what} ({done.stderr.decode(errors='replace')[-300:]}).")


def filter_path(path: Path) -> str:
    """A file name as a filter option's value: `\\`, `'`, `:` and `,` mean something there."""
    text = str(path)
    for ch in "\\':,;[]":
        text = text.replace(ch, "\\" + ch)
    return text


def _segment(ffmpeg: str, work: Path, index: int, shot: Shot, font: str | None) -> Path:
    """One shot as H.264 video alone, with its subtitles drawn in `font` if one is given; the sound
    and the soft subtitles come in `_join`."""
    still = work / f"shot{index}.png"
    shot.still.save(still)
    # the still decoded and converted once, then repeated: a looped input would decode it each frame
    filters = ["format=yuv420p"]
    if shot.moving:  # zoompan crops at whole pixels: on a still twice as large, a step is half a pixel
        filters.append(f"scale={SIZE[0] * 2}:{SIZE[1] * 2}")
    filters += [f"loop=loop={shot.frames - 1}:size=1", f"setpts=N/{FPS}/TB"]
    if shot.moving:
        zoom = f"1+{ZOOM}*on/{max(1, shot.frames - 1)}"
        filters.append(f"zoompan=z='{zoom}':x='iw/2-iw/zoom/2':y='ih/2-ih/zoom/2':d=1:s={SIZE[0]}x{SIZE[1]}:fps={FPS}")
    if font and shot.cues:
        subtitles = work / f"shot{index}.ass"
        subtitles.write_text(ass(shot.cues, for_libass, font), encoding="utf-8")
        filters.append(f"subtitles=filename={filter_path(subtitles)}:fontsdir={filter_path(FONT_DIR)}")
    out = work / f"shot{index}.mp4"
    _run(
        [
            ffmpeg, "-v", "error", "-y", "-i", str(still),
            "-vf", ",".join(filters), "-frames:v", str(shot.frames), "-r", str(FPS),
            "-c:v", "libx264", "-preset", "veryfast", "-tune", "stillimage", "-crf", "23",
            "-x264-params", "ref=1:subme=1:me=dia:trellis=0", "-g", str(FPS * 4), str(out),
        ],
        "draw a page of the video",
    )  # fmt: skip
    return out


def _join(ffmpeg: str, work: Path, shots: list[Shot], segments: list[Path], language: str) -> bytes:
    """The segments joined as they are, the narration and the silences as one AAC track, the
    subtitles as a mov_text track; the index first (+faststart), so playing starts at once."""
    listing = work / "segments.txt"
    listing.write_text("".join(f"file '{segment.name}'\n" for segment in segments), encoding="utf-8")
    subtitles = work / "subtitles.ass"
    subtitles.write_text(ass(timeline(shots), for_ffmpeg), encoding="utf-8")
    inputs = ["-f", "concat", "-safe", "0", "-i", str(listing), "-i", str(subtitles)]
    graph, labels, audio_inputs = [], [], 2
    for index, shot in enumerate(shots):
        length = f"{shot.seconds:.6f}"
        if shot.audio:
            inputs += ["-i", str(shot.audio)]
            source = f"[{audio_inputs}:a]aresample={SAMPLE_RATE},aformat=channel_layouts=mono,apad"
            audio_inputs += 1
        else:
            source = f"anullsrc=r={SAMPLE_RATE}:cl=mono"
        graph.append(f"{source},atrim=duration={length},asetpts=PTS-STARTPTS[a{index}]")
        labels.append(f"[a{index}]")
    graph.append(f"{''.join(labels)}concat=n={len(labels)}:v=0:a=1[sound]")
    out = work / "story.mp4"
    _run(
        [
            ffmpeg, "-v", "error", "-y", *inputs, "-filter_complex", ";".join(graph),
            "-map", "0:v", "-map", "[sound]", "-map", "1:s",
            "-c:v", "copy", "-c:a", "aac", "-b:a", "96k", "-c:s", "mov_text",
            "-metadata:s:s:0", f"language={language_tag(language)}",
            "-metadata:s:a:0", f"language={language_tag(language)}",
            "-movflags", "+faststart", str(out),
        ],
        "put the video together",
    )  # fmt: skip
    return out.read_bytes()
