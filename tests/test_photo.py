"""core.photo: every odd and hostile upload, made on the fly with Pillow and numpy.

Accepted pictures must come out RGB, upright and no larger than WORKING_MAX_SIDE, with the original
bytes kept; refused ones raise InputError with one clear sentence, and nothing else ever escapes.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFile, ImageOps

from core.errors import InputError
from core.photo import MAX_PIXELS, MAX_UPLOAD_BYTES, WORKING_MAX_SIDE, LoadedPhoto, load_photo, photo_to_png

RED, GREEN, BLUE, WHITE, YELLOW = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255), (255, 255, 0)


# --- helpers -------------------------------------------------------------------------------


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def quadrants(size=(120, 80)) -> Image.Image:
    """A picture with four differently coloured quarters: any rotation or flip shows."""
    w, h = size
    image = Image.new("RGB", size, WHITE)
    image.paste(RED, (0, 0, w // 2, h // 2))
    image.paste(GREEN, (w // 2, 0, w, h // 2))
    image.paste(BLUE, (0, h // 2, w // 2, h))
    return image  # bottom right stays white


def assert_quadrants(image: Image.Image, size=(120, 80), tolerance=40) -> None:
    w, h = size
    assert image.size == size
    for (x, y), colour in {
        (w // 4, h // 4): RED,
        (3 * w // 4, h // 4): GREEN,
        (w // 4, 3 * h // 4): BLUE,
        (3 * w // 4, 3 * h // 4): WHITE,
    }.items():
        assert close(image.getpixel((x, y)), colour, tolerance), (x, y, image.getpixel((x, y)), colour)


def close(pixel, colour, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour))


def noise(size=(200, 150), seed=0) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8), "RGB")


def assert_working(photo: LoadedPhoto) -> None:
    assert isinstance(photo, LoadedPhoto)
    assert photo.image.mode == "RGB"
    assert max(photo.image.size) <= WORKING_MAX_SIDE
    assert (photo.width, photo.height) == photo.image.size
    assert photo.image.info == {}


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_with_header(data: bytes, width: int, height: int) -> bytes:
    """The same PNG with its IHDR claiming another size (CRC fixed, so only the size lies)."""
    assert data[12:16] == b"IHDR"
    body = struct.pack(">II", width, height) + data[24:29]
    return data[:8] + png_chunk(b"IHDR", body) + data[33:]


def single_colour_png(width: int, height: int) -> bytes:
    """A genuine, valid RGB PNG of width x height that compresses to almost nothing (a real bomb),
    written row by row so the test itself never holds the pixels."""
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * (3 * width)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


# --- accepted pictures ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "fmt,extension,params",
    [
        ("JPEG", "jpg", {"quality": 95}),
        ("PNG", "png", {}),
        ("WEBP", "webp", {"lossless": True}),
        ("GIF", "gif", {}),
        ("BMP", "bmp", {}),
        ("TIFF", "tiff", {}),
        ("TIFF", "tiff", {"compression": "tiff_lzw"}),
    ],
)
def test_every_accepted_format_comes_out_rgb_and_unchanged(fmt, extension, params):
    data = encode(quadrants(), fmt, **params)
    photo = load_photo(data, "holiday.jpg")  # the name lies for most of them: content decides
    assert_working(photo)
    assert photo.extension == extension
    assert photo.format == fmt
    assert photo.original == data
    assert_quadrants(photo.image)


def test_heic_round_trip():
    pillow_heif = pytest.importorskip("pillow_heif")
    if not pillow_heif.libheif_info().get("HEIF"):
        pytest.skip("this libheif has no HEVC encoder to write a HEIC file")
    heif = pillow_heif.from_pillow(quadrants())
    buffer = io.BytesIO()
    heif.save(buffer, quality=95)
    data = buffer.getvalue()
    photo = load_photo(data, "IMG_0001.HEIC")
    assert_working(photo)
    assert photo.extension == "heic"
    assert photo.format == "HEIF"
    assert_quadrants(photo.image)


def test_heic_with_rotation_comes_out_upright():
    pillow_heif = pytest.importorskip("pillow_heif")
    if not pillow_heif.libheif_info().get("HEIF"):
        pytest.skip("this libheif has no HEVC encoder to write a HEIC file")
    exif = Image.Exif()
    exif[0x0112] = 6  # a phone held upright: pixels stored turned, the tag says so
    stored = quadrants().transpose(Image.Transpose.ROTATE_90)
    buffer = io.BytesIO()
    pillow_heif.from_pillow(stored).save(buffer, quality=95, exif=exif.tobytes())
    assert_quadrants(load_photo(buffer.getvalue()).image)


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF"])
def test_every_exif_orientation_is_made_upright(orientation, fmt):
    # The inverse of what the viewer applies, so that the upright picture is `quadrants()`.
    inverse = {
        1: None,
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_90,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_270,
    }
    stored = quadrants() if inverse[orientation] is None else quadrants().transpose(inverse[orientation])
    exif = Image.Exif()
    exif[0x0112] = orientation
    params = {"quality": 95} if fmt == "JPEG" else {"lossless": True} if fmt == "WEBP" else {}
    if fmt == "TIFF":  # a TIFF keeps the orientation among its own tags, and Pillow applies it on load
        data = encode(stored, fmt, tiffinfo={0x0112: orientation}, compression="tiff_lzw")
    else:
        data = encode(stored, fmt, exif=exif.tobytes(), **params)
    photo = load_photo(data, "phone.jpg")
    assert_working(photo)
    assert_quadrants(photo.image)
    # Agrees with Pillow's own reading of the tag.
    reference = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    assert reference.size == photo.image.size


def test_broken_exif_does_not_refuse_the_photo():
    data = encode(quadrants(), "JPEG", quality=95, exif=b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\xff\xff garbage")
    assert_quadrants(load_photo(data).image)


def test_large_photo_is_downscaled_once_and_rotated():
    image = Image.new("RGB", (4600, 3000), WHITE)
    image.paste(RED, (0, 0, 2300, 1500))
    exif = Image.Exif()
    exif[0x0112] = 6
    data = encode(image, "JPEG", quality=80, exif=exif.tobytes())
    photo = load_photo(data)
    assert_working(photo)
    # Orientation 6: the stored top-left (red) ends up top-right once upright.
    assert photo.image.size == (round(3000 * WORKING_MAX_SIDE / 4600), WORKING_MAX_SIDE)
    assert close(photo.image.getpixel((photo.width - 10, 10)), RED)
    assert close(photo.image.getpixel((10, 10)), WHITE)
    assert photo.original == data


def test_large_png_is_downscaled_keeping_its_shape():
    photo = load_photo(encode(quadrants((3000, 2000)), "PNG"))
    assert photo.image.size == (WORKING_MAX_SIDE, round(2000 * WORKING_MAX_SIDE / 3000))
    assert_quadrants(photo.image.resize((120, 80)))


def test_cmyk_jpeg():
    image = Image.new("CMYK", (100, 100), (0, 255, 255, 0))  # red in print colours
    image.paste((255, 0, 255, 0), (50, 0, 100, 100))  # green
    photo = load_photo(encode(image, "JPEG", quality=95))
    assert_working(photo)
    assert close(photo.image.getpixel((20, 50)), RED, 50)
    assert close(photo.image.getpixel((80, 50)), GREEN, 50)


@pytest.mark.parametrize("mode,fmt", [("L", "JPEG"), ("L", "PNG"), ("1", "PNG"), ("1", "BMP"), ("L", "TIFF")])
def test_greyscale_and_one_bit(mode, fmt):
    image = Image.new(mode, (100, 80), 0)
    image.paste(255, (50, 0, 100, 80))
    photo = load_photo(encode(image, fmt))
    assert_working(photo)
    assert close(photo.image.getpixel((10, 40)), (0, 0, 0), 10)
    assert close(photo.image.getpixel((90, 40)), WHITE, 10)


def test_palette_with_transparency_is_flattened_onto_white():
    image = Image.new("P", (100, 80), 0)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    image.paste(1, (50, 0, 100, 80))
    data = encode(image, "PNG", transparency=0)
    photo = load_photo(data)
    assert_working(photo)
    assert photo.image.getpixel((10, 40)) == WHITE
    assert photo.image.getpixel((90, 40)) == RED


@pytest.mark.parametrize("mode", ["RGBA", "LA"])
def test_transparency_is_flattened_onto_white(mode):
    image = Image.new("RGBA", (100, 80), (255, 0, 0, 0))  # fully transparent left
    image.paste((255, 0, 0, 255), (50, 0, 75, 80))  # opaque red
    image.paste((255, 0, 0, 128), (75, 0, 100, 80))  # half transparent red
    if mode == "LA":
        image = image.convert("LA")
    photo = load_photo(encode(image, "PNG"))
    assert_working(photo)
    assert photo.image.getpixel((10, 40)) == WHITE
    opaque, half = photo.image.getpixel((60, 40)), photo.image.getpixel((90, 40))
    if mode == "LA":
        assert opaque[0] == opaque[1] == opaque[2] < 120  # red as grey
        assert opaque[0] < half[0] < 255
    else:
        assert close(opaque, RED, 10)
        assert close(half, (255, 127, 127), 10)


def test_sixteen_bit_greyscale_is_scaled_not_clipped():
    values = np.tile(np.linspace(0, 65535, 256).astype(np.uint16), (80, 1))
    image = Image.fromarray(values)
    photo = load_photo(encode(image, "PNG"))
    assert_working(photo)
    row = [photo.image.getpixel((x, 40))[0] for x in (0, 128, 255)]
    assert row[0] <= 2 and 120 <= row[1] <= 136 and row[2] >= 253


def test_thirty_two_bit_tiff_is_scaled():
    values = np.tile(np.linspace(-1000, 100_000, 200).astype(np.int32), (100, 1))
    photo = load_photo(encode(Image.fromarray(values), "TIFF"))
    assert_working(photo)
    assert photo.image.getpixel((0, 50))[0] == 0 and photo.image.getpixel((199, 50))[0] == 255


def test_sixteen_bit_rgb_png():
    # Pillow writes 16-bit RGB only through raw data: build the PNG by hand.
    width, height = 80, 70
    pixel = struct.pack(">HHH", 65535, 0, 0)
    rows = b"".join(b"\x00" + pixel * width for _ in range(height))
    data = (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0))
        + png_chunk(b"IDAT", zlib.compress(rows))
        + png_chunk(b"IEND", b"")
    )
    photo = load_photo(data)
    assert_working(photo)
    assert photo.image.getpixel((5, 5)) == RED


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_animation_uses_its_first_frame(fmt):
    frames = [Image.new("RGB", (100, 80), colour) for colour in (RED, GREEN, BLUE)]
    params = {"lossless": True} if fmt == "WEBP" else {}
    data = encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0, **params)
    assert getattr(Image.open(io.BytesIO(data)), "n_frames", 1) == 3
    photo = load_photo(data, "funny.gif")
    assert_working(photo)
    assert close(photo.image.getpixel((50, 40)), RED, 10)


def test_multipage_tiff_uses_its_first_page():
    pages = [Image.new("RGB", (100, 80), colour) for colour in (GREEN, RED)]
    data = encode(pages[0], "TIFF", save_all=True, append_images=pages[1:])
    assert close(load_photo(data).image.getpixel((50, 40)), GREEN, 0)


def test_boundaries_just_inside_are_accepted():
    assert load_photo(encode(noise((64, 64)), "PNG")).image.size == (64, 64)
    assert load_photo(encode(noise((800, 100)), "PNG")).image.size == (800, 100)  # exactly 8:1


def test_icc_profile_is_applied_and_not_kept():
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(quadrants(), "PNG", icc_profile=profile)
    photo = load_photo(data)
    assert_quadrants(photo.image, tolerance=3)
    assert "icc_profile" not in photo.image.info


def test_photo_to_png_round_trips_and_is_stable():
    photo = load_photo(encode(quadrants(), "JPEG", quality=95, exif=Image.Exif().tobytes()))
    png = photo_to_png(photo.image)
    assert png == photo_to_png(photo.image)  # same picture, same bytes: content hashes match
    back = Image.open(io.BytesIO(png))
    assert back.format == "PNG" and back.mode == "RGB"
    assert np.array_equal(np.asarray(back), np.asarray(photo.image))
    assert not {"exif", "icc_profile"} & set(back.info)
    cmyk = photo_to_png(Image.new("CMYK", (10, 10)))
    assert Image.open(io.BytesIO(cmyk)).mode == "RGB"


def test_pillow_process_wide_settings_are_untouched():
    before = (ImageFile.LOAD_TRUNCATED_IMAGES, Image.MAX_IMAGE_PIXELS)
    load_photo(encode(quadrants(), "PNG"))
    with pytest.raises(InputError):
        load_photo(encode(noise(), "JPEG")[:2000])
    assert (ImageFile.LOAD_TRUNCATED_IMAGES, Image.MAX_IMAGE_PIXELS) == before
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


# --- refused uploads -----------------------------------------------------------------------


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", b"not really")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data,says",
    [
        (b"Dear diary, today we went to the beach.\n", "a text file"),
        ("Größe: 12 × 4 — ok\n".encode(), "a text file"),
        ("hello".encode("utf-16"), "a text file"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "PDF document"),
        (b"<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>", "web page"),
        (b"  <html><script>alert(1)</script></html>", "web page"),
        (zip_bytes(), "ZIP archive"),
        (b"\x00\x01\x02\x03" * 100, "is not a picture the studio can read"),
        (b"\xff\xd8", "is not a picture the studio can read"),  # two bytes of a JPEG signature are not a JPEG
    ],
)
def test_not_a_picture_under_a_picture_name(data, says):
    with pytest.raises(InputError) as error:
        load_photo(data, "cat.jpg")
    message = str(error.value)
    assert says in message
    assert "not a picture" in message and message.endswith("photo.")
    assert '"cat.jpg"' in message


@pytest.mark.parametrize(
    "svg",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><circle r="40"/></svg>',
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- drawn -->\n<svg xmlns="http://www.w3.org/2000/svg"/>',
        b"\xef\xbb\xbf  <svg onload='alert(1)'/>",
    ],
)
def test_svg_is_refused_with_its_own_message(svg):
    with pytest.raises(InputError, match=r"^SVG drawings are not supported; export it as PNG or JPEG\.$"):
        load_photo(svg, "drawing.png")


def test_empty_file():
    with pytest.raises(InputError, match="empty"):
        load_photo(b"", "photo.jpg")


def test_over_the_upload_limit_is_refused_before_reading():
    data = b"\xff\xd8\xff\xe0" + bytes(MAX_UPLOAD_BYTES)
    with pytest.raises(InputError, match="over the 25 MB limit"):
        load_photo(data, "huge.jpg")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF", "TIFF", "BMP"])
@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated_files_are_refused(fmt, keep):
    data = encode(noise((300, 200)), fmt)
    with pytest.raises(InputError, match="damaged or cut short"):
        load_photo(data[: int(len(data) * keep)], "cut.jpg")


def test_png_cut_after_its_header():
    with pytest.raises(InputError, match="damaged or cut short"):
        load_photo(encode(noise(), "PNG")[:40])


@pytest.mark.parametrize("size", [(32, 32), (63, 500), (500, 10)])
def test_tiny_pictures(size):
    with pytest.raises(InputError, match="too small to make pictures from"):
        load_photo(encode(noise(size), "PNG"))


@pytest.mark.parametrize("size", [(900, 100), (100, 1000)])
def test_extreme_panoramas_are_refused(size):
    with pytest.raises(InputError, match="panorama"):
        load_photo(encode(noise(size), "JPEG"))


def test_avif_and_videos_are_named():
    with pytest.raises(InputError, match="AVIF"):
        load_photo(b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + bytes(100))
    with pytest.raises(InputError, match="video"):
        load_photo(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(100))


# --- decompression bombs -------------------------------------------------------------------


@pytest.fixture()
def decoded(monkeypatch):
    """Records every pixel decode, to prove a refusal happened before any."""
    calls = []
    original = ImageFile.ImageFile.load

    def spy(self):
        calls.append(self.size)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    return calls


def test_genuine_png_bomb_is_refused_before_decoding(decoded):
    data = single_colour_png(10_000, 6_000)  # 60 megapixels, 180 MB of pixels, in a tiny file
    assert len(data) < 400_000 and 10_000 * 6_000 > MAX_PIXELS
    with pytest.raises(InputError, match="megapixels"):
        load_photo(data, "bomb.png")
    assert decoded == []  # refused from the header: not one pixel decoded


@pytest.mark.parametrize("width,height", [(100_000, 100_000), (65_000, 1_000), (20_000, 20_000)])
def test_png_whose_header_claims_an_enormous_size(decoded, width, height):
    data = png_with_header(encode(noise((100, 100)), "PNG"), width, height)
    with pytest.raises(InputError) as error:
        load_photo(data, "bomb.png")
    assert decoded == []
    assert "megapixels" in str(error.value) or "panorama" in str(error.value)


def test_jpeg_and_gif_headers_claiming_an_enormous_size(decoded):
    jpeg = bytearray(encode(noise((100, 100)), "JPEG"))
    sof = jpeg.index(b"\xff\xc0")
    jpeg[sof + 5 : sof + 9] = struct.pack(">HH", 60_000, 60_000)
    gif = bytearray(encode(noise((100, 100)).convert("P"), "GIF"))
    gif[6:10] = struct.pack("<HH", 65_535, 65_535)  # logical screen
    image_descriptor = gif.index(b"\x2c", 13 + 3 * 256)
    gif[image_descriptor + 5 : image_descriptor + 9] = struct.pack("<HH", 65_535, 65_535)
    for data in (bytes(jpeg), bytes(gif)):
        with pytest.raises(InputError, match="megapixels"):
            load_photo(data)
    assert decoded == []


# --- fuzzing: nothing but InputError ever escapes --------------------------------------------


def _seeds() -> list[bytes]:
    image = noise((80, 70), seed=3)
    return [
        encode(image, "JPEG", quality=70),
        encode(image, "PNG"),
        encode(image, "WEBP"),
        encode(image.convert("P"), "GIF"),
        encode(image, "BMP"),
        encode(image, "TIFF"),
    ]


SEEDS = _seeds()


def _accepts_or_refuses(data: bytes) -> None:
    try:
        photo = load_photo(data, "fuzz.jpg")
    except InputError as error:
        message = str(error)
        assert message and "\n" not in message and message.endswith(".")
    else:
        assert_working(photo)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_only_ever_raise_input_error(data):
    _accepts_or_refuses(data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(SEEDS),
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8),
    st.integers(0, 10**6),
)
def test_damaged_real_pictures_only_ever_raise_input_error(seed, flips, cut):
    data = bytearray(seed)
    for position, value in flips:
        data[position % len(data)] = value
    _accepts_or_refuses(bytes(data[: max(1, cut % (len(data) + 1))]))


def test_camera_mpo_is_read_as_jpeg():
    first, second = Image.new("RGB", (100, 80), RED), Image.new("RGB", (100, 80), BLUE)
    photo = load_photo(encode(first, "MPO", save_all=True, append_images=[second]), "DSC0001.JPG")
    assert photo.extension == "jpg" and photo.format == "MPO"
    assert close(photo.image.getpixel((50, 40)), RED, 10)


def test_cielab_tiff_is_colour_converted():
    lab = Image.new("LAB", (100, 80), (138, 209, 198))  # sRGB red in Pillow's LAB encoding
    photo = load_photo(encode(lab, "TIFF"))
    assert_working(photo)
    assert close(photo.image.getpixel((50, 40)), RED, 25)


def test_many_sessions_at_once():
    """Streamlit serves every session from threads of one process: loads must not interfere."""
    from concurrent.futures import ThreadPoolExecutor

    uploads = [encode(quadrants(), fmt) for fmt in ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")] * 4
    try:
        import pillow_heif

        buffer = io.BytesIO()
        pillow_heif.from_pillow(quadrants()).save(buffer, quality=95)
        uploads += [buffer.getvalue()] * 4
    except Exception:  # noqa: BLE001 - no HEIC encoder here: the other formats still run together
        pass
    with ThreadPoolExecutor(8) as pool:
        photos = list(pool.map(load_photo, uploads))
    for photo in photos:
        assert_quadrants(photo.image, tolerance=60)
