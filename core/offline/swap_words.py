"""Words swapped for others in the same form: "discovered" -> "found" (a person's own sentences in
a "simpler" revision, and the level fitter's easier words), inflected with lemminflect."""

from __future__ import annotations

import re

from lemminflect import getAllLemmas, getInflection


def swap_words(sentence: str, table: dict[str, str]) -> str:
    """Replace words by their table entry, inflected like the word they replace (lemminflect):
    "discovered" -> "found", "enormous" -> "huge"; a word the table's entry cannot take the form
    of is kept."""
    tokens = re.split(r"([A-Za-z]+)", sentence)
    for i in range(1, len(tokens), 2):
        word = tokens[i]
        new = _inflected_swap(word.lower(), table, tokens[i - 2].lower() if i >= 2 else "")
        if new:
            tokens[i] = new[:1].upper() + new[1:] if word[:1].isupper() else new
    return "".join(tokens)


def _inflected_swap(word: str, table: dict[str, str], before: str) -> str | None:
    if word in table:
        return table[word]
    for pos, lemmas in getAllLemmas(word).items():
        for lemma in lemmas:
            if lemma not in table or lemma == word:
                continue
            new = table[lemma]
            if " " in new:
                return None
            if pos in ("VERB", "AUX"):
                participle = before in ("had", "has", "have", "was", "were", "been", "being", "is", "are")
                for tag in (("VBN",) if participle else ()) + ("VBD", "VBG", "VBZ", "VB"):
                    if word in getInflection(lemma, tag):
                        form = getInflection(new, tag)
                        return form[0] if form else None
            if pos == "NOUN":
                for tag in ("NN", "NNS"):
                    if word in getInflection(lemma, tag):
                        form = getInflection(new, tag)
                        return form[0] if form else None
            return None
    return None
