"""The one registry of engines, and building the chosen engine of each capability from the settings.

Every engine is one line of `REGISTRY`: its capability, its name (what the settings, the
environment, `python -m core make --writer NAME` and the Settings page use), a label for people, what it
needs, and where its factory lives as "module:attribute". Settings validation, the command line's
choices and the Settings page's options are all read from this table, so a new backend is its own
module plus one line here.

Imports are lazy on purpose: the offline engine must start without importing torch,
transformers, diffusers, openai or deepl, so a backend's module is imported only when that
backend is built.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.errors import NotConfigured
from core.extras import require
from core.providers.base import Illustrator, Narrator, Translator, Upscaler, Vision, Writer

if TYPE_CHECKING:
    from core.settings import Settings

# Each capability is also the name of its Settings field; the value is what people call the step.
CAPABILITIES: dict[str, str] = {
    "vision": "Caption",
    "writer": "Story",
    "illustrator": "Pictures",
    "upscaler": "Upscale",
    "translator": "Translation",
    "narrator": "Narration",
}

LOCAL = "needs a GPU and the [local] extra"
OPENAI = "needs OPENAI_API_KEY, or OPENAI_BASE_URL for your own server"


@dataclass(frozen=True)
class Engine:
    """One way to serve a capability.

    `factory` is "module:attribute". A class is built with its `from_settings(settings)` when it
    has one, else with no arguments; a function is called with the settings.
    """

    capability: str
    name: str
    label: str
    factory: str
    needs: str = ""

    def resolve(self) -> Any:
        """The factory itself: its module is imported now, and only now."""
        module, _, attribute = self.factory.partition(":")
        target: Any = importlib.import_module(module)
        for part in attribute.split("."):
            target = getattr(target, part)
        return target

    def build(self, settings: Settings) -> Any:
        if self.needs == LOCAL:  # torch and friends are imported later, deep in a step: say it now
            require("local")
        target = self.resolve()
        if inspect.isclass(target):
            return target.from_settings(settings) if hasattr(target, "from_settings") else target()
        return target(settings)

    @property
    def description(self) -> str:
        """The label and what it needs, as one line for help texts."""
        return f"{self.label} ({self.needs})" if self.needs else self.label


REGISTRY: tuple[Engine, ...] = (
    Engine("vision", "offline", "Offline engine", "core.offline.vision:OfflineVision"),
    Engine("vision", "local", "Local model (LLaVA)", "core.providers.local_vision:LocalVision", LOCAL),
    Engine("vision", "remote", "Remote server", "core.providers.remote_openai:RemoteVision", OPENAI),
    Engine("writer", "offline", "Offline engine", "core.offline.writer:OfflineWriter"),
    Engine("writer", "local", "Local model", "core.providers.local_writer:LocalWriter", LOCAL),
    Engine("writer", "remote", "Remote server", "core.providers.remote_openai:RemoteWriter", OPENAI),
    Engine("illustrator", "offline", "Offline engine", "core.offline.illustrator:OfflineIllustrator"),
    Engine("illustrator", "local", "Local model (SDXL)", "core.providers.local_illustrator:LocalIllustrator", LOCAL),
    Engine("illustrator", "remote", "Remote server", "core.providers.remote_openai:RemoteIllustrator", OPENAI),
    Engine("upscaler", "offline", "Offline engine", "core.offline.upscaler:OfflineUpscaler"),
    Engine("upscaler", "local", "Local model", "core.providers.local_upscaler:LocalUpscaler", LOCAL),
    Engine(
        "upscaler",
        "remote",
        "Remote server",
        "core.providers.remote_upscaler:RemoteUpscaler",
        "needs the illustrator's server to offer /v1/images/upscale, as python -m core serve does",
    ),
    Engine("translator", "none", "None", "core.providers:no_translator"),
    Engine("translator", "deepl", "DeepL", "core.providers.remote_deepl:DeepLTranslator", "needs DEEPL_AUTH_KEY"),
    Engine(
        "translator",
        "writer",
        "The story's writer model",
        "core.providers:writer_as_translator",
        "needs a local or remote writer",
    ),
    Engine("narrator", "offline", "Offline voices (Piper, espeak-ng)", "core.offline.narrator:OfflineNarrator"),
    Engine("narrator", "remote", "Remote speech server", "core.providers.remote_narrator:RemoteNarrator", OPENAI),
)


def engines(capability: str) -> dict[str, Engine]:
    """The engines of a capability by name, in the order they are offered."""
    if capability not in CAPABILITIES:
        raise KeyError(f"no capability {capability!r}")
    return {engine.name: engine for engine in REGISTRY if engine.capability == capability}


def engine_names(capability: str) -> tuple[str, ...]:
    return tuple(engines(capability))


def engine_for(settings: Settings, capability: str) -> Engine:
    """The engine the settings choose for a capability (settings validation keeps it registered)."""
    chosen = getattr(settings, capability)
    try:
        return engines(capability)[chosen]
    except KeyError:
        raise NotConfigured(f"There is no {capability} engine called '{chosen}'.") from None


def build(settings: Settings, capability: str) -> Any:
    return engine_for(settings, capability).build(settings)


def vision_for(settings: Settings) -> Vision:
    return build(settings, "vision")


def writer_for(settings: Settings) -> Writer:
    return build(settings, "writer")


def translator_for(settings: Settings) -> Translator:
    """The translator, or NotConfigured saying what to set up to get one."""
    return build(settings, "translator")


def illustrator_for(settings: Settings) -> Illustrator:
    return build(settings, "illustrator")


def upscaler_for(settings: Settings) -> Upscaler:
    return build(settings, "upscaler")


def narrator_for(settings: Settings) -> Narrator:
    return build(settings, "narrator")


def no_translator(settings: Settings) -> Translator:
    raise NotConfigured(
        "Translation needs a translator: set a DeepL key (DEEPL_AUTH_KEY) or choose a local or "
        "remote writer as the translator in Settings."
    )


def writer_as_translator(settings: Settings) -> Translator:
    writer = writer_for(settings)
    if isinstance(writer, Translator):
        return writer
    raise NotConfigured(
        "The offline writer cannot translate. Choose a local or remote writer, or DeepL, as the translator in Settings."
    )


def fit_long_side(size: tuple[int, int], long_side: int | None, multiple: int = 64) -> tuple[int, int]:
    """`size` scaled so its longer side is `long_side` (None: unchanged), both sides rounded to
    `multiple` (diffusion models need sizes their latent grid divides), never below `multiple`."""
    if not long_side:
        return size
    width, height = size
    scale = long_side / max(width, height)
    return tuple(max(multiple, round(side * scale / multiple) * multiple) for side in (width, height))  # type: ignore[return-value]


def safety_for(settings: Settings):
    """Classroom checks when `safety` is on (else None): the offline word list, plus the moderation
    endpoint of every remote server that texts or picture prompts are sent to (the writer's and the
    illustrator's), each server asked once."""
    if not settings.safety:
        return None
    from core.safety import SafetyChecker

    checks = {}
    for capability in ("writer", "illustrator"):
        if getattr(settings, capability) != "remote":
            continue
        from core.providers.remote_openai import moderate  # the registry imports a backend only when chosen

        base_url = settings.endpoint(capability)[0]
        if base_url not in checks and (check := moderate(settings, capability)) is not None:
            checks[base_url] = check
    if not checks:
        return SafetyChecker()

    def moderate_everywhere(text: str) -> list[str]:
        return list(dict.fromkeys(reason for check in checks.values() for reason in check(text)))

    return SafetyChecker(moderate=moderate_everywhere)


def story_safety(settings: Settings, store, story_id: str):
    """`safety_for` for one story: always on for a story in a class space (`core.classroom.safety`),
    whatever the settings say, so a pupil cannot switch it off; the moderation endpoint is asked
    wherever the writer or illustrator is remote."""
    if store.class_space(story_id):
        settings = settings.model_copy(update={"safety": True})
    return safety_for(settings)
