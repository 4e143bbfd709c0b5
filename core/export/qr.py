"""The QR code on the book's last page, and a reader for it.

Error correction M (15 %) is the usual trade for print: it survives a fold, a smudge or a glossy
reflection, while keeping the code small for the long export URLs (an unguessable token in the
path). The quiet zone (4 modules of white, as the standard asks) is part of the image, so a phone
can find the code even when it is printed next to other things.

`decode_qr` uses OpenCV's QRCodeDetector: the tests read the PDF's page back through it, and the
bench uses it to check that the printed code still scans.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.errors import InputError

if TYPE_CHECKING:
    from PIL.Image import Image

BOX_SIZE = 10  # pixels per module: crisp when the PDF scales the image
BORDER = 4  # modules of quiet zone


def qr_image(url: str) -> Image:
    """A black-on-white QR code (mode "L") for `url`, quiet zone included.

    Raises InputError if the URL is empty or too long for a QR code (about 2,300 bytes at level M).
    """
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M
    from qrcode.exceptions import DataOverflowError

    if not url:
        raise InputError("There is no address to put in the QR code.")
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=BOX_SIZE, border=BORDER)
    qr.add_data(url)
    try:
        qr.make(fit=True)
    except (DataOverflowError, ValueError) as e:
        raise InputError(
            f"The download address is too long for a QR code ({len(url.encode())} bytes); "
            "set a shorter public base URL."
        ) from e
    img = qr.make_image(fill_color="black", back_color="white")
    img = getattr(img, "get_image", lambda: img._img)()
    return img.convert("L")


def decode_qr(image: Image) -> str | None:
    """The text of the first QR code found in `image`, or None if none can be read."""
    import cv2
    import numpy as np
    from PIL import ImageOps

    gray = ImageOps.expand(image.convert("L"), border=32, fill=255)  # a quiet zone, in case
    detector = cv2.QRCodeDetector()
    for scale in (1.0, 0.5, 2.0):
        candidate = gray
        if scale != 1.0:
            w, h = gray.size
            if min(w, h) * scale < 64 or max(w, h) * scale > 8000:
                continue
            candidate = gray.resize((int(w * scale), int(h * scale)))
        text, points, _ = detector.detectAndDecode(np.asarray(candidate))
        if text:
            return text
    return None
