"""Wordings of the offline writer's templates: each common word and its graded alternatives.

A pool of template lines is kept as written (`core.offline.writer_data`) and turned into choice
groups once, where it is defined (`pool`).
"""

from __future__ import annotations

import re

# Wordings: a word of the templates and other words in exactly the same form and role, written
# out by hand ("hurried" -> "rushed", never a lemma guessed). `with_wordings` turns each into a
# `<...>` choice group, from which `core.offline.wordlist.choose` takes the reader's grade: the
# commonest for young readers and "simpler", the richer ones for adults, "*" vivid for "exciting".
WORDINGS = {
    "happy": "happy|glad|cheerful|*overjoyed",
    "tired": "tired|weary|exhausted",
    "hurried": "hurried|rushed|*raced",
    "ran": "ran|*raced|*dashed",
    "found": "found|discovered",
    "saw": "saw|noticed|spotted",
    "quiet": "quiet|hushed|peaceful",
    "strange": "strange|odd|peculiar|mysterious",
    "cold": "cold|chilly|icy",
    "bright": "bright|brilliant|*dazzling",
    "shining": "shining|gleaming|glittering",
    "slowly": "slowly|gently|unhurriedly",
    "suddenly": "suddenly|unexpectedly",
    "beautiful": "beautiful|lovely|magnificent",
    "sparkled": "sparkled|glittered|shimmered",
    "whispered": "whispered|murmured",
    "laughed": "laughed|giggled|chuckled",
    "shouted": "shouted|yelled|*bellowed",
    "jumped": "jumped|leapt|*sprang",
    "afraid": "afraid|scared|frightened",
    "worried": "worried|anxious|uneasy",
    "brave": "brave|courageous",
    "clever": "clever|smart|ingenious",
    "everyone": "everyone|everybody",
    "nobody": "nobody|no one",
    "path": "path|track|trail",
    "tiny": "tiny|little",
    "huge": "huge|enormous|*gigantic",
    "big": "big|large|enormous",
    "loved": "loved|adored|treasured",
    "wanted": "wanted|longed|wished",
    "gloom": "gloom|darkness|shadows",
    "noticed": "noticed|saw|observed",
    "spotted": "spotted|saw|glimpsed",
    "glowed": "glowed|shone|gleamed",
    "drifted": "drifted|floated|wandered",
    "cheerful": "cheerful|merry|jolly",
    "hugged": "hugged|embraced",
    "surprise": "surprise|astonishment|amazement",
    "proud": "proud|delighted",
    "carefully": "carefully|cautiously",
    "wonderful": "wonderful|marvellous|splendid",
    "sure": "sure|certain|convinced",
    "wrong": "wrong|amiss",
    "idea": "idea|plan|notion",
}
# Set phrases whose word is not the word of WORDINGS, kept as written: "had a cold" is an illness
# (never "had a chilly"), "nowhere to be found" and "a big hug" are idioms ("nowhere to be
# discovered" and "a large hug" are not English).
FIXED_PHRASES = (r"an? cold(?=[,.;!?])", "nowhere to be found", "big hugs?")
_WORDING = re.compile(r"\{[^}]*\}|<[^>]*>|\b(?:" + "|".join(FIXED_PHRASES) + r")\b|\b(" + "|".join(WORDINGS) + r")\b")


def with_wordings(template: str) -> str:
    """The template with every word of WORDINGS (outside slots, choices and FIXED_PHRASES) made a
    choice."""
    return _WORDING.sub(lambda m: f"<{WORDINGS[m.group(1)]}>" if m.group(1) else m.group(0), template)


def pool(lines):
    """The lines with every word of WORDINGS made a choice group (tagged lines keep their tags)."""
    return tuple(
        (line[0], with_wordings(line[1])) if isinstance(line, tuple) else with_wordings(line) for line in lines
    )
