"""Guard against the PySide6 6.12.0 bug that made the app abort: on Python 3.11 every call of a
void Qt method dropped a reference to None (and bool slots to True/False) until the interpreter
died with "none_dealloc". The pin in pyproject.toml avoids it; this test fails if it comes back."""

from __future__ import annotations

import sys

from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QLabel

CALLS = 500


def test_void_qt_calls_keep_none_alive(qapp):
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        label.setText("x")
    image = QImage(16, 16, QImage.Format_RGB888)
    painter = QPainter(image)
    for _ in range(CALLS):
        painter.fillRect(0, 0, 4, 4, QColor("#333"))
    painter.end()
    # Unrelated code may take or drop a few references meanwhile; the bug dropped one per call.
    assert sys.getrefcount(None) > before - CALLS // 5
