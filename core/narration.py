"""Reading a page aloud: its sentences, and one WAV file with the time each sentence is heard.

A page is spoken sentence by sentence: `sentences()` cuts its text into slices of the text itself
(so a reader can highlight exactly what is printed), an engine says each one (`speak_each`), and
each sentence lasts as long as its audio, followed by a short pause. An engine that aligns its own
audio with the text may build its `Speech` itself instead.

Audio is 16-bit PCM mono WAV throughout: what Piper, espeak-ng and OpenAI-compatible servers give
(`response_format="wav"`), what every browser plays, and what ffmpeg turns into the MP3 that EPUB
and the web reader carry (`core.export.audio`).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Callable, Sequence
from pathlib import Path

from core.errors import InputError, ProviderError
from core.providers.base import Speech, SpokenSentence

PAUSE_S = 0.4  # silence after each sentence, as a person reading aloud takes a breath

# A sentence ends at one of these, with any closing quotes or brackets after it.
_ENDS = ".!?…。！？।॥؟۔።။"
_CLOSERS = "\"'”’»)]」』）"
_WIDE_ENDS = "。！？"  # full-width: a sentence ends there even without a space after
_BOUNDARY = re.compile(
    rf"[{re.escape(_ENDS)}]+[{re.escape(_CLOSERS)}]*(?:\s+|$)|[{_WIDE_ENDS}][{re.escape(_CLOSERS)}]*|\n\s*"
)
# Words whose full stop does not end a sentence ("Mr. Fox came").
_ABBREVIATIONS = re.compile(r"(?:^|\s)(?:Mr|Mrs|Ms|Dr|St|Prof|Jr|Sr|Mt|vs|etc|e\.g|i\.e)\.\s+$", re.IGNORECASE)
_SPOKEN = re.compile(r"\w")


def sentences(text: str) -> list[str]:
    """The sentences of `text`, each a slice of it with its end mark, in order. A full stop after
    a title ("Mr.") or before a small letter ("ran... far") ends nothing; a piece with nothing to
    say (a lone dash) joins the sentence before it."""
    pieces: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if _ABBREVIATIONS.search(text[start:end]) and match.group().strip() == ".":
            continue
        if match.group().strip() and end < len(text) and text[end].islower():  # "he ran... far away"
            continue
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    found: list[str] = []
    for piece in (p.strip() for p in pieces):
        if not piece:
            continue
        if found and not _SPOKEN.search(piece):
            found[-1] = f"{found[-1]} {piece}"
        else:
            found.append(piece)
    return found


# --- WAV --------------------------------------------------------------------------------


def wav_bytes(pcm: bytes, sample_rate: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(pcm)
    return buffer.getvalue()


def read_wav(data: bytes) -> tuple[bytes, int]:
    """(16-bit mono PCM, sample rate) of a WAV file; other audio is decoded by ffmpeg when present.

    Streaming servers write WAV headers with a placeholder length: the frames are read to the end."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        try:
            with wave.open(io.BytesIO(data)) as source:
                channels, width, rate = source.getnchannels(), source.getsampwidth(), source.getframerate()
                frames = source.readframes(2**31 - 1)
        except (wave.Error, EOFError) as error:
            raise ProviderError(f"The speech audio could not be read ({error}).") from None
        if width == 2 and channels == 1:
            return frames, rate
    return _decode_with_ffmpeg(data)


def _decode_with_ffmpeg(data: bytes) -> tuple[bytes, int]:
    ffmpeg = ffmpeg_binary()
    if ffmpeg is None:
        raise ProviderError("The speech server answered in an audio format the studio cannot read without ffmpeg.")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in"
        source.write_bytes(data)
        done = subprocess.run(
            [ffmpeg, "-v", "error", "-i", str(source), "-ac", "1", "-ar", "24000", "-f", "s16le", "-"],
            capture_output=True,
            timeout=120,
        )
    if done.returncode != 0 or not done.stdout:
        raise ProviderError("The speech server's answer is not audio the studio can read.")
    return done.stdout, 24000


def duration_of(data: bytes) -> float:
    """Seconds of audio in a WAV file."""
    pcm, rate = read_wav(data)
    return len(pcm) / 2 / rate


def ffmpeg_binary() -> str | None:
    """ffmpeg from the system, else the binary bundled with `imageio-ffmpeg`; None when neither."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg
    except ImportError:
        return None
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError:
        return None


# --- one sentence at a time ------------------------------------------------------------


def speak_each(say: Callable[[str], tuple[bytes, int]], texts: Sequence[str], voice: str) -> Speech:
    """The sentences said one by one (`say(text) -> (pcm, sample_rate)`), joined with a pause after
    each; a sentence is heard from where its audio starts to where it ends."""
    parts: list[bytes] = []
    timings: list[SpokenSentence] = []
    rate: int | None = None
    cursor = 0  # samples so far
    for index, text in enumerate(texts):
        pcm, this_rate = say(text)
        pcm = pcm[: len(pcm) - len(pcm) % 2]
        if rate is None:
            rate = this_rate
        elif this_rate != rate:
            pcm = _resample(pcm, this_rate, rate)
        samples = len(pcm) // 2
        timings.append(SpokenSentence(text, round(cursor / rate, 3), round((cursor + samples) / rate, 3)))
        parts.append(pcm)
        cursor += samples
        if index < len(texts) - 1:
            silence = int(PAUSE_S * rate)
            parts.append(b"\0\0" * silence)
            cursor += silence
    if rate is None:
        raise InputError("There is nothing to read aloud on this page.")
    return Speech(audio=wav_bytes(b"".join(parts), rate), sentences=tuple(timings), duration=cursor / rate, voice=voice)


def _resample(pcm: bytes, source: int, target: int) -> bytes:
    """Linear resampling (only when one server answers at two rates within a page)."""
    import numpy as np

    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32)
    if not len(samples):
        return b""
    positions = np.arange(0, len(samples), source / target)
    return np.interp(positions, np.arange(len(samples)), samples).astype("<i2").tobytes()
