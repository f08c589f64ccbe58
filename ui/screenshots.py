"""Screenshots of each tab from a real window: `xvfb-run -a python -m ui.screenshots --out docs`.

Runs the app on the xcb platform (a real X window, under Xvfb when headless), drives a whole
simulated inspection, issues the report, looks the warranty up at the desk and records a claim,
then grabs the window from the screen (QScreen.grabWindow) once per tab:
docs/app-inspect.png, app-broadcast.png, app-warranty.png, app-settings.png.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m ui.screenshots")
    p.add_argument("--out", default="docs")
    p.add_argument("--lang", default="zh_CN", choices=["zh_CN", "en"])
    p.add_argument("--scenario", default="default")
    p.add_argument("--timeout", type=float, default=1200)
    args = p.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    os.environ.setdefault("STATION_HOME", tempfile.mkdtemp(prefix="app-shots-"))

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ui.app import make_window
    from ui.i18n import install_language
    from ui.settings_store import AppSettings
    from ui.style import apply_app_style

    app = QApplication(sys.argv[:1])
    apply_app_style(app)
    install_language(args.lang)
    settings = AppSettings.simulator(args.scenario, language=args.lang)
    window = make_window(settings, auto_operator=True, persist=False)
    window.resize(1600, 1000)
    window.show()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    def pump(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    def wait_for(predicate, seconds: float) -> bool:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            if predicate():
                return True
            time.sleep(0.05)
        return False

    def shoot(tab, name: str) -> None:
        window.tabs.setCurrentWidget(tab)
        pump(0.8)
        shot = window.screen().grabWindow(window.winId())
        if shot.isNull() or shot.width() < 100:
            shot = window.grab()
        shot.save(str(out / f"app-{name}.png"))
        print(f"screenshot: {out / f'app-{name}.png'} ({shot.width()}x{shot.height()})", file=sys.stderr)

    controller = window.controller
    window.broadcast.overlay.start()
    window.inspect.start_preview()
    pump(1.0)
    window.inspect.start()
    wait_for(lambda: controller.can_issue() or not controller.running, args.timeout)
    if controller.can_issue():
        window.inspect.order_id.setText("ORD-20261124-001")
        window.inspect.issue()
        wait_for(lambda: not controller.running, 120)
    pump(2.0)
    shoot(window.inspect, "inspect")
    shoot(window.broadcast, "broadcast")
    imeis = [e.data.get("imeis") for e in controller.events if e.kind == "result" and e.step == "imei"]
    desk = window.warranty
    if imeis and imeis[0]:
        window.tabs.setCurrentWidget(desk)
        desk.query.setText(imeis[0][0])
        desk.search()
        if wait_for(lambda: desk.current is not None, 30):
            desk.claim_reason.setText("买家反映电池掉电快" if args.lang == "zh_CN" else "buyer says the battery drains fast")
            desk.open_claim()
            wait_for(lambda: desk.claims.rowCount() > 0, 30)
    shoot(desk, "warranty")
    shoot(window.settings_tab, "settings")
    window.shutdown()
    QTimer.singleShot(0, app.quit)
    app.exec()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
