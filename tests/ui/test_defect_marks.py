"""Cosmetic defects land on the right spot of the face photo (synthetic frame, known geometry)."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from ui.defect_marks import cosmetic_marked_png

MM_PER_PX = 0.1


def make_face_frameset(tmp_path, origin_px=(150, 120), size_mm=(70.0, 146.0)):
    """A 'back' frame: a dark phone face on a light tray, top-left at `origin_px`."""
    frame = np.full((1800, 1100, 3), 170, np.uint8)
    x0, y0 = origin_px
    w, h = int(size_mm[0] / MM_PER_PX), int(size_mm[1] / MM_PER_PX)
    frame[y0:y0 + h, x0:x0 + w] = (30, 30, 34)
    cv2.imwrite(str(tmp_path / "back_top.png"), frame)
    manifest = {"format": "frameset/1", "scale": {"mm_per_px": MM_PER_PX},
                "frames": {"back": {"top": "back_top.png"}}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    return (x0, y0, w, h)


def red_centre(png: bytes) -> tuple[float, float, tuple[int, int]]:
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    red = (image[:, :, 2] > 180) & (image[:, :, 0] < 90) & (image[:, :, 1] < 90)
    ys, xs = np.nonzero(red)
    assert len(xs), "a red mark is drawn"
    return float(xs.mean()), float(ys.mean()), image.shape[:2]


@pytest.mark.parametrize("defect_mm", [(10.0, 20.0), (35.0, 73.0), (55.0, 130.0)])
def test_mark_is_where_the_defect_is(tmp_path, defect_mm):
    x0, y0, w, h = make_face_frameset(tmp_path)
    dx, dy = defect_mm
    png = cosmetic_marked_png(str(tmp_path), [{"kind": "dent", "face": "back", "x": dx, "y": dy,
                                                "w": 2.0, "h": 2.0}])
    cx, cy, (th, tw) = red_centre(png)
    # The crop is the face plus a 20 px margin, scaled to the thumbnail's long side.
    scale = max(th, tw) / float(h + 40)
    expect_x = (20 + (dx + 1.0) / MM_PER_PX) * scale
    expect_y = (20 + (dy + 1.0) / MM_PER_PX) * scale
    assert abs(cx - expect_x) < 4 and abs(cy - expect_y) < 4, ((cx, cy), (expect_x, expect_y))


def test_no_defects_no_thumbnail(tmp_path):
    make_face_frameset(tmp_path)
    assert cosmetic_marked_png(str(tmp_path), []) is None
