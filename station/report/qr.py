"""The verification QR code, encoded once per URL for all of a report's copies.

Why: segno picks the best of eight masks in pure Python (~20 ms a code); the HTML, PDF and PNG
copies of one report, rendered one after another at the end of an inspection, drew the same code
three times. A QR code object is only read after it is made, so the copies' threads may share it.
"""

from __future__ import annotations

from functools import lru_cache

import segno


@lru_cache(maxsize=16)
def verify_qr(url: str) -> segno.QRCode:
    """The QR code of `url` at error level M (what every copy prints)."""
    return segno.make(url, error="m")
