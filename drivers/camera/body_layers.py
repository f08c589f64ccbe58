"""Simulated body geometry: one face of the phone as layers of albedo, relief and scatter.

`face_layers` builds them from the scenario (outline, camera lens, buttons, defects); the renderer
(`body_render`) shades and photographs them under the rig's lights.

Face coordinates are millimetres from the top-left corner of the face's outline; the back is not
mirrored. Edge faces come from the rig's side mirrors: ``left``/``right`` are portrait (thickness
across, length down), ``top``/``bottom`` landscape (length across, thickness down).
Defect keys (``scenario.cosmetic_defects``): ``scratch`` x, y (centre), length_mm, angle_deg
(from the face's +x axis, clockwise as seen, since y grows downwards), width_mm, depth
(hairline/light/deep); ``crack`` points_mm; ``dent`` x, y, radius_mm; ``scuff`` x, y, w_mm, h_mm,
angle_deg; ``missing_part`` part (camera_lens on the back, power_button / volume_button on the
right edge).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

FACES = ("back", "front", "left", "right", "top", "bottom")
SCRATCH_GAIN = {"hairline": 70.0, "light": 75.0, "deep": 100.0}   # grey·mm per mm of width
SCRATCH_TOP_FRACTION = {"hairline": 0.0, "light": 0.05, "deep": 0.15}
CRACK_RAKE, CRACK_TOP, CRACK_WIDTH_MM = 60.0, 45.0, 0.08
SCUFF_RAKE, SCUFF_TOP = 26.0, 18.0
CAVITY_ALBEDO = 0.2
CAMERA_LENS = {"x": 13.0, "y": 14.0, "radius_mm": 5.5}   # on the back, from its top-left
BUTTONS = {"power_button": (0.30, 12.0), "volume_button": (0.42, 22.0)}  # right edge: y/h, length
BUTTON_WIDTH_MM = 1.6


@dataclass
class FaceLayers:
    """What one face looks like, independent of the light (face coordinates, render pixels)."""

    mm_per_px: float
    size_mm: tuple[float, float]
    alpha: np.ndarray                   # 0..1 outline with rounded corners
    albedo: np.ndarray                  # HxWx3 float32 colour
    height: np.ndarray                  # relief in mm (dents, buttons, cavities)
    iso: np.ndarray                     # scatter seen the same under every raking light
    top_add: np.ndarray                 # extra brightness under the top light
    scratches: list[tuple[tuple[slice, slice], np.ndarray, tuple[float, float], float]] = field(
        default_factory=list)        # (where, profile, direction, fraction shown under top light)
    slopes: tuple[np.ndarray, np.ndarray] | None = None
    color: tuple[float, float, float] = (0.0, 0.0, 0.0)   # BGR of the material; albedo = color x a grey scale
    views: dict = field(default_factory=dict)   # ("basis", face, seed) -> body_compose.FaceBasis


def face_size_mm(body: dict[str, Any], face: str) -> tuple[float, float]:
    """(width, height) of a face as the camera or mirror sees it."""
    w, h, t = (float(v) for v in body["size_mm"])
    return {"back": (w, h), "front": (w, h), "left": (t, h), "right": (t, h),
            "top": (w, t), "bottom": (w, t)}[face]


def _grid(shape: tuple[int, int], box: tuple[int, int, int, int], mpp: float):
    """Pixel-centre coordinates in mm of a box (y0, y1, x0, x1) clipped to the image."""
    y0, y1, x0, x1 = max(box[0], 0), min(box[1], shape[0]), max(box[2], 0), min(box[3], shape[1])
    if y0 >= y1 or x0 >= x1:
        return None
    ys = (np.arange(y0, y1, dtype=np.float32) + 0.5) * mpp
    xs = (np.arange(x0, x1, dtype=np.float32) + 0.5) * mpp
    return (slice(y0, y1), slice(x0, x1)), xs[None, :], ys[:, None]


def _box_around(points: np.ndarray, pad_mm: float, mpp: float) -> tuple[int, int, int, int]:
    lo = np.floor((points.min(axis=0) - pad_mm) / mpp).astype(int)
    hi = np.ceil((points.max(axis=0) + pad_mm) / mpp).astype(int)
    return lo[1], hi[1], lo[0], hi[0]


def _segment_profile(shape, mpp, p0, p1, width_mm, integral):
    """A soft line from p0 to p1 (mm) whose cross-section integrates to `integral` (grey·mm)."""
    sigma = max(width_mm / 2.0, 0.6 * mpp)
    g = _grid(shape, _box_around(np.array([p0, p1]), 4 * sigma + mpp, mpp), mpp)
    if g is None:
        return None
    sl, xs, ys = g
    d = np.subtract(p1, p0)
    seg2 = float(d @ d) or 1e-9
    t = np.clip(((xs - p0[0]) * d[0] + (ys - p0[1]) * d[1]) / seg2, 0.0, 1.0)
    dist2 = (xs - p0[0] - t * d[0]) ** 2 + (ys - p0[1] - t * d[1]) ** 2
    peak = integral / (sigma * math.sqrt(2 * math.pi))
    return sl, (peak * np.exp(-dist2 / (2 * sigma * sigma))).astype(np.float32)


def _add_max(layer: np.ndarray, piece) -> None:
    if piece is not None:
        sl, values = piece
        np.maximum(layer[sl], values, out=layer[sl])


def _rounded_rect_alpha(shape, mpp, size_mm, radius_mm) -> np.ndarray:
    """Anti-aliased outline from the signed distance to a rounded rectangle."""
    h, w = shape
    r = min(radius_mm, size_mm[0] / 2, size_mm[1] / 2)
    qx = np.abs((np.arange(w, dtype=np.float32) + 0.5) * mpp - size_mm[0] / 2)[None, :] - (size_mm[0] / 2 - r)
    qy = np.abs((np.arange(h, dtype=np.float32) + 0.5) * mpp - size_mm[1] / 2)[:, None] - (size_mm[1] / 2 - r)
    outside = np.sqrt(np.maximum(qx, 0) ** 2 + np.maximum(qy, 0) ** 2) + np.minimum(np.maximum(qx, qy), 0) - r
    return np.clip(0.5 - outside / mpp, 0.0, 1.0).astype(np.float32)


def _disc(shape, mpp, cx, cy, radius, soft_mm):
    g = _grid(shape, _box_around(np.array([[cx, cy]]), radius + 3 * soft_mm, mpp), mpp)
    if g is None:
        return None
    sl, xs, ys = g
    rho = np.sqrt((xs - cx) ** 2 + (ys - cy) ** 2)
    return sl, rho


def _dent(layers: FaceLayers, d: dict) -> None:
    r = max(float(d.get("radius_mm", 1.0)), 0.2)
    piece = _disc(layers.height.shape, layers.mm_per_px, float(d["x"]), float(d["y"]), r, 0.1)
    if piece is None:
        return
    sl, rho = piece
    bowl = np.where(rho < r, -0.3 * r * (1 - (rho / r) ** 2), 0.0).astype(np.float32)
    layers.height[sl] += bowl
    layers.top_add[sl] += np.where(rho < r, 14.0 * (1 - rho / r), 0.0).astype(np.float32)   # bare metal


def _scuff(layers: FaceLayers, d: dict, rng: np.random.Generator) -> None:
    mpp = layers.mm_per_px
    w, h = float(d.get("w_mm", 6.0)), float(d.get("h_mm", 4.0))
    a = math.radians(float(d.get("angle_deg", 0.0)))
    cx, cy = float(d["x"]), float(d["y"])
    g = _grid(layers.iso.shape, _box_around(np.array([[cx, cy]]), max(w, h) / 2 + 1, mpp), mpp)
    if g is None:
        return
    sl, xs, ys = g
    u = ((xs - cx) * math.cos(a) + (ys - cy) * math.sin(a)) / (w / 2)
    v = (-(xs - cx) * math.sin(a) + (ys - cy) * math.cos(a)) / (h / 2)
    inside = np.clip((1 - np.sqrt(u * u + v * v)) * 4, 0, 1)
    texture = rng.random(inside.shape, dtype=np.float32)
    k = max(3, int(0.6 / mpp) | 1)
    texture = cv2.GaussianBlur(texture, (k, k), 0)
    texture = np.clip((texture - texture.mean()) * 6 + 0.75, 0.3, 1.0)
    patch = (inside * texture).astype(np.float32)
    layers.iso[sl] += SCUFF_RAKE * patch
    layers.top_add[sl] += SCUFF_TOP * patch


def _crack(layers: FaceLayers, d: dict, rng: np.random.Generator) -> None:
    pts = np.asarray(d["points_mm"], dtype=np.float64)
    path = [pts[0]]
    for a, b in zip(pts[:-1], pts[1:]):        # a jagged fracture follows the polyline
        n = max(int(np.linalg.norm(b - a) / 1.5), 1)
        for i in range(1, n + 1):
            p = a + (b - a) * i / n
            path.append(p + (rng.normal(0, 0.35, 2) if i < n else 0))
    path = np.array(path)
    branches = []
    for _ in range(int(rng.integers(1, 4))):    # short side branches
        start = path[int(rng.integers(0, len(path)))]
        ang = rng.uniform(0, 2 * math.pi)
        branches.append(np.array([start, start + rng.uniform(2, 6) * np.array([math.cos(ang), math.sin(ang)])]))
    for poly in [path] + branches:
        for p0, p1 in zip(poly[:-1], poly[1:]):
            _add_max(layers.iso, _segment_profile(layers.iso.shape, layers.mm_per_px, p0, p1,
                                                  CRACK_WIDTH_MM, CRACK_RAKE * CRACK_WIDTH_MM))
            _add_max(layers.top_add, _segment_profile(layers.iso.shape, layers.mm_per_px, p0, p1,
                                                      CRACK_WIDTH_MM, CRACK_TOP * CRACK_WIDTH_MM))


def _scratch(layers: FaceLayers, d: dict) -> None:
    depth = str(d.get("depth", "light"))
    gain = SCRATCH_GAIN.get(depth, SCRATCH_GAIN["light"])
    width = float(d.get("width_mm", 0.08))
    a = math.radians(float(d.get("angle_deg", 0.0)))
    direction = (math.cos(a), math.sin(a))
    half = float(d.get("length_mm", 10.0)) / 2
    c = np.array([float(d["x"]), float(d["y"])])
    p0, p1 = c - half * np.array(direction), c + half * np.array(direction)
    piece = _segment_profile(layers.iso.shape, layers.mm_per_px, p0, p1, width, gain * width)
    if piece is not None:
        layers.scratches.append((piece[0], piece[1], direction, SCRATCH_TOP_FRACTION.get(depth, 0.0)))


def _cavity(layers: FaceLayers, sl, inside: np.ndarray, depth_mm: float) -> None:
    layers.height[sl] -= depth_mm * inside
    layers.albedo[sl] *= (1 - (1 - CAVITY_ALBEDO) * inside)[..., None]


def _features(layers: FaceLayers, scenario, face: str) -> None:
    """Parts every phone has (lens cover, buttons, display area), present or missing."""
    mpp = layers.mm_per_px
    missing = {d.get("part") for d in scenario.cosmetic_defects
               if d.get("kind") == "missing_part" and d.get("face") == face}
    w, h = layers.size_mm
    if face == "back":
        piece = _disc(layers.height.shape, mpp, CAMERA_LENS["x"], CAMERA_LENS["y"], CAMERA_LENS["radius_mm"], 0.4)
        if piece is not None:
            sl, rho = piece
            inside = np.clip((CAMERA_LENS["radius_mm"] - rho) / 0.6 + 0.5, 0, 1).astype(np.float32)
            if "camera_lens" in missing:
                _cavity(layers, sl, inside, 0.6)
            else:          # tinted cover glass, flush with the back
                layers.albedo[sl] *= (1 - 0.2 * inside)[..., None]
    elif face == "front":
        off = scenario.display.get("offset_mm", [3.5, 12.0])
        act = scenario.display.get("active_mm", [w - 7.0, h - 24.0])
        x0, y0 = int(off[0] / mpp), int(off[1] / mpp)
        layers.albedo[y0:y0 + int(act[1] / mpp), x0:x0 + int(act[0] / mpp)] *= 0.6
    elif face == "right":
        for part, (frac, length) in BUTTONS.items():
            y0, y1 = frac * h, frac * h + length
            g = _grid(layers.height.shape, (int(y0 / mpp) - 4, int(y1 / mpp) + 4,
                                            int((w - BUTTON_WIDTH_MM) / 2 / mpp) - 4,
                                            int((w + BUTTON_WIDTH_MM) / 2 / mpp) + 4), mpp)
            if g is None:
                continue
            sl, xs, ys = g
            fx = np.clip((BUTTON_WIDTH_MM / 2 - np.abs(xs - w / 2)) / 0.4, 0, 1)
            fy = np.clip((np.minimum(ys - y0, y1 - ys)) / 0.4, 0, 1)
            inside = (fx * fy).astype(np.float32)
            if part in missing:
                _cavity(layers, sl, inside, 0.5)
            else:
                layers.height[sl] += 0.25 * inside


def face_layers(scenario, face: str, *, mm_per_px: float = 0.05, seed: int = 0) -> FaceLayers:
    """Everything about a face that does not depend on the light."""
    if face not in FACES:
        raise ValueError(f"unknown face {face!r}; faces are {', '.join(FACES)}")
    body = scenario.body
    size = face_size_mm(body, face)
    shape = (int(math.ceil(size[1] / mm_per_px)), int(math.ceil(size[0] / mm_per_px)))
    radius = float(body.get("corner_radius_mm", 7.0)) if face in ("back", "front") else 0.6
    color = np.array(body.get("color_rgb", [30, 30, 30])[::-1], dtype=np.float32)   # BGR
    if face == "front":
        color = np.array([14.0, 13.0, 12.0], dtype=np.float32)      # dark cover glass, screen off
    elif face not in ("back",):
        color = 0.7 * color + 0.3 * np.array([150.0, 150.0, 150.0], dtype=np.float32)   # metal frame
    layers = FaceLayers(
        mm_per_px=mm_per_px, size_mm=size, color=tuple(float(c) for c in color),
        alpha=_rounded_rect_alpha(shape, mm_per_px, size, radius),
        albedo=np.broadcast_to(color, shape + (3,)).astype(np.float32),
        height=np.zeros(shape, np.float32), iso=np.zeros(shape, np.float32),
        top_add=np.zeros(shape, np.float32))
    rng = np.random.default_rng([seed, FACES.index(face), 7])
    _features(layers, scenario, face)
    for d in scenario.cosmetic_defects:
        if d.get("face") != face:
            continue
        kind = d.get("kind")
        if kind == "scratch":
            _scratch(layers, d)
        elif kind == "crack":
            _crack(layers, d, rng)
        elif kind == "dent":
            _dent(layers, d)
        elif kind == "scuff":
            _scuff(layers, d, rng)
    return layers
