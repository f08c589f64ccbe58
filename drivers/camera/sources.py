"""Real frame sources: an OpenCV `VideoCapture` (index, device path, video file) and an image folder."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from drivers.camera.errors import CameraError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff")
PREVIEW_LONG_SIDE = 1920


def to_preview(frame: np.ndarray) -> np.ndarray:
    """Scale a frame so its long side is 1920 px (never up)."""
    h, w = frame.shape[:2]
    k = PREVIEW_LONG_SIDE / max(h, w)
    if k >= 1:
        return frame
    return cv2.resize(frame, (round(w * k), round(h * k)), interpolation=cv2.INTER_AREA)


def as_bgr(frame: np.ndarray) -> np.ndarray:
    if frame.ndim == 2:
        return cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    if frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR)
    return frame


class OpenCVCamera:
    """A V4L2/USB camera by index or device path, or a video file, through cv2.VideoCapture."""

    def __init__(self, source: int | str, size: tuple[int, int] | None = None) -> None:
        self.url = str(source)
        self._cap = cv2.VideoCapture(source)
        if not self._cap.isOpened():
            raise CameraError(f"cannot open camera {source!r}",
                              "check the camera is plugged in and not used by another program "
                              "(ls /dev/video*), or give a video file / image folder / sim://SCENARIO")
        if size:
            self._cap.set(cv2.CAP_PROP_FRAME_WIDTH, size[0])
            self._cap.set(cv2.CAP_PROP_FRAME_HEIGHT, size[1])

    def read(self) -> np.ndarray:
        ok, frame = self._cap.read()
        if not ok or frame is None:
            raise CameraError(f"camera {self.url} returned no frame",
                              "the device was unplugged or the video ended; reconnect or reopen it")
        return as_bgr(frame)

    def preview(self) -> np.ndarray:
        return to_preview(self.read())

    def close(self) -> None:
        self._cap.release()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class FolderCamera:
    """Replays the images of a folder in name order (looping), as if a camera took them."""

    def __init__(self, folder: str | Path, loop: bool = True) -> None:
        self.url = str(folder)
        self.folder = Path(folder)
        self.files = sorted(p for p in self.folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self.files:
            raise CameraError(f"image folder {self.folder} holds no images",
                              f"put {', '.join(IMAGE_SUFFIXES)} files in it, or choose another source")
        self.loop = loop
        self._next = 0

    def read(self) -> np.ndarray:
        if self._next >= len(self.files):
            if not self.loop:
                raise CameraError(f"image folder {self.folder} has no more images", "reopen it to start over")
            self._next = 0
        path = self.files[self._next]
        self._next += 1
        frame = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        if frame is None:
            raise CameraError(f"cannot decode image {path}", "replace or delete the corrupt file")
        if frame.dtype != np.uint8:
            frame = cv2.convertScaleAbs(frame, alpha=255.0 / max(1, int(frame.max())))
        return as_bgr(frame)

    def preview(self) -> np.ndarray:
        return to_preview(self.read())

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()
