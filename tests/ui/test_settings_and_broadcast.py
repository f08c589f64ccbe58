"""Settings and first run, the broadcast tab's overlay server, and `station app` from the CLI."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

import httpx
import pytest
from PySide6.QtWidgets import QApplication

from ui.settings_store import AppSettings, load_settings, save_settings, settings_path


def test_settings_round_trip_under_station_home(station_home):
    s = AppSettings(rig_url="/dev/ttyACM0", phone_url="usb://", camera_url="0", station_name="Shop 3",
                    language="en", overlay_port=9001, first_run_done=True)
    save_settings(s)
    assert settings_path().parent == station_home
    assert load_settings() == s


def test_first_run_offers_the_simulator_then_runs_it(qtbot, english, station_home):
    from ui.app import make_window

    window = make_window(load_settings(), persist=True)        # nothing configured yet
    qtbot.addWidget(window)
    window.show()
    try:
        assert window.banner.isVisible()
        assert "simulator" in window.banner_text.text()
        window.banner_sim.click()
        assert not window.banner.isVisible()
        assert window.controller.running, "the simulator inspection starts at once"
        saved = load_settings()
        assert saved.rig_url.startswith("rigsim://") and saved.phone_url.startswith("sim://")
        assert saved.camera_url.startswith("sim://") and saved.first_run_done
        qtbot.waitUntil(lambda: any(e.kind == "step_started" for e in window.controller.events), timeout=60_000)
        window.controller.cancel()
        qtbot.waitUntil(lambda: not window.controller.running, timeout=60_000)
    finally:
        window.shutdown()


def test_key_fingerprint_shown_and_public_key_exported(qtbot, window_factory, tmp_path):
    from station.report import default_keyring

    window = window_factory()
    tab = window.settings_tab
    # The tab loads (on first run: creates) the key in the thread pool; wait for it, then check it
    # is the station's signing key.
    qtbot.waitUntil(lambda: tab.kid.text() not in ("…", ""), timeout=20_000)
    assert tab.kid.text() == default_keyring().signing_key().kid
    out = tmp_path / "station.pem"
    tab.export_key(str(out))
    qtbot.waitUntil(lambda: str(out) in tab.message.text(), timeout=20_000)
    assert out.read_text().startswith("-----BEGIN PUBLIC KEY-----")


def test_detected_ports_and_simulator_are_offered(qtbot, window_factory):
    window = window_factory()
    tab = window.settings_tab
    qtbot.waitUntil(lambda: "Found" in tab.detect_status.text() or "No rig" in tab.detect_status.text(),
                    timeout=20_000)
    values = [tab.rig.itemData(i) for i in range(tab.rig.count())]
    assert "rigsim://default?timing=fast" in values
    from serial.tools import list_ports

    for port in list_ports.comports():
        assert port.device in values


def test_changing_language_in_settings_applies_everywhere(qtbot, window_factory):
    window = window_factory()
    tab = window.settings_tab
    tab.language.setCurrentIndex(tab.language.findData("zh_CN"))
    tab.save_button.click()
    QApplication.processEvents()
    try:
        assert window.tabs.tabText(2) == "售后保修"
        assert tab.save_button.text() == "保存"
        assert window.settings.language == "zh_CN"
    finally:
        from ui.i18n import install_language

        install_language("en")


def test_overlay_on_serves_the_page_and_url_is_copied(qtbot, window_factory):
    window = window_factory(overlay_port=0)
    tab = window.broadcast
    tab.toggle.setChecked(True)
    qtbot.waitUntil(lambda: window.broadcast.overlay.state in ("on", "failed"), timeout=30_000)
    assert window.broadcast.overlay.state == "on", tab.hint.text()
    url = tab.url.text()
    assert url.startswith("http://127.0.0.1:") and url.endswith("/overlay?lang=en")  # app in English
    assert httpx.get(url, timeout=10).status_code == 200
    tab.copy_button.click()
    assert QApplication.clipboard().text() == url
    assert tab.preview.enabled
    tab.toggle.setChecked(False)
    assert window.broadcast.overlay.state == "off" and not tab.preview.enabled


def _args(**kw):
    base = dict(sim=False, scenario="default", lang=None, manual=False, overlay=False)
    base.update(kw)
    return argparse.Namespace(**base)


@pytest.mark.parametrize("kw, tail", [
    ({}, []),
    ({"sim": True}, ["--sim", "--scenario", "default"]),
    ({"sim": True, "scenario": "worn-battery", "lang": "en", "manual": True},
     ["--sim", "--scenario", "worn-battery", "--lang", "en", "--manual"]),
])
def test_station_app_runs_the_ui_as_a_child_process(kw, tail):
    from station.cli.app import app_command

    cmd = app_command(_args(**kw))
    assert cmd[:3] == [sys.executable, "-m", "ui"] and cmd[3:] == tail


def test_station_app_without_a_display_says_what_to_do():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    proc = subprocess.run([sys.executable, "-m", "station", "app", "--sim"], capture_output=True, text=True,
                          env=env, timeout=60)
    assert proc.returncode == 3
    assert "no display" in proc.stderr and "xvfb-run" in proc.stderr


def test_station_app_rejects_an_unknown_scenario():
    proc = subprocess.run([sys.executable, "-m", "station", "app", "--sim", "--scenario", "nope"],
                          capture_output=True, text=True, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
                          timeout=60)
    assert proc.returncode != 0 and "default" in proc.stderr


def test_app_bench_is_registered_without_importing_qt():
    code = ("import sys; from station.bench import available; names = available(); "
            "assert 'app' in names, names; assert 'PySide6' not in sys.modules, 'station imported Qt'")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
