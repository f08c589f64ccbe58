"""Settings: which rig port, camera and phone connection to use, the station's name and signing
key, and the language. Device detection and key loading run in the thread pool.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QVBoxLayout, QWidget)

from ui.i18n import LANGUAGES
from ui.settings_store import SIM_SCENARIO, AppSettings
from ui.tasks import error_text, run_task


def detect_devices() -> dict:
    """Serial ports and video devices present now, plus the simulators (worker thread)."""
    ports = []
    try:
        from serial.tools import list_ports

        for port in list_ports.comports():
            ports.append((port.device, f"{port.device} — {port.description}"))
    except Exception:  # noqa: BLE001 - no pyserial port listing on this platform: just the sim
        pass
    cameras = [(str(p), str(p)) for p in sorted(Path("/dev").glob("video*"))]
    return {"ports": ports, "cameras": cameras}


def key_summary() -> dict:
    """The station's key id (RFC 7638 thumbprint) and id; creates the key on first run."""
    from station.report import default_keyring, station_id

    ring = default_keyring()
    return {"kid": ring.signing_key().kid, "station_id": station_id()}


class SettingsTab(QWidget):
    """Edits an AppSettings; `saved` fires with the new settings when the user saves."""

    saved = Signal(object)

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.rig = QComboBox()
        self.camera = QComboBox()
        self.phone = QComboBox()
        for combo in (self.rig, self.camera, self.phone):
            combo.setEditable(True)
            combo.setMinimumWidth(420)
        self.detect_button = QPushButton()
        self.sim_button = QPushButton()
        self.detect_status = QLabel()
        self.detect_status.setWordWrap(True)
        self.name = QLineEdit(settings.station_name)
        self.kid = QLabel("…")
        self.kid.setStyleSheet("font-family: monospace;")
        self.kid.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.export_button = QPushButton()
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.save_button = QPushButton()
        self.save_button.setStyleSheet("font-weight: 700;")
        self.message = QLabel()
        self.message.setWordWrap(True)

        self.devices_box = QGroupBox()
        form = QFormLayout(self.devices_box)
        self._rig_label, self._camera_label, self._phone_label = QLabel(), QLabel(), QLabel()
        form.addRow(self._rig_label, self.rig)
        form.addRow(self._camera_label, self.camera)
        form.addRow(self._phone_label, self.phone)
        buttons = QHBoxLayout()
        buttons.addWidget(self.detect_button)
        buttons.addWidget(self.sim_button)
        buttons.addStretch(1)
        form.addRow(buttons)
        form.addRow(self.detect_status)

        self.station_box = QGroupBox()
        sform = QFormLayout(self.station_box)
        self._name_label, self._kid_label, self._lang_label = QLabel(), QLabel(), QLabel()
        sform.addRow(self._name_label, self.name)
        key_row = QHBoxLayout()
        key_row.addWidget(self.kid, 1)
        key_row.addWidget(self.export_button)
        sform.addRow(self._kid_label, key_row)
        sform.addRow(self._lang_label, self.language)

        lay = QVBoxLayout(self)
        lay.addWidget(self.devices_box)
        lay.addWidget(self.station_box)
        save_row = QHBoxLayout()
        save_row.addWidget(self.message, 1)
        save_row.addWidget(self.save_button)
        lay.addLayout(save_row)
        lay.addStretch(1)

        self.detect_button.clicked.connect(self.detect)
        self.sim_button.clicked.connect(self.use_simulator)
        self.export_button.clicked.connect(self.export_key)
        self.save_button.clicked.connect(self.save)
        self._fill_choices({"ports": [], "cameras": []})
        self.retranslate()
        self.detect()
        run_task(key_summary, self._show_key, lambda exc: self.kid.setText(error_text(exc)), owner=self)

    # -- devices -----------------------------------------------------------------------------
    def _fill_choices(self, found: dict) -> None:
        sim = self.settings.scenario or SIM_SCENARIO
        choices = {
            self.rig: [(d, label) for d, label in found.get("ports", [])]
                      + [(f"rigsim://{sim}?timing=fast", f"rigsim://{sim} (simulator)")],
            self.camera: [(d, label) for d, label in found.get("cameras", [])] + [("0", "0"),
                          (f"sim://{sim}", f"sim://{sim} (simulator)")],
            self.phone: [("usb://", "usb:// (first ADB device)"), ("tcp://127.0.0.1:5555", "tcp://127.0.0.1:5555"),
                         (f"sim://{sim}", f"sim://{sim} (simulator)")],
        }
        current = {self.rig: self.settings.rig_url, self.camera: self.settings.camera_url,
                   self.phone: self.settings.phone_url}
        for combo, items in choices.items():
            combo.clear()
            for value, label in items:
                combo.addItem(label, value)
            value = current[combo]
            index = combo.findData(value)
            if index >= 0:
                combo.setCurrentIndex(index)
            else:
                combo.setEditText(value)

    def detect(self) -> None:
        self.detect_status.setText(QCoreApplication.translate("SettingsTab", "Looking for devices…"))
        run_task(detect_devices, self._detected, lambda exc: self.detect_status.setText(error_text(exc)), owner=self)

    def _detected(self, found: dict) -> None:
        self._fill_choices(found)
        self.found = found
        tr = QCoreApplication.translate
        if not found["ports"] and not found["cameras"]:
            self.detect_status.setText(tr(
                "SettingsTab", "No rig or camera found. Use the simulator to try the station without hardware."))
        else:
            self.detect_status.setText(tr("SettingsTab", "Found {0} serial port(s) and {1} camera(s).").format(
                len(found["ports"]), len(found["cameras"])))

    def use_simulator(self) -> None:
        sim = AppSettings.simulator(self.settings.scenario or SIM_SCENARIO)
        for combo, value in ((self.rig, sim.rig_url), (self.camera, sim.camera_url), (self.phone, sim.phone_url)):
            index = combo.findData(value)
            combo.setCurrentIndex(index) if index >= 0 else combo.setEditText(value)

    @staticmethod
    def _value(combo: QComboBox) -> str:
        text = combo.currentText().strip()
        index = combo.currentIndex()
        if index >= 0 and combo.itemText(index) == text:
            return str(combo.itemData(index))
        return text

    # -- key -------------------------------------------------------------------------------
    def _show_key(self, info: dict) -> None:
        self.kid.setText(info["kid"])
        self.kid.setToolTip(info["station_id"])
        if not self.name.text():
            self.name.setText(info["station_id"])

    def export_key(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, self.export_button.text(), "station-public-key.pem",
                                                  "PEM (*.pem)")
        if not path:
            return

        def write() -> str:
            from station.report import default_keyring

            Path(path).write_text(default_keyring().export("pem"), encoding="ascii")
            return path

        run_task(write, lambda p: self.message.setText(
            QCoreApplication.translate("SettingsTab", "Public key saved to {0}").format(p)),
            lambda exc: self.message.setText(error_text(exc)), owner=self)

    # -- save ------------------------------------------------------------------------------
    def current(self) -> AppSettings:
        s = AppSettings(**vars(self.settings))
        s.rig_url = self._value(self.rig)
        s.camera_url = self._value(self.camera)
        s.phone_url = self._value(self.phone)
        s.station_name = self.name.text().strip()
        s.language = str(self.language.currentData())
        s.first_run_done = True
        return s

    def save(self) -> None:
        self.settings = self.current()
        self.saved.emit(self.settings)
        self.message.setText(QCoreApplication.translate("SettingsTab", "Saved."))

    def retranslate(self) -> None:
        tr = QCoreApplication.translate
        self.devices_box.setTitle(tr("SettingsTab", "Devices"))
        self.station_box.setTitle(tr("SettingsTab", "Station"))
        self._rig_label.setText(tr("SettingsTab", "Rig port"))
        self._camera_label.setText(tr("SettingsTab", "Camera"))
        self._phone_label.setText(tr("SettingsTab", "Phone connection"))
        self._name_label.setText(tr("SettingsTab", "Station name"))
        self._kid_label.setText(tr("SettingsTab", "Signing key (fingerprint)"))
        self._lang_label.setText(tr("SettingsTab", "Language"))
        self.detect_button.setText(tr("SettingsTab", "Detect devices"))
        self.sim_button.setText(tr("SettingsTab", "Use the simulator"))
        self.export_button.setText(tr("SettingsTab", "Export public key…"))
        self.save_button.setText(tr("SettingsTab", "Save"))

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
