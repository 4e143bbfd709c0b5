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
    (InputError when it cannot be read), from the offline plan for an offline draft, else from
    the caption and the draft's names."""
    draft = story.draft
    if draft is None:
        raise InputError("There is no draft yet: write one on the Draft page.")
    if answer is not None:
        return parse_answer(answer)
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
            sheets[at] = tidy(sheets[at].model_copy(update={**values, "author": "person"}))
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
