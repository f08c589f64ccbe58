"""Cameras: one frame-source interface over OpenCV devices, video files, image folders and the simulator.

`open_camera(url)` accepts an index (``"0"``), a device path (``/dev/video2``), a video file, an
image folder, or ``sim://SCENARIO`` (the rendered twin of the rig's camera). Every source has
``read()`` (full-resolution BGR uint8 frame), ``preview()`` (long side 1920 px) and ``close()``.
The simulator also has ``grab()``: expose now (latch the world's state), ``.retrieve()`` the frame
later — so its rendering can overlap the rig's next light settle, as a real camera's readout and
decoding would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

from drivers.camera.errors import CameraError

__all__ = ["CameraError", "FrameSource", "open_camera"]


class FrameSource(Protocol):
    url: str

    def read(self) -> np.ndarray: ...

    def preview(self) -> np.ndarray: ...

    def close(self) -> None: ...


def open_camera(url: str | int) -> FrameSource:
    """Open a camera by URL (see module doc). Raises CameraError with a hint when it cannot."""
    text = str(url).strip()
    if text.startswith("sim://"):
        from drivers.camera.sim import SimCamera

        return SimCamera(text)
    from drivers.camera.sources import FolderCamera, OpenCVCamera

    if text.isdigit():
        return OpenCVCamera(int(text))
    path = Path(text)
    if path.is_dir():
        return FolderCamera(path)
    if path.exists():
        return OpenCVCamera(str(path))
    raise CameraError(f"no camera at {text!r}",
                      "give an index (0), a device path (/dev/video0), a video file, an image folder, "
                      "or sim://SCENARIO")
