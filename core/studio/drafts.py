"""Drafts of the story: written, revised, extended, edited by hand, chosen, compared.

A writer's answer streams in as Tokens and ends as a new chosen draft (`draft_from_stream`); a
person's edit made meanwhile is merged or kept beside it, never lost.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass

from core.characters import sheets as characters
from core.errors import InputError
from core.narration import sentences
from core.prompts import image_prompt
from core.providers.base import Brief, Writer, WriterStream, WrittenPage, WrittenStory
from core.providers.storyjson import readable
from core.storage.store import Store
from core.story import MAX_PAGES, Draft, Story, StoryPage
from core.studio.cast import propose_characters
from core.studio.commit import commit, draft_of, may_change
from core.studio.events import Event, Notice, Token
from core.text import clean_text, one_line


def brief(story: Story) -> Brief:
    """What the writer is asked to write from: the caption and the story's settings."""
    return Brief.of(story)


def written(draft: Draft) -> WrittenStory:
    # the plan and page specs travel too: the offline writer revises from the newest draft's plan
    pages = tuple(WrittenPage(p.text, p.scene, p.spec) for p in draft.pages)
    return WrittenStory(title=draft.title, pages=pages, plan=tuple(draft.plan.items()))


def _shown(stream: WriterStream) -> Generator[Token, None, WrittenStory | None]:
    """The writer's text as Tokens, and (returned) the story it ends with.

    Writers that answer in JSON stream braces and keys: the person sees the story text instead.
    """
    raw, shown, json_mode = "", "", None
    result = None

    def chunks() -> Iterator[str]:
        nonlocal result
        result = yield from stream  # closing this closes the writer's stream too

    for chunk in chunks():
        raw += chunk
        if json_mode is None and raw.strip():
            json_mode = raw.lstrip().startswith(("{", "```"))
        if not json_mode:
            yield Token(chunk)
            continue
        text = readable(raw)
        if len(text) > len(shown) and text.startswith(shown):
            yield Token(text[len(shown) :])
            shown = text
    return result


def draft_from_stream(
    store: Store,
    story: Story,
    stream: WriterStream,
    *,
    step: str,
    instruction: str,
    writer: Writer,
    parent: Draft | None,
    ids_for: Callable[[WrittenStory], list[str | None]] = lambda _: [],
) -> Iterator[Event]:
    """Stream a writer's answer and keep the story it ends with as a new chosen draft.

    `ids_for` says which of the new pages are old pages (their ids, so they keep their pictures);
    None, or a list shorter than the story, means new pages.
    """
    may_change(store, story, writer.engine)
    result = yield from _shown(stream)
    if result is None or not result.pages:
        raise InputError("The writer returned no story; your previous draft is kept.")
    ids = list(ids_for(result)) + [None] * len(result.pages)
    pages = []
    for page, page_id in zip(result.pages, ids):
        prompt, _ = image_prompt(page.scene, story.settings.style)
        fields = {"text": clean_text(page.text).strip(), "scene": clean_text(page.scene).strip(), "prompt": prompt}
        fields["spec"] = getattr(page, "spec", None)  # the offline writer's planned picture
        pages.append(StoryPage(id=page_id, **fields) if page_id else StoryPage(**fields))
    draft = Draft(
        parent=parent.id if parent else None,
        instruction=instruction,
        engine=writer.engine,
        model=writer.model,
        seed=story.settings.seed,
        title=one_line(result.title, 200) or "Untitled story",
        pages=pages,
        incomplete=result.incomplete,
        plan=dict(result.plan) or (parent.plan if parent else {}),
    )

    def keep(s: Story) -> bool:
        """Append the new draft and choose it; True when the chosen draft moved meanwhile."""
        moved = s.chosen_draft != (parent.id if parent else story_chosen)
        s.drafts.append(draft)
        s.chosen_draft = draft.id
        return moved

    story_chosen = story.chosen_draft
    if commit(store, story, keep, step, writer.engine) and parent is not None:
        yield Notice(
            "The story was changed elsewhere while the writer worked: this new draft is made "
            "from the draft before that change, which stays in the draft history."
        )
    if result.incomplete:
        yield Notice("The writer stopped before the end: the draft keeps what arrived and is marked incomplete.")
    if characters.need_proposal(story):  # every draft has sheets, pipelined or not
        yield from propose_characters(store, story, writer)


def write_draft(store: Store, story: Story, writer: Writer) -> Iterator[Event]:
    """A new draft from the caption and the settings (a regeneration is just another one)."""
    instruction = "first draft" if not story.drafts else f"new draft (seed {story.settings.seed})"
    yield from draft_from_stream(
        store, story, writer.draft(brief(story)), step="draft", instruction=instruction, writer=writer, parent=None
    )


def revise(store: Store, story: Story, writer: Writer, instruction: str) -> Iterator[Event]:
    instruction = one_line(instruction, 1000)
    if not instruction:
        raise InputError("Say how to change the story first.")
    current = draft_of(story)
    old_ids = [p.id for p in current.pages]

    def same_pages(result: WrittenStory) -> list[str | None]:
        """As many pages as before: the same pages rewritten, so they keep their pictures."""
        return list(old_ids) if len(result.pages) == len(old_ids) else []

    yours = _persons_sentences(story, current)
    yield from draft_from_stream(
        store,
        story,
        writer.revise(brief(story), written(current), instruction),
        step="revise",
        instruction=instruction,
        writer=writer,
        parent=current,
        ids_for=same_pages,
    )
    changed = _changed_pages(current, draft_of(story), yours) if draft_of(story) is not current else []
    if changed:
        number = story.drafts.index(current) + 1
        pages = ", ".join(str(n) for n in changed)
        yield Notice(
            f'"{instruction}" changed or left out sentences you wrote on page{"s" if len(changed) > 1 else ""} '
            f"{pages}. Your own text is kept in draft #{number} ({current.instruction}): use that draft to go "
            "back to it."
        )


def _persons_sentences(story: Story, draft: Draft) -> dict[str, list[str]]:
    """The sentences a person wrote that are still on `draft`'s pages (by page id): those a draft
    edited by hand, in its line of parents, added to a page. A revision must keep them or say so
    (its writer may rewrite every sentence, or leave half a page out to make it shorter)."""
    now = {p.id: {" ".join(s.split()) for s in sentences(p.text)} for p in draft.pages}
    found: dict[str, list[str]] = {}
    node, seen = draft, set()
    while node is not None and node.id not in seen:
        seen.add(node.id)
        parent = story.find_draft(node.parent) if node.parent else None
        if node.author == "person":
            before = {p.id: p.text for p in parent.pages} if parent else {}
            for page in node.pages:
                old = {" ".join(s.split()) for s in sentences(before.get(page.id, ""))}
                for sentence in (" ".join(s.split()) for s in sentences(page.text)):
                    if sentence not in old and sentence in now.get(page.id, ()):
                        found.setdefault(page.id, [])
                        if sentence not in found[page.id]:
                            found[page.id].append(sentence)
        node = parent
    return found


def _changed_pages(before: Draft, after: Draft, yours: dict[str, list[str]]) -> list[int]:
    """The page numbers (of `before`) whose person-written sentences are not all in `after`'s
    page of the same id (or anywhere in `after`, when the revision made new pages)."""
    pages = {p.id: " ".join(p.text.split()) for p in after.pages}
    whole = " ".join(pages.values())
    changed = []
    for number, page in enumerate(before.pages, start=1):
        text = pages.get(page.id, whole)
        if any(sentence not in text for sentence in yours.get(page.id, ())):
            changed.append(number)
    return changed


def extend(store: Store, story: Story, writer: Writer, extra_pages: int) -> Iterator[Event]:
    """Enlarge the chosen draft by `extra_pages`; old pages keep their ids (and pictures)."""
    current = draft_of(story)
    if extra_pages < 1 or len(current.pages) + extra_pages > MAX_PAGES:
        raise InputError(f"A story has at most {MAX_PAGES} pages; this one has {len(current.pages)}.")

    def old_pages(result: WrittenStory) -> list[str | None]:
        """A page whose text is unchanged is the old page; each old id is used once."""
        unused = {p.text: p.id for p in reversed(current.pages)}
        return [unused.pop(page.text, None) for page in result.pages]

    yield from draft_from_stream(
        store,
        story,
        writer.extend(brief(story), written(current), extra_pages),
        step="extend",
        instruction=f"enlarge by {extra_pages} pages",
        writer=writer,
        parent=current,
        ids_for=old_pages,
    )


@dataclass(frozen=True)
class Edited:
    """What became of a person's edit: the draft that holds it (None: nothing changed), and a
    sentence to show when it was merged with, or kept apart from, a change made meanwhile."""

    draft: Draft | None
    notice: str | None = None


def edit_draft(
    store: Store, story: Story, title: str, pages: Sequence[tuple[str, str]], based_on: str | None = None
) -> Edited:
    """Keep the person's edits (title; text and key scene per page) as a new draft by hand.

    `pages` are the edited pages of the draft `based_on` (the draft the form showed; default the
    chosen one), in its order. When the chosen draft has moved on since (another tab, another
    person, a revision), the edit is merged into the newest draft where the two touch different
    pages, and otherwise kept as a draft of its own beside the other change; both stay in the
    history and the notice says which happened. A page whose scene changed gets its picture prompt
    rebuilt from the new scene; prompts are otherwise edited on the Pictures page (`set_prompt`).
    """
    base = story.find_draft(based_on) if based_on else draft_of(story)
    if base is None:
        raise InputError(
            "The draft you edited is no longer in this story; your text was not saved. "
            "Copy it before reloading the page."
        )
    title = one_line(title, 200) or base.title
    mine = []
    for old, (text, scene) in zip(base.pages, pages):
        text, scene = clean_text(text).strip(), clean_text(scene).strip()
        prompt = old.prompt if scene == old.scene else image_prompt(scene, story.settings.style)[0]
        mine.append(StoryPage(id=old.id, text=text, scene=scene, prompt=prompt, spec=old.spec))
    if any(not p.text for p in mine):
        raise InputError("A page cannot be empty; write something on it.")
    changed = {p.id: p for p, old in zip(mine, base.pages) if (p.text, p.scene) != (old.text, old.scene)}
    if title == base.title and not changed:
        return Edited(None)

    def keep(s: Story) -> Edited:
        newest = s.draft
        if newest is None or newest.id == base.id:
            return _add_draft(
                s,
                Draft(
                    parent=base.id,
                    instruction="edited by hand",
                    author="person",
                    title=title,
                    pages=[changed.get(p.id) or p.model_copy() for p in base.pages],
                    plan=dict(base.plan),  # a later revision starts from this draft's plan
                ),
            )
        merged = _merge_edit(base, newest, title, changed)
        if merged is not None:
            return _add_draft(
                s,
                merged,
                "Merged with a change made meanwhile (another tab or person): both edits are in the new draft.",
            )
        apart = Draft(
            parent=base.id,
            instruction="edited by hand (kept apart from a change made meanwhile)",
            author="person",
            title=title,
            pages=mine,
        )
        return _add_draft(
            s,
            apart,
            "This story was changed meanwhile on the same pages (another tab or "
            "person). Your edit is kept as its own draft and shown now; the other "
            f"version is '{newest.instruction}' in the draft history.",
        )

    return commit(store, story, keep, "edit")


def _add_draft(story: Story, draft: Draft, notice: str | None = None) -> Edited:
    story.drafts.append(draft)
    story.chosen_draft = draft.id
    return Edited(draft, notice)


def _merge_edit(base: Draft, newest: Draft, title: str, changed: dict[str, StoryPage]) -> Draft | None:
    """The newest draft with the person's changed pages and title applied, or None when the newest
    draft changed any of the same things (or dropped a page the person changed)."""
    before = {p.id: p for p in base.pages}
    now_pages = {p.id: p for p in newest.pages}
    for page_id, page in changed.items():
        theirs = now_pages.get(page_id)
        if theirs is None:
            return None
        untouched = (theirs.text, theirs.scene) == (before[page_id].text, before[page_id].scene)
        if not untouched and (theirs.text, theirs.scene) != (page.text, page.scene):
            return None
    if title != base.title and newest.title not in (base.title, title):
        return None
    return Draft(
        parent=newest.id,
        instruction="edited by hand (merged)",
        author="person",
        title=title if title != base.title else newest.title,
        pages=[changed.get(p.id) or p.model_copy() for p in newest.pages],
    )


def choose_draft(store: Store, story: Story, draft_id: str) -> None:
    if story.find_draft(draft_id) is None:
        raise InputError("That draft does not exist in this story.")
    commit(store, story, lambda s: setattr(s, "chosen_draft", draft_id), "choose")


def word_diff(old: Draft, new: Draft) -> list[tuple[str, str]]:
    """The two drafts' words as (op, text) runs: op is ' ' kept, '-' removed, '+' added."""
    a, b = old.text().split(), new.text().split()
    runs: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag in ("equal",):
            runs.append((" ", " ".join(a[i1:i2])))
        if tag in ("delete", "replace"):
            runs.append(("-", " ".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            runs.append(("+", " ".join(b[j1:j2])))
    return runs
