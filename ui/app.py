"""Build and run the desktop app: `python -m ui [--sim] [--scenario S] [--lang zh_CN|en]`.

`station app` starts this as a subprocess (the station layer never imports Qt or `ui`).
"""

from __future__ import annotations

import argparse
import sys

from PySide6.QtWidgets import QApplication

from ui.controller import InspectionController
from ui.i18n import install_language
from ui.main_window import MainWindow
from ui.overlay_service import OverlayService
from ui.settings_store import AppSettings, load_settings
from ui.style import apply_app_style
from ui.warranty_adapter import WarrantyDesk


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="station app", description="The inspection station's desktop app.")
    p.add_argument("--sim", action="store_true",
                   help="use the simulated rig, phone and camera and start an inspection at once")
    p.add_argument("--scenario", default="default", help="simulated phone for --sim (default: default)")
    p.add_argument("--lang", choices=["zh_CN", "en"], help="UI language (default: saved setting, else zh_CN)")
    p.add_argument("--manual", action="store_true",
                   help="with --sim: wait for Space at each operator prompt instead of simulated hands")
    p.add_argument("--overlay", action="store_true", help="start the broadcast overlay at once")
    return p


def make_window(settings: AppSettings, *, auto_operator: bool = False, auto_issue: bool = False,
                persist: bool = True) -> MainWindow:
    controller = InspectionController(settings, auto_operator=auto_operator, auto_issue=auto_issue)
    overlay = OverlayService(controller.bus, port=settings.overlay_port)
    window = MainWindow(settings, controller, overlay, WarrantyDesk(), persist=persist)
    controller.setParent(window)
    overlay.setParent(window)
    controller.warm_up()
    return window


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_app_style(app)
    saved = load_settings()
    if args.sim:
        # The simulator session does not overwrite the saved hardware settings.
        settings = AppSettings.simulator(args.scenario, language=saved.language,
                                         overlay_port=saved.overlay_port, first_run_done=True)
    else:
        settings = saved
    if args.lang:
        settings.language = args.lang
    install_language(settings.language)
    hands_free = args.sim and not args.manual
    window = make_window(settings, auto_operator=hands_free, auto_issue=hands_free, persist=not args.sim)
    window.show()
    if args.overlay:
        window.broadcast.overlay.start()
    if args.sim:
        window.inspect.start_preview()
        window.inspect.start()
    code = app.exec()
    window.shutdown()
    return code
