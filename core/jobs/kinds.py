"""Which studio steps run as jobs, and how each is made again from its record.

A job's record keeps only plain parameters (page ids, a factor, a format): never a provider,
never a key. The engines are built when the job starts, from the settings of whoever starts or
resumes it, exactly as the page or the command line built them before steps became jobs. Each kind
also says what is left to do after an interruption (`left`): Resume draws only the pictures that
are missing, reads only the pages not read, and so on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from core import providers, studio
from core.campaign import steps as campaign_steps
from core.jobs.records import JobRecord
from core.settings import Settings
from core.storage.publish import Publisher
from core.storage.store import Store
from core.story import Story
from core.studio import choosing, pipeline


@dataclass(frozen=True)
class Tools:
    """What a job needs besides its parameters, from whoever starts it: the settings (engines,
    keys typed in this session) and where to publish exports. Kept in memory only."""

    settings: Settings
    publisher: Publisher | None = None


Params = dict[str, Any]


@dataclass(frozen=True)
class Kind:
    name: str
    label: str  # what the person sees while it runs
    capability: str | None  # the engine it runs (a page offers the offline one when a model is missing)
    events: Callable[[Store, Story, Tools, Params], Iterator[studio.Event]]
    left: Callable[[Story, JobRecord], Params | None]  # the params of a resume; None: nothing left
    streams: bool = False  # it streams text (`JobRecord.partial`): pages refresh it more often


def _made_since(story: Story, page_id: str, record: JobRecord) -> bool:
    scene = story.scenes.get(page_id)
    return scene is not None and any(v.created >= record.created for v in scene.variants)


# --- pictures -----------------------------------------------------------------------------


def _pictures(store: Store, story: Story, tools: Tools, p: Params) -> Iterator[studio.Event]:
    settings = tools.settings
    return studio.illustrate(
        store,
        story,
        providers.illustrator_for(settings),
        p.get("page_ids"),
        p.get("seed"),
        providers.story_safety(settings, store, story.id),
        variants=int(p.get("variants", 1)),
        unpinned=bool(p.get("unpinned", False)),
        reference=choosing.reference_image(store, story, settings),
    )


def _pictures_left(story: Story, record: JobRecord) -> Params | None:
    """The pages asked that got no picture from the interrupted job (pinned ones left out when
    only unpinned pages were asked)."""
    asked = record.params.get("page_ids")
    pages = [p for p in studio.draft_of(story).pages if asked is None or p.id in asked]
    if record.params.get("unpinned"):
        pages = [p for p in pages if not studio.is_pinned(story, p.id)]
    missing = [p.id for p in pages if not _made_since(story, p.id, record)]
    return {**record.params, "page_ids": missing} if missing else None


def _versions(store: Store, story: Story, tools: Tools, p: Params) -> Iterator[studio.Event]:
    settings = tools.settings
    return choosing.make_versions(
        store,
        story,
        providers.illustrator_for(settings),
        int(p["count"]),
        safety=providers.story_safety(settings, store, story.id),
        reference=choosing.reference_image(store, story, settings),
    )


def _versions_left(story: Story, record: JobRecord) -> Params | None:
    """The versions are kept once every page is drawn: if none were kept since the job began, it
    makes them again (the pictures an interrupted run drew stay among each page's pictures)."""
    draft = studio.draft_of(story)
    made = any(v.kind == "pictures" and v.draft == draft.id and v.created >= record.created for v in story.versions)
    return None if made else dict(record.params)


# --- upscale ------------------------------------------------------------------------------


def _upscale(store: Store, story: Story, tools: Tools, p: Params) -> Iterator[studio.Event]:
    return studio.upscale(store, story, providers.upscaler_for(tools.settings), int(p["factor"]), p.get("page_ids"))


def _upscale_left(story: Story, record: JobRecord) -> Params | None:
    asked, factor = record.params.get("page_ids"), record.params["factor"]
    missing = [
        page.id
        for _, page, picture in story.pictured_pages()
        if (asked is None or page.id in asked) and not (picture.upscaled and picture.upscale.get("factor") == factor)
    ]
    return {**record.params, "page_ids": missing} if missing else None


# --- narration ----------------------------------------------------------------------------


def _narration(store: Store, story: Story, tools: Tools, p: Params) -> Iterator[studio.Event]:
    settings = tools.settings
    return studio.narrate(
        store,
        story,
        providers.narrator_for(settings),
        page_ids=p.get("page_ids"),
        language=p.get("language"),
        safety=providers.safety_for(settings),
        again=bool(p.get("again", False)),
    )


def _narration_left(story: Story, record: JobRecord) -> Params | None:
    """The pages asked that have no reading yet (a page read again keeps its old reading until
    the new one is kept, so an interrupted "read again" is not repeated)."""
    asked = record.params.get("page_ids")
    language = record.params.get("language") or story.settings.language
    missing = [
        page.id
        for page in studio.draft_of(story).pages
        if (asked is None or page.id in asked) and story.narration(page.id, language) is None
    ]
    return {**record.params, "page_ids": missing, "again": False} if missing else None


# --- exports ------------------------------------------------------------------------------


def _pdf(store: Store, story: Story, tools: Tools, p: Params) -> Iterator[studio.Event]:
    settings = tools.settings
    writer = providers.writer_for(settings) if p.get("classroom") and p.get("ask_writer") else None
    return studio.export_pdf(
        store,
        story,
        publisher=tools.publisher if p.get("publish", True) else None,
        page_size=p.get("page_size"),
        language=p.get("language"),
        bilingual=bool(p.get("bilingual", False)),
        safety=providers.story_safety(settings, store, story.id),
        layout=p.get("layout"),
        trim=p.get("trim"),
        crop_marks=bool(p.get("crop_marks", False)),
        classroom=bool(p.get("classroom", False)),
        writer=writer,
    )


def _file(store: Store, story: Story, tools: Tools, p: Params) -> Iterator[studio.Event]:
    return studio.export_file(
        store,
        story,
        p["format"],
        language=p.get("language"),
        publisher=tools.publisher if p.get("publish", True) else None,
        safety=providers.story_safety(tools.settings, store, story.id),
        options=p.get("options") or {},
    )


def _export_left(story: Story, record: JobRecord) -> Params | None:
    """An export is one piece: made again unless it was kept before the interruption."""
    made = any(e.created >= record.created for e in story.exports)
    return None if made else dict(record.params)


# --- caption, drafts and translation ------------------------------------------------------
# One piece each: an interrupted one is simply started again, unless its result was kept first.


def _caption(store: Store, story: Story, tools: Tools, p: Params) -> Iterator[studio.Event]:
    settings = tools.settings
    safety = providers.story_safety(settings, store, story.id)
    return studio.caption(store, story, providers.vision_for(settings), safety)


def _caption_left(story: Story, record: JobRecord) -> Params | None:
    kept = any(c.created >= record.created and not c.incomplete for c in story.captions)
    return None if kept else dict(record.params)


def _painting(store: Store, story: Story, settings: Settings) -> dict:
    """What the pipelined writer draws with (the Draft page's "Draw the pictures while the story
    is written")."""
    return {
        "illustrator": providers.illustrator_for(settings),
        "safety": providers.story_safety(settings, store, story.id),
        "reference": choosing.reference_image(store, story, settings),
    }


def _draft(store: Store, story: Story, tools: Tools, p: Params) -> Iterator[studio.Event]:
    writer = providers.writer_for(tools.settings)
    if p.get("pipelined"):
        return pipeline.write_and_illustrate(store, story, writer, **_painting(store, story, tools.settings))
    return studio.write_draft(store, story, writer)


def _revise(store: Store, story: Story, tools: Tools, p: Params) -> Iterator[studio.Event]:
    writer, instruction = providers.writer_for(tools.settings), p["instruction"]
    if p.get("pipelined"):
        painting = _painting(store, story, tools.settings)
        return pipeline.revise_and_illustrate(store, story, writer, instruction=instruction, **painting)
    return studio.revise(store, story, writer, instruction)


def _enlarge(store: Store, story: Story, tools: Tools, p: Params) -> Iterator[studio.Event]:
    return studio.extend(store, story, providers.writer_for(tools.settings), int(p["pages"]))


def _fit_level(store: Store, story: Story, tools: Tools, p: Params) -> Iterator[studio.Event]:
    return studio.fit_level(store, story, providers.writer_for(tools.settings), p.get("level"))


def _draft_left(story: Story, record: JobRecord) -> Params | None:
    kept = any(d.created >= record.created and not d.incomplete for d in story.drafts)
    return None if kept else dict(record.params)


def _translate(store: Store, story: Story, tools: Tools, p: Params) -> Iterator[studio.Event]:
    translator = providers.translator_for(tools.settings)
    return studio.translate(store, story, translator, p["language"], p.get("formality"), p.get("glossary") or None)


def _translate_left(story: Story, record: JobRecord) -> Params | None:
    kept = any(t.language == record.params["language"] and t.created >= record.created for t in story.translations)
    return None if kept else dict(record.params)


# --- the campaign's steps -------------------------------------------------------------------


def _copy(store: Store, story: Story, tools: Tools, p: Params) -> Iterator[studio.Event]:
    return campaign_steps.write_copy(store, story, providers.writer_for(tools.settings), p.get("count"))


def _copy_left(story: Story, record: JobRecord) -> Params | None:
    kept = story.campaign is not None and any(v.created >= record.created for v in story.campaign.variants)
    return None if kept else dict(record.params)


def _copy_translation(store: Store, story: Story, tools: Tools, p: Params) -> Iterator[studio.Event]:
    translator = providers.translator_for(tools.settings)
    return campaign_steps.translate_copy(store, story, translator, p["language"])


def _copy_translation_left(story: Story, record: JobRecord) -> Params | None:
    language = record.params["language"]
    campaign = story.campaign
    done = campaign is not None and all(campaign.translation(v.id, language) for v in campaign.variants)
    return None if done else dict(record.params)


def _campaign_pictures(store: Store, story: Story, tools: Tools, p: Params) -> Iterator[studio.Event]:
    """A model draws the backdrop of the "scene" look; every other look is laid out here."""
    scene = story.campaign is not None and story.campaign.style == "scene"
    return campaign_steps.make_pictures(
        store,
        story,
        variant_ids=p.get("variant_ids"),
        language=p.get("language"),
        illustrator=providers.illustrator_for(tools.settings) if scene else None,
    )


def _pictures_of_campaign_left(story: Story, record: JobRecord) -> Params | None:
    """The variants asked that still miss a picture (each variant's pictures are kept together)."""
    asked = record.params.get("variant_ids")
    missing = {v for v, _ in campaign_steps.missing_pictures(story, record.params.get("language"))}
    left = [v.id for v in story.campaign.variants if v.id in missing and (asked is None or v.id in asked)]
    return {**record.params, "variant_ids": left} if left else None


def _campaign_export(store: Store, story: Story, tools: Tools, p: Params) -> Iterator[studio.Event]:
    return campaign_steps.export_campaign(store, story, publisher=tools.publisher if p.get("publish", True) else None)


def _campaign_export_left(story: Story, record: JobRecord) -> Params | None:
    made = story.campaign is not None and any(e.created >= record.created for e in story.campaign.exports)
    return None if made else dict(record.params)


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("caption", "Describing the photo", "vision", _caption, _caption_left, streams=True),
        Kind("draft", "Writing the story", "writer", _draft, _draft_left, streams=True),
        Kind("revise", "Revising", "writer", _revise, _draft_left, streams=True),
        Kind("enlarge", "Enlarging", "writer", _enlarge, _draft_left, streams=True),
        Kind("fit-level", "Fitting the level", "writer", _fit_level, _draft_left, streams=True),
        Kind("translate", "Translating", "translator", _translate, _translate_left),
        Kind("campaign-copy", "Writing copy", "writer", _copy, _copy_left),
        Kind("campaign-translate", "Translating the copy", "translator", _copy_translation, _copy_translation_left),
        Kind("campaign-pictures", "Laying out pictures", "illustrator", _campaign_pictures, _pictures_of_campaign_left),
        Kind("campaign-export", "Making the exports", None, _campaign_export, _campaign_export_left),
        Kind("pictures", "Drawing pictures", "illustrator", _pictures, _pictures_left),
        Kind("versions", "Making versions of the book", "illustrator", _versions, _versions_left),
        Kind("upscale", "Upscaling", "upscaler", _upscale, _upscale_left),
        Kind("narration", "Reading aloud", "narrator", _narration, _narration_left),
        Kind("export-pdf", "Making the PDF", None, _pdf, _export_left),
        Kind("export-file", "Exporting", None, _file, _export_left),
    )
}
