"""Keyboard input as the streamer gives it, for tests that drive the whole window."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication


def press(qtbot, window, key):
    """A key press as the streamer makes it: the window active, focus in the Inspect tab."""
    window.tabs.setCurrentWidget(window.inspect)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    window.inspect.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.inspect, timeout=5000)
    qtbot.keyClick(window.inspect, key)
