"""A brief a marketer writes as one sentence, read into the brief's fields.

"Ridge Roast, a dark coffee for busy commuters; 20% off the first bag; order online" is a product
(Ridge Roast), an audience (busy commuters), an offer and a call to action: kept whole as the
product, it came back as copy that repeated the brief word for word and a deck titled with it.
Parts are split at ";" or new lines; what cannot be read into a field is given back, for the
caller to say so (nothing the person wrote vanishes without a word).
"""

from __future__ import annotations

import re

_OFFER = re.compile(r"\d+\s*%|\bfree\b|\boff\b|\bsave\b|\bdiscount\b|\bprice\b|\bdeal\b|\bbuy one\b", re.I)
_CTA_VERBS = ("order", "buy", "book", "shop", "try", "subscribe", "visit", "call", "join", "sign", "get", "download")
_CTA_LIMIT = 20  # the copy's limit for a call to action (core.campaign.copy.LIMITS)


def read_plain_brief(text: str) -> tuple[dict[str, str], list[str]]:
    """The fields of a brief written as plain text (no "field=value"): product, and where the
    text says them, audience ("... for busy commuters"), offer ("20% off") and call to action
    ("order online"); and the parts that are none of these ("a dark coffee", "gentle on the
    tummy"), in their order."""
    parts = [p.strip() for p in re.split(r"[;\n]+", text.strip()) if p.strip()]
    if not parts:
        return {}, []
    fields: dict[str, str] = {}
    unread: list[str] = []
    first = parts[0]
    audience = re.search(r"\s+for\s+(.+)$", first)
    if audience:
        fields["audience"] = audience.group(1).strip(" .")
        first = first[: audience.start()]
    name, _, described = first.partition(",")
    fields["product"] = name.strip() or first.strip()
    if described.strip():
        unread.append(described.strip())
    for part in parts[1:]:
        words = part.split()
        if "offer" not in fields and _OFFER.search(part):
            fields["offer"] = part[:1].upper() + part[1:]
        elif "cta" not in fields and words[0].lower() in _CTA_VERBS and len(part) <= _CTA_LIMIT:
            fields["cta"] = part[:1].upper() + part[1:]
        else:
            unread.append(part)
    return fields, unread
