"""The five capabilities as small Protocols, and the plain data that crosses them.

A backend is any object with these methods; the offline engine, the local models and the remote
services all implement the same ones, so `core.studio` never knows which it drives. Every backend
carries `engine` ("offline", "local", "remote", "deepl") and `model` (an id, a path or a short
description) so each result can say which engine made it.

Streaming: text-producing methods are generators that yield `str` chunks as they arrive.
A writer's generator (a `WriterStream`) yields its text for the person to watch and *returns* the
`WrittenStory` it ends with, so a consumer reads it with `story = yield from writer.draft(brief)`.
An illustrator's `generate` yields `Step` events while it works (one per denoising step, as it
happens) and a `Picture` per job.
If a consumer stops iterating (the person pressed stop, the page reran) the generator is closed,
and a backend must stop its work promptly (local models: set their stopping flag in `finally`).

Errors: a backend raises `core.errors.StudioError` subclasses with a message a person can read,
never a library's own exception.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from core.errors import InputError

if TYPE_CHECKING:  # PIL is light, but keep this module free of imports a backend does not need
    from PIL.Image import Image

    from core.story import SceneSpec, Story


@dataclass(frozen=True)
class Brief:
    """What a writer needs to write: the caption and the person's settings."""

    caption: str
    pages: int
    audience: str  # "young children" | "older children" | "adults"
    genre: str
    tone: str
    language: str = "en"
    seed: int = 1

    @classmethod
    def of(cls, story: Story) -> Brief:
        """The brief of a story: its caption and its settings (a story without a caption has none)."""
        if not story.caption:
            raise InputError("The story needs a caption first: describe the photo on the Caption page.")
        s = story.settings
        return cls(story.caption, s.pages, s.audience, s.genre, s.tone, s.language, s.seed)


@dataclass(frozen=True)
class WrittenPage:
    text: str
    scene: str  # one sentence: what the picture of this page shows


@dataclass(frozen=True)
class WrittenStory:
    title: str
    pages: tuple[WrittenPage, ...]
    incomplete: bool = False  # the stream stopped before the end; what arrived is kept
    plan: tuple[tuple[str, str], ...] = ()  # what the offline writer planned (hero, friend, place...), as pairs


WriterStream = Generator[str, None, WrittenStory]


@runtime_checkable
class Vision(Protocol):
    engine: str
    model: str

    def describe(self, image: Image) -> Iterator[str]:
        """Describe the photo for a storyteller, streamed."""
        ...

    def ask(self, image: Image, question: str, caption: str = "") -> Iterator[str]:
        """Answer a follow-up question about the photo, streamed."""
        ...


@runtime_checkable
class Writer(Protocol):
    engine: str
    model: str

    def draft(self, brief: Brief) -> WriterStream:
        """A new story: text chunks for the person to watch; returns the WrittenStory."""
        ...

    def revise(self, brief: Brief, story: WrittenStory, instruction: str) -> WriterStream:
        """The story rewritten as the instruction asks. Raises UnsupportedInstruction if it can't."""
        ...

    def extend(self, brief: Brief, story: WrittenStory, extra_pages: int) -> WriterStream:
        """The story with `extra_pages` more pages that keep its arc (the old pages kept)."""
        ...


@dataclass(frozen=True)
class Language:
    code: str  # BCP-47-ish code as the translator names it ("de", "en-GB", "pt-BR", "ja")
    name: str
    formality: bool = False  # whether the translator supports formal/informal for it


@runtime_checkable
class Translator(Protocol):
    engine: str
    model: str

    def languages(self) -> list[Language]:
        """Target languages this translator offers (asked from the server where there is one)."""
        ...

    def translate(
        self,
        texts: Sequence[str],
        target: str,
        *,
        source: str | None = None,
        formality: str | None = None,  # "more" | "less" | None
        glossary: dict[str, str] | None = None,  # source term -> wanted target term (names)
    ) -> list[str]:
        """One translation per input text, in order."""
        ...


@dataclass(frozen=True)
class ImageJob:
    """One picture to make. `photo` is the person's photo (the offline engine draws from it)."""

    prompt: str
    seed: int
    width: int
    height: int
    negative_prompt: str = ""
    style: str = ""  # style preset name
    scene: str = ""  # the key scene the prompt came from
    mood: str = ""  # "calm" | "tense" | "joyful" | "sad" | ... (the offline engine grades by it)
    photo: Image | None = field(default=None, compare=False)
    # A picture the result should look like (the photo, a character's reference picture): engines
    # that can take one (local IP-Adapter, a remote edit endpoint) follow it; None: the prompt only.
    reference: Image | None = field(default=None, compare=False)
    # The page's planned picture (setting, props, companions, pose): the offline illustrator draws
    # it; engines that draw from the prompt alone ignore it.
    spec: SceneSpec | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Step:
    """Denoising (or filtering) of the picture of job `index` reached `step` of `steps`."""

    index: int
    step: int
    steps: int


@dataclass(frozen=True)
class Picture:
    """The finished picture of job `index`."""

    index: int
    image: Image


@dataclass(frozen=True)
class Remark:
    """Something the person should know about how the pictures are made (a reference the server
    could not take, say); the studio shows it as a notice."""

    text: str


IllustratorEvent = Step | Picture | Remark


@runtime_checkable
class Illustrator(Protocol):
    engine: str
    model: str

    def size_for(self, aspect: str) -> tuple[int, int]:
        """The picture size (width, height) this illustrator makes for a page aspect."""
        ...

    def params(self) -> dict:
        """Everything besides prompt, seed and size that decides the picture (steps, guidance...)."""
        ...

    def generate(self, jobs: Sequence[ImageJob]) -> Iterator[IllustratorEvent]:
        """Events as the work happens: `Step`s while a picture is made, then its `Picture`.

        Pictures come in job order, each job's once. Same job, same image. Closing the iterator
        stops the work at the next step.
        """
        ...


def pictures(events: Iterable[IllustratorEvent]) -> list[Image]:
    """Only the pictures of an illustrator's events, in job order (for callers that need no progress)."""
    return [event.image for event in events if isinstance(event, Picture)]


@runtime_checkable
class Upscaler(Protocol):
    engine: str
    model: str

    def upscale(self, image: Image, factor: int, prompt: str = "") -> Image:
        """The image `factor` times larger (factor is 2 or 4)."""
        ...


@dataclass(frozen=True)
class SpokenSentence:
    """One sentence as heard: its text and when, in seconds from the start of the audio."""

    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Speech:
    """A page read aloud: one WAV file (16-bit PCM, mono) and when each sentence is heard in it."""

    audio: bytes
    sentences: tuple[SpokenSentence, ...]
    duration: float  # seconds
    voice: str  # the voice that spoke, as people should see it ("Piper joe (en_US)")


@runtime_checkable
class Narrator(Protocol):
    """Text to speech. An engine that aligns its audio with the text says when each sentence is
    heard; one that does not is asked sentence by sentence (`core.narration.speak_each`) and each
    sentence lasts as long as its audio."""

    engine: str
    model: str

    def voice_for(self, language: str) -> str:
        """The voice that reads `language`, as people should see it; NotConfigured when none can."""
        ...

    def speak(self, sentences: Sequence[str], language: str) -> Speech:
        """The sentences read one after another in `language`, as one audio file, in order."""
        ...
