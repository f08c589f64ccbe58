"""IMEIs from a camera photo of the phone's *#06# screen: its barcodes, decoded with zxing-cpp.

The *#06# screen shows each IMEI as digits and as a (usually Code 128) barcode. Barcodes are read
exactly or not at all, so they are the primary source; OCR of the digits is optional and off here.
"""

from __future__ import annotations

from pathlib import Path

from station.errors import BadInput
from station.imei.luhn import compact, is_valid, to_imei


LINEAR_FORMATS = ("Code128", "Code39", "Code93", "ITF", "Codabar")
# Passes from cheap to thorough; the first that yields a valid IMEI wins. *#06# screens show
# Code 128 (some makers Code 39); a 12 MP photo holds them large enough to read at half size,
# which with only linear formats is ~80x faster than every format at full size.
PASSES = ((0.5, LINEAR_FORMATS), (1.0, LINEAR_FORMATS), (1.0, None))


def decode_barcodes(image, formats: tuple[str, ...] | None = None) -> list[str]:
    """Texts of the barcodes zxing-cpp finds in `image` (ndarray), optionally only `formats`."""
    import zxingcpp

    if formats is None:
        return [r.text for r in zxingcpp.read_barcodes(image)]
    wanted = tuple(getattr(zxingcpp.BarcodeFormat, name) for name in formats)
    return [r.text for r in zxingcpp.read_barcodes(image, formats=wanted)]


def imeis_from_texts(texts: list[str]) -> list[str]:
    """Keep the texts that are valid IMEIs/IMEISVs, as 15-digit IMEIs, in order, without repeats."""
    found: list[str] = []
    for text in texts:
        value = compact(text)
        if value.isdigit() and len(value) in (15, 16) and is_valid(value):
            imei = to_imei(value)
            if imei not in found:
                found.append(imei)
    return found


def load_image(path: str | Path):
    import cv2

    path = Path(path)
    if not path.is_file():
        raise BadInput(f"no image file at {path}", "give the path of a photo of the *#06# screen")
    image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise BadInput(f"{path} is not an image OpenCV can read", "use a PNG or JPEG photo")
    return image


def read_imeis_from_image(image_or_path) -> dict:
    """{"imeis": [...], "barcodes": [...]} from a photo (path, or grayscale/BGR ndarray)."""
    import cv2

    image = load_image(image_or_path) if isinstance(image_or_path, (str, Path)) else image_or_path
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    texts: list[str] = []
    for scale, formats in PASSES:
        scaled = image if scale == 1.0 else cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        texts = decode_barcodes(scaled, formats)
        if imeis_from_texts(texts):
            break
    return {"imeis": imeis_from_texts(texts), "barcodes": texts}
