"""Copy variants: headline (at most 40 characters), body (125) and call to action (20), in the
brand's tone, free of its banned words, in the campaign's language.

Two writers share the limits and checks here:

- `offline_variants`: a seeded copy grammar (`copy_data.py`) that uses the brief (product,
  audience, offer, call to action) and the photo's caption (its first colour word); the same seed
  gives the same copy, and each variant of a campaign draws different lines. It writes English,
  German, French and Spanish (`OFFLINE_LANGUAGES`).
- `model_variants`: the studio's writer (local or remote) asked for JSON that follows
  `COPY_SCHEMA`; the answer is validated (shape, limits, banned words) and, once, sent back with
  what was wrong; a second failure is a ProviderError and nothing changes.

Banned words are matched as whole words (or phrases), case-insensitively.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from core.campaign.copy_data import CTAS, GRAMMAR, OFFER, register_of
from core.campaign.facts import Facts, facts_of, join
from core.errors import InputError, NotConfigured, ProviderError
from core.language import offline_copy_languages
from core.providers.remote_openai import RemoteError, is_format_refusal
from core.providers.storyjson import StoryFormatError, load_json_object

LIMITS = {"headline": 40, "body": 125, "cta": 20}
OFFLINE_LANGUAGES = offline_copy_languages()  # code -> native name
COLOUR_WORDS = (
    "golden yellow", "dark brown", "dark green", "dark blue", "dark red", "light grey", "sky blue",
    "black", "white", "cream", "beige", "brown", "red", "pink", "orange", "yellow", "green", "blue",
    "purple", "grey", "teal", "navy", "tan", "gold", "silver",
)  # fmt: skip


@dataclass(frozen=True)
class Copy:
    headline: str
    body: str
    cta: str


@dataclass(frozen=True)
class CopyBrief:
    """What the copy is about; empty fields are left out of the copy."""

    product: str = ""
    audience: str = ""
    offer: str = ""
    channel: str = ""
    cta: str = ""
    caption: str = ""
    language: str = "en"
    tone: tuple[str, ...] = ()
    banned: tuple[str, ...] = ()
    brand: str = ""


def banned_in(text: str, banned) -> list[str]:
    """The banned words (or phrases) that occur in `text` as whole words, case-insensitively."""
    return [w for w in banned if w and re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.IGNORECASE)]


def scrub(text: str, banned) -> str:
    """`text` without its banned words (the last resort of the grammar; a model is asked again)."""
    if not banned_in(text, banned):
        return text
    for word in banned:
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+([.,!?:;])", r"\1", " ".join(text.split()))
    return text.strip(" ,;:-") or ""


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary (no ellipsis: copy is not a teaser)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0].rstrip(" ,;:-–—")
    return cut if cut else text[:limit]


def problems(copy: Copy, banned) -> list[str]:
    """Each thing wrong with a variant, starting with its field: empty, too long, a banned word."""
    found = []
    for field, limit in LIMITS.items():
        value = getattr(copy, field)
        if not value.strip():
            found.append(f"{field}: is empty")
        elif len(value) > limit:
            found.append(f"{field}: has {len(value)} characters, at most {limit}")
        for word in banned_in(value, banned):
            found.append(f"{field}: uses the banned word '{word}'")
    return found


def check_copy(copy: Copy, banned) -> Copy:
    """The variant, cleaned, or InputError naming the first field that is wrong."""
    copy = Copy(*(" ".join(getattr(copy, f).split()) for f in ("headline", "body", "cta")))
    wrong = problems(copy, banned)
    if wrong:
        raise InputError(wrong[0][0].upper() + wrong[0][1:] + ".")
    return copy


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def colour_of(caption: str) -> str:
    """The colour word the caption names first ("" when it names none)."""
    lowered = caption.lower()
    found = [(m.start(), c) for c in COLOUR_WORDS if (m := re.search(rf"\b{c}\b", lowered))]
    return min(found)[1] if found else ""


def _fill(template: str, slots: dict[str, str]) -> str | None:
    """The template with its slots filled; None when it needs a slot the brief left empty."""
    needed = re.findall(r"{(\w+)}", template)
    if any(not slots.get(name) for name in needed):
        return None
    text = " ".join(template.format(**slots).split())
    return _cap(re.sub(r"(?<!\.)\.\.(?!\.)", ".", text))  # "Harbour & Co.." when a name ends in a stop


def _pick(
    rng: random.Random,
    templates: list[str],
    slots: dict[str, str],
    limit: int,
    banned,
    avoid: set[str],
    fresh_only: bool = False,
) -> str | None:
    """A random template that fills, fits and says no banned word, preferring one not yet used
    (`fresh_only`: only one not yet used)."""
    options = list(templates)
    rng.shuffle(options)
    usable = [text for t in options if (text := _fill(t, slots)) and len(text) <= limit and not banned_in(text, banned)]
    fresh = [text for text in usable if text not in avoid]
    return (fresh or ([] if fresh_only else usable) or [None])[0]


def offline_variants(brief: CopyBrief, count: int, seed: int, taken: set[str] | None = None) -> list[Copy]:
    """`count` variants from the copy grammar; `taken` holds lines other variants already use.

    The random choices are seeded by `seed` and by the brief itself, so two briefs on the same
    seed still draw different lines; English copy is built from the brief's facts (`facts.py`)."""
    language = brief.language.split("-")[0].lower()
    if language not in GRAMMAR:
        raise InputError(
            f"The offline engine writes copy in {', '.join(OFFLINE_LANGUAGES.values())}; "
            f"for '{brief.language}' write in English and translate, or choose a model writer."
        )
    grammar = GRAMMAR[language]
    register = register_of(brief.tone)
    product = " ".join(brief.product.split()) or brief.brand
    facts = facts_of(product, brief.audience, brief.caption) if language == "en" else None
    slots = {
        "product": product,
        "audience": " ".join(brief.audience.split()),
        "offer": " ".join(brief.offer.split()).rstrip("."),
        "colour": grammar["colours"].get(colour_of(brief.caption), ""),
        "brand": brief.brand,
    }
    # headlines that carry the brief's own audience and offer: briefs for one product differ in them
    slots["offer_for"] = "" if _overlap(slots["offer"], brief.audience) else slots["offer"]
    slots["offer_after"] = slots["offer"] if language == "de" else _after_colon(slots["offer"])  # German nouns
    if facts is not None:
        slots |= {
            "what": facts.what,
            "what_for": "" if _overlap(facts.what, brief.audience) else facts.what,  # not "running shoes for runners"
            "unit": facts.unit,
            "benefit": facts.benefit,
            "benefit_alone": "" if facts.generic else facts.benefit,
            "tastes": join(facts.tastes),
            "qualities": join(facts.qualities),
        }
    fingerprint = "|".join(
        " ".join(f.lower().split()) for f in (brief.product, brief.audience, brief.offer, brief.caption)
    )
    taken = set(taken or ())
    variants = []
    for index in range(count):
        rng = random.Random(f"{seed}:{index}:{language}:{fingerprint}")
        headline = None
        for lines in (grammar.get("headlines_facts", []), grammar["headlines"][register], grammar["headlines_plain"]):
            headline = _pick(rng, lines, slots, LIMITS["headline"], brief.banned, taken, fresh_only=True)
            if headline:
                break
        if not headline:  # every line is taken: the product's own name is too long or banned
            plain = grammar["headlines_plain"]
            headline = _pick(
                rng, [*grammar["headlines"][register], *plain], slots, LIMITS["headline"], brief.banned, taken
            )
        headline = headline or ""
        body = None
        if facts is not None:
            body = _facts_body(rng, facts, slots, headline, grammar["closers"][register], brief.banned, taken)
        if not body:
            body = _body(rng, grammar, register, slots, brief.banned, taken, headline)
        cta = _cta(rng, language, register, brief, taken)
        copy = Copy(scrub(headline, brief.banned), scrub(body, brief.banned), scrub(cta, brief.banned))
        taken |= {copy.headline, copy.body, copy.cta}
        variants.append(copy)
    return variants


def _after_colon(text: str) -> str:
    """`text` as it reads after a colon: "Free delivery" -> "free delivery" (not "UK delivery")."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _joined(parts: list[str]) -> str:
    """Sentences in one body, each capitalised, without a doubled stop ("Harbour & Co..")."""
    return re.sub(r"(?<!\.)\.\.(?!\.)", ".", " ".join(_cap(p) for p in parts))


def _overlap(a: str, b: str, least: int = 1) -> bool:
    """Whether two phrases share at least `least` word stems (a word's first four letters)."""
    stems = {w[:4] for w in re.findall(r"\w{4,}", a.lower())}
    return len(stems & {w[:4] for w in re.findall(r"\w{4,}", b.lower())}) >= least


def _facts_body(
    rng: random.Random, facts: Facts, slots: dict, headline: str, closers: list[str], banned, taken: set[str]
) -> str:
    """What it is (with the caption's taste or material words), its benefit for the audience and
    the offer, as many as fit in 125 characters; the product is named when the headline does not
    name it. "" when the brief and caption give nothing to say (the generic grammar takes over)."""
    product, what = slots["product"], facts.what
    named = bool(product) and product.lower() in headline.lower()
    if what and what in product.lower():  # "Harbour Espresso Roast" says espresso: call it coffee
        what = facts.noun if facts.noun not in product.lower() else ""
    qualities = join(facts.qualities)
    if facts.tastes:
        feature = f"{what} with notes of {join(facts.tastes)}" if what else f"notes of {join(facts.tastes)}"
    elif facts.qualities:
        feature = f"{qualities} {what or (facts.what if named else '')}".strip()
    else:
        feature = ""
    if _overlap(join(facts.tastes or facts.qualities), headline, 2):  # the headline said it already
        feature = ""
    # the headline's benefit is not said twice ("Green, with almost no effort" / "Green all year, ...")
    benefit = facts.benefit_line if facts.benefit and not _overlap(facts.benefit, headline, 2) else ""
    audience = slots["audience"]
    for_audience = f"For {audience}." if audience and not benefit and not _overlap(audience, headline, 2) else ""
    if not named and product:
        if feature:  # two ways to say it, so three variants need not repeat a body
            short = f"notes of {join(facts.tastes)}" if facts.tastes else qualities
            intros = [f"{product}: {feature}.", f"{product}, with {short}." if facts.tastes else f"{product}: {short}."]
            if not facts.tastes and " " not in feature:  # one word: "Rechargeable Lumen desk lamp."
                intros = [f"{feature} {product}."]
        elif benefit:
            intros, benefit = [f"{product}: {benefit[:1].lower()}{benefit[1:]}"], ""
        elif for_audience:
            intros, for_audience = [f"{product}, for {audience}."], ""
        else:
            intros = [f"Meet {product}.", f"{product}."]
    elif feature:
        intros = [f"{feature}.", f"{qualities} {facts.what}.".strip()] if facts.qualities else [f"{feature}."]
    else:
        intros = [""]
    offer = f"{slots['offer']}." if slots["offer"] and slots["offer"].lower() not in headline.lower() else ""
    if not (intros[0] or benefit or offer or for_audience):
        return ""
    said = sum(1 for p in (intros[0], benefit, offer, for_audience) if p)
    closer = rng.choice(closers) if closers and said == 0 else ""  # a closer only where the brief says nothing
    candidates = []
    for intro in dict.fromkeys(intros):
        orders = [(intro, benefit, for_audience, offer, closer), (benefit, for_audience, intro, offer, closer)]
        if named or not product:
            rng.shuffle(orders)
        for order in orders:
            parts = [p for p in order if p]
            for keep in range(1 << len(parts)):  # every shorter body too, in the same order
                subset = [p for n, p in enumerate(parts) if keep >> n & 1]
                if subset and (not closer or subset != [closer]):
                    candidates.append(subset)
    if offer:  # the offer is in every variant: a body may repeat another's, but never leave it out
        candidates = [parts for parts in candidates if offer in parts]
    candidates.sort(key=len, reverse=True)  # all that fits before less
    for parts in candidates:
        text = _joined(parts)
        if text and len(text) <= LIMITS["body"] and text not in taken and not banned_in(text, banned):
            return text
    for fresh in (True, False):  # banned words: the scrubbed text, still within the limit
        for parts in candidates:
            text = scrub(_joined(parts), banned)
            if text and len(text) <= LIMITS["body"] and (text not in taken or not fresh):
                return text
    return ""


def _body(rng: random.Random, grammar: dict, register: str, slots: dict, banned, taken: set[str], headline: str) -> str:
    """A lead sentence (product, audience, colour), the offer, a closer in the tone: as many as fit.
    The body does not repeat the headline: not the product's name, not the closing phrase."""
    limit = LIMITS["body"]
    named = bool(slots["product"]) and slots["product"].lower() in headline.lower()
    leads = [t for t in grammar["leads"] if "{product}" not in t] if named else grammar["leads"]
    for _ in range(6):
        lead = _pick(rng, leads, slots, limit, banned, taken) or ""
        offered = slots["offer"] and slots["offer"].lower() in headline.lower()  # the headline carries it
        offer = _fill(OFFER[grammar["code"]], slots) if slots["offer"] and not offered else None
        if offer and (banned_in(offer, banned) or len(offer) > limit):
            offer = None
        said = {w for w in re.findall(r"\w{5,}", headline.lower())}
        closers = [
            c
            for c in grammar["closers"][register]
            if not said & set(re.findall(r"\w{5,}", c.lower())) and c.rstrip(".") not in lead
        ]
        closer = _pick(rng, closers, slots, limit, banned, taken) or ""
        for parts in ((lead, offer, closer), (lead, offer), (offer, closer), (lead, closer), (lead,), (offer,)):
            text = " ".join(p for p in parts if p)
            if text and len(text) <= limit and text not in taken:
                taken |= {p for p in parts if p and p != offer}  # the next variant draws other lines
                return text
    return shorten(lead or closer, limit)


def _cta(rng: random.Random, language: str, register: str, brief: CopyBrief, taken: set[str]) -> str:
    own = _cap(" ".join(brief.cta.split()))
    if own and len(own) <= LIMITS["cta"] and not banned_in(own, brief.banned):
        return own
    options = [c for c in CTAS[language][register] if not banned_in(c, brief.banned)]
    rng.shuffle(options)
    return next((c for c in options if c not in taken), options[0] if options else "")


def fit_translation(copy: Copy) -> Copy:
    """A translated variant within the limits (translations run longer than English: cut at a word)."""
    return Copy(*(shorten(getattr(copy, f), LIMITS[f]) for f in ("headline", "body", "cta")))


# --- the writer, with a JSON schema ----------------------------------------------------------

COPY_SCHEMA = {
    "type": "object",
    "properties": {
        "variants": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "headline": {"type": "string", "maxLength": LIMITS["headline"]},
                    "body": {"type": "string", "maxLength": LIMITS["body"]},
                    "cta": {"type": "string", "maxLength": LIMITS["cta"]},
                },
                "required": ["headline", "body", "cta"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["variants"],
    "additionalProperties": False,
}

COPY_SYSTEM = (
    "You are a senior copywriter. You answer with JSON only, exactly in the schema you are given, "
    "and you respect every character limit."
)


def copy_prompt(brief: CopyBrief, count: int) -> str:
    facts = [
        ("Brand", brief.brand),
        ("Product", brief.product),
        ("Audience", brief.audience),
        ("Offer", brief.offer),
        ("Channel", brief.channel),
        ("Call to action wanted", brief.cta),
        ("The product photo shows", brief.caption),
    ]
    lines = [f"- {name}: {value}" for name, value in facts if value.strip()]
    tone = ", ".join(brief.tone) or "friendly"
    banned = ", ".join(brief.banned) or "(none)"
    return (
        f"Write {count} distinct ad copy variants in the language with code '{brief.language}', "
        f"in a {tone} tone.\n" + "\n".join(lines) + "\n"
        f"Each variant has a headline of at most {LIMITS['headline']} characters, a body of at most "
        f"{LIMITS['body']} characters and a call to action of at most {LIMITS['cta']} characters. "
        f"Never use these words: {banned}. Do not promise what the brief does not say.\n"
        'Answer with JSON only: {"variants": [{"headline": "...", "body": "...", "cta": "..."}]}'
    )


def parse_variants(answer: str, count: int, banned) -> list[Copy]:
    """The variants in a model's answer, or ValueError saying what is wrong (sent back once)."""
    try:
        data, _ = load_json_object(answer)
    except StoryFormatError as error:
        raise ValueError(str(error)) from None
    raw = data.get("variants")
    if not isinstance(raw, list) or not raw:
        raise ValueError('"variants" must be a list of {"headline", "body", "cta"} objects')
    if len(raw) < count:
        raise ValueError(f"there are {len(raw)} variants, {count} were asked for")
    variants = []
    for number, item in enumerate(raw[:count], start=1):
        if not isinstance(item, dict):
            raise ValueError(f"variant {number} is not an object")
        copy = Copy(*(" ".join(str(item.get(f) or "").split()) for f in ("headline", "body", "cta")))
        wrong = problems(copy, banned)
        if wrong:
            raise ValueError(f"variant {number}: {wrong[0]}")
        variants.append(copy)
    return variants


Ask = Callable[[list[dict]], str]


def asker(writer) -> Ask:
    """How to put one chat to the studio's writer: the remote server (with the JSON schema as its
    response format where it accepts one) or the local model."""
    service = getattr(writer, "service", None)
    if service is not None and hasattr(service, "chat"):
        schema = {"type": "json_schema", "json_schema": {"name": "copy", "schema": COPY_SCHEMA, "strict": True}}

        def ask_remote(messages: list[dict]) -> str:
            try:
                return service.chat(messages, "copy request", response_format=schema)
            except RemoteError as error:
                if not is_format_refusal(error):
                    raise
                return service.chat(messages, "copy request")

        return ask_remote
    generate = getattr(writer, "_generate", None)
    if generate is not None:

        def ask_local(messages: list[dict]) -> str:
            seed = (len(messages) - 2) // 2
            return "".join(generate(messages, seed=seed, max_new_tokens=900, what="writing copy"))

        return ask_local
    raise NotConfigured(f"The {writer.engine} writer cannot write campaign copy; choose the offline engine.")


def model_variants(ask: Ask, brief: CopyBrief, count: int, who: str = "The writer") -> list[Copy]:
    """`count` variants from a language model: validated, repaired once, else ProviderError."""
    messages = [{"role": "system", "content": COPY_SYSTEM}, {"role": "user", "content": copy_prompt(brief, count)}]
    reason = ""
    for _ in range(2):
        answer = ask(messages)
        try:
            return parse_variants(answer, count, brief.banned)
        except ValueError as error:
            reason = str(error)
            messages = [
                *messages,
                {"role": "assistant", "content": answer},
                {
                    "role": "user",
                    "content": f"Your answer could not be used: {reason}. Answer again with JSON only, "
                    f"{count} variants, every limit and banned word respected.\nSchema: {json.dumps(COPY_SCHEMA)}",
                },
            ]
    raise ProviderError(f"{who} did not write usable copy ({reason}), even after one repair; nothing was changed.")
