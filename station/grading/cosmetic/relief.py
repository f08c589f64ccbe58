"""Dents, chips, missing parts and scuffs: what changes the shape or the finish of a face.

Relief (opposite raking lights). A slope facing a light looks brighter under it and darker under
the opposite one, so ``w - e`` and ``n - s`` measure the surface's slope along x and y (a little
photometric stereo); flat marks (scratches, cracks, scuffs, print) cancel out. A depression's
slope points away from its centre, a bump's (a button) towards it; so only depressions are dents.
A large depression that is dark under the diffuse light is a cavity: a missing part.

Finish (all raking lights averaged). Worn paint or a scuffed patch scatters raking light the same
from every side: it is a broad bright patch in the mean of the four lights, once lines are removed.
"""

from __future__ import annotations

import cv2
import numpy as np

from station.grading.cosmetic.outline import FaceStack, interior

SMOOTH_MM = 0.3              # slope maps are smoothed over this before thresholding
SLOPE_LEVEL = 12.0           # grey levels of |(w-e, n-s)| that mark relief
MIN_DENT_MM = 0.7            # smaller marks are noise, dust or a line's registration error
DENT_SIZE_BIAS_MM = 0.5      # the slope map's smoothing widens a dent by about this much
ON_LINE_FRACTION = 0.5       # "dents" lying mostly on a found line or scuff are its edge or texture
MISSING_MIN_AREA_MM2 = 8.0   # a cavity this large is a part that is gone (lens cover, button)
MISSING_DARK_RATIO = 0.6     # ... and it is this much darker than the body under the top light
SCUFF_LEVEL = 7.0            # grey levels above the face's own raking-light level
SCUFF_RIM_GAIN = 1.2         # worn paint fades out at its rim below SCUFF_LEVEL (calibrated on tuning seeds)
SCUFF_MIN_AREA_MM2 = 2.0
SCUFF_MIN_WIDTH_MM = 1.6     # narrower bright marks are lines, not scuffs
BACKGROUND_MM = 15.0         # scale of lighting ramps removed before looking for scuffs
MARGIN_MM = {"face": 1.0, "edge": 0.5}


def _smooth(image: np.ndarray, mm: float, mpp: float) -> np.ndarray:
    return cv2.GaussianBlur(image, (0, 0), max(mm / mpp, 0.5))


def _lowpass(image: np.ndarray, mm: float, mpp: float) -> np.ndarray:
    """A wide Gaussian blur done on a coarse grid (a 4 mm blur at 0.1 mm/px is costly at full size)."""
    k = min(1.0, 3.0 * mpp / mm)
    small = cv2.resize(image, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), mm / mpp * k)
    return cv2.resize(small, (image.shape[1], image.shape[0]), interpolation=cv2.INTER_LINEAR)


def _background(image: np.ndarray, mpp: float) -> np.ndarray:
    """Slow lighting variation: median over BACKGROUND_MM, computed on a 1 mm grid."""
    k = mpp / 1.0
    small = cv2.resize(image, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
    lo, hi = float(small.min()), float(small.max())
    scaled = np.clip((small - lo) * (255.0 / max(hi - lo, 1e-3)), 0, 255).astype(np.uint8)
    size = int(BACKGROUND_MM) | 1
    med = cv2.medianBlur(scaled, size).astype(np.float32) * (max(hi - lo, 1e-3) / 255.0) + lo
    return cv2.resize(med, (image.shape[1], image.shape[0]), interpolation=cv2.INTER_LINEAR)


def _box(stats_row, mpp: float) -> dict:
    x, y, w, h = (int(v) for v in stats_row[:4])
    return {"x": round(float(x * mpp), 1), "y": round(float(y * mpp), 1),
            "w": round(float(w * mpp), 1), "h": round(float(h * mpp), 1)}


def find_relief(stack: FaceStack, edge: bool, lines: np.ndarray | None = None) -> tuple[list[dict], np.ndarray]:
    """Dents and missing parts on one face, plus a mask of the pixels they cover.

    `lines` marks pixels already explained (lines, scuffs): a small depression there is not a dent.
    """
    imgs, mpp = stack.images, stack.mm_per_px
    covered = np.zeros(stack.mask.shape, np.uint8)
    if not all(light in imgs for light in ("n", "e", "s", "w")):
        return [], covered              # relief needs both lights of each pair
    gx = _smooth(imgs["w"] - imgs["e"], SMOOTH_MM, mpp)
    gy = _smooth(imgs["n"] - imgs["s"], SMOOTH_MM, mpp)
    gx -= _lowpass(gx, 4.0, mpp)          # lighting ramps differ between opposite lights
    gy -= _lowpass(gy, 4.0, mpp)
    mask = interior(stack, MARGIN_MM["edge" if edge else "face"])
    relief = ((np.hypot(gx, gy) > SLOPE_LEVEL) & (mask > 0)).astype(np.uint8)
    close = max(3, int(round(0.6 / mpp)) | 1)
    relief = cv2.morphologyEx(relief, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (close, close)))
    n, labels, stats, centroids = cv2.connectedComponentsWithStats(relief, connectivity=8)
    top = imgs.get("top")
    body_level = float(np.median(top[mask > 0])) if top is not None and mask.any() else None
    found = []
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        if max(w, h) * mpp < MIN_DENT_MM:
            continue
        ys, xs = np.nonzero(labels[y:y + h, x:x + w] == i)
        ys, xs = ys + y, xs + x
        cx, cy = centroids[i]
        outward = float(np.sum(gx[ys, xs] * (xs - cx) + gy[ys, xs] * (ys - cy)))
        if outward <= 0:                 # a bump: a button or a raised lens ring, not damage
            continue
        covered[ys, xs] = 1
        area_mm2 = area * mpp * mpp
        dark = None
        if body_level is not None:
            dark = float(np.median(top[ys, xs])) / max(body_level, 1.0)
        item = {"face": stack.face, **_box(stats[i], mpp)}
        if area_mm2 >= MISSING_MIN_AREA_MM2 and dark is not None and dark < MISSING_DARK_RATIO:
            found.append({"kind": "missing_part", **item, "area_mm2": round(float(area_mm2), 1)})
        elif lines is None or lines[ys, xs].mean() <= ON_LINE_FRACTION:
            diameter = max(max(w, h) * mpp - DENT_SIZE_BIAS_MM, MIN_DENT_MM)
            found.append({"kind": "dent", **item, "diameter_mm": round(float(diameter), 1)})
    return found, covered


def find_scuffs(stack: FaceStack, edge: bool) -> tuple[list[dict], np.ndarray]:
    """Broad patches that scatter raking light from every side (worn paint, scuffed finish).

    The mean of the raking lights cancels relief; an opening with a SCUFF_MIN_WIDTH_MM disc then
    removes lines (even a deep scratch is far narrower), leaving only broad patches.
    """
    imgs, mpp = stack.images, stack.mm_per_px
    covered = np.zeros(stack.mask.shape, np.uint8)
    raking = [imgs[light] for light in ("n", "e", "s", "w") if light in imgs]
    if len(raking) < 2:
        return [], covered
    mean = np.mean(raking, axis=0).astype(np.float32)
    residual = _smooth(mean - _background(mean, mpp), 0.3, mpp)
    mask = interior(stack, MARGIN_MM["edge" if edge else "face"] + 0.3)
    patch = ((residual > SCUFF_LEVEL) & (mask > 0)).astype(np.uint8)
    size = max(3, int(round(SCUFF_MIN_WIDTH_MM / mpp)) | 1)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    patch = cv2.morphologyEx(patch, cv2.MORPH_CLOSE, disc)
    patch = cv2.morphologyEx(patch, cv2.MORPH_OPEN, disc)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(patch, connectivity=8)
    scuffs = []
    for i in range(1, n):
        area_mm2 = stats[i][4] * mpp * mpp * SCUFF_RIM_GAIN
        if area_mm2 < SCUFF_MIN_AREA_MM2:
            continue
        x, y, w, h = stats[i][:4]
        covered[y:y + h, x:x + w] |= (labels[y:y + h, x:x + w] == i).astype(np.uint8)
        scuffs.append({"kind": "scuff", "face": stack.face, **_box(stats[i], mpp), "area_mm2": round(float(area_mm2), 1)})
    return scuffs, covered
