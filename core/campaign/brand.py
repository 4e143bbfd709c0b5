"""The brand kit: what makes a campaign look and sound like one brand, and its one-file format.

A kit holds a name, a palette (primary, accent, background and text colours, each #RRGGBB), an
optional font (an uploaded TTF/OTF; the bundled Noto Sans otherwise), an optional logo (PNG or
WebP with transparency), tone words ("playful", "premium"), banned words and a mandatory line
(legal, disclaimer) printed on every picture.

The file format (TOML or JSON, the same keys; `assets/brands/harbour.toml` is the example and the
default kit):

    name = "Harbour & Co."
    tone = ["warm", "premium"]
    banned = ["cheap", "guaranteed"]
    mandatory = "Offer valid while stocks last."
    logo = "harbour-logo.png"        # a file in the kit's own folder, or logo_base64 = "..." inline
    font = "MyBrand.ttf"             # optional; or font_base64 = "..."
    [palette]
    primary = "#0F4C5C"
    accent = "#E36414"
    background = "#FBF5EC"
    text = "#1B1B1B"

Exported kits carry the logo and font inline (`*_base64`), so one file moves a whole kit between
studios. Every refusal names the field (`palette.accent: ...`), on the page and on the command line.

Fonts are read with reportlab's own TrueType reader, the one that embeds them in the deck: a font
whose OS/2 `fsType` forbids embedding, or whose outlines reportlab cannot embed (PostScript/CFF
outlines, most `.otf` files), is refused at upload rather than failing at export; so is a font that
lacks the letters of the campaign's language. The deck embeds a subset (only the glyphs used).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import struct
import tempfile
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image
from pydantic import ValidationError

from core import ASSETS
from core.campaign.colour import MIN_CONTRAST, best_text_on, contrast, to_hex
from core.campaign.copy import banned_in
from core.campaign_document import BrandKit, Palette
from core.errors import InputError
from core.photo import load_photo

BRANDS_DIR = ASSETS / "brands"
DEFAULT_KIT = BRANDS_DIR / "harbour.toml"
FONTS_DIR = ASSETS / "fonts"
BUNDLED_BOLD = FONTS_DIR / "NotoSans-Bold.ttf"
BUNDLED_REGULAR = FONTS_DIR / "NotoSans-Regular.ttf"
MAX_FONT_BYTES = 20 * 1024 * 1024

# Letters each offered language needs beyond plain ASCII; a font without them is refused for it.
LANGUAGE_LETTERS: dict[str, str] = {
    "en": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.,!?'%&-",
    "de": "äöüßÄÖÜ",
    "fr": "àâçéèêëîïôûùœÀÇÉÈ«»",
    "es": "áéíóúñüÁÉÍÓÚÑ¿¡",
    "it": "àèéìòù",
    "nl": "ëïé",
    "pt": "ãõáâàçéêíóôú",
    "pl": "ąćęłńóśźżŁŚŻ",
    "ru": "АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмнопрстуфхцчшщъыьэюя",
    "el": "ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩαβγδεζηθικλμνξοπρστυφχψω",
    "ja": "あいうえおアイウエオ日本語",
    "zh": "你好中文的是",
    "ar": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
}


class BrandError(InputError):
    """A brand kit that cannot be used; the message starts with the field it is about."""


def checked(kit: BrandKit) -> BrandKit:
    """Rules across fields: the mandatory line must itself be free of banned words."""
    found = banned_in(kit.mandatory, kit.banned)
    if found:
        raise BrandError(f"mandatory: the mandatory line uses the banned word '{found[0]}'.")
    return kit


def _field_error(error: ValidationError, where: str = "brand kit") -> BrandError:
    first = error.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "kit"
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "is not a brand kit field (see README: Brand kits)"
    elif first["type"] == "missing":
        message = "is missing"
    return BrandError(f"{where}: {field}: {message}")


def kit_from_data(data: dict) -> BrandKit:
    try:
        return checked(BrandKit.model_validate(data))
    except ValidationError as error:
        raise _field_error(error) from None


# --- files: logo and font -----------------------------------------------------------------


def file_name(data: bytes, extension: str) -> str:
    return f"{hashlib.sha256(data).hexdigest()}.{extension}"


def load_logo(data: bytes, filename: str = "logo") -> tuple[bytes, Image.Image]:
    """A logo through the photo loader's checks (content sniffed, size limits, damaged files),
    kept with its transparency: (PNG bytes, RGBA image). BrandError naming `logo` otherwise."""
    try:
        loaded = load_photo(data, filename)
    except InputError as error:
        raise BrandError(f"logo: {error}") from None
    if loaded.format not in ("PNG", "WEBP"):
        raise BrandError("logo: use a PNG or WebP with a transparent background, not a " + loaded.format + ".")
    with Image.open(io.BytesIO(data), formats=[loaded.format]) as image:
        image.seek(0)
        rgba = image.convert("RGBA")
    if rgba.getchannel("A").getextrema()[0] == 255:
        raise BrandError("logo: it has no transparent pixels; export it with a transparent background.")
    rgba.thumbnail((1200, 1200), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    rgba.save(buffer, format="PNG")
    return buffer.getvalue(), rgba


@dataclass(frozen=True)
class CheckedFont:
    data: bytes
    family: str


def check_font(data: bytes, languages: tuple[str, ...] = ("en",), filename: str = "font") -> CheckedFont:
    """An uploaded TTF/OTF the deck can embed and the campaign's languages can be set in; a
    BrandError naming `font` and saying why otherwise."""
    from reportlab.pdfbase.ttfonts import TTFError, TTFontFile

    if not data:
        raise BrandError(f"font: {filename} is empty.")
    if len(data) > MAX_FONT_BYTES:
        raise BrandError(f"font: {filename} is over {MAX_FONT_BYTES // 2**20} MB.")
    if data[:4] not in (b"\x00\x01\x00\x00", b"OTTO", b"true"):
        raise BrandError(f"font: {filename} is not a TrueType or OpenType font.")
    if data[:4] == b"OTTO":
        raise BrandError(
            f"font: {filename} has PostScript (CFF) outlines, which cannot be embedded in the deck; "
            "use the TrueType (.ttf) version of the font."
        )
    fs_type = _fs_type(data)
    if fs_type & 0x000F == 0x0002 or fs_type & 0x0300:
        raise BrandError(
            f"font: {filename} does not allow embedding (its licence flags, OS/2 fsType {fs_type:#06x}, forbid "
            "embedding or subsetting it); choose a font licensed for embedding."
        )
    with tempfile.NamedTemporaryFile(suffix=".ttf") as handle:
        handle.write(data)
        handle.flush()
        try:
            face = TTFontFile(handle.name, validate=0)
        except TTFError as error:
            raise BrandError(f"font: {filename} cannot be read ({error}).") from None
        except Exception:  # noqa: BLE001 - any parser failure is the file's fault
            raise BrandError(f"font: {filename} is damaged and cannot be read.") from None
    for language in languages:
        letters = LANGUAGE_LETTERS.get(language.split("-")[0].lower(), "")
        missing = [ch for ch in dict.fromkeys(LANGUAGE_LETTERS["en"][:52] + letters) if ord(ch) not in face.charToGlyph]
        if missing:
            raise BrandError(
                f"font: {filename} lacks letters the campaign's language ({language}) needs: {''.join(missing[:12])}."
            )
    family = face.name.decode("latin-1") if isinstance(face.name, bytes) else str(face.name)
    return CheckedFont(data=data, family=family)


@lru_cache(maxsize=16)
def _code_points(path: Path) -> frozenset[int]:
    from reportlab.pdfbase.ttfonts import TTFontFile

    return frozenset(TTFontFile(str(path), validate=0).charToGlyph)


def _fs_type(data: bytes) -> int:
    """The OS/2 table's fsType (embedding permissions) of a TrueType font; 0 (installable) without one.

    Read here because reportlab does not refuse restricted fonts: its allow-list check
    (`rl_config.allowTTFSubsetting`) lets every font not named in it through."""
    try:
        tables = struct.unpack(">H", data[4:6])[0]
        for n in range(tables):
            entry = 12 + 16 * n
            if data[entry : entry + 4] == b"OS/2":
                offset = struct.unpack(">I", data[entry + 8 : entry + 12])[0]
                return struct.unpack(">H", data[offset + 8 : offset + 10])[0]
    except struct.error:
        raise BrandError("font: the font's tables are damaged.") from None
    return 0


def font_covers(path: Path, text: str) -> list[str]:
    """The characters of `text` the font at `path` has no glyph for (spaces aside)."""
    cmap = _code_points(Path(path))
    return [ch for ch in dict.fromkeys(text) if not ch.isspace() and ord(ch) not in cmap]


# --- one file: TOML or JSON ---------------------------------------------------------------


@dataclass(frozen=True)
class KitFile:
    """A kit read from a file, with the bytes of its logo and font by the names the kit uses."""

    kit: BrandKit
    files: dict[str, bytes]


def _inline_or_path(data: dict, key: str, base_dir: Path | None) -> tuple[bytes | None, str]:
    inline, path = data.pop(f"{key}_base64", None), data.pop(key, None)
    if inline:
        try:
            return base64.b64decode(str(inline), validate=True), key
        except (binascii.Error, ValueError):
            raise BrandError(f"brand kit: {key}_base64: is not base64 text.") from None
    if path:
        if base_dir is None:
            raise BrandError(f"brand kit: {key}: a file path needs the kit's own folder; embed it as {key}_base64.")
        return _kit_file(base_dir, str(path), key).read_bytes(), Path(str(path)).name
    return None, key


def _kit_file(base_dir: Path, path: str, key: str) -> Path:
    """The file `path` names inside the kit's own folder (or a folder below it). An absolute path,
    one that climbs out with `..`, or a link that leads out is refused: a kit file is something a
    person may have been sent, and must not be able to copy another file of the machine (a
    private logo, a font, a key) into a space, from where `brand export` would hand it back."""
    folder = base_dir.resolve()
    candidate = Path(path)
    if candidate.is_absolute() or path.startswith(("/", "\\")) or ":" in path or ".." in candidate.parts:
        raise BrandError(
            f"brand kit: {key}: {path} is not in the kit's folder; name a file beside the kit "
            f'(like {key} = "{candidate.name or key}") or upload it on the Brand kit page.'
        )
    target = (folder / candidate).resolve()
    if not target.is_relative_to(folder):
        raise BrandError(f"brand kit: {key}: {path} leads out of the kit's folder; put the file itself beside the kit.")
    if not target.is_file():
        raise BrandError(f"brand kit: {key}: there is no file {path} beside the kit.")
    return target


def read_kit(data: bytes, filename: str = "brand.toml", base_dir: Path | None = None) -> KitFile:
    """A kit from TOML or JSON bytes (the format decided by the content); files named by path are
    read from `base_dir`. BrandError naming the field on anything wrong."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BrandError(f"brand kit: {filename} is not UTF-8 text.") from None
    try:
        raw = json.loads(text) if text.lstrip().startswith("{") else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as error:
        raise BrandError(f"brand kit: {filename} is not valid TOML or JSON ({error}).") from None
    if not isinstance(raw, dict):
        raise BrandError(f"brand kit: {filename} must hold a table of fields.")
    raw = dict(raw)
    files: dict[str, bytes] = {}
    logo, logo_name = _inline_or_path(raw, "logo", base_dir)
    font, font_name = _inline_or_path(raw, "font", base_dir)
    if logo is not None:
        png, _ = load_logo(logo, logo_name)
        raw["logo"] = file_name(png, "png")
        files[raw["logo"]] = png
    if font is not None:
        checked = check_font(font, filename=font_name)
        raw["font"] = file_name(font, "bin")
        raw.setdefault("font_family", checked.family)
        files[raw["font"]] = font
    return KitFile(kit=kit_from_data(raw), files=files)


def default_kit() -> KitFile:
    return read_kit(DEFAULT_KIT.read_bytes(), DEFAULT_KIT.name, DEFAULT_KIT.parent)


def _portable(kit: BrandKit, files: dict[str, bytes]) -> dict:
    data = kit.model_dump(exclude_none=True)
    for key in ("logo", "font"):
        name = data.pop(key, None)
        if name and name in files:
            data[f"{key}_base64"] = base64.b64encode(files[name]).decode("ascii")
    if not data.get("font_family"):
        data.pop("font_family", None)
    return data


def kit_json(kit: BrandKit, files: dict[str, bytes]) -> str:
    """The kit as one JSON file, logo and font inline."""
    return json.dumps(_portable(kit, files), indent=1, ensure_ascii=False)


def _toml_value(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=True)  # a JSON string is a TOML basic string


def kit_toml(kit: BrandKit, files: dict[str, bytes]) -> str:
    """The kit as one TOML file, logo and font inline."""
    data = _portable(kit, files)
    palette = data.pop("palette")
    lines = [f"{key} = {_toml_value(value)}" for key, value in data.items()]
    lines += ["", "[palette]", *(f"{key} = {_toml_value(value)}" for key, value in palette.items())]
    return "\n".join(lines) + "\n"


# --- what the page shows about a palette ---------------------------------------------------


@dataclass(frozen=True)
class ContrastCheck:
    colour: str  # palette field
    hex: str
    text: str  # the text colour the pictures use on it
    ratio: float

    @property
    def ok(self) -> bool:
        return self.ratio >= MIN_CONTRAST


def palette_contrast(palette: Palette) -> list[ContrastCheck]:
    """For each palette colour a text could sit on: which text colour the pictures use and the
    contrast it reaches (white or near-black when the brand's text colour falls short)."""
    colours = palette.colours()
    checks = []
    for name in ("primary", "accent", "background"):
        text = best_text_on(colours[name], colours["text"])
        checks.append(ContrastCheck(name, getattr(palette, name), to_hex(text), contrast(text, colours[name])))
    return checks


def build_kit(
    values: dict,
    *,
    logo: tuple[bytes, str] | None = None,
    font: tuple[bytes, str] | None = None,
    base: KitFile | None = None,
    languages: tuple[str, ...] = ("en",),
) -> KitFile:
    """A kit from what a person typed (`values`: the file format's keys, tone and banned words as
    comma-separated text allowed) and what they uploaded; the logo and font of `base` are kept
    unless replaced, or dropped with `logo=None`/`font=None` in `values`."""
    data = dict(values)
    for key in ("tone", "banned"):
        if isinstance(data.get(key), str):
            data[key] = [w for w in data[key].replace("\n", ",").split(",") if w.strip()]
    files: dict[str, bytes] = {}
    for key, upload in (("logo", logo), ("font", font)):
        kept = getattr(base.kit, key) if base is not None else None
        if upload is not None:
            if key == "logo":
                png, _ = load_logo(*upload)
                data["logo"] = file_name(png, "png")
                files[data["logo"]] = png
            else:
                checked = check_font(upload[0], languages, upload[1])
                data["font"], data["font_family"] = file_name(upload[0], "bin"), checked.family
                files[data["font"]] = upload[0]
        elif key in data and data[key] is None:
            data.pop(key)
            if key == "font":
                data.pop("font_family", None)
        elif kept and base is not None and kept in base.files:
            data[key] = kept
            files[kept] = base.files[kept]
            if key == "font":
                data.setdefault("font_family", base.kit.font_family)
    return KitFile(kit_from_data(data), files)
