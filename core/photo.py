"""Reading a person's upload safely: whatever arrives, a clean RGB photo comes out or a clear refusal.

The rules, and why:

- **Content decides, never the name.** The first bytes are sniffed for a known signature (JPEG, PNG,
  WebP, GIF, BMP, TIFF, HEIC/HEIF) and Pillow is then told to use *only* that decoder
  (`Image.open(..., formats=[...])`). Letting Pillow try every plugin on unknown bytes would also
  try formats we never meant to accept (EPS, for one, hands the file to Ghostscript). Text, PDF,
  SVG, HTML and ZIP files are recognised so the person is told what they sent.
- **Size is checked before pixels are decoded.** `Image.open` reads only the header; a picture that
  claims more than `MAX_PIXELS` is refused there, so a small file that claims an enormous size (a
  decompression bomb) never allocates its pixels. Our limit is below Pillow's own
  `Image.MAX_IMAGE_PIXELS`, and Pillow's `DecompressionBombError` (and the warning, should a caller
  turn warnings into errors) are caught and reported the same way. We do not change Pillow's
  process-wide settings (`MAX_IMAGE_PIXELS`, `LOAD_TRUNCATED_IMAGES`, warning filters): other code
  in the process relies on them and Streamlit runs many sessions in threads of one process.
- **The whole picture is decoded once**, so a truncated JPEG or PNG fails here, with a message,
  instead of later in the middle of drawing a page. `ImageFile.LOAD_TRUNCATED_IMAGES` stays False.
- **Too small, too thin.** Under `MIN_SIDE` pixels on the short side there is too little to make
  pictures from. Panoramas longer than `MAX_ASPECT`:1 are *refused*, not cropped: every page picture
  would be a sliver of it, and silently cropping away most of what the person chose surprises more
  than a sentence asking them to crop it themselves ("short errors over silent fixes").
- **The working copy** is upright (EXIF orientation applied: all eight values; Pillow's TIFF reader
  and pillow-heif already hand over TIFF and HEIC pictures upright, so the tag is read after
  decoding and never applied twice), RGB, transparency
  flattened onto white, colour-managed to sRGB where the photo carries an ICC profile (phones write
  Display P3, print files CMYK), 16-bit and 32-bit greyscale scaled to 8 bits (not clipped), and no
  longer than `WORKING_MAX_SIDE` on its long side: downscaled once on the way in, with JPEG's cheap
  DCT scaling first when the photo is much larger. The original bytes are kept exactly as uploaded.
- **Animated GIF and WebP** and multi-page TIFF or HEIC: the first frame is used.
- **Nothing from Pillow escapes.** Every failure becomes `InputError` with one sentence; a broken
  EXIF block is not a reason to refuse a photo, so it is treated as "no rotation".
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

from PIL import Image

from core.errors import InputError
from core.text import one_line

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
MAX_PIXELS = 50_000_000  # 50 megapixels: a 48 MP phone photo fits; a 200 MP "hi-res mode" one is refused
WORKING_MAX_SIDE = 2048
MIN_SIDE = 64
MAX_ASPECT = 8.0

ACCEPTED = "JPEG, PNG, WebP, GIF, BMP, TIFF or HEIC"

# Our sniffed kind -> (the Pillow decoders allowed for it, the file extension we store it under).
_KINDS: dict[str, tuple[tuple[str, ...], str]] = {
    "jpeg": (("JPEG", "MPO"), "jpg"),
    "png": (("PNG",), "png"),
    "webp": (("WEBP",), "webp"),
    "gif": (("GIF",), "gif"),
    "bmp": (("BMP",), "bmp"),
    "tiff": (("TIFF",), "tiff"),
    "heic": (("HEIF",), "heic"),
}

_NAMES = {"jpeg": "JPEG", "png": "PNG", "webp": "WebP", "gif": "GIF", "bmp": "BMP", "tiff": "TIFF", "heic": "HEIC"}

# ISO base media ("ftyp") brands: HEIF/HEIC from phones, which pillow-heif reads, and AVIF, which we refuse.
_HEVC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
_HEIF_BRANDS = {b"mif1", b"msf1"}  # the generic image brands, after the specific ones
_AVIF_BRANDS = {b"avif", b"avis"}

# EXIF orientation -> the transposition that makes the picture upright (as ImageOps.exif_transpose).
_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

_heif_lock = threading.Lock()
_heif_registered = False


@dataclass(frozen=True)
class LoadedPhoto:
    """An accepted upload: the working copy and the original bytes, untouched."""

    image: Image.Image  # mode RGB, upright, long side <= WORKING_MAX_SIDE, no metadata
    original: bytes  # exactly as uploaded
    extension: str  # of the detected format: "jpg", "png", "webp", "gif", "bmp", "tiff", "heic"
    format: str  # Pillow's name for the format: "JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP", "TIFF", "HEIF"
    width: int  # of `image`
    height: int


def load_photo(data: bytes, filename: str = "") -> LoadedPhoto:
    """Read an upload into a `LoadedPhoto`, or raise `InputError` saying in one sentence why not.

    `filename` is only used to name the file in messages; the content decides what it is.
    """
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise InputError("The upload could not be read: no file data arrived.")
    what = _what(filename)
    if not data:
        raise InputError(f"{what} is empty: choose a photo again.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputError(
            f"{what} is {len(data) / 2**20:.1f} MB, over the {MAX_UPLOAD_BYTES // 2**20} MB limit: "
            "export it smaller or as JPEG."
        )
    kind = _sniff(data, what)
    decoders, extension = _KINDS[kind]
    if kind == "heic":
        _register_heif(what)
    try:
        image, fmt = _decode(data, decoders, what)
    except InputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError(
            f"{what} claims to be larger than {MAX_PIXELS // 1_000_000} megapixels, "
            "which is refused to protect the studio."
        ) from None
    except MemoryError:
        raise InputError(f"{what} is too large to open: export it smaller.") from None
    except Exception:  # noqa: BLE001 - any decoder failure is the file's fault, said in one sentence
        raise InputError(
            f"{what} looks like a {_NAMES[kind]} picture but is damaged or cut short: export or upload it again."
        ) from None
    return LoadedPhoto(
        image=image, original=data, extension=extension, format=fmt, width=image.width, height=image.height
    )


def photo_to_png(image: Image.Image) -> bytes:
    """The working copy as PNG bytes, without metadata: the same picture always gives the same bytes,
    so the store's content hash finds it again. Modes PNG cannot hold are converted to RGB.

    zlib level 1: on a 2048-pixel photo it is about five times faster than Pillow's default (half a
    second instead of two and a half, on this 2-core machine) for a file about 12% larger. Photos
    compress poorly anyway, and this runs while the person waits for their story to start."""
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P", "1", "I;16", "I"):
        image = image.convert("RGB")
    if image.info:
        image = image.copy()
        image.info = {}
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


# --- detection -----------------------------------------------------------------------------


def _what(filename: str) -> str:
    name = one_line(filename or "", 60) if isinstance(filename, str) else ""
    return f'The file "{name}"' if name else "This file"


def _sniff(data: bytes, what: str) -> str:
    """The picture kind from the file's first bytes, or InputError naming what it is instead."""
    head = data[:64]
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"BM") and len(data) >= 26:
        return "bmp"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head[4:8] == b"ftyp":
        box = int.from_bytes(head[:4], "big")
        brands = {head[8:12]} | {data[i : i + 4] for i in range(16, min(max(box, 16), 256), 4)}
        if brands & _HEVC_BRANDS:
            return "heic"
        if brands & _AVIF_BRANDS:
            raise InputError(f"{what} is an AVIF picture, which is not supported yet: export it as JPEG or PNG.")
        if brands & _HEIF_BRANDS:
            return "heic"
        raise InputError(f"{what} is a video or other media file, not a photo: use a {ACCEPTED} picture.")
    kind = _not_a_picture(data)
    if kind is None:
        raise InputError(f"{what} is not a picture the studio can read: use a {ACCEPTED} photo.")
    raise InputError(f"{what} is {kind}, not a picture: use a {ACCEPTED} photo.")


def _not_a_picture(data: bytes) -> str | None:
    """What a non-picture probably is, for the message ("a PDF document", "a text file" ...)."""
    head = data[:4096]
    if head.startswith(b"%PDF"):
        return "a PDF document"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "a ZIP archive (or an Office document)"
    if head.startswith(b"\x1f\x8b"):
        return "a compressed archive"
    if head.startswith(b"8BPS"):
        return "a Photoshop document"
    if head.startswith(b"\x00\x00\x01\x00"):
        return "an icon file"
    text = _as_text(head)
    if text is not None:
        lowered = text.lstrip("\ufeff \t\r\n").lower()
        if "<svg" in lowered:
            raise InputError("SVG drawings are not supported; export it as PNG or JPEG.")
        if lowered.startswith(("<!doctype html", "<html", "<head", "<body", "<script")) or "<html" in lowered:
            return "a web page (HTML)"
        return "a text file"
    return None


def _as_text(head: bytes) -> str | None:
    # UTF-16 only with its byte order mark: without one, almost any binary decodes as UTF-16.
    for encoding in ("utf-8", "utf-16") if head.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8",):
        text = None
        # The 4 KB cut may fall inside a multi-byte character: also try without the last bytes.
        for cut in range(0, 4):
            try:
                text = head[: len(head) - cut].decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        if text and sum(ch.isprintable() or ch in "\r\n\t" for ch in text) >= 0.95 * len(text):
            return text
    return None


def _register_heif(what: str) -> None:
    """pillow-heif is registered with Pillow on the first HEIC upload, not at import: most uploads are
    JPEG, and registering loads libheif."""
    global _heif_registered
    with _heif_lock:
        if _heif_registered:
            return
        try:
            import pillow_heif
        except ImportError:
            raise InputError(
                f"{what} is a HEIC photo, which needs the pillow-heif package on the server: "
                "export it as JPEG or install pillow-heif."
            ) from None
        pillow_heif.register_heif_opener()
        _heif_registered = True


# --- decoding ------------------------------------------------------------------------------


def _decode(data: bytes, decoders: tuple[str, ...], what: str) -> tuple[Image.Image, str]:
    with Image.open(io.BytesIO(data), formats=list(decoders)) as im:
        fmt = im.format or decoders[0]
        width, height = im.size  # from the header: no pixels decoded yet
        if width <= 0 or height <= 0:
            raise InputError(f"{what} says it has no pixels: export it again.")
        if width * height > MAX_PIXELS:
            raise InputError(
                f"{what} claims {width} x {height} pixels, more than the "
                f"{MAX_PIXELS // 1_000_000} megapixels the studio accepts: export it smaller."
            )
        if min(width, height) < MIN_SIDE:
            raise InputError(
                f"{what} is only {width} x {height} pixels, too small to make pictures from: "
                f"use a photo at least {MIN_SIDE} pixels on each side."
            )
        if max(width, height) / min(width, height) > MAX_ASPECT:
            raise InputError(
                f"{what} is {width} x {height} pixels, a panorama too long and thin for story "
                f"pages: crop it to at most {MAX_ASPECT:g} times longer than it is wide."
            )
        # Right after opening, an animation or multi-page file stands on its first frame. (Asking
        # for n_frames would walk every frame: a GIF of 100,000 frames would be a bomb of its own.)
        if im.format in ("JPEG", "MPO") and max(width, height) > 2 * WORKING_MAX_SIDE:
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale: far less memory and time for big photos.
            scale = max(width, height) / WORKING_MAX_SIDE
            im.draft(None, (max(1, int(width / scale)), max(1, int(height / scale))))
        im.load()  # the whole picture: a truncated file fails here
        # Read after loading: Pillow's TIFF reader turns the picture upright itself while loading
        # (and drops the tag), and pillow-heif hands over HEIC pictures already upright.
        orientation = _orientation(im)
        image = _working_copy(im, what)
    if orientation in _ORIENTATION:
        image = image.transpose(_ORIENTATION[orientation])
    image.info = {}
    return image, fmt


def _working_copy(im: Image.Image, what: str) -> Image.Image:
    """The decoded picture as RGB, no longer than WORKING_MAX_SIDE. It is downscaled *before* the
    colour work (flattening, colour management), so a huge photo is copied at full size as few
    times as possible; Pillow resizes transparent pictures with premultiplied alpha."""
    icc = im.info.get("icc_profile")
    mode = im.mode
    try:
        if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
            im = _scale_to_8_bits(im)
        elif mode in ("P", "PA", "1") or "transparency" in im.info:
            # Palette and 1-bit pictures resize only by nearest neighbour: make them true colour first.
            alpha = mode == "PA" or "transparency" in im.info
            im = im.convert("RGBA" if alpha else "L" if mode == "1" else "RGB")
        elif mode in ("LA", "La", "RGBa"):
            im = im.convert("RGBA")
        elif mode == "LAB":  # CIELAB TIFFs: through a colour transform, not a channel copy
            from PIL import ImageCms

            lab, srgb = ImageCms.createProfile("LAB"), ImageCms.createProfile("sRGB")
            im = ImageCms.applyTransform(im, ImageCms.buildTransform(lab, srgb, "LAB", "RGB"))
        elif mode not in ("RGB", "RGBA", "L", "CMYK"):
            im = im.convert("RGB")
    except (ValueError, OSError):
        raise InputError(
            f"{what} uses a colour format ({mode}) the studio cannot convert: export it as an ordinary JPEG or PNG."
        ) from None
    if max(im.size) > WORKING_MAX_SIDE:
        scale = WORKING_MAX_SIDE / max(im.size)
        size = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
        im = im.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    if im.mode == "RGBA":
        white = Image.new("RGBA", im.size, (255, 255, 255, 255))
        white.alpha_composite(im)
        return white.convert("RGB")
    if icc and im.mode in ("RGB", "CMYK") and mode in ("RGB", "CMYK"):
        converted = _to_srgb(im, icc)
        if converted is not None:
            return converted
    return im.convert("RGB")


def _orientation(im: Image.Image) -> int:
    """The EXIF (or XMP) orientation, 1 when there is none or the metadata is unreadable."""
    try:
        value = im.getexif().get(0x0112, 1)
        return int(value) if value in _ORIENTATION or value == 1 else 1
    except Exception:  # noqa: BLE001 - broken metadata is no reason to refuse a photo
        return 1


def _scale_to_8_bits(im: Image.Image) -> Image.Image:
    """16- and 32-bit greyscale to 8-bit L by its range, not clipped (Pillow's convert would clip
    everything above 255 to white)."""
    import numpy as np

    values = np.asarray(im, dtype=np.float32)
    if values.size == 0 or not np.isfinite(values).any():
        return Image.new("L", im.size, 0)
    values = np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0)
    low, high = float(values.min()), float(values.max())
    if im.mode == "F" and low >= 0.0 and high <= 1.0:
        scaled = values * 255.0
    elif low >= 0.0 and high <= 255.0:
        scaled = values
    elif low >= 0.0 and high <= 65535.0:
        scaled = values / 257.0
    else:
        scaled = (values - low) * (255.0 / (high - low or 1.0))
    return Image.fromarray(np.clip(np.rint(scaled), 0, 255).astype(np.uint8), mode="L")


def _to_srgb(im: Image.Image, icc: bytes) -> Image.Image | None:
    """Convert through the embedded ICC profile to sRGB; None (plain conversion) when that fails."""
    try:
        from PIL import ImageCms

        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        target = ImageCms.createProfile("sRGB")
        result = ImageCms.profileToProfile(im, source, target, outputMode="RGB")
        return result if result is not None and result.mode == "RGB" else None
    except Exception:  # noqa: BLE001 - a bad or unusable profile: fall back to Pillow's conversion
        return None
