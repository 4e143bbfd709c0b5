"""The writer (and translator) on a local GPU: a causal instruction-tuned LM through transformers.

`LocalWriter(model_id)` loads `AutoModelForCausalLM` + `AutoTokenizer` through the process's model
manager, 4-bit NF4 where asked and bitsandbytes imports. Every request is a chat (the tokenizer's
chat template) with `core.prompts.WRITER_SYSTEM` as the system message; the answer streams as text
chunks (generate on a thread, TextIteratorStreamer) and is then read with
`core.providers.storyjson.parse_story`. An answer that is not a usable story gets exactly one
repair attempt (the answer and `repair_prompt(reason)` appended to the conversation); a second
failure raises ProviderError and the person's previous draft stays as it was.

Sampling is seeded per call from `Brief.seed` (torch.manual_seed under the model's lock), so the
same brief and seed give the same story on the same machine.

GGUF: a model id or path ending in `.gguf` ("path/to/model.gguf", or "org/repo/file.gguf" on the
hub) is loaded with `gguf_file=` (needs the `gguf` package; transformers de-quantises it, so the
4-bit setting does not apply to it).

It also implements the Translator protocol (`languages()`, `translate(...)`): a JSON array in, a
JSON array of the same length out, one repair attempt (core.providers.translation).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import ProviderError
from core.language import translation_targets
from core.local import runtime
from core.local.generation import start_generation
from core.local.loaders import estimated_bytes, load_pretrained, weights_plan
from core.local.manager import ModelManager, get_manager
from core.prompts import (
    WRITER_SYSTEM,
    draft_prompt,
    extend_prompt,
    repair_prompt,
    revise_prompt,
)
from core.providers.base import Brief, Language, WriterStream, WrittenStory
from core.providers.storyjson import StoryFormatError, parse_story
from core.providers.translation import translate_with_model

if TYPE_CHECKING:
    from core.settings import Settings


def gguf_location(model: str) -> tuple[str, str] | None:
    """(folder or repo id, gguf file name) when `model` names a GGUF file, else None."""
    if not model.lower().endswith(".gguf"):
        return None
    path = Path(model).expanduser()
    if path.exists():
        return str(path.parent), path.name
    parts = model.split("/")
    if len(parts) >= 3:  # org/repo/file.gguf on the hub
        return "/".join(parts[:2]), "/".join(parts[2:])
    return str(path.parent), path.name


class _LM:
    def __init__(self, model: Any, tokenizer: Any) -> None:
        self.model = model
        self.tokenizer = tokenizer


class LocalWriter:
    engine = "local"
    story_languages = None  # a language model writes stories and copy in any language
    copy_languages = None
    free_text_revisions = True

    def __init__(
        self,
        model: str,
        *,
        load_in_4bit: bool = True,
        max_new_tokens: int | None = None,
        temperature: float = 0.8,
        top_p: float = 0.95,
        manager: ModelManager | None = None,
    ) -> None:
        self.model = model
        self.load_in_4bit = load_in_4bit
        self.max_new_tokens = max_new_tokens  # None: sized by the number of pages
        self.temperature = temperature
        self.top_p = top_p
        self.manager = manager or get_manager()

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> LocalWriter:
        manager = overrides.pop("manager", None) or get_manager()
        manager.set_budget_gb(settings.gpu_memory_budget_gb)
        return cls(settings.model_writer, load_in_4bit=settings.load_in_4bit, manager=manager, **overrides)

    @property
    def key(self) -> str:
        plan = weights_plan(self.load_in_4bit and gguf_location(self.model) is None)
        return f"writer:{self.model}:{plan}"

    # loading --------------------------------------------------------------------------------
    def _source(self) -> tuple[str, dict[str, Any]]:
        """Where from_pretrained reads (a folder, a repo id) and its options (the GGUF file)."""
        location = gguf_location(self.model)
        if location is None:
            return self.model, {}
        source, name = location
        return source, {"gguf_file": name}

    def _load(self) -> _LM:
        with runtime.loading(self.model):
            from transformers import AutoModelForCausalLM, AutoTokenizer

            source, options = self._source()
            tokenizer = AutoTokenizer.from_pretrained(source, **options)
            model = load_pretrained(
                AutoModelForCausalLM, source, load_in_4bit=self.load_in_4bit and not options, **options
            )
            return _LM(model, tokenizer)

    def loaded(self) -> _LM:
        source, options = self._source()
        estimate = estimated_bytes(
            source, load_in_4bit=self.load_in_4bit and not options, gguf_file=options.get("gguf_file")
        )
        return self.manager.load(self.key, self._load, estimated_bytes=estimate)

    # one answer, streamed ---------------------------------------------------------------------
    def _generate(self, messages: list[dict], *, seed: int, max_new_tokens: int, what: str) -> Iterator[str]:
        """Text chunks of the model's answer to a chat. Closing this generator stops the model."""
        lm = self.loaded()
        tokenizer = lm.tokenizer
        inputs = tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        model_device = next(lm.model.parameters()).device
        inputs = {k: v.to(model_device) for k, v in inputs.items()}
        sampling: dict[str, Any] = (
            {"do_sample": True, "temperature": self.temperature, "top_p": self.top_p}
            if self.temperature > 0
            else {"do_sample": False}
        )
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        run = start_generation(
            lm.model,
            tokenizer,
            inputs,
            lock=self.manager.lock(self.key),
            seed=seed,
            what=what,
            max_new_tokens=max_new_tokens,
            pad_token_id=pad,
            **sampling,
        )
        try:
            yield from run.chunks()
        finally:
            run.stop()

    def chat(self, messages: list[dict], *, seed: int = 0, max_new_tokens: int | None = None) -> Iterator[str]:
        """The model's answer to any chat, streamed (the model service's chat route)."""
        budget = min(max_new_tokens or self._budget(1), self.max_new_tokens or 8192)
        return self._generate(messages, seed=seed, max_new_tokens=budget, what="answering")

    def _budget(self, pages: int) -> int:
        return self.max_new_tokens or min(8192, 300 + 220 * max(1, pages))

    def _story(self, prompt: str, *, seed: int, pages: int, expected: int | None) -> WriterStream:
        """Stream an answer, read it as a story, and repair it once if it cannot be read."""
        messages = [{"role": "system", "content": WRITER_SYSTEM}, {"role": "user", "content": prompt}]
        budget = self._budget(pages)
        reason = ""
        for attempt in range(2):
            parts: list[str] = []
            for chunk in self._generate(messages, seed=seed + attempt, max_new_tokens=budget, what="writing"):
                parts.append(chunk)
                yield chunk
            answer = "".join(parts)
            try:
                story = parse_story(answer, expected_pages=expected)
            except StoryFormatError as error:
                reason = str(error)
                messages = [
                    *messages,
                    {"role": "assistant", "content": answer},
                    {"role": "user", "content": repair_prompt(reason)},
                ]
                if attempt == 0:
                    yield "\n\n"
                continue
            return story
        raise ProviderError(
            f"The writer's answer could not be read as a story ({reason}); your previous draft is kept."
        )

    # Writer ---------------------------------------------------------------------------------
    def draft(self, brief: Brief) -> WriterStream:
        return self._story(draft_prompt(brief), seed=brief.seed, pages=brief.pages, expected=brief.pages)

    def revise(self, brief: Brief, story: WrittenStory, instruction: str) -> WriterStream:
        """Any instruction works, presets and free text alike; the page count may change."""
        return self._story(
            revise_prompt(brief, story, instruction), seed=brief.seed, pages=len(story.pages), expected=None
        )

    def extend(self, brief: Brief, story: WrittenStory, extra_pages: int) -> WriterStream:
        total = len(story.pages) + extra_pages
        return self._story(extend_prompt(brief, story, extra_pages), seed=brief.seed, pages=total, expected=total)

    def answer(self, prompt: str) -> str:
        """One short answer to a classroom request (definitions, questions)."""
        messages = [{"role": "user", "content": prompt}]
        return "".join(self._generate(messages, seed=0, max_new_tokens=self.max_new_tokens or 1024, what="answering"))

    # Translator -----------------------------------------------------------------------------
    def languages(self) -> list[Language]:
        return [Language(lang.code, lang.name, lang.formality) for lang in translation_targets()]

    def translate(
        self,
        texts: Sequence[str],
        target: str,
        *,
        source: str | None = None,
        formality: str | None = None,
        glossary: dict[str, str] | None = None,
    ) -> list[str]:
        def ask(messages: list[dict]) -> str:  # seed 0 for the answer, 1 for the repair
            sent = sum(len(m["content"]) for m in messages[1:2])
            budget = self.max_new_tokens or min(8192, 200 + 3 * sent // 2)
            seed = (len(messages) - 2) // 2
            return "".join(self._generate(messages, seed=seed, max_new_tokens=budget, what="translating"))

        return translate_with_model(
            texts, target, ask, who=f"The model '{self.model}'", source=source, formality=formality, glossary=glossary
        )
