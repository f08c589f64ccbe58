"""IMEIs from a camera photo of the phone's *#06# screen: its barcodes, decoded with zxing-cpp.

The *#06# screen shows each IMEI as digits and as a (usually Code 128) barcode. Barcodes are read
exactly or not at all, so they are the primary source; OCR of the digits is optional and off here.
"""

from __future__ import annotations

from pathlib import Path

from station.errors import BadInput
from station.imei.luhn import compact, is_valid, to_imei


def decode_barcodes(image) -> list[str]:
    """Texts of all barcodes zxing-cpp finds in `image` (ndarray or PIL-like)."""
    import zxingcpp

    return [r.text for r in zxingcpp.read_barcodes(image)]


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
    """{"imeis": [...], "barcodes": [...]} from a photo (path or grayscale/BGR ndarray)."""
    image = load_image(image_or_path) if isinstance(image_or_path, (str, Path)) else image_or_path
    texts = decode_barcodes(image)
    if not texts:
        # a 12 MP photo may hold the barcodes too small or too large for one pass: try a half-size copy
        import cv2

        texts = decode_barcodes(cv2.resize(image, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA))
    return {"imeis": imeis_from_texts(texts), "barcodes": texts}
