"""Live camera preview with the detected screen panel outlined.

The engine process grabs preview frames, locates the panel with
`station.grading.screen.locate_panel` when that exists and shrinks the frame; the controller's
reader thread decodes it into a QImage. `PreviewView` only paints the latest image and outline.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QPointF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget


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
        if self._image is not None and not self._message:
            found = self._corners is not None
            text = ("● " + QCoreApplication.translate("PreviewView", "live") + "   "
                    + ("✔ " + QCoreApplication.translate("PreviewView", "screen panel found") if found
                       else "○ " + QCoreApplication.translate("PreviewView", "no screen panel in view")))
            p.setPen(Qt.NoPen)
            p.setBrush(QColor(0, 0, 0, 170))
            p.drawRoundedRect(8, 8, p.fontMetrics().horizontalAdvance(text) + 20, p.fontMetrics().height() + 10, 6, 6)
            p.setPen(QColor("#00e676" if found else "#e8eaed"))
            p.drawText(18, 13 + p.fontMetrics().ascent(), text)
        if self._message:
            p.setPen(QColor("white"))
            p.drawText(self.rect().adjusted(12, 12, -12, -12), Qt.AlignCenter | Qt.TextWordWrap,
                       self._message)
        p.end()
