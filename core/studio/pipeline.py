"""Pictures while the story is written: page k's picture starts as soon as page k is complete in
the writer's stream, not after the whole story.

`write_and_illustrate` (a new draft) and `revise_and_illustrate` (a revision) run the writer
exactly as `core.studio` does (`studio.draft_from_stream`: the same tokens, the same draft, the same saves)
while a `PageScanner` watches the streamed JSON. Each completed page becomes an `ImageJob` (the
prompt, seed, size and mood `studio.illustrate` would use, so the book is the same as when the
pictures are drawn afterwards) put on a bounded queue that a painter thread empties: it draws the
jobs in order, several at once when several wait (a GPU batch), while the writer goes on.

The pictures belong to pages by id, and a page gets its id when the draft is saved at the end of
the stream; until then finished pictures are held (their files already in the store) and then
kept with their pages. The draft as saved is the truth: a page whose final prompt differs from the
one being drawn (the writer repaired its answer, say) has its picture cancelled and drawn again.

A revision cancels the pictures of the pages it changes and keeps the others: the revision first
queues the pictures the current draft still lacks; as each revised page arrives, a page whose
picture prompt is unchanged keeps its picture (drawn or being drawn), a changed page's picture
being drawn is cancelled (its queued job dropped, or its running batch stopped when nothing else
in it is wanted) and the new scene is queued instead.

Character sheets are proposed by `studio._write` after every draft, as in the sequential flow,
so the saved draft's prompts name the characters exactly as `studio.illustrate` would. A first
draft's sheets exist only once the whole draft does: a page drawn before then whose prompt the
sheets change is drawn again (`saved` compares the prompts); a new draft of a story that has
sheets draws each page once.

Writers that stream plain text (the offline writer) give no pages before the end: every picture
then starts when the draft is saved, as in the sequential flow.
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from PIL import Image

from core import studio
from core.characters import sheets as characters
from core.classroom import safety as class_safety
from core.errors import InputError, StudioError
from core.prompts import image_prompt
from core.providers.base import Illustrator, ImageJob, Picture, Remark, Step, Writer, WriterStream, WrittenPage
from core.providers.pagestream import PageScanner
from core.safety import SafetyChecker
from core.storage.store import Store
from core.story import Draft, Story, StoryPage
from core.text import clean_text, one_line

QUEUE_SIZE = 8  # jobs waiting for the painter; a writer far ahead of it waits here
BATCH = 4  # jobs drawn together when that many are waiting

_DONE = object()


@dataclass
class _Ticket:
    """One picture asked of the painter: the page's place in the draft and the job."""

    number: int  # a unique id for cancelling
    index: int  # the page's place in the draft (0-based)
    job: ImageJob


class _Painter:
    """The illustration side: a thread drawing queued jobs in order, batched when several wait."""

    def __init__(self, illustrator: Illustrator, queue_size: int) -> None:
        self.illustrator = illustrator
        self.jobs: queue.Queue = queue.Queue(maxsize=queue_size)
        self.events: queue.Queue = queue.Queue()  # (ticket, Step | Picture | Remark), errors, _DONE
        self.cancelled: set[int] = set()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._work, name="visutale-pipeline-painter", daemon=True)
        self.thread.start()

    def submit(self, ticket: _Ticket) -> None:
        """Queue a job; while the queue is full the writer waits for the painter (never for a
        painter that has ended)."""
        while self.thread.is_alive():
            try:
                self.jobs.put(ticket, timeout=0.1)
                return
            except queue.Full:
                continue

    def cancel(self, ticket: _Ticket) -> None:
        with self.lock:
            self.cancelled.add(ticket.number)

    def is_cancelled(self, ticket: _Ticket) -> bool:
        with self.lock:
            return ticket.number in self.cancelled

    def finish(self) -> None:
        """No more jobs: the thread ends once the queued ones are drawn."""
        self.submit(_DONE)  # type: ignore[arg-type]

    def stop(self) -> None:
        """Cancel everything and end the thread (the consumer stopped, or an error)."""
        with self.lock:
            self.cancelled.add(-1)
        while True:  # make room for the last word, dropping what waits
            try:
                self.jobs.get_nowait()
            except queue.Empty:
                break
        self.jobs.put(_DONE)
        self.thread.join(timeout=120)

    def _stopped(self) -> bool:
        with self.lock:
            return -1 in self.cancelled

    def _work(self) -> None:
        try:
            finished = False
            while not finished and not self._stopped():
                group = [self.jobs.get()]
                while len(group) < BATCH:
                    try:
                        group.append(self.jobs.get_nowait())
                    except queue.Empty:
                        break
                if _DONE in group:
                    finished = True
                    group = [t for t in group if t is not _DONE]
                group = [t for t in group if not self.is_cancelled(t)]
                if group:
                    self._draw(group)
        except StudioError as error:
            self.events.put(error)
        except Exception as error:  # noqa: BLE001 - handed to the consumer as a readable error
            self.events.put(StudioError(f"Drawing the pictures failed: {error}"))
        finally:
            self.events.put(_DONE)

    def _draw(self, group: list[_Ticket]) -> None:
        events = self.illustrator.generate([t.job for t in group])
        try:
            for event in events:
                if self._stopped() or all(self.is_cancelled(t) for t in group):
                    break  # closing the generator stops the illustrator at its next step
                if isinstance(event, Remark):
                    self.events.put((None, event))
                else:
                    self.events.put((group[event.index], event))
        finally:
            events.close()


class _Run:
    """One pipelined write: the tickets by page, the pictures held until the draft is saved."""

    def __init__(
        self,
        store: Store,
        story: Story,
        illustrator: Illustrator,
        old_pages: list[StoryPage],
        safety: SafetyChecker | None,
        reference: Image.Image | None,
        queue_size: int,
    ) -> None:
        self.store, self.story, self.illustrator = store, story, illustrator
        self.old_pages, self.safety, self.reference = old_pages, safety, reference
        self.photo = studio.photo_image(store, story)
        self.size = illustrator.size_for(story.settings.aspect)
        self.params = illustrator.params()
        self.numbers = itertools.count(1)
        self.tickets: dict[int, _Ticket] = {}  # page index -> the ticket drawing it now
        self.held: list[tuple[_Ticket, str, Image.Image]] = []  # finished before the draft was saved
        self.notices: list[str] = []
        self.stopped: dict[int, str] = {}  # page index -> the prompt the safety check stopped (asked once)
        self.refused = False  # a limit refused more pictures, or drawing failed: no more are asked
        self.error: BaseException | None = None
        self.draft: Draft | None = None
        self.done = self.total = 0
        self.painter = _Painter(illustrator, queue_size)

    # --- what each page needs ------------------------------------------------------------

    def _page(self, index: int, written: WrittenPage) -> StoryPage:
        """The page as `studio.draft_from_stream` will keep it (its prompt built from its scene)."""
        scene = clean_text(written.scene).strip()
        return StoryPage(
            text=clean_text(written.text).strip(), scene=scene, prompt=image_prompt(scene, self.story.settings.style)[0]
        )

    def _has_picture(self, page_id: str | None, prompt: str) -> bool:
        picture = self.story.picture(page_id) if page_id else None
        return picture is not None and picture.prompt == prompt

    def want(self, index: int, page: StoryPage, page_id: str | None, made: int) -> None:
        """Page `index` should show `page`: keep a ticket drawing its prompt, else cancel and ask anew."""
        current = self.tickets.get(index)
        drawn_as = characters.page_prompt(self.story, page).text  # what image_job will draw
        if current is not None and current.job.prompt == drawn_as:
            return
        if current is not None:
            self.painter.cancel(current)
            del self.tickets[index]
        if self._has_picture(page_id, drawn_as) or self.refused or self.stopped.get(index) == drawn_as:
            return
        refused = class_safety.picture_refusal(self.store, self.story, drawn_as, self.safety)
        if refused:  # always checked in a class (core.classroom.safety)
            self.stopped[index] = drawn_as
            self.notices.append(f"Page {index + 1} was not drawn: {refused}")
            return
        try:
            studio.may_change(self.store, self.story, self.illustrator.engine, calls=1, pictures=1)
        except StudioError as error:  # a limit: the story is still written, the pictures stop here
            self.refused = True
            self.notices.append(str(error))
            return
        seed = studio.page_seed(self.story.settings.seed, index + 1, made)
        job = studio.image_job(self.story, page, seed, self.size, self.photo, self.reference)
        ticket = _Ticket(next(self.numbers), index, job)
        self.tickets[index] = ticket
        self.total += 1
        self.painter.submit(ticket)

    def _made(self, page_id: str | None) -> int:
        scene = self.story.scenes.get(page_id) if page_id else None
        return len(scene.variants) if scene else 0

    def on_streamed_page(self, index: int, written: WrittenPage) -> None:
        """A page completed in the stream: it takes the place (and id) of the old page at `index`."""
        old = self.old_pages[index] if index < len(self.old_pages) else None
        self.want(index, self._page(index, written), old.id if old else None, self._made(old.id if old else None))

    def watch(self, stream: WriterStream) -> WriterStream:
        """The writer's stream, unchanged, with each page queued as soon as it is complete."""
        scanner = PageScanner()

        def watched() -> Iterator[str]:
            result = None

            def chunks():
                nonlocal result
                result = yield from stream

            for chunk in chunks():
                found = scanner.feed(chunk)
                for index, page in enumerate(found, start=len(scanner.pages) - len(found)):
                    self.on_streamed_page(index, page)
                yield chunk
            return result

        return watched()

    # --- after the draft is saved -------------------------------------------------------

    def saved(self, draft: Draft) -> None:
        """The draft is saved: each page's ticket is checked against the page as kept, held pictures are kept."""
        self.draft = draft
        for index, ticket in list(self.tickets.items()):
            if index >= len(draft.pages):
                self.painter.cancel(ticket)
                del self.tickets[index]
        for index, page in enumerate(draft.pages):
            self.want(index, page, page.id, self._made(page.id))
        held, self.held = self.held, []
        for ticket, name, image in held:
            self._keep(ticket, name, image)
        self.painter.finish()

    def on_picture(self, ticket: _Ticket, image: Image.Image) -> None:
        if self.painter.is_cancelled(ticket) or self.tickets.get(ticket.index) is not ticket:
            return
        name = studio.put_picture(self.store, self.story.id, image)
        if self.draft is None:
            self.held.append((ticket, name, image))
        else:
            self._keep(ticket, name, image)

    def _keep(self, ticket: _Ticket, name: str, image: Image.Image) -> None:
        if self.tickets.get(ticket.index) is not ticket:
            return  # cancelled once the draft was known
        page = self.draft.pages[ticket.index]
        job = ticket.job
        variant = studio.drawn_variant(name, image, job, self.illustrator, self.params)
        studio.commit(
            self.store,
            self.story,
            lambda s: studio.add_variant(s, page.id, variant),
            "illustrate",
            self.illustrator.engine,
        )
        del self.tickets[ticket.index]
        self.done += 1

    # --- events -------------------------------------------------------------------------

    def drain(self, wait: bool) -> Iterator[studio.Event]:
        """Handle what the painter reported (all of it until it ends, with `wait`), as progress."""
        while True:
            try:
                item = self.painter.events.get(timeout=None) if wait else self.painter.events.get_nowait()
            except queue.Empty:
                return
            if item is _DONE:
                return
            if isinstance(item, BaseException):  # kept for after the draft is saved: it is never lost
                self.error, self.refused = item, True
                return
            ticket, event = item
            if isinstance(event, Remark):
                self.notices.append(event.text)
            elif isinstance(event, Step):
                yield studio.Progress(
                    f"Page {ticket.index + 1}: step {event.step} of {event.steps}", self.done, max(self.total, 1)
                )
            elif isinstance(event, Picture):
                self.on_picture(ticket, event.image)
                yield studio.Progress(f"Scene {self.done} of {self.total} drawn", self.done, max(self.total, 1))


def _pipelined(run: _Run, events: Iterator[studio.Event]) -> Iterator[studio.Event]:
    try:
        for event in events:
            yield event
            yield from run.drain(wait=False)
        draft = run.story.draft
        run.saved(draft)
        yield from run.drain(wait=True)
        for notice in dict.fromkeys(run.notices):
            yield studio.Notice(notice)
        if run.error is not None:
            raise run.error
    finally:
        run.painter.stop()


def write_and_illustrate(
    store: Store,
    story: Story,
    writer: Writer,
    illustrator: Illustrator,
    *,
    safety: SafetyChecker | None = None,
    reference: Image.Image | None = None,
    queue_size: int = QUEUE_SIZE,
) -> Iterator[studio.Event]:
    """A new draft (as `studio.write_draft`) with every page's picture begun as the page arrives."""
    studio.may_change(store, story)
    instruction = "first draft" if not story.drafts else f"new draft (seed {story.settings.seed})"
    run = _Run(store, story, illustrator, [], safety, reference, queue_size)
    events = studio.draft_from_stream(
        store, story, run.watch(writer.draft(studio.brief(story))), step="draft", instruction=instruction,
        writer=writer, parent=None,
    )  # fmt: skip
    yield from _pipelined(run, events)


def revise_and_illustrate(
    store: Store,
    story: Story,
    writer: Writer,
    illustrator: Illustrator,
    instruction: str,
    *,
    safety: SafetyChecker | None = None,
    reference: Image.Image | None = None,
    queue_size: int = QUEUE_SIZE,
) -> Iterator[studio.Event]:
    """A revision (as `studio.revise`) that draws what it changes while it is written: the pictures
    the current draft lacks start at once, a changed page's picture is cancelled and drawn anew,
    an unchanged page keeps its picture."""
    instruction = one_line(instruction, 1000)
    if not instruction:
        raise InputError("Say how to change the story first.")
    studio.may_change(store, story)
    current = studio.draft_of(story)
    old_ids = [p.id for p in current.pages]
    run = _Run(store, story, illustrator, list(current.pages), safety, reference, queue_size)
    for index, page in enumerate(current.pages):
        run.want(index, page, page.id, run._made(page.id))
    events = studio.draft_from_stream(
        store,
        story,
        run.watch(writer.revise(studio.brief(story), studio.written(current), instruction)),
        step="revise",
        instruction=instruction,
        writer=writer,
        parent=current,
        ids_for=_same_pages(old_ids),
    )
    yield from _pipelined(run, events)


def _same_pages(old_ids: list[str]) -> Callable:
    """As in `studio.revise`: as many pages as before are the same pages rewritten (they keep their ids)."""
    return lambda result: list(old_ids) if len(result.pages) == len(old_ids) else []
