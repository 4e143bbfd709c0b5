"""Tiny random-weight models, built from configs and saved with save_pretrained, for tests.

Nothing here downloads anything: tokenizers are trained (or written) on the spot, weights are
random. The models are real architectures, just very small, so the project's own loaders and the
real transformers/diffusers pipeline code run on them in seconds on a CPU:

- `tiny_llava(folder)`: a 2-layer LLaVA (CLIP vision tower + Llama text model) with a byte-level
  BPE tokenizer, a CLIP image processor (32 px) and a chat template, loadable by AutoProcessor;
- `tiny_writer(folder)`: a 2-layer Llama-style causal LM with the same tokenizer and a chat
  template that knows system/user/assistant;
- `trained_writer(folder)`: the same architecture trained on the spot (a few seconds on one CPU
  core) to answer any writer prompt of the studio with one fixed, valid story (`STORY_ANSWER`),
  so the whole flow can reach the PDF with a local writer;
- `tiny_sdxl(folder)`: an SDXL base pipeline (two-block UNet, CLIP-L-like and bigG-like text
  encoders, VAE, Euler scheduler) and a refiner with a UNet of its own, sharing text_encoder_2
  and the VAE's weights;
- `tiny_upscaler(folder)`: a Stable Diffusion x4 upscale pipeline (VAE with scale factor 4).

Linear layers fed by 64 or more features are kept at multiples of 64 so bitsandbytes can
quantise them to 4 bit on the CPU. `build_all(folder)` builds every one and returns their paths
by capability; `settings_overrides(paths)` gives the Settings fields that select them.
"""

from __future__ import annotations

from pathlib import Path

CORPUS = [
    "Once upon a time a small red fox lived at the edge of a quiet green forest.",
    "The cat sat on the warm mat in the golden light of the afternoon.",
    '{"title": "The Brave Little Fox", "pages": [{"text": "Once upon a time.", "scene": "a fox"}]}',
    "Describe this photo for a storyteller in three or four sentences: who or what is the subject.",
    "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,!?:;'\"{}[]()<>-_/",
]
SPECIALS = ["<unk>", "<s>", "</s>", "<pad>", "<image>"]

LLAVA_TEMPLATE = (
    "{% for m in messages %}<s>{{ m['role'] }}: "
    "{% if m['content'] is string %}{{ m['content'] }}"
    "{% else %}{% for c in m['content'] %}{% if c['type'] == 'image' %}<image>\n"
    "{% else %}{{ c['text'] }}{% endif %}{% endfor %}{% endif %}</s>\n{% endfor %}"
    "{% if add_generation_prompt %}assistant:{% endif %}"
)
WRITER_TEMPLATE = (
    "{% for m in messages %}<s>{{ m['role'] }}: {{ m['content'] }}</s>\n{% endfor %}"
    "{% if add_generation_prompt %}<s>assistant: {% endif %}"
)


def tiny_tokenizer(chat_template: str):
    """A byte-level BPE tokenizer (about 300 tokens) trained on a few sentences, as a fast tokenizer."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=320, special_tokens=SPECIALS, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tok.train_from_iterator(CORPUS * 4, trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>", pad_token="<pad>"
    )
    fast.chat_template = chat_template
    return fast


def _llama_config(vocab_size: int):
    from transformers import LlamaConfig

    return LlamaConfig(
        vocab_size=vocab_size,
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=1024,
        bos_token_id=1,
        eos_token_id=2,
        pad_token_id=3,
        tie_word_embeddings=False,
    )


def tiny_llava(folder: Path | str) -> Path:
    """A 2-layer LLaVA with its processor in `folder`; returns the folder."""
    import torch
    from transformers import (
        CLIPImageProcessor,
        CLIPVisionConfig,
        LlavaConfig,
        LlavaForConditionalGeneration,
        LlavaProcessor,
    )

    folder = Path(folder)
    tokenizer = tiny_tokenizer(LLAVA_TEMPLATE)
    vision = CLIPVisionConfig(
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=2,
        image_size=32,
        patch_size=8,
        projection_dim=64,
    )
    config = LlavaConfig(
        vision_config=vision,
        text_config=_llama_config(len(tokenizer)),
        image_token_index=tokenizer.convert_tokens_to_ids("<image>"),
        vision_feature_layer=-2,
        vision_feature_select_strategy="default",
        projector_hidden_act="gelu",
    )
    torch.manual_seed(0)
    model = LlavaForConditionalGeneration(config)
    model.generation_config.pad_token_id = 3
    image_processor = CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})
    processor = LlavaProcessor(
        image_processor=image_processor,
        tokenizer=tokenizer,
        patch_size=8,
        vision_feature_select_strategy="default",
        num_additional_image_tokens=1,  # the CLS token, dropped by the "default" strategy
        chat_template=LLAVA_TEMPLATE,
    )
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder


def tiny_writer(folder: Path | str) -> Path:
    """A 2-layer Llama-style causal LM with a chat template in `folder`; returns the folder."""
    import torch
    from transformers import LlamaForCausalLM

    folder = Path(folder)
    tokenizer = tiny_tokenizer(WRITER_TEMPLATE)
    torch.manual_seed(1)
    model = LlamaForCausalLM(_llama_config(len(tokenizer)))
    model.generation_config.pad_token_id = 3
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


# --- a writer that writes a story ---------------------------------------------------------

# Picture size for the tiny SDXL and upscaler: every page aspect draws SIZE x SIZE pixels.
SIZE = 32
TINY_SIZES = {"portrait": (SIZE, SIZE), "square": (SIZE, SIZE), "landscape": (SIZE, SIZE)}

STORY_ANSWER = (
    '{"title": "The Little Cat", "pages": [{"text": "A little cat found a red ball and played in '
    'the sun all day.", "scene": "a little cat playing with a red ball in a sunny garden"}]}'
)
WRITER_CAPTIONS = [
    "a cat sitting on a warm mat",
    "a red fox in a green forest",
    "two children on a beach at sunset",
    "an old man with a hat reading a book",
    "xq zzv blorp 12 kk ,; \u2587",
    "A grey cat with green eyes looks up. The cat is called Chelsea.",
    "a dog",
    "a castle on a hill under a stormy sky, a dragon flies over it",
]
HELD_OUT_CAPTIONS = ["A tabby cat called Tom naps by the window.", "Ein Hund im Park, ganz allein."]


def writer_chats(captions: list[str] | None = None) -> list[list[dict]]:
    """Chats the studio's writer sends (draft, revise with a preset or free text, extend), as
    `core.providers.local_writer.LocalWriter` builds them, over varied captions and briefs."""
    import json

    from core.prompts import REVISIONS, WRITER_SYSTEM, draft_prompt, extend_prompt, revise_prompt
    from core.providers.base import Brief, WrittenPage, WrittenStory

    answer = json.loads(STORY_ANSWER)
    ours = WrittenStory(answer["title"], tuple(WrittenPage(p["text"], p["scene"]) for p in answer["pages"]))
    other = WrittenStory("The Fox", (WrittenPage("A fox walked.", "a fox"), WrittenPage("It slept.", "a den")))
    audiences = ["young children", "older children", "adults"]
    genres = ["adventure", "mystery", "funny", "friendship"]
    tones = ["warm", "calm", "spooky", "funny", "exciting"]
    prompts = []
    for i, caption in enumerate(WRITER_CAPTIONS if captions is None else captions):
        brief = Brief(
            caption=caption, pages=1 + i % 3, audience=audiences[i % 3], genre=genres[i % 4], tone=tones[i % 5], seed=i
        )
        prompts.append(draft_prompt(brief))
        if i % 4 == 1:
            prompts.append(revise_prompt(brief, ours, list(REVISIONS.values())[i % len(REVISIONS)]))
        elif i % 4 == 2:
            prompts.append(revise_prompt(brief, other, "Give the cat a name and a hat"))
        elif i % 4 == 3:
            prompts.append(extend_prompt(brief, ours, 1))
    return [[{"role": "system", "content": WRITER_SYSTEM}, {"role": "user", "content": p}] for p in prompts]


def writer_tokenizer(chats: list[list[dict]], answer: str = STORY_ANSWER):
    """A byte-level BPE trained on the chats and the answer, without splitting at word boundaries.

    Tokens may span spaces (up to 20 characters), so the studio's long fixed instructions become a
    few dozen tokens and the answer about a dozen: short sequences train fast. Byte-level, so any
    text (a caption with odd characters included) encodes, and decoding gives back exactly the text.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=1024,
        special_tokens=SPECIALS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        max_token_length=20,
        show_progress=False,
    )
    texts = [f"{m['role']}: {m['content']}" for chat in chats for m in chat]
    tok.train_from_iterator(texts + [answer] * 2 + CORPUS, trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>", pad_token="<pad>"
    )
    fast.chat_template = WRITER_TEMPLATE
    return fast


def trained_writer(folder: Path | str, *, answer: str = STORY_ANSWER, max_steps: int = 300) -> Path:
    """A 2-layer Llama-style writer trained on the spot to answer every writer chat with `answer`.

    It overfits the chats of `writer_chats()` followed by `answer` and the end-of-sequence token,
    with the loss on the answer only, until every answer token of two held-out chats (captions it
    never saw) has a probability above 0.99 and greedy decoding gives back exactly `answer`: then
    sampling at the writer's temperature (0.8, top-p 0.95) writes it too, and so does the 4-bit
    NF4 copy bitsandbytes makes on the CPU. About 40 steps, two seconds on one core. Saved with
    save_pretrained, loadable by `LocalWriter` like any checkpoint. RuntimeError if it does not
    learn within `max_steps`.
    """
    import torch
    from transformers import LlamaForCausalLM

    folder = Path(folder)
    chats = writer_chats()
    held_out = writer_chats(HELD_OUT_CAPTIONS)[:2]
    tokenizer = writer_tokenizer(chats, answer)
    target = tokenizer(answer, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
    if tokenizer.decode(target, skip_special_tokens=True) != answer:
        raise RuntimeError("the tiny writer's tokenizer does not give the answer back")

    def batch(conversations):
        prompts = [
            tokenizer.apply_chat_template(c, add_generation_prompt=True, return_dict=True)["input_ids"]
            for c in conversations
        ]
        length = max(len(p) for p in prompts) + len(target)
        ids = torch.full((len(prompts), length), tokenizer.pad_token_id)
        labels = torch.full((len(prompts), length), -100)
        mask = torch.zeros((len(prompts), length), dtype=torch.long)
        for row, prompt in enumerate(prompts):
            full = prompt + target
            ids[row, : len(full)] = torch.tensor(full)
            mask[row, : len(full)] = 1
            labels[row, len(prompt) : len(full)] = torch.tensor(target)
        return ids, mask, labels, prompts

    ids, mask, labels, _ = batch(chats)
    check_ids, check_mask, check_labels, check_prompts = batch(held_out)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a model this small trains ~10x faster on one thread of a busy CPU
    try:
        torch.manual_seed(1)
        model = LlamaForCausalLM(_llama_config(len(tokenizer)))
        model.generation_config.pad_token_id = tokenizer.pad_token_id
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.0)
        for _ in range(max_steps):
            model.train()
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if loss.item() > 0.01:
                continue
            model.eval()
            with torch.no_grad():
                logits = model(input_ids=check_ids, attention_mask=check_mask).logits[:, :-1]
                wanted = check_labels[:, 1:]
                chosen = wanted != -100
                probs = logits.softmax(-1).gather(-1, wanted.clamp(min=0)[..., None])[..., 0][chosen]
            if probs.min().item() < 0.99:
                continue
            with torch.no_grad():
                prompt = torch.tensor([check_prompts[0]])
                out = model.generate(
                    prompt, attention_mask=torch.ones_like(prompt), do_sample=False, max_new_tokens=len(target) + 4
                )
            if tokenizer.decode(out[0, prompt.shape[1] :], skip_special_tokens=True) == answer:
                break
        else:
            raise RuntimeError(f"the tiny writer did not learn its answer in {max_steps} steps")
    finally:
        torch.set_num_threads(threads)
    model.eval()
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def tiny_clip_tokenizer(max_length: int = 16):
    """A CLIPTokenizer with a byte-level vocabulary and no merges (every word spelled out)."""
    from tokenizers import pre_tokenizers
    from transformers import CLIPTokenizer

    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    for char in alphabet:
        vocab.setdefault(char, len(vocab))
        vocab.setdefault(char + "</w>", len(vocab))
    return CLIPTokenizer(vocab=vocab, merges=[], model_max_length=max_length)


def _clip_text_config(vocab_size: int, hidden: int, max_length: int):
    from transformers import CLIPTextConfig

    return CLIPTextConfig(
        bos_token_id=0,
        eos_token_id=1,
        pad_token_id=1,
        hidden_size=hidden,
        intermediate_size=2 * hidden,
        num_attention_heads=2,
        num_hidden_layers=2,
        vocab_size=vocab_size,
        hidden_act="gelu",
        projection_dim=hidden,
        max_position_embeddings=max_length,
    )


def _scheduler():
    from diffusers import EulerDiscreteScheduler

    return EulerDiscreteScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        steps_offset=1,
        timestep_spacing="leading",
    )


def _sdxl_unet(cross_attention_dim: int, time_ids: int, pooled: int, seed: int):
    import torch
    from diffusers import UNet2DConditionModel

    torch.manual_seed(seed)
    return UNet2DConditionModel(
        block_out_channels=(8, 16),
        layers_per_block=1,
        sample_size=16,
        in_channels=4,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        attention_head_dim=(2, 4),
        use_linear_projection=True,
        addition_embed_type="text_time",
        addition_time_embed_dim=8,
        transformer_layers_per_block=(1, 1),
        projection_class_embeddings_input_dim=time_ids * 8 + pooled,
        cross_attention_dim=cross_attention_dim,
        norm_num_groups=4,
    )


def tiny_sdxl(folder: Path | str) -> tuple[Path, Path]:
    """A two-block SDXL base and refiner under `folder`; returns (base folder, refiner folder)."""
    import torch
    from diffusers import AutoencoderKL, StableDiffusionXLImg2ImgPipeline, StableDiffusionXLPipeline
    from transformers import CLIPTextModel, CLIPTextModelWithProjection

    folder = Path(folder)
    max_length = 32
    tokenizer = tiny_clip_tokenizer(max_length)
    vocab = len(tokenizer)
    torch.manual_seed(2)
    text_encoder = CLIPTextModel(_clip_text_config(vocab, 16, max_length))  # the CLIP-L stand-in
    text_encoder_2 = CLIPTextModelWithProjection(_clip_text_config(vocab, 32, max_length))  # bigG's
    vae = AutoencoderKL(
        block_out_channels=(8, 16),
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * 2,
        up_block_types=("UpDecoderBlock2D",) * 2,
        latent_channels=4,
        norm_num_groups=4,
        sample_size=32,
        layers_per_block=1,
    )
    base = StableDiffusionXLPipeline(
        vae=vae,
        text_encoder=text_encoder,
        text_encoder_2=text_encoder_2,
        tokenizer=tokenizer,
        tokenizer_2=tokenizer,
        unet=_sdxl_unet(16 + 32, time_ids=6, pooled=32, seed=3),
        scheduler=_scheduler(),
    )
    refiner = StableDiffusionXLImg2ImgPipeline(
        vae=vae,
        text_encoder=None,
        text_encoder_2=text_encoder_2,
        tokenizer=None,
        tokenizer_2=tokenizer,
        unet=_sdxl_unet(32, time_ids=5, pooled=32, seed=4),  # aesthetic score instead of target size
        scheduler=_scheduler(),
        requires_aesthetics_score=True,
        force_zeros_for_empty_prompt=False,
    )
    base.save_pretrained(folder / "base")
    refiner.save_pretrained(folder / "refiner")
    return folder / "base", folder / "refiner"


def tiny_upscaler(folder: Path | str) -> Path:
    """A Stable Diffusion x4 upscaler pipeline (tiny) in `folder`; returns the folder."""
    import torch
    from diffusers import (
        AutoencoderKL,
        DDIMScheduler,
        DDPMScheduler,
        StableDiffusionUpscalePipeline,
        UNet2DConditionModel,
    )
    from transformers import CLIPTextModel

    folder = Path(folder)
    max_length = 32
    tokenizer = tiny_clip_tokenizer(max_length)
    torch.manual_seed(5)
    text_encoder = CLIPTextModel(_clip_text_config(len(tokenizer), 16, max_length))
    vae = AutoencoderKL(
        block_out_channels=(8, 8, 8),
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * 3,
        up_block_types=("UpDecoderBlock2D",) * 3,
        latent_channels=4,
        norm_num_groups=4,
        sample_size=32,
        layers_per_block=1,
        scaling_factor=0.08333,
    )
    unet = UNet2DConditionModel(
        block_out_channels=(8, 16),
        layers_per_block=1,
        sample_size=16,
        in_channels=7,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        attention_head_dim=4,
        cross_attention_dim=16,
        num_class_embeds=1000,
        norm_num_groups=4,
    )
    pipe = StableDiffusionUpscalePipeline(
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        unet=unet,
        low_res_scheduler=DDPMScheduler(),
        scheduler=DDIMScheduler(prediction_type="v_prediction", timestep_spacing="trailing"),
        max_noise_level=350,
    )
    pipe.save_pretrained(folder)
    return folder


def build_all(folder: Path | str) -> dict[str, Path]:
    """Every tiny model under `folder`, by capability (vision, writer, illustrator, refiner, upscaler)."""
    folder = Path(folder)
    base, refiner = tiny_sdxl(folder / "sdxl")
    return {
        "vision": tiny_llava(folder / "llava"),
        "writer": tiny_writer(folder / "writer"),
        "illustrator": base,
        "refiner": refiner,
        "upscaler": tiny_upscaler(folder / "upscaler"),
    }


def settings_overrides(paths: dict[str, Path], *, illustrator_steps: int = 4) -> dict:
    """Settings fields that select the tiny local models everywhere (for load_settings overrides)."""
    return {
        "vision": "local",
        "writer": "local",
        "illustrator": "local",
        "upscaler": "local",
        "translator": "writer",
        "model_vision": str(paths["vision"]),
        "model_writer": str(paths["writer"]),
        "model_illustrator": str(paths["illustrator"]),
        "model_refiner": str(paths["refiner"]),
        "model_upscaler": str(paths["upscaler"]),
        "illustrator_steps": illustrator_steps,
    }
