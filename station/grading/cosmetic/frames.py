"""Reading a cosmetic frame set (`frameset/1`): which face, which light, which file, what scale.

A frame set names frames per face (``back``, ``front``, ``left``, ``right``, ``top``, ``bottom``);
each is one file (light unknown) or an object light -> file with lights ``n``/``e``/``s``/``w``
(raking, from that edge of the frame) and ``top`` (diffuse). ``scale.mm_per_px`` comes from the
rig's calibration. Frames are turned to grey at once: colour carries nothing the grader uses and
grey halves the memory of a 12 MP set.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Mapping

import cv2
import numpy as np

from station.errors import BadInput

FACES = ("back", "front", "left", "right", "top", "bottom")
RAKING = ("n", "e", "s", "w")
LIGHTS = RAKING + ("top",)
UNKNOWN_LIGHT = "any"            # a face given as one file: the light it was taken under is unknown
MM_PER_PX_RANGE = (0.005, 1.0)   # a top camera seeing a phone: anything outside is a wrong scale
BLANK_STD = 2.0                  # a frame whose grey levels vary less than this shows nothing

Frames = dict[str, dict[str, np.ndarray]]   # face -> light -> grey uint8 image


def check_scale(mm_per_px: Any) -> float:
    """The calibration scale as a float, or a clear error."""
    try:
        value = float(mm_per_px)
    except (TypeError, ValueError):
        value = float("nan")
    if not math.isfinite(value) or not MM_PER_PX_RANGE[0] <= value <= MM_PER_PX_RANGE[1]:
        raise BadInput(
            f"scale.mm_per_px is {mm_per_px!r}; a top camera photographing a phone needs "
            f"{MM_PER_PX_RANGE[0]}..{MM_PER_PX_RANGE[1]} mm per pixel",
            "take the value from the rig's calibration (`station rig info --json` → mm_per_px) "
            "and put it in the manifest as \"scale\": {\"mm_per_px\": 0.05}")
    return value


def to_grey(image: np.ndarray, where: str) -> np.ndarray:
    """Grey uint8 from a BGR/BGRA/grey frame; rejects empty or blank frames."""
    image = np.asarray(image)
    if image.size == 0 or image.ndim not in (2, 3):
        raise BadInput(f"frame {where} is empty or not an image", "re-capture the frame")
    if image.dtype != np.uint8:
        raise BadInput(f"frame {where} is {image.dtype}, not 8-bit", "give 8-bit PNG/JPEG frames")
    if image.ndim == 3:
        code = cv2.COLOR_BGRA2GRAY if image.shape[2] == 4 else cv2.COLOR_BGR2GRAY
        image = cv2.cvtColor(image, code) if image.shape[2] in (3, 4) else image[..., 0]
    small = image[::16, ::16]
    if float(small.std()) < BLANK_STD:
        raise BadInput(f"frame {where} is blank (uniform grey level {float(small.mean()):.0f})",
                       "check the lights were on and the lens uncovered, then re-capture this face")
    return np.ascontiguousarray(image)


def check_faces(faces: Mapping[str, Any]) -> None:
    missing = [f for f in FACES if f not in faces]
    unknown = [f for f in faces if f not in FACES]
    if unknown:
        raise BadInput(f"unknown face(s) {', '.join(map(repr, unknown))} in the frame set",
                       f"name frames by face: {', '.join(FACES)}")
    if missing:
        raise BadInput(f"the frame set lacks face(s): {', '.join(missing)}",
                       "photograph every face (back, front with the screen off, and the four edges "
                       "in the side mirrors) before grading; a grade from part of the body would hide damage")


def check_arrays(frames: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Validate face and light names of in-memory frames; returns face -> {light: array}."""
    check_faces(frames)
    out: dict[str, dict[str, Any]] = {}
    for face, entry in frames.items():
        per_light = entry if isinstance(entry, Mapping) else {UNKNOWN_LIGHT: entry}
        if not per_light:
            raise BadInput(f"face {face!r} has no frames", "give at least one frame per face")
        bad = [k for k in per_light if k not in LIGHTS + (UNKNOWN_LIGHT,)]
        if bad:
            raise BadInput(f"face {face!r} names unknown light(s) {', '.join(map(repr, bad))}",
                           f"lights are {', '.join(LIGHTS)}")
        out[face] = dict(per_light)
    return out


def grey_face(face: str, per_light: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """One face's frames as grey images (done per face, so a 12 MP set never exists twice)."""
    return {light: to_grey(img, f"{face}/{light}") for light, img in per_light.items()}


def from_arrays(frames: Mapping[str, Any]) -> Frames:
    """In-memory frames (face -> array, or face -> {light: array}) as grey images."""
    return {face: grey_face(face, per_light) for face, per_light in check_arrays(frames).items()}


def load_manifest(folder: str | Path) -> dict[str, Any]:
    folder = Path(folder)
    path = folder / "manifest.json"
    if not folder.is_dir():
        raise BadInput(f"{folder} is not a folder", "give the folder holding manifest.json and the frames")
    if not path.exists():
        raise BadInput(f"no manifest.json in {folder}", "a cosmetic frame set is a folder with manifest.json "
                       "(format frameset/1) naming the frames; see docs/cosmetic.md")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path} is not valid JSON: {exc}", "fix or re-write the manifest") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != "frameset/1":
        raise BadInput(f"{path} is not a frameset/1 manifest", "set \"format\": \"frameset/1\"")
    if not isinstance(manifest.get("frames"), dict):
        raise BadInput(f"{path} has no \"frames\" object", "list the frames per face, see docs/cosmetic.md")
    return manifest


def load_frameset(folder: str | Path) -> tuple[Frames, float]:
    """Grey frames and mm_per_px of a cosmetic frame-set folder, or a clear error."""
    folder = Path(folder)
    manifest = load_manifest(folder)
    scale = manifest.get("scale")
    if not isinstance(scale, dict) or "mm_per_px" not in scale:
        raise BadInput(f"{folder / 'manifest.json'} has no scale.mm_per_px",
                       "add \"scale\": {\"mm_per_px\": ...} from the rig's calibration")
    mm_per_px = check_scale(scale["mm_per_px"])
    entries = manifest["frames"]
    check_faces(entries)
    arrays: dict[str, Any] = {}
    for face, entry in entries.items():
        files = entry if isinstance(entry, dict) else {UNKNOWN_LIGHT: entry}
        arrays[face] = {light: _read(folder, name, f"{face}/{light}") for light, name in files.items()}
    return from_arrays(arrays), mm_per_px


def _read(folder: Path, name: Any, where: str) -> np.ndarray:
    if not isinstance(name, str) or not name:
        raise BadInput(f"frame {where} has no file name", "map each light to a file name in the manifest")
    path = folder / name
    if not path.is_file():
        raise BadInput(f"frame {where}: file {path} does not exist", "re-capture it or fix the manifest")
    image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise BadInput(f"frame {where}: {path} is not a readable PNG/JPEG", "re-capture the frame")
    return image
