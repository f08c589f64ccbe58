"""Cosmetic defects marked on the face photo they were found on (worker thread, no widgets).

Cosmetic defects are in millimetres from the top-left of the face's outline as the camera sees it
(DESIGN.md). The outline is found with the cosmetic grader's own `find_outline`, and a perspective
map from the face's millimetre rectangle to its corners places each defect's box on the photo.
"""

from __future__ import annotations

import json
from pathlib import Path

THUMB_PX = 240


def _face_file(manifest: dict, face: str) -> str | None:
    entry = manifest["frames"].get(face)
    if entry is None:
        return None
    return entry if isinstance(entry, str) else (entry.get("top") or next(iter(entry.values())))


def cosmetic_marked_png(folder: str, defects: list[dict]) -> bytes | None:
    """PNG of the face holding the first defect, every defect on that face boxed in red."""
    import cv2
    import numpy as np

    from station.grading.cosmetic.outline import find_outline

    if not defects:
        return None
    face = defects[0].get("face", "back")
    manifest = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
    name = _face_file(manifest, face)
    if name is None:
        return None
    image = cv2.imread(str(Path(folder) / name), cv2.IMREAD_COLOR)
    if image is None:
        return None
    mm_per_px = float((manifest.get("scale") or {}).get("mm_per_px") or 0.05)
    outline = find_outline(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), mm_per_px, f"{face}/{name}")
    w_mm, h_mm = outline.size_mm
    to_photo = cv2.getPerspectiveTransform(
        np.float32([[0, 0], [w_mm, 0], [w_mm, h_mm], [0, h_mm]]), np.float32(outline.corners))
    # Crop to the face (plus a margin) first, so the marks keep a visible size in the thumbnail.
    x0, y0 = np.maximum(outline.corners.min(axis=0) - 20, 0).astype(int)
    x1, y1 = np.minimum(outline.corners.max(axis=0) + 20, image.shape[1::-1]).astype(int)
    crop = image[y0:y1, x0:x1].copy()
    scale = THUMB_PX / float(max(crop.shape[:2]))
    crop = cv2.resize(crop, (max(1, int(crop.shape[1] * scale)), max(1, int(crop.shape[0] * scale))),
                      interpolation=cv2.INTER_AREA)
    for d in defects:
        if d.get("face", face) != face:
            continue
        x, y = float(d.get("x", 0)), float(d.get("y", 0))
        w, h = float(d.get("w", 0) or 0), float(d.get("h", 0) or 0)
        box = np.float32([[[x, y]], [[x + w, y]], [[x + w, y + h]], [[x, y + h]]])
        pts = (cv2.perspectiveTransform(box, to_photo).reshape(-1, 2) - [x0, y0]) * scale
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        centre = (lo + hi) / 2
        half = np.maximum((hi - lo) / 2, 5)           # tiny defects still get a visible box
        cv2.rectangle(crop, tuple(int(v) for v in centre - half - 2), tuple(int(v) for v in centre + half + 2),
                      (40, 40, 230), 2)
    ok, buf = cv2.imencode(".png", crop)
    return buf.tobytes() if ok else None
