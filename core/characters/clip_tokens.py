"""Counting a picture prompt the way Stable Diffusion's CLIP text encoders read it.

SDXL's two text encoders see at most 77 tokens: a start token, 75 of the prompt and an end token.
diffusers cuts everything past that off with only a log line, so a long prompt silently loses its
end (the style words, the second character). The studio therefore measures every prompt it builds
with CLIP's own byte-pair encoding and trims it (`core.prompts.fit_prompt`) before any engine sees
it.

This is CLIP's tokenizer (the "simple tokenizer" of OpenAI's CLIP, as open_clip ships it) reduced
to counting: lower case, whitespace collapsed, CLIP's word pattern, byte-level BPE over the 48,894
merges CLIP uses (`assets/clip/bpe_merges.txt.gz`, MIT, about 200 kB: no torch, no download). The
`regex` module it needs for Unicode letter classes comes with `wordfreq`, a base dependency.
tests/test_characters.py checks the counts against transformers' CLIPTokenizer built from the
same merges.
"""

from __future__ import annotations

import gzip
import html
from functools import lru_cache
from pathlib import Path

import regex

MERGES_FILE = Path(__file__).resolve().parents[2] / "assets" / "clip" / "bpe_merges.txt.gz"
CONTEXT = 77  # what the text encoders read, start and end tokens included
PROMPT_TOKENS = CONTEXT - 2  # what is left for the prompt itself

_WORD = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""", regex.IGNORECASE)


@lru_cache(maxsize=1)
def _byte_chars() -> dict[int, str]:
    """CLIP's map of the 256 byte values to printable characters (GPT-2's byte-level BPE)."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    chars = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    return dict(zip(printable, (chr(c) for c in chars), strict=True))


@lru_cache(maxsize=1)
def _ranks() -> dict[tuple[str, str], int]:
    lines = gzip.decompress(MERGES_FILE.read_bytes()).decode("utf-8").split("\n")[1:]
    pairs = (tuple(line.split()) for line in lines if line.strip())
    return {pair: rank for rank, pair in enumerate(pairs)}  # type: ignore[misc]


@lru_cache(maxsize=8192)
def _bpe(word: str) -> tuple[str, ...]:
    """The BPE pieces of one pre-tokenised word (its last piece ends in '</w>')."""
    ranks = _ranks()
    parts = [*word[:-1], word[-1] + "</w>"]
    while len(parts) > 1:
        pairs = {(a, b) for a, b in zip(parts, parts[1:], strict=False)}
        best = min(pairs, key=lambda pair: ranks.get(pair, 1 << 30))
        if best not in ranks:
            break
        merged: list[str] = []
        i = 0
        while i < len(parts):
            if i < len(parts) - 1 and (parts[i], parts[i + 1]) == best:
                merged.append(parts[i] + parts[i + 1])
                i += 2
            else:
                merged.append(parts[i])
                i += 1
        parts = merged
    return tuple(parts)


def tokens(text: str) -> list[str]:
    """The CLIP tokens of `text` (without the start and end tokens), as BPE pieces."""
    cleaned = " ".join(html.unescape(html.unescape(text)).split()).lower()
    chars = _byte_chars()
    out: list[str] = []
    for word in _WORD.findall(cleaned):
        out.extend(_bpe("".join(chars[b] for b in word.encode("utf-8"))))
    return out


def count(text: str) -> int:
    """How many of the 75 prompt tokens `text` takes."""
    return len(tokens(text))


def fits(text: str) -> bool:
    return count(text) <= PROMPT_TOKENS
