"""Pick the backend of each capability from the settings.

Imports are lazy on purpose: the offline engine must start without importing torch,
transformers, diffusers, openai or deepl, so each backend's module is imported only when that
backend is chosen.
"""

from __future__ import annotations

from core.errors import NotConfigured
from core.providers.base import Illustrator, Translator, Upscaler, Vision, Writer
from core.settings import Settings


def vision_for(settings: Settings) -> Vision:
    if settings.vision == "local":
        from core.providers.local_vision import LocalVision

        return LocalVision.from_settings(settings)
    if settings.vision == "remote":
        from core.providers.remote_openai import RemoteVision

        return RemoteVision.from_settings(settings)
    from core.offline.vision import OfflineVision

    return OfflineVision()


def writer_for(settings: Settings) -> Writer:
    if settings.writer == "local":
        from core.providers.local_writer import LocalWriter

        return LocalWriter.from_settings(settings)
    if settings.writer == "remote":
        from core.providers.remote_openai import RemoteWriter

        return RemoteWriter.from_settings(settings)
    from core.offline.writer import OfflineWriter

    return OfflineWriter()


def translator_for(settings: Settings) -> Translator:
    """The translator, or NotConfigured saying what to set up to get one."""
    if settings.translator == "deepl":
        from core.providers.remote_deepl import DeepLTranslator

        return DeepLTranslator.from_settings(settings)
    if settings.translator == "writer":
        writer = writer_for(settings)
        if isinstance(writer, Translator):
            return writer
        raise NotConfigured(
            "The offline writer cannot translate. Choose a local or remote writer, or DeepL, "
            "as the translator in Settings."
        )
    raise NotConfigured(
        "Translation needs a translator: set a DeepL key (DEEPL_AUTH_KEY) or choose a local or "
        "remote writer as the translator in Settings."
    )


def illustrator_for(settings: Settings) -> Illustrator:
    if settings.illustrator == "local":
        from core.providers.local_illustrator import LocalIllustrator

        return LocalIllustrator.from_settings(settings)
    if settings.illustrator == "remote":
        from core.providers.remote_openai import RemoteIllustrator

        return RemoteIllustrator.from_settings(settings)
    from core.offline.illustrator import OfflineIllustrator

    return OfflineIllustrator()


def upscaler_for(settings: Settings) -> Upscaler:
    if settings.upscaler == "local":
        from core.providers.local_upscaler import LocalUpscaler

        return LocalUpscaler.from_settings(settings)
    from core.offline.upscaler import OfflineUpscaler

    return OfflineUpscaler()


def safety_for(settings: Settings):
    """Classroom checks when `safety` is on (else None): the offline word list, plus the remote
    server's moderation endpoint when the writer is remote and the server offers one."""
    if not settings.safety:
        return None
    from core.safety import SafetyChecker

    moderate = None
    if settings.writer == "remote":
        from core.providers.remote_openai import moderate as remote_moderate

        moderate = remote_moderate(settings)
    return SafetyChecker(moderate=moderate)
