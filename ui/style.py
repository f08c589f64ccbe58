"""Look of the app: large type, calm colours, and for every status a colour PLUS a word.

A status is never shown by colour alone (colour-blind streamers, bad monitors, green-screen
lighting): `status_badge` always pairs the colour with a text label and a symbol.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QLabel

# Status -> (background colour, symbol). The word comes from `status_text` (translated).
STATUS_COLOURS = {
    "pending": ("#5f6368", "○"),
    "running": ("#1a73e8", "▶"),
    "done": ("#188038", "✔"),
    "pass": ("#188038", "✔"),
    "failed": ("#c5221f", "✖"),
    "fail": ("#c5221f", "✖"),
    "paused": ("#e37400", "❚❚"),
    "skipped": ("#80868b", "–"),
    "cancelled": ("#5f6368", "■"),
    "warning": ("#e37400", "!"),
    "active": ("#188038", "✔"),
    "expired": ("#5f6368", "⌛"),
    "claimed": ("#e37400", "!"),
    "void": ("#c5221f", "✖"),
    "open": ("#e37400", "!"),
    "resolved": ("#188038", "✔"),
    "valid": ("#188038", "✔"),
    "invalid": ("#c5221f", "✖"),
}

# Grade -> colour (A best .. E worst). The grade letter itself is always shown.
GRADE_COLOURS = {"A": "#188038", "B": "#34a853", "C": "#e37400", "D": "#c5221f", "E": "#8b0000"}


def status_text(status: str) -> str:
    """The translated word for a status."""
    words = {
        "pending": QCoreApplication.translate("status", "waiting"),
        "running": QCoreApplication.translate("status", "running"),
        "done": QCoreApplication.translate("status", "done"),
        "pass": QCoreApplication.translate("status", "pass"),
        "failed": QCoreApplication.translate("status", "failed"),
        "fail": QCoreApplication.translate("status", "fail"),
        "paused": QCoreApplication.translate("status", "paused"),
        "skipped": QCoreApplication.translate("status", "not run"),
        "cancelled": QCoreApplication.translate("status", "cancelled"),
        "warning": QCoreApplication.translate("status", "warning"),
        "active": QCoreApplication.translate("status", "active"),
        "expired": QCoreApplication.translate("status", "expired"),
        "claimed": QCoreApplication.translate("status", "claimed"),
        "void": QCoreApplication.translate("status", "void"),
        "open": QCoreApplication.translate("status", "open"),
        "resolved": QCoreApplication.translate("status", "resolved"),
        "valid": QCoreApplication.translate("status", "valid"),
        "invalid": QCoreApplication.translate("status", "invalid"),
    }
    return words.get(status, status)


def status_label_text(status: str) -> str:
    """Symbol and word, e.g. '✔ done' — what a status badge shows."""
    _colour, symbol = STATUS_COLOURS.get(status, ("#5f6368", "?"))
    return f"{symbol} {status_text(status)}"


def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, ("#5f6368", "?"))[0]


def grade_colour(grade: str | None) -> str:
    return GRADE_COLOURS.get((grade or "")[:1].upper(), "#5f6368")


def set_style_once(widget, sheet: str) -> None:
    """setStyleSheet only when it changes: each call re-polishes the widget (and may relayout
    the window), which on a busy machine costs tens of ms of the GUI thread."""
    if widget.property("_sheet") != sheet:
        widget.setProperty("_sheet", sheet)
        widget.setStyleSheet(sheet)


def paint_badge(label: QLabel, colour: str, text: str) -> None:
    """White text on a coloured rounded box (the colour repeats what the text says)."""
    if label.text() != text:
        label.setText(text)
    set_style_once(label, f"background:{colour}; color:white; border-radius:6px; padding:4px 10px; "
                          "font-weight:600;")


def apply_app_style(app: QApplication, base_point_size: int = 13) -> None:
    """Large readable type and a neutral palette; CJK-capable fonts first."""
    app.setStyle("Fusion")
    font = QFont()
    font.setFamilies(["Noto Sans CJK SC", "Noto Sans", "DejaVu Sans", "Sans Serif"])
    font.setPointSize(base_point_size)
    app.setFont(font)
    palette = app.palette()
    palette.setColor(QPalette.Window, QColor("#f4f5f7"))
    palette.setColor(QPalette.Base, QColor("#ffffff"))
    palette.setColor(QPalette.Highlight, QColor("#1a73e8"))
    app.setPalette(palette)
    app.setStyleSheet(
        "QTabBar::tab { padding: 10px 22px; font-size: 15pt; }"
        "QPushButton { padding: 8px 16px; }"
        "QGroupBox { font-weight: 600; margin-top: 14px; }"
        "QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; }")
