"""The inspection's steps, each with a status badge (colour + word) and a progress bar."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QProgressBar, QWidget

from ui.style import paint_badge, status_colour, status_label_text

# Same order and names as station.inspection.events.STEPS (kept literal so this widget renders
# even before a workflow exists; unknown steps from the workflow are appended as they arrive).
DEFAULT_STEPS = ("connect_rig", "phone_placed", "identify", "imei", "battery", "screen",
                 "cosmetic", "verdict", "sign", "warranty")


def step_title(step: str) -> str:
    titles = {
        "connect_rig": QCoreApplication.translate("steps", "Connect rig"),
        "phone_placed": QCoreApplication.translate("steps", "Phone in tray, lid closed"),
        "identify": QCoreApplication.translate("steps", "Identify phone (USB)"),
        "imei": QCoreApplication.translate("steps", "IMEI check"),
        "battery": QCoreApplication.translate("steps", "Battery"),
        "screen": QCoreApplication.translate("steps", "Screen test patterns"),
        "cosmetic": QCoreApplication.translate("steps", "Body photos (cosmetic)"),
        "verdict": QCoreApplication.translate("steps", "Verdict"),
        "sign": QCoreApplication.translate("steps", "Sign report"),
        "warranty": QCoreApplication.translate("steps", "Warranty"),
    }
    return titles.get(step, step)


class StepsView(QWidget):
    """One row per step: name, status badge, progress. Driven by `set_status`/`set_progress`."""

    def __init__(self, steps=DEFAULT_STEPS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setColumnStretch(0, 3)
        self._grid.setColumnStretch(2, 2)
        self._rows: dict[str, tuple[QLabel, QLabel, QProgressBar]] = {}
        self._status: dict[str, str] = {}
        for step in steps:
            self._add_row(step)

    def _add_row(self, step: str) -> None:
        row = len(self._rows)
        name = QLabel(step_title(step))
        name.setStyleSheet("font-size: 14pt;")
        badge = QLabel()
        badge.setAlignment(Qt.AlignCenter)
        badge.setMinimumWidth(120)
        bar = QProgressBar()
        bar.setRange(0, 100)
        bar.setTextVisible(False)
        bar.setFixedHeight(12)
        self._grid.addWidget(name, row, 0)
        self._grid.addWidget(badge, row, 1)
        self._grid.addWidget(bar, row, 2)
        self._rows[step] = (name, badge, bar)
        self.set_status(step, "pending")

    def steps(self) -> list[str]:
        return list(self._rows)

    def reset(self) -> None:
        for step in self._rows:
            self.set_status(step, "pending")
            self._rows[step][2].setValue(0)

    def status(self, step: str) -> str | None:
        return self._status.get(step)

    def badge_text(self, step: str) -> str:
        return self._rows[step][1].text()

    def set_status(self, step: str, status: str) -> None:
        if step not in self._rows:
            self._add_row(step)
        self._status[step] = status
        _name, badge, bar = self._rows[step]
        paint_badge(badge, status_colour(status), status_label_text(status))
        if status == "done":
            bar.setValue(100)

    def set_progress(self, step: str, fraction: float) -> None:
        if step not in self._rows:
            self._add_row(step)
        self._rows[step][2].setValue(int(max(0.0, min(1.0, fraction)) * 100))

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.LanguageChange:
            for step, (name, _badge, _bar) in self._rows.items():
                name.setText(step_title(step))
                self.set_status(step, self._status.get(step, "pending"))
        super().changeEvent(event)
