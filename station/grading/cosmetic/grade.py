"""Grading a whole body: every face straightened, searched for each kind of defect, then ruled on."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Mapping

import cv2
import numpy as np

from station.grading.cosmetic.frames import FACES, LIGHTS, Frames, check_arrays, check_scale, grey_face, load_frameset
from station.grading.cosmetic.lines import find_lines
from station.grading.cosmetic.outline import straighten_face
from station.grading.cosmetic.relief import find_relief, find_scuffs
from station.grading.cosmetic.rules import result

EDGE_FACES = ("left", "right", "top", "bottom")


def grade_face(face: str, frames: dict, mm_per_px: float) -> list[dict]:
    """All defects found on one face, in mm from the face's top-left corner."""
    stack = straighten_face(face, grey_face(face, frames), mm_per_px)
    edge = face in EDGE_FACES
    scuffs, scuff_mask = find_scuffs(stack, edge)
    lines, line_mask = find_lines(stack, edge, scuff_mask)
    grown = cv2.dilate(line_mask, np.ones((5, 5), np.uint8))
    relief, _ = find_relief(stack, edge, grown | scuff_mask)
    # A cavity's walls catch raking light from every side: that brightness belongs to the cavity.
    scuffs = [s for s in scuffs if not any(r["kind"] == "missing_part" and _touch(s, r) for r in relief)]
    return lines + relief + scuffs


def _touch(a: dict, b: dict, slack_mm: float = 1.0) -> bool:
    return (a["x"] - slack_mm < b["x"] + b["w"] and b["x"] - slack_mm < a["x"] + a["w"]
            and a["y"] - slack_mm < b["y"] + b["h"] and b["y"] - slack_mm < a["y"] + a["h"])


def grade_frames(frames: Frames, mm_per_px: float, *, workers: int | None = None) -> dict:
    """Grade frames (face -> light -> BGR or grey image). Faces run in parallel: OpenCV releases the GIL."""
    frames = check_arrays(frames)
    workers = workers or min(len(frames), os.cpu_count() or 1, 4)
    order = [f for f in FACES if f in frames]
    if workers > 1:
        with ThreadPoolExecutor(workers) as pool:
            per_face = list(pool.map(lambda f: grade_face(f, frames[f], mm_per_px), order))
    else:
        per_face = [grade_face(f, frames[f], mm_per_px) for f in order]
    defects = [d for found in per_face for d in found]
    doc = result(defects)
    missing = {face: [light for light in LIGHTS if light not in frames[face]] for face in order}
    missing = {face: lights for face, lights in missing.items() if lights}
    if missing:
        # Graded, but say so: without both lights of a pair there are no dents or scuffs, and
        # without the top light no telling a crack from a scratch.
        doc["complete"] = False
        doc["lights_missing"] = missing
        doc["notes"] = ["some faces lack lights (n, e, s, w, top): dents, scuffs and cracks may be missed; "
                        "re-capture every face under all five lights for a full grade"]
    else:
        doc["complete"] = True
    return doc


def grade_cosmetic_frameset(source: str | Path | Mapping[str, Any], mm_per_px: float | None = None) -> dict:
    """Grade a cosmetic frame set: a `frameset/1` folder, or in-memory frames plus `mm_per_px`.

    In-memory frames are face -> BGR/grey array, or face -> {light: array} as the camera delivers
    them. Returns ``{"grade", "label_zh", "meaning", "reasons", "defects"}``; raises
    ``station.errors.BadInput`` for missing faces, a wrong scale, blank frames or no phone.
    """
    if isinstance(source, Mapping):
        if mm_per_px is None:
            from station.errors import BadInput
            raise BadInput("in-memory frames need mm_per_px", "pass mm_per_px from the rig's calibration")
        return grade_frames(source, check_scale(mm_per_px))
    frames, scale = load_frameset(source)
    return grade_frames(frames, check_scale(mm_per_px) if mm_per_px is not None else scale)
