"""Speech from any OpenAI-compatible `/v1/audio/speech` endpoint (OpenAI, openedai-speech,
Kokoro-FastAPI, LocalAI...), through the official `openai` client with the studio's retries and
error messages (`remote_openai._Service`).

The endpoint gives no timings, so each sentence is one request (`core.narration.speak_each`) and
lasts as long as its audio. WAV is asked for (`response_format="wav"`); a server that answers in
another format is decoded with ffmpeg where it is installed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from core.narration import read_wav, speak_each
from core.providers.base import Speech
from core.providers.remote_openai import _Service, _service

if TYPE_CHECKING:
    from core.settings import Settings

DEFAULT_VOICE = "alloy"


class RemoteNarrator:
    engine = "remote"

    def __init__(self, service: _Service, voice: str = DEFAULT_VOICE) -> None:
        self.service = service
        self.model = service.model
        self.voice = voice or DEFAULT_VOICE

    @classmethod
    def from_settings(cls, settings: Settings, **options: Any) -> RemoteNarrator:
        service = _service(settings, "narrator", settings.remote_narrator_model, **options)
        return cls(service, settings.narrator_voice)

    def voice_for(self, language: str) -> str:
        return f"{self.voice} ({self.model} at {self.service.host})"

    def speak(self, sentences: Sequence[str], language: str) -> Speech:
        return speak_each(self._say, sentences, self.voice_for(language))

    def _say(self, text: str) -> tuple[bytes, int]:
        client = self.service.client

        def ask() -> bytes:
            answer = client.audio.speech.create(model=self.model, voice=self.voice, input=text, response_format="wav")
            return answer.read()

        return read_wav(self.service.call(ask, "speech request"))
