"""Lossless PNG at a fraction of libpng's CPU cost: 12 MP evidence frames, the report's share card.

Why not `cv2.imencode(".png")`: libpng's per-row adaptive filtering plus zlib's deflate cost
0.7–1 s of CPU per 12 MP frame even at Huffman-only (measured), and on the station's two cores
that CPU is taken from the camera capture running at the same time. Here the rows go unfiltered
(filter type 0: sensor noise leaves the row filters little to find) and are deflated by ISA-L
(`isal`, level 1), ~0.17 s per frame for a file ~15 % larger than libpng's. The output is a plain
PNG (8-bit RGB, one zlib stream) any decoder reads back bit for bit; without `isal` installed the
standard library's zlib writes the same format, only slower.

The share card (flat colours and text, station/report/render_card.py) gains the same way: Pillow's
writer, even at compress level 1, spent ~40 ms filtering and deflating it; unfiltered rows through
ISA-L take ~10 ms and make a slightly smaller file (measured), at the end of every inspection.
"""

from __future__ import annotations

import struct
import zlib
from typing import Any

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DEFLATE_LEVEL = 1

try:                       # ISA-L deflate: same zlib stream format, ~4x faster than zlib level 1
    from isal import isal_zlib as _deflate_module
except ImportError:        # pragma: no cover - isal is a declared dependency
    _deflate_module = zlib


def _chunk(kind: bytes, data: bytes | memoryview) -> list[bytes | memoryview]:
    crc = zlib.crc32(data, zlib.crc32(kind)) & 0xFFFFFFFF
    return [struct.pack(">I", len(data)), kind, data, struct.pack(">I", crc)]


def encode_png(frame: Any, order: str = "bgr") -> bytes:
    """PNG bytes of an 8-bit frame: HxW grey, HxWx3 BGR (OpenCV's order) or HxWx4 BGRA — or, with
    `order="rgb"`, HxWx3 RGB / HxWx4 RGBA (Pillow's and PNG's own order)."""
    import numpy as np

    image = np.asarray(frame)
    if image.dtype != np.uint8 or image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (3, 4)):
        raise ValueError(f"encode_png takes an 8-bit grey, BGR or BGRA frame, got {image.dtype} "
                         f"{image.shape}; convert it with numpy/OpenCV first")
    if order not in ("bgr", "rgb"):
        raise ValueError(f"encode_png's order is 'bgr' (OpenCV) or 'rgb' (Pillow), got {order!r}")
    height, width = image.shape[:2]
    channels = 1 if image.ndim == 2 else image.shape[2]
    color_type = {1: 0, 3: 2, 4: 6}[channels]
    # Filtered scanlines: a 0 byte (filter "None") before each row, channels in PNG's RGB order.
    rows = np.empty((height, 1 + width * channels), np.uint8)
    rows[:, 0] = 0
    pixels = rows[:, 1:].reshape(height, width, channels) if channels > 1 else rows[:, 1:]
    if channels == 1 or order == "rgb":
        pixels[...] = image
    else:
        import cv2  # only here: station/ keeps cv2 out of module level

        # Straight into the scanline buffer (a strided view): one pass, multithreaded.
        code = cv2.COLOR_BGR2RGB if channels == 3 else cv2.COLOR_BGRA2RGBA
        out = cv2.cvtColor(image, code, dst=pixels)
        if not np.shares_memory(out, pixels):    # an OpenCV that copied instead
            pixels[...] = out
    idat = _deflate_module.compress(memoryview(rows).cast("B"), DEFLATE_LEVEL)
    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    parts = [PNG_SIGNATURE, *_chunk(b"IHDR", header), *_chunk(b"IDAT", idat), *_chunk(b"IEND", b"")]
    return b"".join(parts)
