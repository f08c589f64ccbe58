"""Broadcast: the OBS overlay on or off, its URL with a copy button, and what viewers see.

The overlay server is the station's (`station.overlay`), started by `OverlayService` on a worker
thread and fed from the controller's event bus; the preview is `OverlayPreview`, a native painting
of the same card from the same events (see that module for why it is not the web page itself).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import (QApplication, QCheckBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from ui.controller import InspectionController
from ui.i18n import current_language
from ui.overlay_preview import OverlayPreview
from ui.overlay_service import OverlayService
from ui.style import paint_badge, status_colour, status_label_text


class BroadcastTab(QWidget):
    def __init__(self, controller: InspectionController, overlay: OverlayService,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.overlay = overlay
        self.toggle = QCheckBox()
        self.toggle.setStyleSheet("font-size: 15pt;")
        self.state_badge = QLabel()
        self.url = QLineEdit()
        self.url.setReadOnly(True)
        self.url.setStyleSheet("font-size: 14pt; font-family: monospace;")
        self.copy_button = QPushButton()
        self.copy_button.clicked.connect(self.copy_url)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #5f6368;")
        self.preview_caption = QLabel()
        self.preview_caption.setStyleSheet("font-weight: 600;")
        self.preview = OverlayPreview()

        row = QHBoxLayout()
        row.addWidget(self.toggle)
        row.addWidget(self.state_badge)
        row.addStretch(1)
        url_row = QHBoxLayout()
        url_row.addWidget(self.url, 1)
        url_row.addWidget(self.copy_button)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addLayout(url_row)
        lay.addWidget(self.hint)
        lay.addWidget(self.preview_caption)
        lay.addWidget(self.preview, 1)

        self.toggle.toggled.connect(self._toggled)
        controller.event.connect(self._on_event)
        controller.thumbnail.connect(self._on_thumbnail)
        overlay.state_changed.connect(self._on_overlay_state)
        self.retranslate()
        self._on_overlay_state(overlay.state, "")

    def _on_event(self, event) -> None:
        self.preview.on_event(event)

    def _on_thumbnail(self, target: str, _part: str, image) -> None:
        # The page's defect thumbnail, cut by the engine with the overlay's own function.
        if target == "overlay":
            self.preview.set_thumb(image)

    def _toggled(self, on: bool) -> None:
        if on:
            self.overlay.start()
        else:
            self.overlay.stop()

    def _on_overlay_state(self, state: str, message: str) -> None:
        status = {"on": "active", "starting": "running", "off": "cancelled", "failed": "failed"}[state]
        paint_badge(self.state_badge, status_colour(status), status_label_text(status)
                    if state != "on" else "● " + QCoreApplication.translate("BroadcastTab", "on air"))
        if state == "off":
            paint_badge(self.state_badge, status_colour("cancelled"),
                        "■ " + QCoreApplication.translate("BroadcastTab", "off"))
        self.toggle.blockSignals(True)
        self.toggle.setChecked(state in ("on", "starting"))
        self.toggle.blockSignals(False)
        self.url.setText(self.overlay.url + ("?lang=en" if self.preview.lang == "en" else ""))
        self.preview.enabled = state == "on" or state == "starting"
        self.preview.verify_base = self.overlay.base_url
        self.preview.update()
        if state == "failed":
            self.hint.setText(message)
        else:
            self.hint.setText(QCoreApplication.translate(
                "BroadcastTab", "In OBS: Sources → + → Browser, paste the URL, width 1920, height 1080."))

    def copy_url(self) -> None:
        QApplication.clipboard().setText(self.url.text())
        self.copy_button.setText(QCoreApplication.translate("BroadcastTab", "Copied ✔"))

    def retranslate(self) -> None:
        tr = QCoreApplication.translate
        # The preview speaks the overlay's default language unless the app runs in English.
        self.preview.lang = "en" if current_language() == "en" else "zh"
        self.toggle.setText(tr("BroadcastTab", "Overlay on"))
        self.copy_button.setText(tr("BroadcastTab", "Copy URL"))
        self.preview_caption.setText(tr(
            "BroadcastTab", "What viewers see (native preview of the overlay card; checkerboard = transparent)"))
        self._on_overlay_state(self.overlay.state, self.overlay.last_error)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
