"""The translation loop every translator shares, written once.

A translator gets the texts of a story's pages and must give back one translation per text, in
order. What is the same for every engine lives here:

- `translate_texts(texts, send, batch=..., who=...)`: nothing in, nothing out; blank texts are
  kept as they are and never sent (DeepL refuses them, a language model pads them with words);
  the rest go to `send` in batches, each answer must have one translation per text sent, and the
  results are put back in the pages' order;
- `translate_with_model(texts, target, ask, ...)`: a language model as a translator (the local and
  the remote writer): the same instruction, the source language when it is known, the same repair;
- `ask_json_translations(ask, messages, count)`: for language models, the answer is read as a
  JSON array of `count` strings; an answer that cannot be used gets exactly one repair turn (the
  answer and what was wrong appended to the conversation), a second failure raises
  `UnusableTranslation` for the engine to word as a ProviderError.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from core.errors import ProviderError
from core.prompts import TRANSLATOR_SYSTEM, translate_prompt
from core.providers.storyjson import parse_translations

REPAIR = (
    "Your answer could not be used: {error}. Answer again with a JSON array of exactly {n} "
    "strings only, one translation per input string, in order."
)


class UnusableTranslation(ValueError):
    """A language model answered twice without a usable JSON array; the message says why."""


def translate_texts(
    texts: Sequence[str],
    send: Callable[[list[str]], list[str]],
    *,
    batch: int | None = None,
    who: str = "The translator",
) -> list[str]:
    """One translation per text, in order; blank texts stay as they are (see the module doc)."""
    texts = [str(t) for t in texts]
    order = [i for i, text in enumerate(texts) if text.strip()]
    out = list(texts)
    size = batch or max(1, len(order))
    for start in range(0, len(order), size):
        indices = order[start : start + size]
        sent = [texts[i] for i in indices]
        results = send(sent)
        if len(results) != len(sent):
            raise ProviderError(f"{who} sent {len(results)} translations for {len(sent)} texts; try again.")
        for i, result in zip(indices, results):
            out[i] = result
    return out


def ask_json_translations(ask: Callable[[list[dict]], str], messages: list[dict], count: int) -> list[str]:
    """The JSON array of `count` translations a language model answers to `messages`, one repair."""
    reason = ""
    for attempt in range(2):
        answer = ask(messages)
        try:
            return parse_translations(answer, count)
        except ValueError as error:
            reason = str(error)
            if attempt == 0:
                messages = [
                    *messages,
                    {"role": "assistant", "content": answer},
                    {"role": "user", "content": REPAIR.format(error=reason, n=count)},
                ]
    raise UnusableTranslation(reason)


def translate_with_model(
    texts: Sequence[str],
    target: str,
    ask: Callable[[list[dict]], str],
    *,
    who: str,
    source: str | None = None,
    formality: str | None = None,
    glossary: dict[str, str] | None = None,
) -> list[str]:
    """A language model's translations of `texts` into `target`: `ask(messages)` answers one chat
    (the local model's generation or a remote server's completion); `who` names it in errors."""

    def send(batch: list[str]) -> list[str]:
        prompt = translate_prompt(batch, target, formality, glossary, source)
        messages = [{"role": "system", "content": TRANSLATOR_SYSTEM}, {"role": "user", "content": prompt}]
        try:
            return ask_json_translations(ask, messages, len(batch))
        except UnusableTranslation as error:
            raise ProviderError(
                f"{who} did not answer with a usable translation ({error}), even after one repair; nothing was changed."
            ) from None

    return translate_texts(texts, send, who=who)
