"""Live camera preview with the detected screen panel outlined.

`PreviewWorker` (a QThread) grabs preview frames, locates the panel with
`station.grading.screen.locate_panel` when that exists, shrinks the frame and converts it to a
QImage — all off the GUI thread. `PreviewView` only paints the latest image and outline.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QPointF, QSize, Qt, QThread, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

log = logging.getLogger(__name__)

PREVIEW_WIDTH = 960   # pixels the GUI receives; the camera's 1080p is shrunk in the worker


def _locator():
    try:
        from station.grading.screen import locate_panel
    except ImportError:
        return None
    return locate_panel


def frame_to_qimage(frame_bgr, width: int = PREVIEW_WIDTH) -> tuple[QImage, float]:
    """A BGR uint8 frame as an RGB QImage at most `width` wide, and the scale applied."""
    import cv2  # the ui layer may use OpenCV; only station/ keeps it out of module import time

    h, w = frame_bgr.shape[:2]
    scale = min(1.0, width / float(w))
    if scale < 1.0:
        frame_bgr = cv2.resize(frame_bgr, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
    rgb = cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB)
    hh, ww = rgb.shape[:2]
    image = QImage(rgb.data, ww, hh, 3 * ww, QImage.Format_RGB888).copy()  # own the pixels
    return image, scale


class PreviewWorker(QThread):
    """Reads preview frames from `camera_url` until stopped; emits (QImage, corners or None)."""

    frame_ready = Signal(QImage, object)
    failed = Signal(object)

    def __init__(self, camera_url: str, fps: float = 10.0, parent=None) -> None:
        super().__init__(parent)
        self._url = camera_url
        self._period = 1.0 / fps
        self._stop = False
        self.frames = 0

    def stop(self) -> None:
        self._stop = True

    def run(self) -> None:  # worker thread
        try:
            from drivers.camera import open_camera

            camera = open_camera(self._url)
        except Exception as exc:  # noqa: BLE001 - reported to the user as a message
            self.failed.emit(exc)
            return
        locate = _locator()
        try:
            while not self._stop:
                started = time.monotonic()
                frame = camera.preview()
                corners = None
                if locate is not None:
                    try:
                        found = locate(frame)
                    except Exception:  # noqa: BLE001 - a failed locate just draws no outline
                        found = None
                    corners = None if found is None else [(float(x), float(y)) for x, y in found]
                image, scale = frame_to_qimage(frame)
                if corners is not None:
                    corners = [(x * scale, y * scale) for x, y in corners]
                self.frames += 1
                self.frame_ready.emit(image, corners)
                rest = self._period - (time.monotonic() - started)
                if rest > 0:
                    self.msleep(int(rest * 1000))
        except Exception as exc:  # noqa: BLE001
            self.failed.emit(exc)
        finally:
            close = getattr(camera, "close", None)
            if close:
                close()


class PreviewView(QWidget):
    """Paints the latest preview image, letter-boxed, with the panel outline in green."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._corners = None
        self._message = ""
        self.setMinimumSize(QSize(320, 200))
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    def show_frame(self, image: QImage, corners) -> None:
        self._image = image
        self._corners = corners
        self._message = ""
        self.update()

    def show_message(self, text: str) -> None:
        self._message = text
        self.update()

    @property
    def panel_found(self) -> bool:
        return self._corners is not None

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#202124"))
        if self._image is not None and not self._image.isNull():
            iw, ih = self._image.width(), self._image.height()
            scale = min(self.width() / iw, self.height() / ih)
            ox = (self.width() - iw * scale) / 2
            oy = (self.height() - ih * scale) / 2
            p.save()
            p.translate(ox, oy)
            p.scale(scale, scale)
            p.drawImage(0, 0, self._image)
            if self._corners:
                pen = QPen(QColor("#00e676"))
                pen.setWidthF(3.0 / scale)
                p.setPen(pen)
                p.drawPolygon(QPolygonF([QPointF(x, y) for x, y in self._corners]))
            p.restore()
        if self._message:
            p.setPen(QColor("white"))
            p.drawText(self.rect().adjusted(12, 12, -12, -12), Qt.AlignCenter | Qt.TextWordWrap,
                       self._message)
        p.end()
