"""The mood of a page of text, from a small lexicon: the studio grades each picture by it.

`mood_of(text)` returns one of MOODS. Each word of the text that is in a mood's lexicon scores a
point for that mood (an exclamation mark scores for "tense"); the highest score wins, ties go to
the earlier mood in MOODS, and text with no mood words is "calm". The offline illustrator also
reads a picture prompt's mood with `mood_words`, so it can say which words set the grade.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MOODS = ("calm", "joyful", "tense", "sad", "mysterious")

LEXICON: dict[str, frozenset[str]] = {
    "calm": _words("""
        calm quiet quietly still soft softly gentle gently slow slowly sleep sleepy asleep rest
        peaceful peace dream dreamed dreams hush hum hummed humming drift drifted drifting cosy
        cozy warm blanket breeze evening bedtime yawn yawned safe lullaby sigh float floated
        murmured whispered settle settled relax calmly serene tranquil
    """),
    "joyful": _words("""
        happy happily joy joyful laugh laughed laughing laughter smile smiled smiling giggle
        giggled cheer cheered celebrate celebrating celebration party cake hug hugged love loved
        delight delighted fun funny silly sing sang song songs dance danced dancing play played
        bright sunshine proud friends friend thank thanks hooray wonderful great glad grin grinned
        joke jokes sparkled sparkle shining rainbow home together cheerful merry playful
    """),
    "tense": _words("""
        suddenly danger dangerous quick quickly hurry hurried race raced racing run ran chase
        chased crash crashed storm thunder lightning roar roared shout shouted yelled scream
        screamed fast faster afraid fear scared trouble rumble trembled shook jump jumped leapt
        pounding racing urgent escape fell falling slammed howled lose lost trap trapped fierce
        watch worried worry worrying nervous anxious panic alarm
    """),
    "sad": _words("""
        sad sadly cry cried crying tears tear alone lonely lost miss missed missing goodbye grey
        gloomy sorry sigh sighed broken hurt tired rain rainy quarrel upset ill sick shivering
        gone vanished empty nobody never wept weep sorrow frown frowned
    """),
    "mysterious": _words("""
        mystery mysterious strange strangely secret secrets hidden hide hid shadow shadows
        whisper whispering dark darkness mist misty fog foggy creak creaked creaky clue clues
        footprints puzzle riddle magic spell wizard witch moon moonlight owl glow glowed glowing
        unknown odd curious curiously note tapping echo ghost flicker flickered cave spooky
        eerie enchanted haunted
    """),
}

_WORD = re.compile(r"[a-z]+")


def mood_words(text: str) -> dict[str, list[str]]:
    """The words of `text` that are in each mood's lexicon, in the order they come."""
    words = _WORD.findall(text.lower())
    return {mood: [w for w in words if w in LEXICON[mood]] for mood in MOODS}


def mood_scores(text: str) -> dict[str, int]:
    scores = {mood: len(found) for mood, found in mood_words(text).items()}
    scores["tense"] += text.count("!")
    return scores


def mood_of(text: str) -> str:
    """ "calm", "joyful", "tense", "sad" or "mysterious"."""
    scores = mood_scores(text or "")
    best = max(MOODS, key=lambda m: (scores[m], -MOODS.index(m)))
    return best if scores[best] > 0 else "calm"
