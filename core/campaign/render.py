"""One picture: a copy variant in one format, on brand.

The product (cut out of the photo, `subject.py`) stands in its area on a shape in the brand's
colours with a soft shadow; the copy is set in the text column (`layout.py`): headline, body, the
call to action as a button, the logo above and the mandatory line below.

Styles (`STYLES`):

- `clean`: the brand's background colour, the product on a disc of the primary colour with an
  accent dot, the headline in the primary colour;
- `bold`: the primary colour full bleed, the product on an accent disc;
- `photo`: the photo's own setting (the product painted out of it, `subject.without_product`),
  blurred and tinted with the primary colour, behind everything: the text gets a panel wherever
  the photo leaves too little contrast;
- `scene`: the product stands once, without a disc, on the surface of the setting the caption or
  brief names (a cafe counter, a garden table), drawn by `scene.py`, or on a backdrop of that
  setting drawn by a local or remote illustrator; text gets a panel where the setting is busy.

Variants differ in layout and colourway (`look`): odd variants mirror the layout, and the
colourway turns with each variant (`colourway`).

Every text run's contrast is measured on the pixels it is drawn on. When the chosen colour falls
short of 4.5:1, the other of white and near-black is tried; when that falls short too, a panel in
the brand's background colour (or the darkest shade of the primary) is laid under the text block,
and the run measured again. The result lists every run with its box, colour and measured contrast,
and the subject box, so the tests check what the pixels say.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageOps

from core.campaign.brand import BUNDLED_BOLD, BUNDLED_REGULAR, BrandKit, font_covers
from core.campaign.colour import INK, MIN_CONTRAST, RGB, WHITE, best_text_on, contrast, shade_for_text, to_hex
from core.campaign.copy import Copy
from core.campaign.layout import Block, Box, Format, fit_copy, length, measured_contrast, regions, set_text
from core.campaign.scene import draw_setting
from core.campaign.subject import without_product
from core.campaign_document import CAMPAIGN_STYLES
from core.export.fonts import font_for

STYLES = CAMPAIGN_STYLES


@dataclass(frozen=True)
class Brand:
    """A brand kit with its files opened: what rendering needs."""

    kit: BrandKit
    logo: Image.Image | None = field(default=None, compare=False)
    font: Path | None = None  # an uploaded TTF; None: the bundled Noto Sans

    def faces(self, text: str, language: str) -> tuple[Path, Path]:
        """(bold, regular) font files that have every letter of `text`."""
        if self.font is not None and not font_covers(self.font, text):
            return self.font, self.font
        if not font_covers(BUNDLED_REGULAR, text):
            return BUNDLED_BOLD, BUNDLED_REGULAR

        other = font_for(text, language).path  # another script: the studio's font for it
        return other, other


@dataclass(frozen=True)
class TextRun:
    role: str  # "headline", "body", "cta", "mandatory"
    text: str
    box: Box
    colour: RGB
    contrast: float  # measured on the pixels under `box` before the text was drawn


@dataclass(frozen=True)
class Rendered:
    image: Image.Image  # RGB, exactly the format's size
    background: Image.Image  # the same picture before any text was drawn
    subject_box: Box  # the product's visible pixels
    runs: tuple[TextRun, ...]
    panel: bool  # a panel was needed for contrast


def colourway(kit: BrandKit, look: int) -> BrandKit:
    """The kit in the colourway of variant `look`: 0 as the brand has it; 1 the accent leads (the
    accent and primary change places on a background tinted with the accent); 2 a deeper shade of
    the primary on a background tinted with it (in the bold style the light background then
    bleeds, with the primary on the product's disc: `_background`). Contrast is measured on the
    pixels as always, so a colourway whose text colour would not read falls back to white or
    near-black."""
    way = look % 3
    if way == 0:
        return kit
    colours = kit.palette.colours()
    primary, accent = (colours["accent"], colours["primary"]) if way == 1 else (colours["primary"], colours["accent"])
    tint = colours["accent"] if way == 1 else colours["primary"]
    if way == 2:  # a deeper shade of the primary leads
        primary = tuple(round(c * 0.62) for c in colours["primary"])
    background = tuple(round(c + (255 - c) * 0.86) for c in tint)
    palette = kit.palette.model_copy(
        update={"primary": to_hex(primary), "accent": to_hex(accent), "background": to_hex(background)}
    )
    return kit.model_copy(update={"palette": palette})


def _background(
    fmt: Format, kit: BrandKit, style: str, photo: Image.Image | None, backdrop: Image.Image | None, look: int = 0
):
    size = (fmt.width, fmt.height)
    colours = kit.palette.colours()
    if style in ("photo", "scene") and (backdrop or photo) is not None:
        # the photo style blurs the photo's own setting, with the product painted out of it
        source = (backdrop if style == "scene" and backdrop is not None else without_product(photo)).convert("RGB")
        cover = ImageOps.fit(source, (fmt.width // 4, fmt.height // 4), Image.Resampling.BILINEAR)
        if style == "photo":
            cover = cover.filter(ImageFilter.GaussianBlur(6))
        cover = cover.resize(size, Image.Resampling.BICUBIC)
        tint = Image.new("RGB", size, colours["primary"])
        return Image.blend(cover, tint, 0.45 if style == "photo" else 0.2)
    light = style == "clean" or (style == "bold" and look % 3 == 2)
    return Image.new("RGB", size, colours["background"] if light else colours["primary"])


def _place_product(
    canvas: Image.Image, cutout: Image.Image, area: Box, kit: BrandKit, style: str, rng, floor: int | None = None
) -> Box:
    """The product fitted in `area` on its disc, with a shadow; returns its visible pixels' box.
    With a `floor` (the scene style) there is no disc: the product stands on the setting's surface."""
    colours = kit.palette.colours()
    ax0, ay0, ax1, ay1 = area
    aw, ah = ax1 - ax0, ay1 - ay0
    if floor is not None:
        scale = min(aw * 0.72 / cutout.width, (floor - ay0) * 0.86 / cutout.height)
    else:
        scale = min(aw * 0.86 / cutout.width, ah * 0.86 / cutout.height)
    product = cutout.resize(
        (max(1, round(cutout.width * scale)), max(1, round(cutout.height * scale))), Image.Resampling.BICUBIC
    )
    px = ax0 + (aw - product.width) // 2
    py = ay0 + (ah - product.height) // 2
    draw = ImageDraw.Draw(canvas)
    if floor is not None:
        py = min(ay1 - product.height, floor - product.height + round(product.height * 0.05))
        return _stand(canvas, product, px, py)
    radius = round(min(aw, ah) * 0.47)
    cx, cy = ax0 + aw // 2, ay0 + ah // 2
    disc = colours["primary"] if style == "clean" else colours["accent"]
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=disc)
    dot = round(radius * 0.22)
    angle = rng.uniform(-2.6, -0.5)
    dx, dy = cx + round(radius * np.cos(angle)), cy + round(radius * np.sin(angle))
    draw.ellipse((dx - dot, dy - dot, dx + dot, dy + dot), fill=colours["accent"] if style == "clean" else WHITE)
    blur = max(4, product.height // 30)
    sw, sh = round(product.width * 0.8), max(4, round(product.height * 0.12))
    shadow = Image.new("L", (sw + 6 * blur, sh + 6 * blur), 0)
    ImageDraw.Draw(shadow).ellipse((3 * blur, 3 * blur, 3 * blur + sw, 3 * blur + sh), fill=110)
    shadow = shadow.filter(ImageFilter.GaussianBlur(blur))
    at = (px + round(product.width * 0.1) - 3 * blur, py + round(product.height * 0.9) - 3 * blur)
    canvas.paste(Image.new("RGB", shadow.size, (0, 0, 0)), at, shadow)
    canvas.paste(product, (px, py), product)
    alpha = np.asarray(product.getchannel("A"))
    ys, xs = np.nonzero(alpha > 16)
    return (px + int(xs.min()), py + int(ys.min()), px + int(xs.max()) + 1, py + int(ys.max()) + 1)


def _stand(canvas: Image.Image, product: Image.Image, px: int, py: int) -> Box:
    """The product pasted standing on a surface: a contact shadow under its foot, nothing behind."""
    alpha = np.asarray(product.getchannel("A"))
    ys, xs = np.nonzero(alpha > 16)
    foot = py + int(ys.max())
    blur = max(3, product.height // 40)
    sw, sh = round((xs.max() - xs.min()) * 0.95), max(4, round(product.height * 0.06))
    shadow = Image.new("L", (sw + 6 * blur, sh + 6 * blur), 0)
    ImageDraw.Draw(shadow).ellipse((3 * blur, 3 * blur, 3 * blur + sw, 3 * blur + sh), fill=130)
    shadow = shadow.filter(ImageFilter.GaussianBlur(blur))
    at = (px + int(xs.min()) + round((xs.max() - xs.min()) * 0.025) - 3 * blur, foot - sh // 2 - 3 * blur)
    canvas.paste(Image.new("RGB", shadow.size, (0, 0, 0)), at, shadow)
    canvas.paste(product, (px, py), product)
    return (px + int(xs.min()), py + int(ys.min()), px + int(xs.max()) + 1, py + int(ys.max()) + 1)


def _logo(canvas: Image.Image, logo: Image.Image, box: Box, kit: BrandKit, align_right: bool) -> None:
    """The logo in its row, on a chip of the background colour when it would not stand out."""
    x0, y0, x1, y1 = box
    scale = min((y1 - y0) / logo.height, (x1 - x0) * 0.6 / logo.width)
    mark = logo.resize((max(1, round(logo.width * scale)), max(1, round(logo.height * scale))), Image.LANCZOS)
    x = x1 - mark.width if align_right else x0
    y = y0 + (y1 - y0 - mark.height) // 2
    pixels = np.asarray(mark.convert("RGBA"), dtype=np.float64)
    opaque = pixels[..., 3] > 128
    ink = tuple(int(v) for v in pixels[opaque][:, :3].mean(axis=0)) if opaque.any() else INK
    behind = np.asarray(canvas.crop((x, y, x + mark.width, y + mark.height))).reshape(-1, 3)
    under = tuple(int(v) for v in behind.mean(axis=0))
    if contrast(ink, under) < 3.0:
        pad = round(mark.height * 0.35)
        chip = kit.palette.colours()["background"]
        if contrast(ink, chip) < 3.0:
            chip = WHITE
        ImageDraw.Draw(canvas).rounded_rectangle(
            (x - pad, y - pad, x + mark.width + pad, y + mark.height + pad), radius=pad, fill=chip
        )
    canvas.paste(mark, (x, y), mark)


def _lines_box(block: Block, x: int, y: int) -> Box:
    return (x, y, x + max(1, block.width()), y + block.height)


def _placed(block: Block, box: Box, centred: bool) -> list[tuple[int, int, str]]:
    """(x, y, line) of each line of a block set in `box`, each line's top at its line's slot."""
    placed = []
    for n, line in enumerate(block.lines):
        y = box[1] + n * block.line_height + (block.line_height - block.size) // 2
        x = box[0] + (box[2] - box[0] - round(length(block.face, line))) // 2 if centred else box[0]
        placed.append((x, y, line))
    return placed


def _ink(block: Block, placed: list[tuple[int, int, str]], size: tuple[int, int]) -> Box:
    """The box the glyphs will actually cover (descenders and accents included)."""
    draw = ImageDraw.Draw(Image.new("1", (1, 1)))
    boxes = [draw.textbbox((x, y), line, font=block.face, anchor="la") for x, y, line in placed]
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    return (max(0, x0), max(0, y0), min(size[0], x1), min(size[1], y1))


def _choose(canvas: Image.Image, box: Box, preferred: RGB) -> tuple[RGB, float]:
    """The preferred colour if the pixels allow it, else the better of white and near-black."""
    best = (preferred, measured_contrast(canvas, box, preferred))
    if best[1] >= MIN_CONTRAST:
        return best
    for other in (WHITE, INK):
        measured = measured_contrast(canvas, box, other)
        if measured > best[1]:
            best = (other, measured)
    return best


def render(
    cutout: Image.Image,
    brand: Brand,
    copy: Copy,
    fmt: Format,
    style: str = "clean",
    *,
    language: str = "en",
    photo: Image.Image | None = None,
    backdrop: Image.Image | None = None,
    seed: int = 1,
    setting: str = "studio",
    look: int = 0,
) -> Rendered:
    """`look` is the variant's number: odd ones mirror the layout, and the colourway turns with it
    (`colourway`), so variants differ in more than words; `setting` is the scene style's place."""
    kit = colourway(brand.kit, look)
    colours = kit.palette.colours()
    rng = random.Random(f"{seed}:{fmt.key}")
    zones = regions(fmt, brand.logo is not None, bool(kit.mandatory), mirror=look % 2 == 1)
    floor = None
    if style == "scene":
        floor = zones.product[3] - round(min(fmt.width, fmt.height) * 0.05)
    if style == "scene" and backdrop is None:
        canvas = draw_setting(setting, (fmt.width, fmt.height), floor, colours, seed)
    else:
        canvas = _background(fmt, kit, style, photo, backdrop, look)
    subject = _place_product(canvas, cutout, zones.product, kit, style, rng, floor)
    unit = min(fmt.width, fmt.height)
    bold, regular = brand.faces(f"{copy.headline}{copy.body}{copy.cta}{kit.mandatory}", language)
    boost = 1.25 if fmt.height / fmt.width > 1.5 else 1.0
    fitted = fit_copy(copy.headline, copy.body, copy.cta, zones.text, unit, bold, regular, boost)

    # where the text goes: centred in the column (landscape), at the top of its area (portrait)
    tx0, ty0, tx1, ty1 = zones.text
    y = ty0 + max(0, (ty1 - ty0 - fitted.height) // 2) if fmt.landscape else ty0
    head_box = _lines_box(fitted.headline, tx0, y)
    body_box = _lines_box(fitted.body, tx0, head_box[3] + fitted.gap)
    by = body_box[3] + round(fitted.gap * 1.3)
    button = (tx0, by, tx0 + fitted.button[0], by + fitted.button[1])
    block = (tx0, head_box[1], max(head_box[2], body_box[2], button[2]), button[3])

    preferred_head = colours["primary"] if style == "clean" else best_text_on(colours["primary"], colours["background"])
    preferred_body = colours["text"] if style == "clean" else preferred_head
    head = _choose(canvas, head_box, preferred_head)
    body = _choose(canvas, body_box, preferred_body)
    panel = min(head[1], body[1]) < MIN_CONTRAST
    if panel:  # the background does not allow it: a panel under the whole text block
        pad = round(unit * 0.03)
        fill = colours["background"]
        if contrast(best_text_on(fill, colours["text"]), fill) < MIN_CONTRAST:
            fill = WHITE
        ImageDraw.Draw(canvas).rounded_rectangle(
            (block[0] - pad, block[1] - pad, block[2] + pad, block[3] + pad), radius=pad, fill=fill
        )
        head = _choose(canvas, head_box, colours["primary"])
        body = _choose(canvas, body_box, colours["text"])

    # the button: the accent, shaded just enough for its label to read
    label_colour = best_text_on(colours["accent"], WHITE)
    button_fill = colours["accent"]
    if contrast(label_colour, button_fill) < MIN_CONTRAST:
        button_fill = shade_for_text(button_fill, label_colour)
    if style == "bold" and contrast(button_fill, colours["primary"]) < 1.6:
        button_fill, label_colour = colours["background"], best_text_on(colours["background"], colours["primary"])
    ImageDraw.Draw(canvas).rounded_rectangle(button, radius=button[3] - button[1], fill=button_fill)
    cta_w = fitted.cta.width()
    cta_box = (
        button[0] + (button[2] - button[0] - cta_w) // 2,
        button[1] + (button[3] - button[1] - fitted.cta.line_height) // 2,
    )
    cta_box = (*cta_box, cta_box[0] + cta_w, cta_box[1] + fitted.cta.line_height)
    cta = _choose(canvas, cta_box, label_colour)

    if brand.logo is not None:
        _logo(canvas, brand.logo, zones.logo, kit, align_right=False)

    runs_to_draw: list[tuple[str, str, Block, Box, tuple[RGB, float]]] = [
        ("headline", copy.headline, fitted.headline, head_box, head),
        ("body", copy.body, fitted.body, body_box, body),
        ("cta", copy.cta, fitted.cta, cta_box, cta),
    ]
    if kit.mandatory:
        mx0, my0, mx1, my1 = zones.mandatory
        size = max(16, round(unit * 0.019))
        small = set_text(kit.mandatory, regular, size, mx1 - mx0, 1.3, 2) or set_text(
            kit.mandatory, regular, 14, mx1 - mx0, 1.3, 3
        )
        if small is not None:
            mbox = _lines_box(small, mx0, my1 - small.height)
            overhang = _ink(small, _placed(small, mbox, centred=False), canvas.size)[3] - my1
            if overhang > 0:  # descenders reach below the line's slot: lift it into the safe zone
                mbox = (mbox[0], mbox[1] - overhang, mbox[2], mbox[3] - overhang)
            chosen = _choose(canvas, mbox, colours["text"] if style == "clean" else preferred_body)
            if chosen[1] < MIN_CONTRAST or style in ("photo", "scene"):  # on a photo: one look in every format
                pad = round(size * 0.5)
                ImageDraw.Draw(canvas).rounded_rectangle(
                    (mbox[0] - pad, mbox[1] - pad, mbox[2] + pad, mbox[3] + pad), radius=pad, fill=WHITE
                )
                chosen = _choose(canvas, mbox, INK)
            runs_to_draw.append(("mandatory", kit.mandatory, small, mbox, chosen))

    background = canvas.copy()
    draw = ImageDraw.Draw(canvas)
    runs = []
    for role, text, block_, box, (colour, _) in runs_to_draw:
        placed = _placed(block_, box, centred=role == "cta")
        for x, line_y, line in placed:
            draw.text((x, line_y), line, font=block_.face, fill=colour, anchor="la")
        ink = _ink(block_, placed, canvas.size)
        runs.append(TextRun(role, text, ink, colour, measured_contrast(background, ink, colour)))
    return Rendered(canvas, background, subject, tuple(runs), panel)
