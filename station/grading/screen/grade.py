"""Grading a screen frame set: locate, check the frames belong together, detect, apply the rules."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import cv2
import numpy as np

from station.grading.screen import detect
from station.grading.screen.frames import REQUIRED, FrameSetError, ScreenFrames, load_frameset, validated
from station.grading.screen.locate import coarse_corners, display_homography, refine_corners
from station.grading.screen.patterns import classify_pattern
from station.grading.screen.rules import SEVERITY, screen_grade

LIT = ("white", "gray", "red", "green", "blue")
MAX_SHIFT = 0.02          # of the panel diagonal: more and the phone moved between shots


def grade_screen_frameset(source: str | Path | Mapping[str, np.ndarray], display: tuple[int, int] | None = None,
                          evidence_dir: str | Path | None = None) -> dict:
    """Grade a `frameset/1` folder, or in-memory frames {pattern: BGR uint8} with `display` (w, h).

    Returns {"grade", "rule", "defects": [{kind, x, y, w, h, severity, contrast_permille,
    evidence}], "patterns", "display", "panel"}; with `evidence_dir`, each defect's crop is
    written there as PNG and named in its `evidence`.
    """
    if isinstance(source, (str, Path)):
        frames = load_frameset(source)
    else:
        if display is None:
            raise FrameSetError("in-memory frames need the display size", "pass display=(width, height)")
        frames = validated(source, tuple(display))
    return grade_frames(frames, evidence_dir)


def grade_frames(sf: ScreenFrames, evidence_dir: str | Path | None = None) -> dict:
    hmg, corners = _register(sf)
    white_level, patterns = _check_patterns(sf, hmg)
    planes = detect.warp_planes(sf.frames, hmg, sf.display)
    valid = detect.valid_mask(planes.lit["white"])
    fine, exclude = detect.find_fine(planes, valid, white_level)
    found = fine + detect.find_coarse(planes, valid, white_level, exclude)
    found = _drop_overlaps(found)
    found.sort(key=lambda f: (list(SEVERITY).index(f.kind), f.y, f.x))
    grade, rule = screen_grade(f.kind for f in found)
    defects = []
    out_dir = Path(evidence_dir) if evidence_dir else None
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
    for i, f in enumerate(found, 1):
        d = f.to_dict()
        d["severity"] = SEVERITY[f.kind]
        frame = d.pop("frame")
        d["evidence"] = {"frame": frame, "crop": list(crop_box(f, sf.display))}
        if out_dir:
            name = f"screen-{i:02d}-{f.kind}.png"
            cv2.imwrite(str(out_dir / name), evidence_crop(sf.frames[frame], hmg, f, sf.display))
            d["evidence"]["file"] = name
        defects.append(d)
    scale = float(np.linalg.norm(corners[1] - corners[0]) / sf.display[0])
    return {"grade": grade, "rule": rule, "defects": defects, "patterns": patterns,
            "display": {"width": sf.display[0], "height": sf.display[1]},
            "panel": {"corners_px": [[int(round(x)), int(round(y))] for x, y in corners],
                      "camera_px_per_display_px_permille": int(round(scale * 1000))}}


def _register(sf: ScreenFrames) -> tuple[np.ndarray, np.ndarray]:
    """Homography from the brightest lit frame; every lit frame must show the panel in the same place."""
    coarse, level = {}, {}
    for name in LIT:
        c = coarse_corners(sf.frames[name], sf.display)
        if c is None:
            raise FrameSetError(f"no lit phone screen found in {sf.label(name)}",
                                f"check the phone is on the tray, face up, showing the {name} pattern; recapture it")
        coarse[name] = c
        level[name] = _panel_level(sf.frames[name], c)
    ref = max(LIT, key=lambda n: level[n])
    fine = refine_corners(sf.frames[ref], coarse[ref])
    if fine is None:
        raise FrameSetError(f"the screen's edges are not sharp enough to measure in {sf.label(ref)}",
                            "check focus and that nothing covers the screen's edges; recapture the set")
    diag = float(np.linalg.norm(fine[2] - fine[0]))
    for name in LIT:
        shift = float(np.max(np.linalg.norm(coarse[name] - fine, axis=1)))
        if shift > MAX_SHIFT * diag:
            raise FrameSetError(f"the phone is {shift:.0f} px away in {sf.label(name)} from where it is in "
                                f"{sf.label(ref)}: the frames do not belong together",
                                "keep the phone still and recapture the whole set")
    return display_homography(fine, sf.display), fine


def _panel_level(frame: np.ndarray, corners: np.ndarray) -> float:
    c = corners.mean(axis=0).astype(int)
    r = max(2, int(0.1 * np.linalg.norm(corners[1] - corners[0])))
    patch = frame[max(0, c[1] - r):c[1] + r:4, max(0, c[0] - r):c[0] + r:4]
    return float(np.median(patch.max(axis=2)))


def _tray_level(frame: np.ndarray) -> float:
    h, w = frame.shape[:2]
    b = max(2, int(0.03 * min(h, w)))
    strips = [frame[:b:4, ::8], frame[-b::4, ::8], frame[::8, :b:4], frame[::8, -b::4]]
    return float(np.median(np.concatenate([s.reshape(-1, 3).max(axis=1) for s in strips])))


def _beside_panel(frame: np.ndarray, hmg: np.ndarray, display: tuple[int, int]) -> float:
    """Median level just left and right of the phone (tray, if a phone lies there)."""
    W, H = display
    v = np.linspace(0.2 * H, 0.8 * H, 24)
    pts = np.concatenate([np.stack([np.full_like(v, -0.2 * W), v], 1), np.stack([np.full_like(v, 1.2 * W), v], 1)])
    cam = cv2.perspectiveTransform(pts.reshape(-1, 1, 2), hmg).reshape(-1, 2)
    h, w = frame.shape[:2]
    inside = (cam[:, 0] >= 0) & (cam[:, 0] < w - 1) & (cam[:, 1] >= 0) & (cam[:, 1] < h - 1)
    if inside.sum() < 6:
        return 0.0
    xy = np.round(cam[inside]).astype(int)
    return float(np.median(frame[xy[:, 1], xy[:, 0]].max(axis=1)))


def _panel_samples(frame: np.ndarray, hmg: np.ndarray, display: tuple[int, int]) -> np.ndarray:
    """BGR values at a 32x32 grid over the central 3/4 of the panel."""
    W, H = display
    u, v = np.meshgrid(np.linspace(W / 8, 7 * W / 8, 32), np.linspace(H / 8, 7 * H / 8, 32))
    pts = np.stack([u.ravel(), v.ravel()], 1).reshape(-1, 1, 2)
    cam = np.round(cv2.perspectiveTransform(pts, hmg).reshape(-1, 2)).astype(int)
    h, w = frame.shape[:2]
    cam[:, 0] = np.clip(cam[:, 0], 0, w - 1)
    cam[:, 1] = np.clip(cam[:, 1], 0, h - 1)
    return frame[cam[:, 1], cam[:, 0]]


def _check_patterns(sf: ScreenFrames, hmg: np.ndarray) -> tuple[float, dict]:
    stats = {}
    for name in REQUIRED:
        samples = _panel_samples(sf.frames[name], hmg, sf.display)
        stats[name] = (tuple(float(v) for v in np.median(samples, axis=0)), _tray_level(sf.frames[name]))
    white_level = max(stats["white"][0])
    patterns = {}
    for name in REQUIRED:
        panel, tray = stats[name]
        seen = classify_pattern(panel, tray, white_level)
        patterns[name] = seen
        if seen != name:
            what = f"the {seen} pattern" if seen else "no full-screen test pattern"
            raise FrameSetError(f"{sf.label(name)} shows {what}, not {name}",
                                f"show the {name} pattern (station/screen_patterns.py) and recapture that frame"
                                + ("; black is shot under the dim top light, off under raking light"
                                   if {seen, name} == {"black", "off"} else ""))
        beside = _beside_panel(sf.frames[name], hmg, sf.display) if name in ("black", "off") else 0.0
        if name in ("black", "off") and beside > 8 and beside - max(panel) < max(4.0, 0.25 * beside):
            raise FrameSetError(f"no phone in {sf.label(name)}: where the screen should be, the frame is "
                                f"as bright as the tray", "put the phone back where it was and recapture the set")
    return white_level, patterns


def _drop_overlaps(found: list[detect.Found]) -> list[detect.Found]:
    """Pixel faults inside a line or crack box belong to it; keep the rest."""
    big = [f for f in found if f.kind in ("line", "crack")]
    keep = []
    for f in found:
        if f.kind in ("dead_pixel", "stuck_pixel") and any(
                b.x - 2 <= f.x <= b.x + b.w + 2 and b.y - 2 <= f.y <= b.y + b.h + 2 and b.kind == "line" for b in big):
            continue
        keep.append(f)
    return keep


def crop_box(f: detect.Found, display: tuple[int, int]) -> tuple[int, int, int, int]:
    pad = max(12, int(0.25 * max(f.w, f.h))) if f.kind != "line" else 12
    x0, y0 = max(0, f.x - pad), max(0, f.y - pad)
    x1, y1 = min(display[0], f.x + f.w + pad), min(display[1], f.y + f.h + pad)
    if f.kind == "line":      # a window of the line, not all of it
        if f.w > f.h:
            x0, x1 = max(0, f.x + f.w // 2 - 100), min(display[0], f.x + f.w // 2 + 100)
        else:
            y0, y1 = max(0, f.y + f.h // 2 - 100), min(display[1], f.y + f.h // 2 + 100)
    return x0, y0, x1 - x0, y1 - y0


def evidence_crop(frame: np.ndarray, hmg: np.ndarray, f: detect.Found, display: tuple[int, int]) -> np.ndarray:
    """The defect's neighbourhood on its best pattern, on the display grid, enlarged so single
    pixels are visible."""
    x, y, w, h = crop_box(f, display)
    shift = np.array([[1, 0, x], [0, 1, y], [0, 0, 1.0]])
    crop = cv2.warpPerspective(frame, hmg @ shift, (w, h), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP)
    k = max(1, min(8, 200 // max(1, max(w, h))))
    return cv2.resize(crop, (w * k, h * k), interpolation=cv2.INTER_NEAREST) if k > 1 else crop
