"""GPU benchmark of the local models at full size, with random weights (nothing is downloaded).

    .venv/bin/python bench/gpu.py [--steps 40] [--batch 4] [--tokens 200] [--skip-llava] [--skip-sdxl]

Run it where a CUDA GPU is lent; without one it says so and exits with status 1. It builds the
published architectures from their configs (written below as plain dicts), with random weights:

- SDXL base 1.0: UNet (2.6 B parameters), CLIP ViT-L text encoder, OpenCLIP ViT-bigG text encoder,
  the SDXL VAE, Euler scheduler; SDXL refiner 1.0: its own UNet (2.3 B), sharing text_encoder_2
  and the VAE with the base;
- LLaVA-1.5-7B: CLIP ViT-L/14-336 vision tower + Llama-2-7B text model.

Each is saved with save_pretrained to a temporary folder and loaded back through the studio's own
loaders (core.providers.local_*), so the load times and the 4-bit path are the real ones. Then it
prints: SDXL base+refiner seconds per 1024x1024 image at 40 steps, one at a time and batched;
LLaVA 4-bit caption tokens per second; load times; the GPU memory of the whole set resident at
once and the peak while it works. It measures and prints; it does not pass or fail.

Tokenizers: random-weight models need no real vocabulary, so the tokenizers are built on the spot.
SDXL's is a CLIPTokenizer whose vocabulary is the 256 byte-level characters (every word is
spelled out; the text encoders keep their real 49 408-entry embedding tables). LLaVA's is a
word-level tokenizer with the real vocabulary size (32 064, `<image>` at 32 000) whose entries
are placeholders: the text maps to arbitrary ids, which changes nothing in the timing. Random
weights never choose to stop, so captions run to exactly `--tokens` new tokens.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# --- published configs ---------------------------------------------------------------------

SDXL_BASE_UNET = dict(
    sample_size=128,
    in_channels=4,
    out_channels=4,
    layers_per_block=2,
    block_out_channels=[320, 640, 1280],
    down_block_types=["DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"],
    up_block_types=["CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"],
    attention_head_dim=[5, 10, 20],
    transformer_layers_per_block=[1, 2, 10],
    cross_attention_dim=2048,
    use_linear_projection=True,
    addition_embed_type="text_time",
    addition_time_embed_dim=256,
    projection_class_embeddings_input_dim=2816,
    norm_num_groups=32,
    act_fn="silu",
    flip_sin_to_cos=True,
    freq_shift=0,
)
SDXL_REFINER_UNET = dict(
    sample_size=128,
    in_channels=4,
    out_channels=4,
    layers_per_block=2,
    block_out_channels=[384, 768, 1536, 1536],
    down_block_types=["DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
    up_block_types=["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"],
    attention_head_dim=[6, 12, 24, 24],
    transformer_layers_per_block=4,
    cross_attention_dim=1280,
    use_linear_projection=True,
    addition_embed_type="text_time",
    addition_time_embed_dim=256,
    projection_class_embeddings_input_dim=2560,
    norm_num_groups=32,
    act_fn="silu",
    flip_sin_to_cos=True,
    freq_shift=0,
)
CLIP_L_TEXT = dict(  # openai/clip-vit-large-patch14 text tower
    vocab_size=49408,
    hidden_size=768,
    intermediate_size=3072,
    num_hidden_layers=12,
    num_attention_heads=12,
    max_position_embeddings=77,
    hidden_act="quick_gelu",
    projection_dim=768,
    bos_token_id=0,
    eos_token_id=1,
    pad_token_id=1,
)
OPENCLIP_BIGG_TEXT = dict(  # laion/CLIP-ViT-bigG-14 text tower, with projection
    vocab_size=49408,
    hidden_size=1280,
    intermediate_size=5120,
    num_hidden_layers=32,
    num_attention_heads=20,
    max_position_embeddings=77,
    hidden_act="gelu",
    projection_dim=1280,
    bos_token_id=0,
    eos_token_id=1,
    pad_token_id=1,
)
SDXL_VAE = dict(
    in_channels=3,
    out_channels=3,
    latent_channels=4,
    layers_per_block=2,
    sample_size=1024,
    block_out_channels=[128, 256, 512, 512],
    down_block_types=["DownEncoderBlock2D"] * 4,
    up_block_types=["UpDecoderBlock2D"] * 4,
    act_fn="silu",
    norm_num_groups=32,
    scaling_factor=0.13025,
    force_upcast=True,
)
EULER = dict(
    num_train_timesteps=1000,
    beta_start=0.00085,
    beta_end=0.012,
    beta_schedule="scaled_linear",
    steps_offset=1,
    timestep_spacing="leading",
    prediction_type="epsilon",
    interpolation_type="linear",
)
LLAVA_VISION = dict(  # openai/clip-vit-large-patch14-336
    hidden_size=1024,
    intermediate_size=4096,
    num_hidden_layers=24,
    num_attention_heads=16,
    image_size=336,
    patch_size=14,
    projection_dim=768,
    hidden_act="quick_gelu",
)
LLAVA_TEXT = dict(  # Llama-2-7B as in llava-hf/llava-1.5-7b-hf
    vocab_size=32064,
    hidden_size=4096,
    intermediate_size=11008,
    num_hidden_layers=32,
    num_attention_heads=32,
    num_key_value_heads=32,
    max_position_embeddings=4096,
    rms_norm_eps=1e-5,
    bos_token_id=1,
    eos_token_id=2,
    pad_token_id=32001,
)
LLAVA = dict(
    image_token_index=32000,
    vision_feature_layer=-2,
    vision_feature_select_strategy="default",
    projector_hidden_act="gelu",
)
LLAVA_TEMPLATE = (
    "{% for m in messages %}{{ m['role'].upper() }}: "
    "{% for c in m['content'] %}{% if c['type'] == 'image' %}<image>\n{% else %}{{ c['text'] }}"
    "{% endif %}{% endfor %} {% endfor %}{% if add_generation_prompt %}ASSISTANT:{% endif %}"
)

GB = 1e9


def clip_tokenizer():
    from tokenizers import pre_tokenizers
    from transformers import CLIPTokenizer

    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    for char in sorted(pre_tokenizers.ByteLevel.alphabet()):
        vocab.setdefault(char, len(vocab))
        vocab.setdefault(char + "</w>", len(vocab))
    return CLIPTokenizer(vocab=vocab, merges=[], model_max_length=77)


def llava_tokenizer():
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    vocab.update({f"w{i}": i for i in range(3, 32000)})
    vocab.update({"<image>": 32000, "<pad>": 32001})
    vocab.update({f"x{i}": i for i in range(32002, 32064)})
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>", pad_token="<pad>"
    )
    fast.add_special_tokens({"additional_special_tokens": ["<image>"]})
    return fast


def gpu_memory() -> str:
    import torch

    return (
        f"{torch.cuda.memory_allocated() / GB:.2f} GB allocated, {torch.cuda.max_memory_allocated() / GB:.2f} GB peak"
    )


def timed(label: str, fn):
    import torch

    torch.cuda.synchronize()
    start = time.perf_counter()
    value = fn()
    torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    print(f"  {label}: {seconds:.2f} s", flush=True)
    return value, seconds


# --- SDXL ------------------------------------------------------------------------------------


def build_sdxl(folder: Path) -> tuple[Path, Path]:
    import torch
    from diffusers import (
        AutoencoderKL,
        EulerDiscreteScheduler,
        StableDiffusionXLImg2ImgPipeline,
        StableDiffusionXLPipeline,
        UNet2DConditionModel,
    )
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    torch.manual_seed(0)
    with torch.device("cuda"):  # random init on the GPU: minutes faster than on the CPU
        unet = UNet2DConditionModel(**SDXL_BASE_UNET).half()
        refiner_unet = UNet2DConditionModel(**SDXL_REFINER_UNET).half()
        text_encoder = CLIPTextModel(CLIPTextConfig(**CLIP_L_TEXT)).half()
        text_encoder_2 = CLIPTextModelWithProjection(CLIPTextConfig(**OPENCLIP_BIGG_TEXT)).half()
        vae = AutoencoderKL(**SDXL_VAE).half()
    tokenizer = clip_tokenizer()
    params = lambda m: sum(p.numel() for p in m.parameters()) / 1e9  # noqa: E731
    print(
        f"  base UNet {params(unet):.2f} B, refiner UNet {params(refiner_unet):.2f} B, "
        f"CLIP-L {params(text_encoder):.2f} B, bigG {params(text_encoder_2):.2f} B, VAE {params(vae):.3f} B"
    )
    base = StableDiffusionXLPipeline(
        vae=vae,
        text_encoder=text_encoder,
        text_encoder_2=text_encoder_2,
        tokenizer=tokenizer,
        tokenizer_2=tokenizer,
        unet=unet,
        scheduler=EulerDiscreteScheduler(**EULER),
    )
    refiner = StableDiffusionXLImg2ImgPipeline(
        vae=vae,
        text_encoder=None,
        text_encoder_2=text_encoder_2,
        tokenizer=None,
        tokenizer_2=tokenizer,
        unet=refiner_unet,
        scheduler=EulerDiscreteScheduler(**EULER),
        requires_aesthetics_score=True,
        force_zeros_for_empty_prompt=False,
    )
    base.save_pretrained(folder / "sdxl-base")
    refiner.save_pretrained(folder / "sdxl-refiner")
    del base, refiner, unet, refiner_unet, text_encoder, text_encoder_2, vae
    torch.cuda.empty_cache()
    return folder / "sdxl-base", folder / "sdxl-refiner"


def bench_sdxl(manager, folder: Path, steps: int, batch: int) -> dict:
    from core.providers.base import ImageJob
    from core.providers.local_illustrator import LocalIllustrator

    print("SDXL base + refiner (fp16, random weights)", flush=True)
    base_dir, refiner_dir = folder / "sdxl-base", folder / "sdxl-refiner"
    ill = LocalIllustrator(str(base_dir), str(refiner_dir), steps=steps, batch_size=batch, manager=manager)
    _, load_s = timed("load through LocalIllustrator", ill.loaded)
    print(f"  resident: {gpu_memory()}")

    def job(seed: int) -> ImageJob:
        return ImageJob(
            prompt="a red fox reading a book under a tree, watercolour",
            seed=seed,
            width=1024,
            height=1024,
            negative_prompt="blurry, text",
        )

    ill.steps = 4
    timed("warm-up (4 steps)", lambda: list(ill.generate([job(0)])))
    ill.steps = steps
    ill.batch_size = 1
    _, one = timed(f"1 image, {steps} steps", lambda: list(ill.generate([job(1)])))
    ill.batch_size = batch
    _, many = timed(
        f"{batch} images batched, {steps} steps", lambda: list(ill.generate([job(s) for s in range(batch)]))
    )
    return {"sdxl_load_s": load_s, "sdxl_s_per_image": one, "sdxl_s_per_image_batched": many / batch}


# --- LLaVA -----------------------------------------------------------------------------------


def build_llava(folder: Path) -> Path:
    import torch
    from transformers import (
        CLIPImageProcessor,
        CLIPVisionConfig,
        LlamaConfig,
        LlavaConfig,
        LlavaForConditionalGeneration,
        LlavaProcessor,
    )

    config = LlavaConfig(vision_config=CLIPVisionConfig(**LLAVA_VISION), text_config=LlamaConfig(**LLAVA_TEXT), **LLAVA)
    torch.manual_seed(0)
    with torch.device("cuda"):
        model = LlavaForConditionalGeneration(config).half()
    print(f"  parameters: {sum(p.numel() for p in model.parameters()) / 1e9:.2f} B")
    processor = LlavaProcessor(
        image_processor=CLIPImageProcessor(size={"shortest_edge": 336}, crop_size={"height": 336, "width": 336}),
        tokenizer=llava_tokenizer(),
        patch_size=14,
        vision_feature_select_strategy="default",
        num_additional_image_tokens=1,
        chat_template=LLAVA_TEMPLATE,
    )
    model.save_pretrained(folder / "llava")
    processor.save_pretrained(folder / "llava")
    del model
    torch.cuda.empty_cache()
    return folder / "llava"


def bench_llava(manager, folder: Path, tokens: int) -> dict:
    import torch
    from PIL import Image

    from core.prompts import CAPTION_PROMPT
    from core.providers.local_vision import LocalVision

    print("LLaVA-1.5-7B (4-bit NF4, random weights)", flush=True)
    path = folder / "llava"
    vision = LocalVision(str(path), load_in_4bit=True, max_new_tokens=tokens, manager=manager)
    bundle, load_s = timed("load through LocalVision (4-bit)", vision.loaded)
    print(f"  resident: {gpu_memory()}")
    photo = Image.new("RGB", (640, 480), (180, 120, 60))
    conversation = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": CAPTION_PROMPT}]}]
    prompt = bundle.processor.apply_chat_template(conversation, add_generation_prompt=True)
    inputs = bundle.processor(images=photo, text=prompt, return_tensors="pt").to("cuda")
    inputs["pixel_values"] = inputs["pixel_values"].half()

    def caption(n):
        with torch.inference_mode():
            return bundle.model.generate(**inputs, max_new_tokens=n, min_new_tokens=n, do_sample=False)

    timed("warm-up (8 tokens)", lambda: caption(8))
    out, seconds = timed(f"caption, {tokens} new tokens", lambda: caption(tokens))
    made = out.shape[1] - inputs["input_ids"].shape[1]
    _, stream_s = timed("same through LocalVision.describe (streamed)", lambda: list(vision.describe(photo)))
    return {"llava_load_s": load_s, "llava_tokens_per_s": made / seconds, "llava_stream_s": stream_s}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--tokens", type=int, default=200)
    parser.add_argument("--skip-llava", action="store_true")
    parser.add_argument("--skip-sdxl", action="store_true")
    parser.add_argument("--workdir", default=None, help="where the random-weight models are saved")
    args = parser.parse_args()

    try:
        import torch
    except ImportError:
        print("bench/gpu.py needs torch (see the README's local-model install).", file=sys.stderr)
        return 1
    if not torch.cuda.is_available():
        print(
            "bench/gpu.py needs a CUDA GPU and none is present here; run it where a GPU is lent. Nothing was measured.",
            file=sys.stderr,
        )
        return 1

    from core.local.manager import ModelManager

    name = torch.cuda.get_device_name(0)
    total = torch.cuda.get_device_properties(0).total_memory / GB
    print(f"GPU: {name}, {total:.0f} GB; torch {torch.__version__}", flush=True)
    manager = ModelManager()
    results: dict = {}
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        folder = Path(tmp)
        print("Building the architectures with random weights and saving them (fp16)", flush=True)
        if not args.skip_sdxl:
            timed("SDXL base + refiner", lambda: build_sdxl(folder))
        if not args.skip_llava:
            timed("LLaVA-1.5-7B", lambda: build_llava(folder))
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()  # from here on: only what the studio itself holds
        if not args.skip_sdxl:
            results.update(bench_sdxl(manager, folder, args.steps, args.batch))
        if not args.skip_llava:
            results.update(bench_llava(manager, folder, args.tokens))
        resident = torch.cuda.memory_allocated() / GB
        peak = torch.cuda.max_memory_allocated() / GB

    print("\nResults on", name)
    for key, value in results.items():
        print(f"  {key}: {value:.2f}")
    print(f"  resident at once ({', '.join(r['key'].split(':')[0] for r in manager.report())}): {resident:.2f} GB")
    print(f"  peak GPU memory while working: {peak:.2f} GB (goal: under 24 GB)")
    if "sdxl_s_per_image_batched" in results:
        print(
            f"  SDXL goal (H100): under 2.5 s per image -> "
            f"{min(results['sdxl_s_per_image'], results['sdxl_s_per_image_batched']):.2f} s"
        )
    for row in manager.report():
        print(f"  {row['key']}: {row['gb']:.2f} GB on {row['device']}, loaded in {row['load_seconds']:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
