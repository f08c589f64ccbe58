"""Thin bright lines on a face: scratches and glass cracks, from the four raking lights combined.

Why the lights are combined this way:
* a groove scatters raking light to both sides, so a scratch is as bright under ``n`` as under
  ``s`` (and under ``e`` as under ``w``), while a slope (a dent's wall, a button's bevel) lights up
  under one light of a pair only. Taking the *minimum* of opposite lights keeps scratches and
  drops relief edges, and halves the chance that noise passes the threshold;
* a scratch is bright when the light crosses it and faint along it, so the north-south pair sees
  mostly horizontal scratches and the east-west pair vertical ones; the scratch's strength is the
  length of the vector (ns, ew), which hardly depends on its angle;
* a crack in glass scatters from every direction and also shows under the diffuse ``top`` light,
  where a scratch (even a deep one) stays faint: ``top``/raking separates the two.
Strength is the integrated brightness across the line (grey·mm), which does not change when the
image is resampled, so it classifies width the same at any camera resolution.
"""

from __future__ import annotations

import cv2
import numpy as np

from station.grading.cosmetic.frames import RAKING
from station.grading.cosmetic.outline import FaceStack, interior

TOPHAT_MM = 1.1              # structures thinner than this count as lines (a deep scratch is ~0.4 mm)
MARGIN_MM = {"face": 1.0, "edge": 0.5}
HI_SIGMAS, LO_SIGMAS = 5.0, 2.5   # hysteresis thresholds in noise standard deviations
MIN_LINE_MM = 2.5            # shorter bright marks are dust or noise (and invisible on a stream)
MIN_STRENGTH = 0.9           # grey·mm: fainter than the faintest hairline the rig can show
MIN_ELONGATION = 3.0         # length / width of a line
HAIRLINE_MAX_STRENGTH = 3.4  # grey·mm: below this a scratch is a hairline (seen only under raking light)
LIGHT_MAX_STRENGTH = 15.0    # grey·mm: above this a scratch is deep
CRACK_TOP_RATIO = 0.45       # a crack is as visible under the top light as under raking light
CRACK_MIN_TOP_STRENGTH = 1.5  # grey·mm under the top light: fainter marks are not cracks
CRACK_MIN_MM = 5.0           # a crack shorter than this (all fragments) is not reported as one
CRACK_MERGE_MM = 3.0         # fragments of one crack closer than this are one crack
IN_SCUFF_FRACTION = 0.5      # a "line" mostly inside a scuffed patch is part of the scuff
JOIN_COS = 0.97              # pieces of one scratch point the same way (within ~14°)
JOIN_GAP_MM = 2.5            # ... with at most this gap between them
JOIN_OFFSET_MM = 0.5         # ... and lie on one line
GLASS_FACES = ("front", "back")


def _tophat(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    return cv2.morphologyEx(image, cv2.MORPH_TOPHAT, kernel)


def line_response(stack: FaceStack) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Combined line response and the per-pair responses ('ns', 'ew', 'top', or 'any')."""
    size = int(round(TOPHAT_MM / stack.mm_per_px)) | 1
    # A square opening removes every line thinner than the square whatever its angle, and OpenCV
    # runs rectangular kernels as fast separable min/max filters.
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))
    hats = {light: _tophat(img, kernel) for light, img in stack.images.items()}
    pairs: dict[str, np.ndarray] = {}
    for name, (a, b) in (("ns", ("n", "s")), ("ew", ("e", "w"))):
        if a in hats and b in hats:
            pairs[name] = np.minimum(hats[a], hats[b])
        elif a in hats or b in hats:
            pairs[name] = hats.get(a, hats.get(b))
    raking = [pairs[p] for p in ("ns", "ew") if p in pairs]
    if not raking:                       # a single frame of unknown (or only the top) light
        raking = [hats[next(iter(hats))]]
        pairs["any"] = raking[0]
    if "top" in hats:
        pairs["top"] = hats["top"]
    combined = raking[0] if len(raking) == 1 else np.maximum(raking[0], raking[1])
    return combined, pairs


def _noise_sigma(values: np.ndarray) -> float:
    med = float(np.median(values))
    return max(1.4826 * float(np.median(np.abs(values - med))), 0.5), med


def _components(response: np.ndarray, mask: np.ndarray):
    inside = response[mask > 0]
    if inside.size == 0:
        return None
    sigma, med = _noise_sigma(inside[:: max(1, inside.size // 200000)])
    lo = ((response > med + LO_SIGMAS * sigma) & (mask > 0)).astype(np.uint8)
    lo = cv2.morphologyEx(lo, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))   # re-join a faint line's gaps
    n, labels, stats, _ = cv2.connectedComponentsWithStats(lo, connectivity=8)
    strong = np.unique(labels[(response > med + HI_SIGMAS * sigma) & (lo > 0)])
    return labels, stats, [int(i) for i in strong if i != 0], med


def _strength(pair: np.ndarray, region: np.ndarray, box, background: float, length_px: float) -> float:
    """Integrated brightness across the line (grey·px per px of length), tails included."""
    x, y, w, h = box
    values = pair[y:y + h, x:x + w][region > 0] - background
    return float(values.sum()) / max(length_px, 1.0)


def width_class(strength: float) -> str:
    if strength < HAIRLINE_MAX_STRENGTH:
        return "hairline"
    return "light" if strength < LIGHT_MAX_STRENGTH else "deep"


def find_lines(stack: FaceStack, edge: bool, scuffs: np.ndarray | None = None) -> tuple[list[dict], np.ndarray]:
    """Scratches and cracks on one face (mm on the face), plus a mask of the pixels they cover.

    Bright marks lying mostly inside a scuffed patch (`scuffs` mask) are the scuff's texture.
    """
    mpp = stack.mm_per_px
    mask = interior(stack, MARGIN_MM["edge" if edge else "face"])
    combined, pairs = line_response(stack)
    found = _components(combined, mask)
    covered = np.zeros(mask.shape, np.uint8)
    if found is None:
        return [], covered
    labels, stats, strong, _ = found
    backgrounds = {name: float(np.median(p[mask > 0][::97])) for name, p in pairs.items()}
    scratches, crack_parts = [], []
    for i in strong:
        x, y, w, h, area = stats[i]
        if max(w, h) * mpp < MIN_LINE_MM * 0.7:
            continue
        ys, xs = np.nonzero(labels[y:y + h, x:x + w] == i)
        ys, xs = ys + y, xs + x
        (cx, cy), (rw, rh), angle = cv2.minAreaRect(np.column_stack([xs, ys]).astype(np.float32))
        length_px, width_px = max(rw, rh), max(min(rw, rh), 1.0)
        if length_px * mpp < MIN_LINE_MM or length_px * length_px / area < MIN_ELONGATION:
            continue         # short, or a blob (scuff texture, dust) rather than a line
        if scuffs is not None and scuffs[ys, xs].mean() > IN_SCUFF_FRACTION:
            continue
        covered[ys, xs] = 1
        pad = 3
        bx, by = max(x - pad, 0), max(y - pad, 0)
        bw, bh = min(x + w + pad, mask.shape[1]) - bx, min(y + h + pad, mask.shape[0]) - by
        region = cv2.dilate((labels[by:by + bh, bx:bx + bw] == i).astype(np.uint8), np.ones((5, 5), np.uint8))
        s = {name: _strength(p, region, (bx, by, bw, bh), backgrounds[name], length_px) * mpp
             for name, p in pairs.items()}
        raking = float(np.hypot(s.get("ns", 0.0), s.get("ew", 0.0))) if ("ns" in s or "ew" in s) else s.get("any", 0.0)
        is_crack = (not edge and stack.face in GLASS_FACES and "top" in s
                    and s["top"] >= CRACK_MIN_TOP_STRENGTH
                    and s["top"] >= CRACK_TOP_RATIO * max(s.get("ns", 0.0), s.get("ew", 0.0), 1e-6))
        box = (float(x * mpp), float(y * mpp), float(w * mpp), float(h * mpp))
        if is_crack:
            crack_parts.append((i, box, length_px * mpp))
            continue
        axis = cv2.boxPoints(((cx, cy), (rw, rh), angle))
        ends = (axis[0] + axis[1]) / 2, (axis[2] + axis[3]) / 2
        if rh > rw:
            ends = (axis[1] + axis[2]) / 2, (axis[3] + axis[0]) / 2
        if raking < MIN_STRENGTH:
            continue
        scratches.append({
            "_ends": (np.asarray(ends[0]) * mpp, np.asarray(ends[1]) * mpp), "_s": s,
            "kind": "scratch", "face": stack.face,
            "x": round(box[0], 1), "y": round(box[1], 1), "w": round(box[2], 1), "h": round(box[3], 1),
            "length_mm": round(float(length_px * mpp), 1), "width_class": width_class(raking),
            "strength": round(raking, 1)})
    scratches = [{k: v for k, v in d.items() if not k.startswith("_")} for d in _join_fragments(scratches)]
    return scratches + _merge_cracks(crack_parts, labels, stack.face, mpp), covered


def _join_fragments(scratches: list[dict]) -> list[dict]:
    """A faint scratch can break where noise dips below the threshold: pieces that continue each
    other (same direction, end near start, on one line) are one scratch."""
    merged = True
    while merged:
        merged = False
        for i, a in enumerate(scratches):
            for j in range(i + 1, len(scratches)):
                b = scratches[j]
                pts = [*a["_ends"], *b["_ends"]]
                da, db = a["_ends"][1] - a["_ends"][0], b["_ends"][1] - b["_ends"][0]
                la, lb = float(np.linalg.norm(da)), float(np.linalg.norm(db))
                if la == 0 or lb == 0 or abs(float(da @ db)) / (la * lb) < JOIN_COS:
                    continue
                gap = min(float(np.linalg.norm(p - q)) for p in a["_ends"] for q in b["_ends"])
                u = da / la
                off = max(abs(float(u[0] * (p - a["_ends"][0])[1] - u[1] * (p - a["_ends"][0])[0]))
                          for p in b["_ends"])
                if gap > JOIN_GAP_MM or off > JOIN_OFFSET_MM:
                    continue
                far = max(((p, q) for p in pts for q in pts), key=lambda pq: float(np.linalg.norm(pq[0] - pq[1])))
                length = float(np.linalg.norm(far[0] - far[1]))
                lo, hi = np.minimum(far[0], far[1]), np.maximum(far[0], far[1])
                x0, y0 = min(a["x"], b["x"]), min(a["y"], b["y"])
                x1, y1 = max(a["x"] + a["w"], b["x"] + b["w"]), max(a["y"] + a["h"], b["y"] + b["h"])
                strength = (a["strength"] * la + b["strength"] * lb) / (la + lb)
                scratches[i] = {**a, "_ends": far, "x": round(x0, 1), "y": round(y0, 1),
                                "w": round(x1 - x0, 1), "h": round(y1 - y0, 1), "length_mm": round(length, 1),
                                "strength": round(strength, 1), "width_class": width_class(strength)}
                del scratches[j]
                merged = True
                break
            if merged:
                break
    return scratches


def _merge_cracks(parts, labels: np.ndarray, face: str, mpp: float) -> list[dict]:
    """Join crack fragments (a fracture zig-zags and branches) into whole cracks."""
    if not parts:
        return []
    mask = np.isin(labels, [p[0] for p in parts]).astype(np.uint8)
    r = int(round(CRACK_MERGE_MM / mpp))
    grown = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)))
    n, groups = cv2.connectedComponents(grown)
    cracks = []
    for g in range(1, n):
        members = [p for p in parts if groups[labels == p[0]].max() == g] if len(parts) < 50 else parts
        if not members:
            continue
        xs0 = min(p[1][0] for p in members)
        ys0 = min(p[1][1] for p in members)
        xs1 = max(p[1][0] + p[1][2] for p in members)
        ys1 = max(p[1][1] + p[1][3] for p in members)
        length = sum(p[2] for p in members)
        if length < CRACK_MIN_MM:
            continue
        cracks.append({"kind": "crack", "face": face, "x": round(float(xs0), 1), "y": round(float(ys0), 1),
                       "w": round(float(xs1 - xs0), 1), "h": round(float(ys1 - ys0), 1),
                       "length_mm": round(float(length), 1)})
    return cracks
