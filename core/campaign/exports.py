"""The files a campaign leaves with: `A-1x1.png` ... (variant letter, format), `deck.pdf`,
`copy.csv` for ad managers, and `campaign.zip` holding all of them.

The CSV has one row per variant and language, with the character counts and limits beside the
text (ad managers refuse copy past their limits, so the counts are the first thing checked), the
mandatory line, and the picture files of that row. It is UTF-8 with a byte-order mark, which
spreadsheet programs need to read accents right.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass

from core.campaign.copy import LIMITS, Copy

CSV_FIELDS = (
    "variant", "language", "headline", "body", "call_to_action", "mandatory_line",
    "headline_chars", "body_chars", "cta_chars", "headline_limit", "body_limit", "cta_limit", "pictures",
)  # fmt: skip


# sentences about how the studio works, not about the product: never in front of a client
ENGINE_WORDS = re.compile(
    r"\b(offline engine|engine|language model|vision model|recogni[sz]\w*|detect\w*|cascades?|"
    r"cannot tell|can't tell|left for you|the studio|prompt|"
    # the vision's working notes ("No faces, cats or people were found, so the main subject is
    # probably ...", "the area of most interest is in the centre"): hedges, not a description
    r"were found|was found|probably|area of most interest|main subject)\b",
    re.IGNORECASE,
)


def for_client(text: str) -> str:
    """`text` without the sentences that speak about the studio's engines ("The offline engine
    recognises only faces ..."): what the deck, the pictures and the CSV show a client."""
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    return " ".join(s for s in sentences if s and not ENGINE_WORDS.search(s))


def picture_name(letter: str, fmt: str, language: str, main_language: str) -> str:
    suffix = "" if language == main_language else f"-{language}"
    return f"{letter}-{fmt}{suffix}.png"


@dataclass(frozen=True)
class CopyRow:
    letter: str
    language: str
    copy: Copy
    pictures: tuple[str, ...]


def copy_csv(rows: list[CopyRow], mandatory: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for row in rows:
        c = row.copy
        writer.writerow(
            [
                row.letter, row.language, c.headline, c.body, c.cta, mandatory,
                len(c.headline), len(c.body), len(c.cta), LIMITS["headline"], LIMITS["body"], LIMITS["cta"],
                " ".join(row.pictures),
            ]
        )  # fmt: skip
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def campaign_zip(files: dict[str, bytes]) -> bytes:
    """Everything in one ZIP; PNGs are stored (they are compressed already), the rest deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            method = zipfile.ZIP_STORED if name.endswith(".png") else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()
