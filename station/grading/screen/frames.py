"""Loading a screen frame set (`frameset/1`) with errors that name the file and say what to do."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import cv2
import numpy as np

from station.errors import BadInput

FORMAT = "frameset/1"
REQUIRED = ("white", "black", "red", "green", "blue", "gray", "off")


class FrameSetError(BadInput):
    """A frame set that cannot be graded (missing, corrupt or mismatched frames, no phone)."""


@dataclass
class ScreenFrames:
    frames: dict[str, np.ndarray]                 # name -> BGR uint8
    display: tuple[int, int]                      # (width, height) native portrait
    files: dict[str, str] = field(default_factory=dict)   # name -> file (for messages)

    def label(self, name: str) -> str:
        return f"frame {name!r} ({self.files[name]})" if name in self.files else f"frame {name!r}"


def load_frameset(folder: str | Path) -> ScreenFrames:
    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    if not folder.is_dir():
        raise FrameSetError(f"{folder} is not a folder", "give the frame set's folder (it holds manifest.json)")
    if not manifest_path.exists():
        raise FrameSetError(f"{manifest_path} is missing", "capture the frame set again, or write a frameset/1 manifest")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FrameSetError(f"{manifest_path} is not valid JSON: {exc}", "fix or recapture the manifest") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise FrameSetError(f"{manifest_path}: format is {manifest.get('format') if isinstance(manifest, dict) else None!r}, "
                            f"expected {FORMAT!r}", "this grader reads frameset/1 folders (see docs/screen.md)")
    display = _display(manifest, manifest_path)
    entries = manifest.get("frames")
    if not isinstance(entries, dict):
        raise FrameSetError(f"{manifest_path} has no 'frames' object", "list the pattern frames: {\"white\": \"white.png\", ...}")
    missing = [n for n in REQUIRED if n not in entries]
    if missing:
        raise FrameSetError(f"{manifest_path} lacks frame(s) {', '.join(missing)}",
                            f"a screen frame set needs all of {', '.join(REQUIRED)}; capture the missing pattern(s)")
    frames, files = {}, {}
    for name in REQUIRED:
        file = entries[name]
        if not isinstance(file, str):
            raise FrameSetError(f"{manifest_path}: frame {name!r} must be a file name, got {file!r}", "fix the manifest")
        path = folder / file
        files[name] = str(path)
        if not path.exists():
            raise FrameSetError(f"frame {name!r}: file {path} is missing", "recapture that pattern or fix the manifest")
        data = np.fromfile(str(path), np.uint8)
        frame = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
        if frame is None:
            raise FrameSetError(f"frame {name!r}: {path} is not a readable PNG/JPEG (corrupt or truncated)",
                                "recapture that pattern")
        frames[name] = frame
    return validated(frames, display, files)


def validated(frames: Mapping[str, np.ndarray], display: tuple[int, int],
              files: Mapping[str, str] | None = None) -> ScreenFrames:
    """Check in-memory frames: all patterns there, same size, 8-bit colour."""
    files = dict(files or {})
    sf = ScreenFrames(dict(frames), display, files)
    missing = [n for n in REQUIRED if n not in frames]
    if missing:
        raise FrameSetError(f"frame set lacks {', '.join(missing)}", f"provide all of {', '.join(REQUIRED)}")
    shape = None
    for name in REQUIRED:
        frame = frames[name]
        if not isinstance(frame, np.ndarray) or frame.dtype != np.uint8 or frame.ndim not in (2, 3):
            raise FrameSetError(f"{sf.label(name)} is not an 8-bit image", "frames are 8-bit PNG/JPEG camera frames")
        if frame.ndim == 2:
            sf.frames[name] = frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
        if shape is None:
            shape = frame.shape
        elif frame.shape != shape:
            raise FrameSetError(f"{sf.label(name)} is {frame.shape[1]}x{frame.shape[0]} but "
                                f"{sf.label(REQUIRED[0])} is {shape[1]}x{shape[0]}",
                                "all frames of a set come from the same camera; recapture the set")
        if min(frame.shape[:2]) < 64:
            raise FrameSetError(f"{sf.label(name)} is only {frame.shape[1]}x{frame.shape[0]} px", "use full camera frames")
    return sf


def _display(manifest: dict, path: Path) -> tuple[int, int]:
    d = manifest.get("display")
    try:
        w, h = int(d["width"]), int(d["height"])
    except (TypeError, KeyError, ValueError, OverflowError) as exc:
        raise FrameSetError(f"{path}: 'display' must give the panel's width and height in px",
                            'add "display": {"width": 1080, "height": 2400}') from exc
    if not (16 <= w <= 8192 and 16 <= h <= 8192):
        raise FrameSetError(f"{path}: display {w}x{h} is not a plausible panel size", "fix the manifest")
    return w, h
