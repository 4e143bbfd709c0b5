"""Vision on a local GPU: LLaVA through transformers, 4-bit NF4, streamed.

`LocalVision(model_id)` loads `LlavaForConditionalGeneration` and its `AutoProcessor` through the
process's model manager (once, shared by every session), 4-bit NF4 through bitsandbytes where
`load_in_4bit` is set and bitsandbytes imports (fp16 on CUDA / fp32 on the CPU otherwise, and the
cache key says so). The
prompt is built with the processor's own chat template from `core.prompts.CAPTION_PROMPT` (or a
follow-up question), tokens stream from a `TextIteratorStreamer` fed by `generate` on a thread,
and closing the generator (the person pressed stop, the page reran) sets the stop flag that ends
generation at the next token. Stop words from the settings are censored from every chunk.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from core.local import runtime
from core.local.censor import Censor
from core.local.generation import start_generation
from core.local.loaders import estimated_bytes, load_pretrained, weights_plan
from core.local.manager import ModelManager, get_manager
from core.prompts import CAPTION_PROMPT, question_prompt

if TYPE_CHECKING:
    from PIL.Image import Image

    from core.settings import Settings


class _Llava:
    """The loaded model and its processor (one entry in the model manager)."""

    def __init__(self, model: Any, processor: Any) -> None:
        self.model = model
        self.processor = processor


class LocalVision:
    engine = "local"

    def __init__(
        self,
        model: str,
        *,
        load_in_4bit: bool = True,
        stop_words: Sequence[str] = (),
        max_new_tokens: int = 220,
        temperature: float = 0.2,
        manager: ModelManager | None = None,
    ) -> None:
        self.model = model
        self.load_in_4bit = load_in_4bit
        self.stop_words = list(stop_words)
        self.max_new_tokens = max_new_tokens
        self.temperature = temperature
        self.manager = manager or get_manager()

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> LocalVision:
        manager = overrides.pop("manager", None) or get_manager()
        manager.set_budget_gb(settings.gpu_memory_budget_gb)
        return cls(
            settings.model_vision,
            load_in_4bit=settings.load_in_4bit,
            stop_words=settings.stop_words,
            manager=manager,
            **overrides,
        )

    @property
    def key(self) -> str:
        return f"vision:{self.model}:{weights_plan(self.load_in_4bit)}"

    # loading --------------------------------------------------------------------------------
    def _load(self) -> _Llava:
        with runtime.loading(self.model):
            from transformers import AutoProcessor, LlavaForConditionalGeneration

            processor = AutoProcessor.from_pretrained(self.model)
            model = load_pretrained(LlavaForConditionalGeneration, self.model, load_in_4bit=self.load_in_4bit)
            return _Llava(model, processor)

    def loaded(self) -> _Llava:
        estimate = estimated_bytes(self.model, load_in_4bit=self.load_in_4bit)
        return self.manager.load(self.key, self._load, estimated_bytes=estimate)

    # streaming ------------------------------------------------------------------------------
    def _stream(self, image: Image, text: str, what: str) -> Iterator[str]:
        bundle = self.loaded()
        processor, model = bundle.processor, bundle.model
        conversation = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": text}]}]
        prompt = processor.apply_chat_template(conversation, add_generation_prompt=True)
        inputs = processor(images=image.convert("RGB"), text=prompt, return_tensors="pt")
        model_device = next(model.parameters()).device
        inputs = {k: v.to(model_device) for k, v in inputs.items()}
        if "pixel_values" in inputs:
            inputs["pixel_values"] = inputs["pixel_values"].to(runtime.dtype_for(model_device.type))
        sampling: dict[str, Any] = (
            {"do_sample": True, "temperature": self.temperature} if self.temperature > 0 else {"do_sample": False}
        )
        run = start_generation(
            model,
            processor.tokenizer,
            inputs,
            lock=self.manager.lock(self.key),
            seed=0,
            what=what,
            max_new_tokens=self.max_new_tokens,
            **sampling,
        )
        censor = Censor(self.stop_words)
        try:
            yield from censor.stream(run.chunks())
        finally:
            run.stop()  # GeneratorExit (the consumer closed us) or an error: end the thread

    def describe(self, image: Image) -> Iterator[str]:
        """Describe the photo for a storyteller, streamed."""
        return self._stream(image, CAPTION_PROMPT, "describing the photo")

    def ask(self, image: Image, question: str, caption: str = "") -> Iterator[str]:
        """Answer a follow-up question about the photo with the same loaded model, streamed."""
        return self._stream(image, question_prompt(question, caption), "answering a question")

    def answer(self, image: Image, prompt: str) -> Iterator[str]:
        """The model's answer to any prompt about the photo, streamed (the model service's chat route)."""
        return self._stream(image, prompt, "answering about the photo")
