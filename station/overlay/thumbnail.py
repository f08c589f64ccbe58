"""The defect thumbnail on the overlay: a crop of the evidence frame around the worst defect.

Screen defects are in display pixels: the panel is located in the frame (the screen grader's
`locate_panel`) and the defect mapped through that quadrilateral. Without a panel location (or
for body defects) the thumbnail is the whole frame, scaled down. Returns PNG bytes or None.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

THUMB_PX = 240
SCREEN_FRAME_FOR = {"dead_pixel": "white", "dark_spot": "white", "stuck_pixel": "black",
                    "bright_spot": "black", "line": "gray", "burn_in": "gray", "crack": "off"}


def _screen_crop(folder: Path, defect: dict[str, Any]):
    import cv2
    import numpy as np

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    name = SCREEN_FRAME_FOR.get(defect.get("kind", ""), "white")
    frame = cv2.imread(str(folder / manifest["frames"][name]))
    if frame is None:
        return None
    try:
        from station.grading.screen import locate_panel

        corners = locate_panel(frame)
    except ImportError:
        corners = None
    if corners is None:
        return frame
    width, height = manifest["display"]["width"], manifest["display"]["height"]
    src = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    to_camera = cv2.getPerspectiveTransform(src, np.asarray(corners, dtype=np.float32).reshape(4, 2))
    cx = defect.get("x", 0) + defect.get("w", 1) / 2
    cy = defect.get("y", 0) + defect.get("h", 1) / 2
    point = cv2.perspectiveTransform(np.array([[[cx, cy]]], dtype=np.float32), to_camera)[0][0]
    half = 60
    x0, y0 = int(max(0, point[0] - half)), int(max(0, point[1] - half))
    crop = frame[y0:y0 + 2 * half, x0:x0 + 2 * half].copy()
    if crop.size == 0:
        return frame
    centre = (int(point[0]) - x0, int(point[1]) - y0)
    crop = cv2.resize(crop, (THUMB_PX, THUMB_PX), interpolation=cv2.INTER_NEAREST)
    scale = THUMB_PX / (2 * half)
    cv2.circle(crop, (int(centre[0] * scale), int(centre[1] * scale)), 28, (40, 40, 230), 3)
    return crop


def _cosmetic_frame(folder: Path, defect: dict[str, Any]):
    import cv2

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["frames"].get(defect.get("face", "back")) or next(iter(manifest["frames"].values()))
    file = entry if isinstance(entry, str) else (entry.get("top") or next(iter(entry.values())))
    return cv2.imread(str(folder / file))


def defect_thumbnail_png(framesets: dict[str, dict[str, Any]]) -> bytes | None:
    import cv2

    for part in ("screen", "cosmetic"):
        info = framesets.get(part) or {}
        folder, defects = info.get("folder"), info.get("defects") or []
        if not folder or not defects or not Path(folder, "manifest.json").exists():
            continue
        image = _screen_crop(Path(folder), defects[0]) if part == "screen" else _cosmetic_frame(Path(folder), defects[0])
        if image is None:
            continue
        h, w = image.shape[:2]
        if max(h, w) > THUMB_PX:
            scale = THUMB_PX / max(h, w)
            image = cv2.resize(image, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
        ok, buf = cv2.imencode(".png", image)
        return buf.tobytes() if ok else None
    return None
