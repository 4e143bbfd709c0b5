"""The local engine's choosing tools on tiny random-weight models: the photo as reference through
an SDXL IP-Adapter, and redrawing a region through the SDXL inpainting pipeline.

The adapter is built here in the layout diffusers' `load_ip_adapter` reads from the hub
(`sdxl_models/ip-adapter_sdxl.safetensors` with "image_proj." and "ip_adapter." keys, and its CLIP
vision encoder in `sdxl_models/image_encoder`) and loaded through our own loader.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")

import tiny_models  # noqa: E402

from core import studio  # noqa: E402
from core.local.manager import ModelManager  # noqa: E402
from core.offline.writer import OfflineWriter  # noqa: E402
from core.providers.base import ImageJob, pictures  # noqa: E402
from core.providers.local_illustrator import LocalIllustrator  # noqa: E402
from core.storage.store import Store  # noqa: E402
from core.studio import choosing  # noqa: E402

pytestmark = pytest.mark.timeout(180)
SIZE = tiny_models.SIZE


@pytest.fixture(scope="module")
def sdxl(tiny, tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        base = tiny["illustrator"]
        yield base, tiny_ip_adapter(tmp_path_factory.mktemp("ip-adapter"), base)


def tiny_ip_adapter(folder, base_folder):
    """A random IP-Adapter for the tiny SDXL base, saved where `load_ip_adapter` looks."""
    from diffusers import UNet2DConditionModel
    from safetensors.torch import save_file
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection

    torch.manual_seed(9)
    unet = UNet2DConditionModel.from_pretrained(base_folder, subfolder="unet")
    image_dim, cross = 32, unet.config.cross_attention_dim
    encoder = CLIPVisionModelWithProjection(
        CLIPVisionConfig(
            hidden_size=32, intermediate_size=64, projection_dim=image_dim, num_hidden_layers=2,
            num_attention_heads=2, image_size=32, patch_size=8,
        )
    )  # fmt: skip
    encoder.save_pretrained(folder / "sdxl_models" / "image_encoder")
    weights = {
        "image_proj.proj.weight": torch.randn(4 * cross, image_dim),
        "image_proj.proj.bias": torch.randn(4 * cross),
        "image_proj.norm.weight": torch.ones(cross),
        "image_proj.norm.bias": torch.zeros(cross),
    }
    key = 1  # diffusers numbers the cross-attention layers 1, 3, 5 ... in attn_processors order
    channels = unet.config.block_out_channels
    for name in unet.attn_processors:
        if name.endswith("attn1.processor"):
            continue
        if name.startswith("mid_block"):
            hidden = channels[-1]
        elif name.startswith("up_blocks"):
            hidden = list(reversed(channels))[int(name[len("up_blocks.")])]
        else:
            hidden = channels[int(name[len("down_blocks.")])]
        weights[f"ip_adapter.{key}.to_k_ip.weight"] = torch.randn(hidden, cross)
        weights[f"ip_adapter.{key}.to_v_ip.weight"] = torch.randn(hidden, cross)
        key += 2
    save_file({k: v.contiguous() for k, v in weights.items()}, folder / "sdxl_models" / "ip-adapter_sdxl.safetensors")
    return folder


def job(seed: int, reference: Image.Image | None) -> ImageJob:
    return ImageJob(prompt="a red fox, watercolour", seed=seed, width=SIZE, height=SIZE, reference=reference)


def test_the_photo_as_reference_changes_the_picture_and_the_same_seed_repeats(sdxl) -> None:
    base, adapter = sdxl
    guided = LocalIllustrator(
        str(base), "", steps=3, sizes=tiny_models.TINY_SIZES, manager=ModelManager(), ip_adapter=str(adapter),
        reference_strength=0.8,
    )  # fmt: skip
    rng = np.random.default_rng(1)
    fox = Image.fromarray(rng.integers(0, 255, (40, 40, 3), dtype=np.uint8))
    snow = Image.new("RGB", (40, 40), (250, 250, 255))
    a, again, other, none = (
        np.asarray(p) for p in pictures(guided.generate([job(4, fox), job(4, fox), job(4, snow), job(4, None)]))
    )
    assert np.array_equal(a, again)  # the same seed and reference: the same picture
    assert np.abs(a.astype(int) - other).mean() > 0.5  # another reference: another picture
    assert np.abs(a.astype(int) - none).mean() > 0.5
    assert guided.params()["reference_strength"] == 0.8 and guided.params()["ip_adapter"] == str(adapter)


def test_local_inpainting_redraws_only_the_region(sdxl, data_dir, cat_bytes) -> None:
    base, _ = sdxl
    store = Store(data_dir)
    story = studio.start_story(store, cat_bytes, "chelsea.jpg")
    studio.edit_caption(store, story, "A ginger cat on a red rug.")
    studio.update_settings(store, story, pages=1, aspect="square")
    list(studio.write_draft(store, story, OfflineWriter()))
    local = LocalIllustrator(str(base), "", steps=3, sizes={"square": (64, 64)}, manager=ModelManager())
    list(studio.illustrate(store, story, local))
    page = story.draft.pages[0]
    before = story.picture(page.id)

    list(choosing.redraw_region(store, story, local, page.id, (0.25, 0.25, 0.75, 0.75), "a blue hat", seed=3))
    after = store.load(story.id).picture(page.id)
    assert after.id != before.id and "a blue hat" in after.prompt
    assert after.params["inpainted_from"] == before.id and after.params["region"] == [0.25, 0.25, 0.75, 0.75]
    old = np.asarray(studio.open_image(store, story.id, before.image)).astype(int)
    new = np.asarray(studio.open_image(store, story.id, after.image)).astype(int)
    inside = np.zeros(old.shape[:2], bool)
    inside[16:48, 16:48] = True
    assert np.array_equal(old[~inside], new[~inside])  # outside the region: the picture as it was
    assert np.abs(old[inside] - new[inside]).mean() > 1  # inside: redrawn
