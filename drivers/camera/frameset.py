"""Capturing a screen frame set: show each pattern, photograph it, write a `frameset/1` folder.

The folder holds `manifest.json` and one PNG per pattern (see ../shared/DESIGN.md, "Frame sets").
Showing a pattern is the caller's job (`show(name)`: over ADB, or by prompting the operator);
so is the lighting (`light(name)`: dim top light for lit patterns, raking light for `off`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterable, Mapping

import cv2
import numpy as np

from drivers.camera.errors import CameraError

FORMAT = "frameset/1"
SCREEN_PATTERNS = ("white", "black", "red", "green", "blue", "gray", "off")
# The rig lighting for each shot (percent): emitted patterns under a dim top light so the phone's
# outline stays visible; the switched-off screen under two raking lights at once (north and west)
# so cracks of every direction scatter light into the lens.
PATTERN_LIGHTS = {"off": {"top": 0, "n": 70, "e": 0, "s": 0, "w": 70}}
DEFAULT_PATTERN_LIGHTS = {"top": 10, "n": 0, "e": 0, "s": 0, "w": 0}
# The *#06# screen is lit by itself; a little top fill keeps the bezel (and the phone's outline) visible.
IMEI_LIGHTS = {"top": 20, "n": 0, "e": 0, "s": 0, "w": 0}


def lights_for(pattern: str) -> dict[str, int]:
    return dict(PATTERN_LIGHTS.get(pattern, DEFAULT_PATTERN_LIGHTS))


def face_up_lights() -> list[dict[str, int]]:
    """Every lighting the phone is photographed under face up with its screen on, once each, in
    the order an inspection needs them (the *#06# screen, then the patterns): what a camera can
    prepare for."""
    lights: list[dict[str, int]] = []
    for light in [dict(IMEI_LIGHTS)] + [lights_for(pattern) for pattern in SCREEN_PATTERNS]:
        if light not in lights:
            lights.append(light)
    return lights


def write_frameset(out_dir: str | Path, frames: Mapping[str, np.ndarray], display: Mapping[str, int],
                   extra: Mapping | None = None) -> Path:
    """Write frames (name -> BGR uint8) as PNGs plus a `frameset/1` manifest; returns the folder."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = {}
    for name, frame in frames.items():
        file = f"{name}.png"
        if not cv2.imwrite(str(out / file), frame, [cv2.IMWRITE_PNG_COMPRESSION, 1]):
            raise CameraError(f"could not write frame {out / file}", "check the disk has space and is writable")
        names[name] = file
    manifest = {"format": FORMAT, "display": {"width": int(display["width"]), "height": int(display["height"])},
                "frames": names}
    if extra:
        manifest.update(extra)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return out


def capture_screen_frames(camera, show: Callable[[str], None],
                          light: Callable[[dict[str, int]], None] | None = None,
                          patterns: Iterable[str] = SCREEN_PATTERNS) -> dict[str, np.ndarray]:
    """Show each pattern, set its lighting, read one frame; returns name -> frame."""
    frames = {}
    for name in patterns:
        show(name)
        if light is not None:
            light(lights_for(name))
        frames[name] = camera.read()
    return frames


def capture_screen_frameset(camera, out_dir: str | Path, display: Mapping[str, int],
                            show: Callable[[str], None],
                            light: Callable[[dict[str, int]], None] | None = None,
                            patterns: Iterable[str] = SCREEN_PATTERNS) -> Path:
    """Capture all patterns and write them as a `frameset/1` folder."""
    return write_frameset(out_dir, capture_screen_frames(camera, show, light, patterns), display)
