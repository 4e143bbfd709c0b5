"""Syllables of an English word, from `pyphen`'s hyphenation dictionary (shipped inside its wheel).

One module of its own because the readability formulas and the familiar-word lists both count
syllables, and the lists are what the formulas count against.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyphen

_HYPHENATOR = pyphen.Pyphen(lang="en_US")


@lru_cache(maxsize=20000)
def syllables(word: str) -> int:
    """Syllables of one word, from its hyphenation points (at least one)."""
    plain = re.sub(r"['’].*$", "", word.lower())
    if not plain:
        return 1
    return max(1, len(_HYPHENATOR.positions(plain)) + 1)
