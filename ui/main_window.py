"""The main window: four tabs (Inspect, Broadcast, Warranty desk, Settings) and the first-run
banner that offers the simulator when no hardware is configured.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QMainWindow, QPushButton, QTabWidget,
                               QVBoxLayout, QWidget)

from ui.broadcast_tab import BroadcastTab
from ui.controller import InspectionController
from ui.i18n import install_language
from ui.inspect_tab import InspectTab
from ui.overlay_service import OverlayService
from ui.settings_store import AppSettings, save_settings
from ui.settings_tab import SettingsTab
from ui.warranty_tab import WarrantyTab


class MainWindow(QMainWindow):
    def __init__(self, settings: AppSettings, controller: InspectionController, overlay: OverlayService,
                 desk, persist: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.controller = controller
        self.persist = persist
        self.inspect = InspectTab(controller, language=lambda: self.settings.language)
        self.broadcast = BroadcastTab(controller, overlay)
        self.warranty = WarrantyTab(desk)
        self.settings_tab = SettingsTab(settings)
        self.settings_tab.saved.connect(self.apply_settings)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.inspect, "")
        self.tabs.addTab(self.broadcast, "")
        self.tabs.addTab(self.warranty, "")
        self.tabs.addTab(self.settings_tab, "")

        self.banner = QFrame()
        self.banner.setStyleSheet("QFrame { background: #e8f0fe; border-radius: 8px; }")
        self.banner_text = QLabel()
        self.banner_text.setWordWrap(True)
        self.banner_sim = QPushButton()
        self.banner_settings = QPushButton()
        bl = QHBoxLayout(self.banner)
        bl.addWidget(self.banner_text, 1)
        bl.addWidget(self.banner_sim)
        bl.addWidget(self.banner_settings)
        self.banner_sim.clicked.connect(self.use_simulator)
        self.banner_settings.clicked.connect(lambda: self.tabs.setCurrentWidget(self.settings_tab))
        self.banner.setVisible(not settings.configured)

        central = QWidget()
        lay = QVBoxLayout(central)
        lay.addWidget(self.banner)
        lay.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.mode_label = QLabel()
        self.statusBar().addPermanentWidget(self.mode_label)
        self.retranslate()
        self.resize(1600, 960)

    def use_simulator(self) -> None:
        """First run without hardware: every device on its simulator, then start at once."""
        self.settings_tab.use_simulator()
        self.settings_tab.save()
        self.tabs.setCurrentWidget(self.inspect)
        self.inspect.start_preview()
        self.inspect.start()

    def apply_settings(self, settings: AppSettings) -> None:
        language_changed = settings.language != self.settings.language
        self.settings = settings
        if not self.controller.running:
            self.controller.settings = settings
        if self.persist:
            save_settings(settings)
        if language_changed:
            install_language(settings.language)
        self.banner.setVisible(not settings.configured)
        self.inspect.auto_box.setVisible(settings.scenario is not None)
        self._show_mode()

    def _show_mode(self) -> None:
        tr = QCoreApplication.translate
        s = self.settings
        mode = tr("MainWindow", "SIMULATOR") if s.scenario else tr("MainWindow", "hardware")
        self.mode_label.setText(f"{s.station_name or '—'} · {mode} · {s.rig_url or '—'}")

    def retranslate(self) -> None:
        tr = QCoreApplication.translate
        self.setWindowTitle(tr("MainWindow", "Phone inspection station"))
        self.tabs.setTabText(0, tr("MainWindow", "Inspect"))
        self.tabs.setTabText(1, tr("MainWindow", "Broadcast"))
        self.tabs.setTabText(2, tr("MainWindow", "Warranty desk"))
        self.tabs.setTabText(3, tr("MainWindow", "Settings"))
        self.banner_text.setText(tr(
            "MainWindow", "No rig, phone or camera is set up yet. Try the simulator to see a full "
                          "inspection right away, or choose your devices in Settings."))
        self.banner_sim.setText(tr("MainWindow", "Try the simulator"))
        self.banner_settings.setText(tr("MainWindow", "Open settings"))
        self._show_mode()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def shutdown(self) -> None:
        """Stop the workers before the window goes (never leaves a thread running)."""
        self.inspect.stop_preview()
        self.controller.cancel()
        self.controller.wait(15000)
        self.broadcast.overlay.stop()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self.tabs.currentWidget() is self.inspect:
            self.inspect.setFocus()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.shutdown()
        super().closeEvent(event)


