"""Scripted backends for testing core.studio alone: canned answers, and a record of what was asked.

They implement the same Protocols as the real engines (core/providers/base.py), in the spirit of
simonw/llm's MockModel. Real engines have their own tests; these isolate the studio's bookkeeping.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from PIL import Image

from core.errors import ProviderError
from core.providers.base import (
    Brief,
    ImageJob,
    Language,
    Picture,
    Step,
    WriterStream,
    WrittenPage,
    WrittenStory,
)


def written(stream: WriterStream) -> tuple[list[str], WrittenStory]:
    """Run a writer's stream to its end: the text chunks it yielded and the story it returned."""
    chunks = []
    while True:
        try:
            chunks.append(next(stream))
        except StopIteration as stop:
            return chunks, stop.value


def story_of(title: str, *texts: str) -> WrittenStory:
    return WrittenStory(title=title, pages=tuple(WrittenPage(text=t, scene=f"scene of {t}") for t in texts))


class ScriptedVision:
    engine, model = "scripted", "scripted-vision"

    def __init__(self, chunks: Sequence[str], fail_after: int | None = None) -> None:
        self.chunks, self.fail_after, self.asked = list(chunks), fail_after, []

    def describe(self, image: Image.Image) -> Iterator[str]:
        self.asked.append(("describe", image.size))
        for index, chunk in enumerate(self.chunks):
            if self.fail_after is not None and index == self.fail_after:
                raise ProviderError("The vision server stopped answering.")
            yield chunk

    def ask(self, image, question, caption="") -> Iterator[str]:
        self.asked.append(("ask", question, caption))
        yield from self.chunks


class ScriptedWriter:
    engine, model = "scripted", "scripted-writer"

    def __init__(self, *answers: WrittenStory) -> None:
        self.answers, self.asked = list(answers), []

    def _answer(self, *record) -> WriterStream:
        self.asked.append(record)
        answer = self.answers.pop(0)
        for page in answer.pages:
            yield page.text + " "
        return answer

    def draft(self, brief: Brief):
        return self._answer("draft", brief)

    def revise(self, brief: Brief, story: WrittenStory, instruction: str):
        return self._answer("revise", story, instruction)

    def extend(self, brief: Brief, story: WrittenStory, extra_pages: int):
        return self._answer("extend", story, extra_pages)


class SolidIllustrator:
    """Pictures of one colour derived from the seed: different seeds, different pictures."""

    engine, model = "scripted", "solid"

    def __init__(self) -> None:
        self.jobs: list[ImageJob] = []

    def size_for(self, aspect: str) -> tuple[int, int]:
        return {"portrait": (48, 64), "square": (64, 64), "landscape": (64, 48)}[aspect]

    def params(self) -> dict:
        return {"kind": "solid"}

    def generate(self, jobs):
        for index, job in enumerate(jobs):
            self.jobs.append(job)
            yield Step(index, 1, 1)
            yield Picture(index, Image.new("RGB", (job.width, job.height), (job.seed % 256, (job.seed >> 8) % 256, 99)))


class UpperTranslator:
    engine, model = "scripted", "upper"

    def __init__(self, drop_one: bool = False) -> None:
        self.drop_one = drop_one

    def languages(self) -> list[Language]:
        return [Language("de", "German", True)]

    def translate(self, texts, target, *, source=None, formality=None, glossary=None) -> list[str]:
        out = [f"[{target}] {t.upper()}" for t in texts]
        return out[:-1] if self.drop_one else out


class ToneNarrator:
    """A narrator that says each sentence as a quiet tone, 0.05 s per character, at 16 kHz: real
    WAV audio with real timings (through `core.narration.speak_each`), in no time."""

    engine, model = "scripted", "tone"
    SECONDS_PER_CHAR = 0.05

    def __init__(self) -> None:
        self.said: list[tuple[str, str]] = []  # (language, sentence) in the order asked

    def voice_for(self, language: str) -> str:
        return f"tone ({language})"

    def speak(self, sentences, language):
        import math
        import struct

        from core.narration import speak_each

        def say(text: str) -> tuple[bytes, int]:
            self.said.append((language, text))
            frames = int(16000 * self.SECONDS_PER_CHAR * len(text))
            return b"".join(struct.pack("<h", int(2000 * math.sin(i / 8))) for i in range(frames)), 16000

        return speak_each(say, sentences, self.voice_for(language))
