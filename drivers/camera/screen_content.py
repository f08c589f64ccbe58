"""What the simulated panel emits, in display pixels: the pattern, the *#06# screen, the home
screen, with the scenario's screen defects applied.

Images here are float32 BGR in [0, 1] of the panel's native portrait resolution: the light each
display pixel emits. The camera model (`drivers.camera.optics`) turns that into a photograph.
Defects follow the scenario schema (`drivers/scenarios/README.md`), with optional extras:
``stuck_pixel.color`` [r, g, b] 0-255, ``bright_spot.level`` / ``dark_spot.depth`` /
``burn_in.depth`` as fractions of full emission, ``crack.width`` in display px.
"""

from __future__ import annotations

import zlib
from typing import Iterable

import cv2
import numpy as np

PATTERNS = ("white", "black", "red", "green", "blue", "gray", "off")
LIT_PATTERNS = ("white", "red", "green", "blue", "gray")
# BGR emission of each full-screen pattern (gray is 50 % emission).
PATTERN_BGR = {
    "white": (1.0, 1.0, 1.0), "black": (0.0, 0.0, 0.0), "red": (0.0, 0.0, 1.0),
    "green": (0.0, 1.0, 0.0), "blue": (1.0, 0.0, 0.0), "gray": (0.5, 0.5, 0.5), "off": (0.0, 0.0, 0.0),
}
DEFAULT_STUCK_RGB = (0, 255, 0)
DEFAULT_BRIGHT_LEVEL = 0.14
DEFAULT_DARK_DEPTH = 0.35
DEFAULT_BURN_DEPTH = 0.04
DEFAULT_CRACK_WIDTH = 2
LINE_DIM = 0.12      # a dead row/column driver passes ~12 % of the light on lit patterns
LINE_GLOW = 0.35     # ... and leaks this much on black


def screen_is_on(screen: str | None) -> bool:
    return screen not in (None, "off")


def render_screen(screen: str | None, width: int, height: int, defects: Iterable[dict] = (),
                  imeis: Iterable[str] = ()) -> np.ndarray:
    """Emission of the panel showing `screen` (a pattern name, 'imei' or 'home'), defects applied."""
    if screen in PATTERN_BGR:
        img = np.empty((height, width, 3), np.float32)
        # One row filled, then copied down: numpy broadcasts a 3-value colour into the image
        # value by value (~23 ms a frame), a whole row as plain copies (~3 ms).
        row = np.empty((1, width, 3), np.float32)
        row[:] = PATTERN_BGR[screen]
        img[:] = row
    elif screen == "imei":
        img = imei_screen(width, height, list(imeis))
    else:
        img = home_screen(width, height)
    if screen_is_on(screen):
        apply_defects(img, list(defects), lit=screen not in ("black",), in_range=screen in PATTERN_BGR)
    return img


def apply_defects(img: np.ndarray, defects: list[dict], lit: bool, in_range: bool = False) -> None:
    """Apply panel defects in place. `lit` is False on the black pattern (only leaks show).

    Emission ends clipped to [0, 1]. With `in_range` (`img` already holds only such values: a
    flat pattern) only the defects' boxes are clipped — the same image without a pass over all
    of its 2.6 M pixels, once per screen frame."""
    h, w = img.shape[:2]
    touched = []
    for d in defects:
        kind = d.get("kind")
        sl = None
        if kind == "bright_spot":
            prof, sl = _disk_profile(d, w, h)
            img[sl] += float(d.get("level", DEFAULT_BRIGHT_LEVEL)) * prof[..., None]
        elif kind == "dark_spot":
            prof, sl = _disk_profile(d, w, h)
            img[sl] *= 1.0 - float(d.get("depth", DEFAULT_DARK_DEPTH)) * prof[..., None]
        elif kind == "burn_in":
            mask, sl = burn_in_ghost(d, w, h)
            img[sl] *= 1.0 - float(d.get("depth", DEFAULT_BURN_DEPTH)) * mask[..., None]
        elif kind == "crack":
            mask, sl = crack_mask(d, w, h)
            img[sl] *= 1.0 - 0.65 * mask[..., None]
        if sl is not None:
            touched.append(sl)
    # Pixel-level faults last: they override whatever the layers above produced.
    for d in defects:
        kind = d.get("kind")
        sl = _box_slice(d, w, h)
        if kind == "line":
            if lit:
                img[sl] *= LINE_DIM
            else:
                img[sl] = np.maximum(img[sl], LINE_GLOW)
        elif kind == "dead_pixel":
            img[sl] = 0.0
        elif kind == "stuck_pixel":
            r, g, b = d.get("color", DEFAULT_STUCK_RGB)
            img[sl] = (b / 255.0, g / 255.0, r / 255.0)
        else:
            continue
        touched.append(sl)
    if not in_range:
        np.clip(img, 0.0, 1.0, out=img)
        return
    for sl in touched:
        box = img[sl]
        np.clip(box, 0.0, 1.0, out=box)


def _box_slice(d: dict, w: int, h: int):
    x, y = int(d.get("x", 0)), int(d.get("y", 0))
    bw, bh = max(1, int(d.get("w", 1))), max(1, int(d.get("h", 1)))
    return (slice(max(0, y), min(h, y + bh)), slice(max(0, x), min(w, x + bw)))


def _disk_profile(d: dict, w: int, h: int):
    """A soft elliptical disk filling the defect's box (full inside, ~25 % soft edge)."""
    x, y, bw, bh = float(d["x"]), float(d["y"]), float(d.get("w", 20)), float(d.get("h", 20))
    x0, y0 = max(0, int(x)), max(0, int(y))
    x1, y1 = min(w, int(np.ceil(x + bw))), min(h, int(np.ceil(y + bh)))
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    r = np.hypot((xx + 0.5 - (x + bw / 2)) / (bw / 2), (yy + 0.5 - (y + bh / 2)) / (bh / 2))
    prof = np.clip((1.0 - r) / 0.25, 0.0, 1.0)
    prof = prof * prof * (3 - 2 * prof)            # smoothstep edge
    return prof.astype(np.float32), (slice(y0, y1), slice(x0, x1))


def burn_in_ghost(d: dict, w: int, h: int):
    """A ghost of static UI (status-bar glyphs, icons, a keyboard row) inside the defect's box.

    The shapes are derived from the box so the same scenario always shows the same ghost.
    """
    sl = _box_slice(d, w, h)
    bh, bw = sl[0].stop - sl[0].start, sl[1].stop - sl[1].start
    mask = np.zeros((bh, bw), np.float32)
    rng = np.random.default_rng(zlib.crc32(f"{d.get('x')},{d.get('y')},{bw},{bh}".encode()))
    # Glyph blocks laid out in rows, like text and icons, covering most of the box.
    rows = max(1, int(round(bh / max(8, bw / 8))))
    row_h = bh / rows
    for r in range(rows):
        x = 0.0
        while x < bw:
            gw = rng.uniform(0.05, 0.18) * bw
            x0, x1 = int(x), int(min(bw, x + gw))
            y0, y1 = int(r * row_h + 0.12 * row_h), int((r + 1) * row_h - 0.12 * row_h)
            mask[y0:max(y0 + 1, y1), x0:max(x0 + 1, x1)] = 1.0
            x += gw + rng.uniform(0.02, 0.06) * bw
    # Keep the box's outline: real ghosts fill the UI element the box describes.
    mask[: max(1, bh // 10), :] = 1.0
    mask = cv2.GaussianBlur(mask, (0, 0), 1.0)
    return mask, sl


def crack_mask(d: dict, w: int, h: int):
    """Antialiased polyline mask of a crack (full frame size; cracks span large areas)."""
    pts = np.asarray(d.get("points", []), np.float64)
    mask = np.zeros((h, w), np.uint8)
    if len(pts) >= 2:
        width = int(d.get("width", DEFAULT_CRACK_WIDTH))
        shift = 4
        cv2.polylines(mask, [np.round(pts * (1 << shift)).astype(np.int32)], False, 255,
                      thickness=width, lineType=cv2.LINE_AA, shift=shift)
    return mask.astype(np.float32) / 255.0, (slice(0, h), slice(0, w))


def defect_box(d: dict) -> tuple[int, int, int, int]:
    """(x, y, w, h) of a defect in display px (a crack's box bounds its polyline)."""
    if d.get("kind") == "crack" and d.get("points"):
        pts = np.asarray(d["points"], np.float64)
        x0, y0 = np.floor(pts.min(axis=0))
        x1, y1 = np.ceil(pts.max(axis=0))
        return int(x0), int(y0), int(x1 - x0) + 1, int(y1 - y0) + 1
    return int(d.get("x", 0)), int(d.get("y", 0)), int(d.get("w", 1)), int(d.get("h", 1))


def home_screen(width: int, height: int) -> np.ndarray:
    """A plausible launcher: gradient wallpaper, status bar, icon grid, dock."""
    yy = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    img = np.empty((height, width, 3), np.float32)
    img[..., 0] = 0.55 + 0.35 * yy
    img[..., 1] = 0.35 + 0.25 * yy
    img[..., 2] = 0.25 + 0.15 * (1 - yy)
    img[: max(2, height // 40)] = 0.15
    icon = max(4, width // 7)
    colors = [(0.9, 0.5, 0.2), (0.2, 0.8, 0.3), (0.3, 0.3, 0.95), (0.95, 0.95, 0.95)]
    for row in range(5):
        for col in range(4):
            x = int(width * (0.08 + 0.23 * col))
            y = int(height * (0.12 + 0.13 * row))
            img[y:y + icon, x:x + icon] = colors[(row + col) % len(colors)]
    img[int(height * 0.86):int(height * 0.86) + icon, int(width * 0.08):int(width * 0.92)] = 0.85
    return img


def imei_screen(width: int, height: int, imeis: list[str]) -> np.ndarray:
    """The dialer's *#06# result: a title, each IMEI as text and as a Code 128 barcode."""
    import zxingcpp  # lazy: only the IMEI screen needs the barcode writer

    img = np.full((height, width), 255, np.uint8)
    scale = width / 1080.0
    font = cv2.FONT_HERSHEY_SIMPLEX
    cv2.putText(img, "*#06#", (int(60 * scale), int(220 * scale)), font, 2.4 * scale, 0,
                max(1, int(5 * scale)), cv2.LINE_AA)
    cv2.putText(img, "Device info", (int(60 * scale), int(330 * scale)), font, 1.6 * scale, 60,
                max(1, int(3 * scale)), cv2.LINE_AA)
    y = int(470 * scale)
    for i, imei in enumerate(imeis):
        label = f"IMEI{i + 1 if len(imeis) > 1 else ''}: {imei}"
        cv2.putText(img, label, (int(60 * scale), y), font, 1.5 * scale, 0, max(1, int(3 * scale)),
                    cv2.LINE_AA)
        code = np.asarray(zxingcpp.create_barcode(imei, zxingcpp.BarcodeFormat.Code128).to_image(scale=1))
        module = max(2, int((width * 0.8) // code.shape[1]))
        bar = cv2.resize(code, (code.shape[1] * module, max(40, int(200 * scale))),
                         interpolation=cv2.INTER_NEAREST)
        x0 = (width - bar.shape[1]) // 2
        y0 = y + int(40 * scale)
        if y0 + bar.shape[0] < height and x0 >= 0:
            img[y0:y0 + bar.shape[0], x0:x0 + bar.shape[1]] = bar
        y = y0 + bar.shape[0] + int(140 * scale)
    out = np.repeat((img.astype(np.float32) / 255.0)[..., None], 3, axis=2)
    return out
