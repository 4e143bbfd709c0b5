"""Syllables of an English word, from `pyphen`'s hyphenation dictionary (shipped inside its wheel).

One module of its own because the readability formulas and the familiar-word lists both count
syllables, and the lists are what the formulas count against.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import pyphen


@cache
def _hyphenator() -> pyphen.Pyphen:
    """The English hyphenation dictionary, read on the first word counted (not at import: it keeps
    the command line's start fast)."""
    return pyphen.Pyphen(lang="en_US")


@lru_cache(maxsize=20000)
def syllables(word: str) -> int:
    """Syllables of one word, from its hyphenation points (at least one)."""
    plain = re.sub(r"['’].*$", "", word.lower())
    if not plain:
        return 1
    return max(1, len(_hyphenator().positions(plain)) + 1)
