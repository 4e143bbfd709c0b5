"""The familiar-word lists the Spache and Dale-Chall formulas count against, built offline.

Neither original list is free to ship: the revised Spache list (about 1,000 words a first or second
grader knows) and the New Dale-Chall list (3,000 words known to 80 % of fourth graders) are
copyrighted. These substitutes are built the same way each time from `wordfreq`'s English Zipf
frequencies (shipped inside its wheel, so nothing is downloaded):

- Spache substitute: every word with a Zipf frequency of at least 5.0 (about 880 lemmas, close to
  the Spache list's size), every one-syllable word from 4.5 (the offline writer's first-reader
  words, `core.offline.wordlist`, are drawn from these), plus `CHILD_WORDS`;
- Dale-Chall substitute: every word with a Zipf frequency of at least 4.3 (about 3,150 lemmas,
  close to the 3,000 of the Dale-Chall list), plus `CHILD_WORDS`.

Web and subtitle frequencies under-rate the words of picture books ("kitten", "kite", "owl" are
rare on the web and on both original lists), so `CHILD_WORDS` adds them by hand, with the Dolch
picture nouns and the rarer of the Dolch sight words (public domain: the words of first readers
since 1936). As in both
formulas, an inflection of a familiar word ("jumped", "cats", "going") is familiar: a word counts
as familiar when it or one of its lemmas (`lemminflect`) is on the list. Names are familiar too
(both formulas' rules count proper names as known words): the scorers in `core.reading.readability` pass
them in.

Because the lists are substitutes, the scores are close to, not equal to, those of the published
lists; the bands in `core.reading.levels` are set on these scores.
"""

from __future__ import annotations

import re
from functools import lru_cache

from core.reading.syllables import syllables

SPACHE_ZIPF = 5.0
SPACHE_SHORT_ZIPF = 4.5  # one-syllable words from here
DALE_CHALL_ZIPF = 4.3

# picture-book words both published lists hold and web frequencies rate below the thresholds
CHILD_WORDS = frozenset(
    """
    ant bat bear bee bird bug bunny cat chick cow crab deer dog duck fish fox frog goat hen horse
    kitten lamb lion mouse owl pet pig pony puppy rabbit sheep snail snake squirrel tiger turtle
    whale wolf zebra balloon ball bell boat box cake candy cookie cup doll drum egg hat kite lamp
    nest pie rope sled sock swing toy wagon barn bush cloud field flower grass hill lake leaf moon
    park path pond rain rock sand sea shell sky snow star stone sun tree wind yard garden forest
    river beach farm meadow puddle shed window door roof step kitchen bed chair table blanket
    mom dad mommy daddy grandma grandpa aunt uncle baby sister brother friend teacher
    red blue green yellow orange purple pink brown black white grey gray gold golden silver
    hop jump skip run play sing dance swim climb dig fly hide seek find look help hug smile laugh
    cry wish sleep wake yawn giggle splash hello map gate mud muddy ladder stream pond robin wooden
    shore tortoise donkey feet tall wide hole
    apple bread car chicken children coat corn doll farmer father fire floor ground hand head home
    house kitty leg letter milk money morning mother name paper party picture ring school seed shoe
    song stick street thing watch water way wood mountain village carry clean cut draw drink eight
    fall far grow hold hurt kind light myself pick pretty pull ride round seven shall show six start
    ten thank today together try upon wash
    big small little tiny happy sad glad kind brave funny silly soft warm cold wet dry fast slow
    """.split()
)

_WORD = re.compile(r"[a-z]+")


@lru_cache(maxsize=4)
def _list(threshold: float, short_threshold: float) -> frozenset[str]:
    """Every lowercase word at least `threshold` frequent, one-syllable words from
    `short_threshold`, plus CHILD_WORDS (their inflections: see `familiar`)."""
    from wordfreq import top_n_list, zipf_frequency  # a heavy table, loaded when a list is first asked for

    words = set(CHILD_WORDS)
    for word in top_n_list("en", 40000):
        zipf = zipf_frequency(word, "en")
        if zipf < min(threshold, short_threshold):
            break
        if _WORD.fullmatch(word) and (zipf >= threshold or syllables(word) == 1):
            words.add(word)
    return frozenset(words)


def spache_list() -> frozenset[str]:
    """The Spache substitute list (see the module docstring)."""
    return _list(SPACHE_ZIPF, SPACHE_SHORT_ZIPF)


def dale_chall_list() -> frozenset[str]:
    """The Dale-Chall substitute list (see the module docstring)."""
    return _list(DALE_CHALL_ZIPF, DALE_CHALL_ZIPF)


@lru_cache(maxsize=50000)
def _lemmas(word: str) -> tuple[str, ...]:
    from lemminflect import getAllLemmas  # a heavy table, loaded with the first word looked up

    return tuple(lemma for found in getAllLemmas(word).values() for lemma in found)


def familiar(word: str, words: frozenset[str]) -> bool:
    """Whether a word (any case, "'s" ignored) or one of its lemmas is on the list."""
    w = re.sub(r"['’].*$", "", word.lower())
    if not w or w in words:
        return True
    return any(lemma in words for lemma in _lemmas(w))
