"""Finding screen defects in frames already resampled on the display's pixel grid.

Two scales, each a handful of whole-image cv2 operations (no per-pixel Python):

* fine (display px): every lit frame is reduced to the channel(s) the pattern lights (min over
  them); its dip below a 9x9 closing is averaged over the lit frames (`dip`). Channels the
  pattern leaves dark (all on black; e.g. green and blue on red) give `bright`, the excess over
  their median in camera levels. The `off` frame gives `glow` (raking light scattered by cracks).
  Rows/columns that are outliers along almost their whole length are `line`s; remaining small
  blobs are `dead_pixel` (dark only) or `stuck_pixel` (lit where it should not be); long thin
  blobs, joined when close, are `crack`s.
* coarse (1/4 display px, after a 10 px median removes pixel-scale faults): the relative
  deviation from a robust smooth background (vignetting, exposure drift, glare removed) averaged
  over the lit frames finds `dark_spot` (deep) and `burn_in` (a few levels); the black and gray
  frames' positive deviation finds `bright_spot`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

LIT_CHANNELS = {"white": (0, 1, 2), "gray": (0, 1, 2), "red": (2,), "green": (1,), "blue": (0,)}
UNLIT_CHANNELS = {"black": (0, 1, 2), "red": (0, 1), "green": (0, 2), "blue": (1, 2)}

DIP_THRESHOLD = 0.25          # fraction of the local level a pixel must lose to count as dark
BRIGHT_MIN_LEVELS = 24        # camera levels above the local level that count as lit-when-off
GLOW_MIN_LEVELS = 14          # crack glow on the raking-light frame
LINE_FILL = 0.75              # fraction of a row/column that must be outlying to be a line
BURN_MIN_DEPTH = 0.011        # coarse relative dip that starts a burn-in/dark-spot region
DARK_SPOT_DEPTH = 0.10        # a region this deep at its deepest is a dark spot, not burn-in
BRIGHT_SPOT_LEVEL = 0.03      # coarse brightening (fraction of white) that is a bright spot
COARSE = 4                    # display px per coarse cell
FINE_MEDIAN = 9               # local level for pixel-scale faults: wide enough that 4 px cracks stand out


@dataclass
class Found:
    kind: str
    x: int
    y: int
    w: int
    h: int
    contrast: float           # fraction of the pattern level (how visible it is)
    frame: str                # the pattern it shows best on (evidence)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "x": self.x, "y": self.y, "w": self.w, "h": self.h,
                "contrast_permille": int(round(min(1.0, self.contrast) * 1000)), "frame": self.frame}


@dataclass
class Planes:
    """The single-channel images the detectors read, resampled on the display grid."""

    lit: dict[str, np.ndarray]        # pattern -> min over the channels it lights
    unlit: dict[str, np.ndarray]      # pattern -> max over the channels it leaves dark
    off: np.ndarray                   # the screen-off frame, max over channels


def warp_planes(frames: dict[str, np.ndarray], hmg: np.ndarray, display: tuple[int, int]) -> Planes:
    """Reduce each frame to the channel(s) that matter, then resample only those (a third of
    the work of warping colour frames at 12 MP)."""
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    W, H = display
    corners = cv2.perspectiveTransform(np.array([[[-1, -1]], [[W, -1]], [[W, H]], [[-1, H]]], np.float64), hmg)
    fh, fw = next(iter(frames.values())).shape[:2]
    x0, y0 = np.clip(np.floor(corners.reshape(4, 2).min(axis=0)).astype(int) - 2, 0, None)
    x1, y1 = np.minimum(np.ceil(corners.reshape(4, 2).max(axis=0)).astype(int) + 3, (fw, fh))
    local = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1.0]]) @ hmg    # display -> cropped frame

    def warp(plane):
        return cv2.warpPerspective(plane, local, (W, H), flags=flags, borderMode=cv2.BORDER_REPLICATE)

    # Only the panel's bounding box is split into channels.
    split = {name: cv2.split(frames[name][y0:y1, x0:x1])
             for name in set(LIT_CHANNELS) | set(UNLIT_CHANNELS) | {"off"}}
    lit = {n: warp(_reduce_planes([split[n][c] for c in ch], use_max=False)) for n, ch in LIT_CHANNELS.items()}
    unlit = {n: warp(_reduce_planes([split[n][c] for c in ch], use_max=True)) for n, ch in UNLIT_CHANNELS.items()}
    off = warp(_reduce_planes(split["off"], use_max=True))
    return Planes(lit, unlit, off)


def _reduce_planes(planes, use_max: bool) -> np.ndarray:
    out = planes[0]
    for p in planes[1:]:
        out = cv2.max(out, p) if use_max else cv2.min(out, p)
    return out


def valid_mask(white: np.ndarray, margin: int = 3) -> np.ndarray:
    """Panel pixels to grade: not the outermost `margin` px, not the rounded corners."""
    h, w = white.shape[:2]
    valid = np.zeros((h, w), np.uint8)
    valid[margin:h - margin, margin:w - margin] = 1
    lum = white
    ref = float(np.median(lum[h // 4:3 * h // 4:4, w // 4:3 * w // 4:4]))
    c = max(8, int(0.09 * w))
    for ys, xs in ((slice(0, c), slice(0, c)), (slice(0, c), slice(w - c, w)),
                   (slice(h - c, h), slice(0, c)), (slice(h - c, h), slice(w - c, w))):
        dark = (lum[ys, xs] < 0.5 * ref).astype(np.uint8)
        dark = cv2.dilate(dark, np.ones((2 * margin + 1, 2 * margin + 1), np.uint8))
        valid[ys, xs] &= 1 - dark
    return valid.astype(bool)


def fine_maps(planes: Planes):
    """(dip, bright, glow): see module doc. dip is float32 0..1, bright/glow are uint8 levels.

    The local level is a morphological closing (for dips) or opening (for bright specks) with a
    9x9 square: it erases features narrower than 9 px (pixels, lines, cracks up to ~4 px) and
    keeps wider ones (spots, left to the coarse scale); much cheaper than a median at 12 MP.
    """
    h, w = planes.off.shape
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (FINE_MEDIAN, FINE_MEDIAN))
    dip = np.zeros((h, w), np.float32)
    n = 0
    for x in planes.lit.values():
        level = cv2.morphologyEx(x, cv2.MORPH_CLOSE, kernel)
        d = cv2.subtract(level, x).astype(np.float32)
        dip += d / (level.astype(np.float32) + 4.0)
        n += 1
    dip *= 1.0 / n
    bright = None
    for x in planes.unlit.values():
        d = cv2.morphologyEx(x, cv2.MORPH_TOPHAT, kernel)
        bright = d if bright is None else cv2.max(bright, d)
    glow = cv2.morphologyEx(planes.off, cv2.MORPH_TOPHAT, kernel)
    return dip, bright, glow


def find_fine(planes: Planes, valid: np.ndarray,
              white_level: float) -> tuple[list[Found], np.ndarray]:
    """Pixel-scale defects, and the zone (lines, cracks) the coarse search must leave alone."""
    dip, bright, glow = fine_maps(planes)
    h, w = dip.shape
    b_thr = max(BRIGHT_MIN_LEVELS, 0.11 * white_level)
    m_dip = (dip > DIP_THRESHOLD) & valid
    m_bright = (bright > b_thr) & valid
    m_glow = (glow > GLOW_MIN_LEVELS) & valid
    found: list[Found] = []
    pixel_faults = m_dip | m_bright
    # Lines: rows / columns outlying along most of their (valid) length.
    used = np.zeros((h, w), bool)
    for axis, kind_len in ((1, w), (0, h)):
        frac = pixel_faults.sum(axis=axis) / np.maximum(1, valid.sum(axis=axis))
        idx = np.nonzero(frac > LINE_FILL)[0]
        for start, stop in _runs(idx):
            if axis == 1:
                used[start:stop] = True
                sub = dip[start:stop], bright[start:stop]
                found.append(Found("line", 0, int(start), w, int(stop - start), _line_contrast(sub, b_thr), "white"))
            else:
                used[:, start:stop] = True
                sub = dip[:, start:stop], bright[:, start:stop]
                found.append(Found("line", int(start), 0, int(stop - start), h, _line_contrast(sub, b_thr), "white"))
    if used.any():
        used = cv2.dilate(used.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
        pixel_faults &= ~used
        m_glow &= ~used
    cracks, crack_zone = _find_cracks(pixel_faults | m_glow, dip, glow)
    found += cracks
    # Points: small blobs outside cracks and lines.
    n, labels, stats, _ = cv2.connectedComponentsWithStats(pixel_faults.astype(np.uint8), connectivity=8)
    for i in range(1, n):
        x, y, bw, bh, area = (int(v) for v in stats[i])
        if max(bw, bh) > 6 or area > 24:
            continue
        if crack_zone is not None and crack_zone[y + bh // 2, x + bw // 2]:
            continue
        ys, xs = slice(y, y + bh), slice(x, x + bw)
        is_bright = bool(m_bright[max(0, y - 1):y + bh + 1, max(0, x - 1):x + bw + 1].any())
        score = bright[ys, xs].astype(np.float32) / max(1.0, white_level) if is_bright else dip[ys, xs]
        peak = float(score.max())
        core = (score >= 0.5 * peak) & (labels[ys, xs] == i)
        yy, xx = np.nonzero(core)
        found.append(Found("stuck_pixel" if is_bright else "dead_pixel", x + int(xx.min()), y + int(yy.min()),
                           int(xx.max() - xx.min() + 1), int(yy.max() - yy.min() + 1), peak,
                           "black" if is_bright else "white"))
    exclude = used if crack_zone is None else (used | crack_zone)
    return found, exclude


def _line_contrast(sub, b_thr) -> float:
    d, b = sub
    return float(max(np.median(d), np.median(b) / max(1.0, b_thr * 9)))


def _runs(idx: np.ndarray):
    if len(idx) == 0:
        return
    start = prev = int(idx[0])
    for i in idx[1:]:
        i = int(i)
        if i != prev + 1:
            yield start, prev + 1
            start = i
        prev = i
    yield start, prev + 1


def _find_cracks(mask: np.ndarray, dip: np.ndarray, glow: np.ndarray):
    """Long thin components, grouped when within ~12 px of each other."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if n <= 1:
        return [], None
    big = np.maximum(stats[:, 2], stats[:, 3]) >= 14
    big[0] = False
    if not big.any():
        return [], None
    frag = big[labels].astype(np.uint8)
    zone = cv2.dilate(frag, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (25, 25)))
    g, glabels, gstats, _ = cv2.connectedComponentsWithStats(zone, connectivity=8)
    out = []
    for j in range(1, g):
        member = (glabels == j) & (frag > 0)
        count = int(member.sum())
        x, y, bw, bh = (int(v) for v in gstats[j][:4])
        if count < 30 or max(bw, bh) < 40:
            continue
        yy, xx = np.nonzero(member[y:y + bh, x:x + bw])
        x0, y0 = x + int(xx.min()), y + int(yy.min())
        contrast = float(np.median(dip[member])) if count else 0.0
        out.append(Found("crack", x0, y0, int(xx.max() - xx.min() + 1), int(yy.max() - yy.min() + 1),
                         max(contrast, float(np.median(glow[member])) / 255.0), "off"))
    return out, zone.astype(bool)


# ---------------------------------------------------------------- coarse: spots and burn-in

def _coarse(x: np.ndarray) -> np.ndarray:
    h, w = x.shape
    ds2 = cv2.resize(x, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    ds2 = cv2.medianBlur(ds2, 5)
    return cv2.resize(ds2, (w // COARSE, h // COARSE), interpolation=cv2.INTER_AREA).astype(np.float32)


@lru_cache(maxsize=4)
def _cubic_terms(h: int, w: int) -> np.ndarray:
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    x, y = x * (2.0 / max(1, w - 1)) - 1, y * (2.0 / max(1, h - 1)) - 1
    terms = np.stack([np.ones_like(x), x, y, x * x, x * y, y * y, x ** 3, x * x * y, x * y * y, y ** 3])
    terms.setflags(write=False)
    return terms


def _trend(c: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Least-squares cubic surface through the valid cells: vignetting, perspective fall-off."""
    terms = _cubic_terms(*c.shape)
    sel = np.zeros_like(valid)
    sel[::3, ::3] = valid[::3, ::3]            # a ninth of the cells is plenty for 10 terms
    if sel.sum() < 40:
        return np.full_like(c, float(np.median(c)))
    a = terms[:, sel].T.astype(np.float64)
    # Normal equations: a 10x10 solve (lstsq's SVD of the full design matrix costs 50x more).
    coef = np.linalg.solve(a.T @ a + 1e-9 * np.eye(len(terms)), a.T @ c[sel].astype(np.float64))
    out = terms[0] * np.float32(coef[0])
    for k, t in zip(coef[1:], terms[1:]):
        out += np.float32(k) * t
    return out


def _background(c: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Smooth, defect-free estimate: a cubic trend, then on the detrended image a big median,
    outliers replaced, and a Gaussian. Detrending first keeps the median unbiased near the panel's
    edges, where vignetting falls off fastest."""
    k = max(15, int(0.17 * c.shape[1]) | 1)
    trend = np.maximum(_trend(c, valid), 4.0)
    flat = c * (200.0 / trend)
    med = cv2.medianBlur(np.clip(flat, 0, 255).astype(np.uint8), min(k, 255)).astype(np.float32)
    rel = (flat - med) / np.maximum(med, 4.0)
    clean = np.where((np.abs(rel) > 0.008) | ~valid, med, flat)
    smooth = cv2.GaussianBlur(clean, (0, 0), k / 3.0, borderType=cv2.BORDER_REPLICATE)
    return smooth * (trend / 200.0)


def find_coarse(planes: Planes, valid: np.ndarray, white_level: float,
                exclude: np.ndarray | None = None) -> list[Found]:
    h, w = valid.shape
    if exclude is not None and exclude.any():
        valid = valid & ~cv2.dilate(exclude.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    cvalid = cv2.resize(valid.astype(np.uint8), (w // COARSE, h // COARSE), interpolation=cv2.INTER_NEAREST)
    cvalid = cv2.erode(cvalid, np.ones((5, 5), np.uint8)).astype(bool)
    cvalid[:2], cvalid[-2:], cvalid[:, :2], cvalid[:, -2:] = False, False, False, False
    dark = None
    for x in planes.lit.values():
        c = _coarse(x)
        bg = _background(c, cvalid)
        rel = (c - bg) / np.maximum(bg, 4.0)
        dark = rel if dark is None else dark + rel
    dark /= len(planes.lit)
    blk = _coarse(planes.unlit["black"])
    gry = _coarse(planes.lit["gray"])
    bright_black = (blk - _background(blk, cvalid)) / max(1.0, white_level)
    gbg = _background(gry, cvalid)
    bright_gray = (gry - gbg) / max(1.0, white_level)
    bright = 0.5 * (bright_black + bright_gray)
    found: list[Found] = []
    sigma = 1.4826 * float(np.median(np.abs(dark[cvalid] - np.median(dark[cvalid])))) if cvalid.any() else 0.0
    d_thr = max(BURN_MIN_DEPTH, 4.0 * sigma)
    for (x, y, bw, bh), peak in _regions(-dark, d_thr, cvalid):
        kind = "dark_spot" if peak >= DARK_SPOT_DEPTH else "burn_in"
        found.append(Found(kind, x * COARSE, y * COARSE, bw * COARSE, bh * COARSE, peak,
                           "white" if kind == "dark_spot" else "gray"))
    for (x, y, bw, bh), peak in _regions(bright, BRIGHT_SPOT_LEVEL, cvalid):
        found.append(Found("bright_spot", x * COARSE, y * COARSE, bw * COARSE, bh * COARSE, peak, "black"))
    return found


def _regions(score: np.ndarray, thr: float, valid: np.ndarray, min_area: int = 5):
    """Connected regions above `thr`; pieces within 4 cells (16 px) are one region (a burn-in
    ghost is many glyphs, not many defects)."""
    mask = ((score > thr) & valid).astype(np.uint8)
    joined = cv2.dilate(mask, np.ones((5, 5), np.uint8))
    n, labels = cv2.connectedComponents(joined, connectivity=8)
    for i in range(1, n):
        member = (labels == i) & (mask > 0)
        area = int(member.sum())
        if area < min_area:
            continue
        ys, xs = np.nonzero(member)
        x, y = int(xs.min()), int(ys.min())
        yield (x, y, int(xs.max()) - x + 1, int(ys.max()) - y + 1), float(score[member].max())
