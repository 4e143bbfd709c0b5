"""Character sheets: who the story is about, what they look like, and which pages they are on.

After a draft is written the studio proposes one sheet per character (`propose`): from the
offline writer's story plan (its hero and friend, their looks and colours) when the offline
engine wrote the draft, or by asking the writer model for JSON of `CHARACTER_SCHEMA`, validated
here (`parse_answer`). The person edits the sheets (`edit`); every picture prompt of a page then
names the characters on that page (`on_page`) in the story's order and a fixed wording, within
CLIP's 77 tokens (`page_prompt`, through `core.prompts.fit_prompt`).

Everything here is a pure function of the story: the steps that save (`core.studio`) and the
space's character library (`core.characters.library`) build on it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.errors import InputError
from core.offline import writer_data as D
from core.offline.writer import fix_articles, make_plan, read_caption
from core.prompts import FittedPrompt, Sheet, fit_prompt, image_prompt
from core.providers.base import Brief
from core.story import Character, Draft, Story, StoryPage
from core.text import clean_text, one_line

MAX_CHARACTERS = 8
FIELD_LIMITS = {"name": 40, "kind": 40, "look": 120, "outfit": 80}
MAX_COLOURS = 4

CHARACTER_SCHEMA: dict = {
    "type": "object",
    "properties": {
        "characters": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "kind": {"type": "string"},
                    "look": {"type": "string"},
                    "outfit": {"type": "string"},
                    "colours": {"type": "array", "items": {"type": "string"}},
                },
                "required": ["name", "kind", "look", "outfit", "colours"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["characters"],
    "additionalProperties": False,
}


def characters_prompt(title: str, text: str) -> str:
    """What a writer model is asked for the sheets (the answer must match CHARACTER_SCHEMA)."""
    return (
        f"Here is a picture book story:\n<story>{title}\n\n{text}</story>\n"
        "List its characters (at most eight, the main character first) as JSON of the form "
        '{"characters": [{"name": "...", "kind": "...", "look": "...", "outfit": "...", "colours": ["..."]}]}: '
        "kind is one or two words (a cat, a girl, a robot); look is a short phrase an illustrator "
        "can draw the same on every page (size, fur or hair, face); outfit is what they wear or "
        "carry (empty if nothing); colours are their two or three main colours. Answer with the "
        "JSON only."
    )


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str
    kind: str = ""
    look: str = ""
    outfit: str = ""
    colours: list[str] = Field(default_factory=list)

    @field_validator("colours", mode="before")
    @classmethod
    def _listed(cls, value):
        return [value] if isinstance(value, str) else value


def tidy(character: Character) -> Character:
    """A sheet with every field one clean line within its limit, colours de-duplicated."""
    values = {name: one_line(clean_text(getattr(character, name)), limit) for name, limit in FIELD_LIMITS.items()}
    if not values["name"]:
        raise InputError("Every character needs a name.")
    colours = [one_line(clean_text(c), 30).lower() for c in character.colours]
    colours = list(dict.fromkeys(c for c in colours if c))[:MAX_COLOURS]
    return character.model_copy(update={**values, "colours": colours})


def parse_answer(answer: str) -> list[Character]:
    """The sheets in a writer model's JSON answer, validated; InputError when there are none."""
    text = answer.strip()
    if text.startswith("```"):
        text = re.sub(r"^```(?:json)?\s*|\s*```$", "", text)
    start, end = text.find("{"), text.rfind("}")
    try:
        data = json.loads(text[start : end + 1] if start >= 0 else text)
        items = data["characters"] if isinstance(data, dict) else data
        answers = [_Answer.model_validate(item) for item in items]
    except (ValueError, KeyError, TypeError, ValidationError) as error:
        raise InputError(f"The writer's list of characters could not be read ({type(error).__name__}).") from None
    sheets = []
    for a in answers[:MAX_CHARACTERS]:
        try:
            sheets.append(tidy(Character(**a.model_dump())))
        except InputError:
            continue
    if not sheets:
        raise InputError("The writer named no characters.")
    return _unique(sheets)


def _unique(sheets: Iterable[Character]) -> list[Character]:
    seen: set[str] = set()
    out = []
    for sheet in sheets:
        if sheet.name.lower() not in seen:
            seen.add(sheet.name.lower())
            out.append(sheet)
    return out


def _without_article(phrase: str) -> str:
    return re.sub(r"^(a|an|the)\s+", "", phrase.strip(), flags=re.IGNORECASE)


def _colour_words(text: str) -> list[str]:
    found = [(m.start(), c) for c in sorted(D.COLOURS, key=len, reverse=True) for m in re.finditer(rf"\b{c}\b", text)]
    return list(dict.fromkeys(c for _, c in sorted(found)))


def from_plan(brief: Brief, draft: Draft) -> list[Character]:
    """The offline writer's characters for a draft it wrote from `brief`: its hero, and its
    friend when the draft names them."""
    plan = make_plan(brief)
    # a person's coloured clothes are an outfit; an animal's fur or an object's paint is its look
    person = plan.noun not in D.ANIMALS and plan.part != "paint"
    outfit = f"a {plan.colour} {plan.part}" if person and plan.colour not in plan.hero_desc else ""
    look = fix_articles(_without_article(plan.hero_desc))  # "in an orange coat"
    hero = Character(
        name=plan.hero,
        kind=plan.noun,
        look=look,
        outfit=outfit,
        colours=_colour_words(f"{look} {outfit}"),  # the caption's other colours may be the rug's
    )
    sheets = [hero]
    if re.search(rf"\b{re.escape(plan.friend)}\b", draft.text()):
        desc = _without_article(plan.friend_desc)
        sheets.append(Character(name=plan.friend, kind=desc.split()[-1], look=desc, colours=_colour_words(desc)))
    return [tidy(s) for s in sheets]


_KINDS_NOT_NOUNS = {"animal", "person", "object", "thing"}


def from_draft_plan(draft: Draft) -> list[Character]:
    """The characters a draft's plan names (`Draft.plan`: "hero", "hero_desc", "hero_kind",
    "friend", "friend_desc"; the offline writer keeps it with every draft and its revisions):
    the hero, and the friend when the draft names them. [] when the plan names no hero."""
    plan = draft.plan
    if not plan.get("hero"):
        return []
    look = fix_articles(_without_article(plan.get("hero_desc", "")))  # "little tabby cat with golden fur"
    noun = re.split(r"\s+(?:with|in|wearing)\s+", look, maxsplit=1)[0].split()
    kind = plan.get("hero_kind", "").strip()
    kind = kind if kind and kind.lower() not in _KINDS_NOT_NOUNS else (noun[-1] if noun else "")
    sheets = [Character(name=plan["hero"], kind=kind, look=look, colours=_colour_words(look))]
    friend = plan.get("friend", "")
    if friend and re.search(rf"\b{re.escape(friend)}\b", draft.text()):
        desc = _without_article(plan.get("friend_desc", ""))
        sheets.append(
            Character(name=friend, kind=desc.split()[-1] if desc else "", look=desc, colours=_colour_words(desc))
        )
    return [tidy(s) for s in sheets]


def from_text(caption: str, draft: Draft) -> list[Character]:
    """A sheet for the photo's subject when no plan or model can say more: named by the name the
    draft uses most (a capitalised word that does not only start sentences), looking as the
    caption says."""
    subject = read_caption(caption)
    text = draft.text()
    inside = re.findall(r"(?<![.!?\"“]\s)(?<!^)\b([A-Z][a-z]{1,20})\b", text, flags=re.MULTILINE)
    common = {"The", "A", "An", "I", "It", "He", "She", "They", "We", "You", "And", "But", "Then", "When"}
    names = Counter(w for w in inside if w not in common)
    name = names.most_common(1)[0][0] if names else (subject.noun or "Hero").title()
    look = " ".join([*subject.adjectives, subject.noun]).strip()
    if subject.feature:
        look = f"{look} with {subject.feature}".strip()
    return [tidy(Character(name=name, kind=subject.noun, look=look, colours=list(subject.colours)))]


def propose(story: Story, answer: str | None = None) -> list[Character]:
    """The sheets to propose for the story's chosen draft: from a model's `answer` when given
    (InputError when it cannot be read), from the draft's plan when it has one (whatever engine
    wrote the draft), from the offline plan for an offline draft, else from the caption and the
    draft's names. Never empty: every draft has at least its hero's sheet."""
    draft = story.draft
    if draft is None:
        raise InputError("There is no draft yet: write one on the Draft page.")
    if answer is not None:
        return parse_answer(answer)
    planned = from_draft_plan(draft)
    if planned and re.search(rf"\b{re.escape(planned[0].name)}\b", draft.text()):
        return planned
    if draft.engine == "offline":
        s = story.settings
        brief = Brief(story.caption, len(draft.pages), s.audience, s.genre, s.tone, s.language, draft.seed or s.seed)
        sheets = from_plan(brief, draft)
        if all(re.search(rf"\b{re.escape(c.name)}\b", draft.text()) for c in sheets):
            return sheets
    return from_text(story.caption, draft)


def edit(characters: Sequence[Character], changes: dict[str, dict]) -> list[Character]:
    """The sheets with `changes` (name or id -> field -> value) applied and checked; a name that
    is not a character adds one. Fields: name, kind, look, outfit, colours (a list or a comma
    separated string); `{"remove": true}` removes the character."""
    sheets = [c.model_copy(deep=True) for c in characters]
    for key, fields in changes.items():
        at = next((i for i, c in enumerate(sheets) if key in (c.id, c.name) or c.name.lower() == key.lower()), None)
        if fields.get("remove"):
            if at is None:
                raise InputError(f"There is no character '{key}'.")
            del sheets[at]
            continue
        unknown = set(fields) - {"name", "kind", "look", "outfit", "colours"}
        if unknown:
            raise InputError(f"A character sheet has no field {', '.join(sorted(unknown))}.")
        values = dict(fields)
        if isinstance(values.get("colours"), str):
            values["colours"] = [c.strip() for c in values["colours"].split(",")]
        if at is None:
            sheets.append(tidy(Character(name=values.pop("name", key), author="person", **values)))
        else:
            old = sheets[at]
            same_look = values.get("look", old.look) == old.look  # the page's form sends it unchanged
            if "kind" in values and same_look and old.kind and values["kind"] != old.kind:
                # a new kind with the old look would still say "shy little hedgehog" of a tortoise
                values["look"] = re.sub(rf"(?<!\w){re.escape(old.kind)}(?!\w)", values["kind"], old.look, flags=re.I)
            sheets[at] = tidy(old.model_copy(update={**values, "author": "person"}))
    return checked(sheets)


def checked(sheets: Sequence[Character]) -> list[Character]:
    """The sheets tidied, at most MAX_CHARACTERS of them, no two of one name (InputError)."""
    sheets = [tidy(c) for c in sheets]
    if len(sheets) > MAX_CHARACTERS:
        raise InputError(f"A story keeps at most {MAX_CHARACTERS} characters.")
    names = [c.name.lower() for c in sheets]
    if len(names) != len(set(names)):
        raise InputError("Two characters have the same name.")
    return sheets


def _mentions(phrase: str, text: str) -> bool:
    return bool(phrase) and re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.IGNORECASE) is not None


def on_page(characters: Sequence[Character], page: StoryPage) -> list[Character]:
    """The characters a page shows, in the story's order: those its text or scene names, and
    those its scene describes (the offline writer's scenes say "a little tabby cat", not "Pip")
    by their look or, when no other character is of that kind, by their kind."""
    kinds = Counter(c.kind.lower() for c in characters if c.kind)
    found = []
    for c in characters:
        named = _mentions(c.name, page.text) or _mentions(c.name, page.scene)
        described = _mentions(c.look, page.scene) or (kinds[c.kind.lower()] == 1 and _mentions(c.kind, page.scene))
        if named or described:
            found.append(c)
    return found


def sheet(character: Character) -> Sheet:
    """The words a prompt says of a character: its colours only where its look and outfit do not
    name them already."""
    told = f"{character.look} {character.outfit}"
    colours = tuple(c for c in character.colours if not _mentions(c, told))
    return Sheet(character.name, character.kind, character.look, character.outfit, colours)


def page_prompt(story: Story, page: StoryPage) -> FittedPrompt:
    """The prompt a page's picture is drawn from: the page's prompt (the scene in the story's
    style, or the person's own words when they edited it) with the sheets of the characters on
    the page woven in, within CLIP's 77 tokens."""
    style = story.settings.style
    own_words = page.prompt != image_prompt(page.scene, style)[0] and bool(page.prompt.strip())
    text = page.prompt if own_words else page.scene
    sheets = []
    for c in on_page(story.characters, page):
        told = sheet(c)
        if _mentions(c.look, text):  # the scene already says how they look: the name and kind are enough
            told = Sheet(told.name, told.kind, "", told.outfit, told.colours)
        sheets.append(told)
    return fit_prompt(text, style, sheets, own_words=own_words)


def need_proposal(story: Story) -> bool:
    """Whether a new draft should get sheets proposed: the story has none, or every sheet is the
    model's own (none edited by the person nor taken from the library) and the chosen draft names
    none of them (a new draft from another seed told of someone else)."""
    draft = story.draft
    if draft is None:
        return False
    if not story.characters:
        return True
    if any(c.author == "person" or c.library for c in story.characters):
        return False
    return not any(_mentions(c.name, draft.text()) for c in story.characters)


# --- a renamed or re-described character retold in the story ------------------------------


def _swap(text: str, old: str, new: str, *, whole_case: bool) -> str:
    """`old` replaced by `new` as a whole word or phrase (so "Zara's" becomes "Chelsea's", never
    "Zarah"); with `whole_case` False the match ignores case and a capital stays a capital."""
    if not old or old == new:
        return text
    pattern = re.compile(rf"(?<![\w-]){re.escape(old)}(?![\w-])", 0 if whole_case else re.IGNORECASE)

    def put(m: re.Match) -> str:
        return new[:1].upper() + new[1:] if m.group(0)[:1].isupper() and new else new

    return pattern.sub(put if not whole_case else (lambda m: new), text)


def _changes(before: Sequence[Character], after: Sequence[Character]) -> list[tuple[str, str, bool]]:
    """(old words, new words, match case) for each name, look and kind a person changed, looks
    before names (a look may hold the kind), kinds only when one character is of that kind."""
    old_by_id = {c.id: c for c in before}
    kinds = Counter(c.kind.lower() for c in before if c.kind)
    looks, names, kind_swaps = [], [], []
    for c in after:
        old = old_by_id.get(c.id)
        if old is None:
            continue
        if old.look and c.look and old.look.lower() != c.look.lower():
            looks.append((old.look, c.look, False))
        if old.name != c.name:
            names.append((old.name, c.name, True))
        if old.kind and c.kind and old.kind.lower() != c.kind.lower() and kinds[old.kind.lower()] == 1:
            kind_swaps.append((old.kind, c.kind, False))
    return looks + names + kind_swaps


def retold(draft: Draft | None, before: Sequence[Character], after: Sequence[Character], style: str) -> Draft | None:
    """The draft told with the characters' new names, looks and kinds (a person renamed or
    re-described them), as a new draft by the person whose parent is `draft`; None when nothing in
    it changes. Each page's picture prompt is rebuilt from its new scene, or, where the person
    wrote the prompt, has the same words changed in it. Pages keep their ids (and pictures)."""
    if draft is None:
        return None
    swaps = _changes(before, after)
    if not swaps:
        return None

    def tell(text: str) -> str:
        out = text
        for old, new, case in swaps:
            out = _swap(out, old, new, whole_case=case)
        return fix_articles(out) if out != text else out

    pages = []
    for page in draft.pages:
        scene = tell(page.scene)
        own_words = page.prompt != image_prompt(page.scene, style)[0] and bool(page.prompt.strip())
        prompt = tell(page.prompt) if own_words else image_prompt(scene, style)[0]
        pages.append(page.model_copy(update={"text": tell(page.text), "scene": scene, "prompt": prompt}))
    title = tell(draft.title)
    if title == draft.title and all(
        (p.text, p.scene, p.prompt) == (q.text, q.scene, q.prompt) for p, q in zip(pages, draft.pages)
    ):
        return None
    said = "; ".join(f"{old} is now {new}" for old, new, _ in swaps)
    return Draft(
        parent=draft.id,
        instruction=one_line(f"characters changed: {said}", 300),
        author="person",
        engine=draft.engine,
        model=draft.model,
        seed=draft.seed,
        title=title,
        pages=pages,
        plan={key: tell(value) for key, value in draft.plan.items()},
    )
