"""Every export of a story: the PDF (page size, language, layout, print trim, QR code) and the
other formats of `core.export.formats`, each kept beside the story and, with a publisher, published.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import ValidationError

from core.classroom import safety as class_safety
from core.classroom.book import back_pages, questions_for, thing_pictures, words_for
from core.errors import InputError
from core.export.credits import credits
from core.export.formats import FORMATS, ExportRequest
from core.export.pdf import Book, BookPage, render_pdf
from core.export.printing import PrintSpec, low_resolution_notes, parse_trim
from core.providers.base import Writer
from core.safety import SafetyChecker
from core.storage.publish import Publisher
from core.storage.store import Store
from core.story import LAYOUTS, Draft, ExportRecord, ExportSettings, Story, Translation
from core.studio.commit import commit, draft_of, may_change
from core.studio.events import Event, Notice, Progress
from core.text import safe_filename


def printed_texts(story: Story, settings: ExportSettings) -> list[str]:
    """Exactly the texts a PDF with these settings prints: the story's, the translation's, or both."""
    draft = draft_of(story)
    translation = story.translation(settings.language) if settings.language else None
    original = [draft.title, *(p.text for p in draft.pages)]
    if translation is None:
        return original
    translated = [translation.title, *translation.pages]
    return original + translated if settings.bilingual else translated


def export_pdf(
    store: Store,
    story: Story,
    *,
    publisher: Publisher | None = None,
    page_size: str | None = None,
    language: str | None = None,
    bilingual: bool = False,
    safety: SafetyChecker | None = None,
    layout: str | None = None,
    trim: str | None = None,
    crop_marks: bool = False,
    classroom: bool = False,
    writer: Writer | None = None,
) -> Iterator[Event]:
    """Print the chosen draft as a PDF, keep it beside the story and, with a publisher, publish it.

    `language` None is the story's own language; a code prints that translation (both texts with
    `bilingual`). A published PDF carries a QR code pointing at its public URL, so a phone that can
    reach the publisher downloads the very same file; an unpublished one has no QR code. With
    `safety`, exactly the texts that will be printed are checked first. `layout` None keeps the
    story's (see `core.export.pdf.LAYOUTS`).

    With a `trim` ("A4", "8.5x8.5in", "148x210mm"...) it is a print-ready PDF instead: that trim
    and a 3 mm bleed, crop marks with `crop_marks`, and a Notice for each picture that prints
    under 300 dpi (the PDF is made all the same). The trim and crop marks are kept as the story's
    printing choice. With `classroom`, the book ends with "Words to know" and "Let's talk about
    the story" (`core.classroom.book`; definitions and the model's questions when `writer` can
    answer).
    """
    _may_export(store, story)
    if layout is not None and layout not in LAYOUTS:
        raise InputError(f"Unknown layout {layout!r}: choose one of {', '.join(LAYOUTS)}.")
    chosen_trim = parse_trim(trim).name if trim is not None else None
    try:
        settings = ExportSettings(
            page_size=page_size or story.export.page_size,
            language=language or None,
            bilingual=bool(bilingual and language),
            layout=layout or story.export.layout,
            trim=chosen_trim or story.export.trim,
            crop_marks=crop_marks if chosen_trim else story.export.crop_marks,
        )
    except ValidationError:
        raise InputError(f"Unknown page size {page_size!r}: choose A4, Letter or square.") from None
    _translation_for(story, settings.language)
    if store.class_space(story.id):  # always checked in a class, whatever `safety` says
        class_safety.check_for_class(store, story, printed_texts(story, settings), what="print", safety=safety)
    else:
        _stop_unsafe(safety, printed_texts(story, settings))
    story.export = settings
    where = _destination(publisher, f"{safe_filename(story.title)}{'-print' if chosen_trim else ''}.pdf")
    yield Progress("Laying out the pages", 0, 2)
    book = _book(store, story, settings, where.url, for_print=chosen_trim is not None)
    if classroom:
        words, questions = words_for(story, writer), questions_for(story, writer)
        book.back_pages = back_pages(words, questions, thing_pictures(store, story, words))
        _stop_unsafe(safety, [text for page in book.back_pages for e in page.entries for text in (e.first, e.second)])
    rendered = render_pdf(book)
    notes = low_resolution_notes(rendered.low_resolution, _upscaled_factors(story))
    for note in notes:
        yield Notice(note)
    yield Progress("Saving the PDF", 1, 2)
    _keep(
        store,
        story,
        publisher,
        where,
        rendered.data,
        "pdf",
        settings=settings,
        page_size=settings.page_size,
        language=settings.language,
        bilingual=settings.bilingual,
        pages=rendered.pages,
        trim=chosen_trim,
        layout=settings.layout,
        notes=notes,
    )
    yield Progress("PDF ready", 2, 2)


def _upscaled_factors(story: Story) -> dict[int, int]:
    """Page number -> the factor its printed picture was upscaled by (pages printed as drawn: none)."""
    return {n: int(p.upscale.get("factor") or 1) for n, _, p in story.pictured_pages() if p.upscaled}


def _book(store: Store, story: Story, settings: ExportSettings, url: str | None, for_print: bool = False):
    """The book to print: the chosen draft's pages with their pictures, in `settings`' language
    and layout; `for_print`: on `settings`' trim, with bleed (and crop marks if they are asked)."""
    draft = draft_of(story)
    translation = story.translation(settings.language) if settings.language else None
    pages = []
    for i, page in enumerate(draft.pages):
        variant = story.picture(page.id)
        image = store.image_path(story.id, variant.upscaled or variant.image) if variant else None
        text = translation.pages[i] if translation and not settings.bilingual else page.text
        second = translation.pages[i] if translation and settings.bilingual else None
        pages.append(BookPage(text=text, image=image, translation=second))
    return Book(
        title=translation.title if translation and not settings.bilingual else draft.title,
        pages=pages,
        photo=store.image_path(story.id, story.photo.image) if story.photo else None,
        page_size=settings.page_size,
        language=settings.language if translation and not settings.bilingual else story.settings.language,
        title_translation=translation.title if translation and settings.bilingual else None,
        translation_language=settings.language if settings.bilingual else None,
        qr_url=url,
        credits=credits(story),
        layout=settings.layout,
        print=PrintSpec(parse_trim(settings.trim), settings.crop_marks) if for_print else None,
    )


def book_pdf(store: Store, story: Story) -> bytes:
    """The story printed with its own export settings, without a QR code, kept nowhere: a copy for
    whoever may read it (a teacher's class archive)."""
    settings = story.export
    if settings.language and story.translation(settings.language) is None:
        settings = ExportSettings(page_size=settings.page_size, layout=settings.layout)
    return render_pdf(_book(store, story, settings, None)).data


def export_file(
    store: Store,
    story: Story,
    format: str,
    *,
    language: str | None = None,
    publisher: Publisher | None = None,
    safety: SafetyChecker | None = None,
    options: dict | None = None,
) -> Iterator[Event]:
    """Make the story in one of `core.export.formats.FORMATS` (other than the PDF, which has
    `export_pdf`), keep the file beside the story and, with a publisher, publish it.

    `language` None is the story's own; a code exports that translation. With `safety`, every text
    the file holds (title and pages) is checked first. Classes that review before printing refuse
    every format until the teacher approves, as for the PDF.
    """
    chosen = FORMATS.get(format)
    if chosen is None or not chosen.make:
        raise InputError(f"Unknown export format '{format}': choose {', '.join(FORMATS)}.")
    draft = _may_export(store, story)
    language = None if language in (None, "", story.settings.language) else language
    translation = _translation_for(story, language)
    texts = [translation.title, *translation.pages] if translation else [draft.title, *(p.text for p in draft.pages)]
    class_safety.check_for_class(store, story, texts, what="print", safety=safety)  # always in a class
    where = _destination(publisher, f"{safe_filename(story.title)}.{chosen.extension}")
    yield Progress(f"Making the {chosen.label}", 0, 2)
    data = chosen.maker()(ExportRequest(store, story, language, where.url, dict(options or {})))
    yield Progress(f"Saving the {chosen.label}", 1, 2)
    _keep(
        store,
        story,
        publisher,
        where,
        data,
        chosen.extension,
        page_size=story.export.page_size,
        language=language,
        pages=len(draft.pages),
        format=chosen.name,
    )
    yield Progress(f"{chosen.label} ready", 2, 2)


# --- what every export does: checked before any work, kept and published the same way ---------


def _may_export(store: Store, story: Story) -> Draft:
    """Refuse before any work: a reader, a class that reviews before printing (until the teacher
    approves), a story without a draft. Returns the draft to export."""
    may_change(store, story)
    store.check_printing(story.id)
    return draft_of(story)


def _translation_for(story: Story, language: str | None) -> Translation | None:
    """The translation an export prints (None: the story's own language)."""
    translation = story.translation(language) if language else None
    if language and translation is None:
        raise InputError(f"There is no translation into '{language}': translate the story first.")
    return translation


def _stop_unsafe(safety: SafetyChecker | None, texts: list[str]) -> None:
    """Refuse the export when `safety` finds anything in the texts it will hold (outside a class;
    in a class `core.classroom.safety` decides)."""
    reasons = [r for text in texts for r in safety.check(text)] if safety else []
    if reasons:
        raise InputError("The safety check stopped this export: " + "; ".join(sorted(set(reasons))) + ".")


@dataclass(frozen=True)
class _Destination:
    """Where an export will live, known before it is made (the PDF prints its URL as a QR code):
    the token that names the stored file, the file's name, and its public URL when published."""

    token: str
    filename: str
    url: str | None


def _destination(publisher: Publisher | None, filename: str) -> _Destination:
    token = secrets.token_hex(16)
    return _Destination(token, filename, publisher.url(token, filename) if publisher else None)


def _keep(
    store: Store,
    story: Story,
    publisher: Publisher | None,
    where: _Destination,
    data: bytes,
    extension: str,
    settings: ExportSettings | None = None,
    **record: object,
) -> None:
    """Keep the exported file beside the story, publish it (with a publisher), and record it in the
    story's exports (with `settings`, also as the story's export settings)."""
    store.put_export(story.id, where.token, data, extension)
    if publisher:
        publisher.publish(where.token, where.filename, data)
    made = ExportRecord(token=where.token, filename=where.filename, url=where.url, size=len(data), **record)

    def keep(s: Story) -> None:
        if settings is not None:
            s.export = settings
        s.exports.append(made)

    commit(store, story, keep, "export")
