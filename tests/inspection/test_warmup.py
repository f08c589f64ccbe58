"""The inspection imports its later parts while the rig self-tests; a part that is not installed
is skipped there (its own step reports it), never raised from the warm-up."""

from __future__ import annotations

import sys

from station.inspection.warmup import LATER_LOADS, LATER_PARTS, import_parts, preload, start_warm_up


def test_the_later_parts_import_and_a_missing_one_is_skipped():
    loaded = import_parts(("station.report.render", "station.no_such_part", "json"))
    assert loaded == ["station.report.render", "json"]
    assert "station.report.render" in sys.modules


def test_every_named_part_exists_so_the_warm_up_does_not_silently_do_nothing():
    assert import_parts() == list(LATER_PARTS)


def test_the_tac_database_is_loaded_during_the_warm_up_not_in_the_first_imei_step():
    from station.imei import tac

    tac._load.cache_clear()
    thread = start_warm_up(modules=())
    thread.join(timeout=30)
    parsed = tac._load.cache_info().misses
    assert parsed == 1
    assert tac.lookup("357537080123458") is not None          # the IMEI step's lookup: no second parse
    assert tac._load.cache_info().misses == parsed
    assert preload() == [f"{m}.{f}" for m, f in LATER_LOADS]


def test_the_adb_key_is_checked_during_the_warm_up_not_in_the_first_identify_step(monkeypatch):
    from cryptography.hazmat.primitives import serialization

    from drivers.phone import auth

    auth.AdbKey.load_or_create(auth.default_key_path())     # a key from an earlier session
    auth._loaded.clear()                                    # ... in a new process
    loads = []
    real = serialization.load_pem_private_key
    monkeypatch.setattr(serialization, "load_pem_private_key", lambda *a, **k: loads.append(1) or real(*a, **k))
    start_warm_up(modules=()).join(timeout=30)
    assert len(loads) == 1
    key = auth.AdbKey.load_or_create(auth.default_key_path())   # what open_phone does
    assert len(loads) == 1 and key.public_line == auth.default_key_path().with_suffix(".pub").read_bytes().strip()


def test_a_loader_that_fails_is_skipped():
    assert preload((("station.no_such_part", "load"), ("station.imei.tac", "no_such_loader"),
                    ("station.imei.tac", "load_tacdb"))) == ["station.imei.tac.load_tacdb"]


def test_the_warm_up_runs_on_a_daemon_thread_and_goes_past_a_broken_part(monkeypatch, tmp_path):
    (tmp_path / "warmup_broken_part.py").write_text("raise RuntimeError('broken at import')\n", encoding="utf-8")
    (tmp_path / "warmup_next_part.py").write_text("LOADED = True\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    escaped = []
    monkeypatch.setattr("threading.excepthook", escaped.append)
    thread = start_warm_up(("warmup_broken_part", "warmup_next_part"), loads=())
    thread.join(timeout=10)
    assert thread.daemon and not thread.is_alive()
    assert escaped == [] and sys.modules["warmup_next_part"].LOADED
    assert "warmup_broken_part" not in sys.modules


def test_the_camera_opens_and_prepares_during_the_warm_up(tmp_path, monkeypatch):
    from drivers.camera import face_store
    from drivers.simworld import FACES
    from station.inspection.devices import DeviceSet
    from station.inspection.warmup import warm_up_camera

    monkeypatch.setenv("STATION_HOME", str(tmp_path))
    face_store.clear()
    devices = DeviceSet("rigsim://default", "sim://default", "sim://default?size=600x800")
    try:
        assert warm_up_camera(devices) is True
        assert devices.is_open("camera")
        scenario = devices.camera.world.scenario
        assert sorted(e[1] for e in face_store.kept() if e[0] is scenario) == sorted(FACES)
    finally:
        devices.close()


def test_a_camera_that_cannot_open_is_left_to_its_step_to_report(tmp_path):
    import pytest

    from drivers.camera import CameraError
    from station.inspection.devices import DeviceSet
    from station.inspection.warmup import warm_up_camera

    devices = DeviceSet("rigsim://default", "sim://default", str(tmp_path / "no-such-camera"))
    assert warm_up_camera(devices) is False          # logged, not raised
    assert not devices.is_open("camera")
    with pytest.raises(CameraError, match="no camera at"):
        devices.camera                                # the capture step's error, with its hint


def test_a_slow_camera_open_does_not_hold_up_the_rig(monkeypatch):
    import threading

    import drivers.camera
    from station.inspection.devices import DeviceSet

    entered, release = threading.Event(), threading.Event()

    def slow_open(url):
        entered.set()
        assert release.wait(10)                      # a USB camera taking its time to open
        return object()

    monkeypatch.setattr(drivers.camera, "open_camera", slow_open)
    devices = DeviceSet("rigsim://default", "sim://default", "usb-camera")
    opener = threading.Thread(target=lambda: devices.camera)
    opener.start()
    try:
        assert entered.wait(10)
        rig = devices.rig                             # opens while the camera is still opening
        assert rig.identify() is not None
    finally:
        release.set()
        opener.join(10)
        devices.close()
