"""The real driver against the simulated firmware over rigsim:// (bytes through a pyserial port)."""

from __future__ import annotations

import queue
import threading

import pytest

from drivers.rig import (RigCommandError, RigConnectError, RigDisconnected, RigTimeout, open_rig)
from drivers.rig.checkout import run_checkout
from drivers.scenario import load_scenario, scenario_names
from drivers.simworld import world_for

FAST = "timing=fast&faults="


@pytest.fixture
def rig():
    with open_rig(f"rigsim://default?{FAST}") as client:
        yield client


@pytest.mark.parametrize("name", scenario_names())
def test_readings_come_from_the_scenario(name):
    scenario = load_scenario(name)
    with open_rig(f"rigsim://{name}?timing=fast&faults=") as rig:
        assert rig.weight_g() == pytest.approx(scenario.body["weight_g"], abs=0.05)
        assert rig.port_power(True) is True
        reading = rig.port_reading(samples=8)
        assert (reading.voltage_mv, reading.current_ma) == (scenario.power["vbus_mv"],
                                                           scenario.power["current_ma"])
        assert world_for(name).port_power is True
        rig.port_power(False)
        assert world_for(name).port_power is False
        assert rig.port_reading().current_ma == 0


def test_lights_are_written_to_the_shared_world(rig):
    levels = rig.lights(top=80, w=20)
    assert levels == {"top": 80, "n": 0, "e": 0, "s": 0, "w": 20}
    assert world_for("default").lights == levels
    assert rig.status().lights == levels
    rig.lights(n=55)
    assert world_for("default").lights["n"] == 55 and world_for("default").lights["top"] == 80
    assert rig.lights_off() == {name: 0 for name in levels}


def test_tray_follows_the_world(rig):
    world = world_for("default")
    with world.lock:
        world.phone_present = False
        world.lid_closed = False
    tray = rig.tray()
    assert (tray.present, tray.lid_closed, tray.weight_g) == (False, False, 0.0)


def test_physical_wait_sums_what_the_firmware_reported(rig):
    before = rig.physical_wait_s
    rig.lights(top=100)           # 15 + 60 ms
    rig.tray()                    # 100 ms
    rig.port_reading(samples=32)  # 32 ms
    rig.status()                  # 0
    assert rig.physical_wait_s - before == pytest.approx(0.207)


def test_identity_calibration_and_selftest(rig):
    assert rig.identity.model == "IR-1" and rig.identity.protocol == 1
    cal = rig.calibration()
    assert cal.mm_per_px == 0.05 and set(cal.markers) == {"A", "B", "C", "D"}
    assert cal.markers["C"] == (190.0, 140.0)
    result = rig.selftest()
    assert result.passed and set(result.parts) == {"lights", "load_cell", "port", "lid"}


def test_refusals_carry_the_code_and_a_hint(rig):
    world = world_for("default")
    with world.lock:
        world.lid_closed = False
    with pytest.raises(RigCommandError) as info:
        rig.strobe()
    assert info.value.code == 3 and info.value.name == "lid_open"
    assert "close" in info.value.hint
    with pytest.raises(RigCommandError) as info:
        rig.request("LIGHT", "top=101")
    assert info.value.code == 2 and "0-100" in info.value.message


@pytest.mark.parametrize("call", [
    lambda r: r.lights(),
    lambda r: r.lights(top=101),
    lambda r: r.lights(top=True),
    lambda r: r.port_reading(samples=0),
    lambda r: r.strobe(count=11),
])
def test_bad_arguments_are_caught_before_sending(rig, call):
    sent = rig.stats.requests
    with pytest.raises(ValueError):
        call(rig)
    assert rig.stats.requests == sent


def test_events_reach_subscribers_who_may_call_the_rig(rig):
    got: queue.Queue = queue.Queue()

    def on_event(event):
        # A subscriber may talk to the rig from its callback (it runs on the event thread).
        got.put((event.name, dict(event.fields), rig.tray().present))

    unsubscribe = rig.on_event(on_event)
    world = world_for("default")
    with world.lock:
        world.phone_present = False
    assert got.get(timeout=3) == ("phone_removed", {}, False)
    with world.lock:
        world.phone_present = True
    assert got.get(timeout=3) == ("phone_placed", {"weight_g": "143.0"}, True)
    unsubscribe()
    with world.lock:
        world.lid_closed = False
    rig.status()
    with pytest.raises(queue.Empty):
        got.get(timeout=0.3)
    assert rig.stats.events == 3


@pytest.mark.parametrize("faults, timeout_s", [
    ("drop:0.05,corrupt:0.05", 0.15),
    ("drop:0.1,corrupt:0.1,duplicate:0.1,garbage:0.1", 0.15),
    ("delay:80ms", 0.05),        # every reply later than the timeout: resend + replay, stale dropped
])
def test_checkout_reads_correctly_through_faults(faults, timeout_s):
    scenario = load_scenario("worn-battery")
    with open_rig(f"rigsim://worn-battery?timing=fast&seed=7&faults={faults}",
                  timeout_s=timeout_s) as rig:
        result = run_checkout(rig)
    assert result["passed"], result["steps"]
    readings = result["readings"]
    assert readings["weight_g"] == scenario.body["weight_g"]
    assert (readings["voltage_mv"], readings["current_ma"]) == (scenario.power["vbus_mv"],
                                                               scenario.power["current_ma"])
    assert result["stats"]["resends"] > 0


def test_no_command_runs_twice_when_replies_are_lost():
    # Lost replies force resends; the firmware must replay, not execute again.
    with open_rig("rigsim://default?timing=fast&seed=3&faults=drop:0.3") as rig:
        for level in range(0, 101, 10):
            assert rig.lights(top=level)["top"] == level
        assert rig.stats.resends > 0
        replies_seen = rig.stats.requests
    world = world_for("default")
    assert world.lights["top"] == 100 and replies_seen == 12


def test_scenario_rig_faults_are_the_default():
    with open_rig("rigsim://rig-faults?timing=fast&seed=1") as rig:
        for _ in range(60):
            assert rig.status().weight_g == 143.0
        assert rig.stats.resends > 0


def test_disconnect_ends_with_a_clear_error_not_a_hang():
    url = "rigsim://default?timing=fast&faults=disconnect:3"
    events = []
    with open_rig(url, reconnect_s=0.5) as rig:
        rig.on_event(lambda e: events.append(e.name))
        rig.status()
        with pytest.raises(RigDisconnected) as info:
            for _ in range(5):
                rig.status()
        assert "gone" in info.value.message and "cable" in info.value.hint
        assert not rig.connected
    assert "disconnected" in events
    with pytest.raises(RigConnectError) as info:
        open_rig(url)
    assert "pulled" in info.value.message and info.value.hint


def test_reconnects_when_the_cable_comes_back():
    done = threading.Event()
    events = []

    def on_event(event):
        events.append(event.name)
        if event.name == "reconnected":
            done.set()

    with open_rig("rigsim://default?timing=fast&faults=disconnect:4,replug:0.3s", reconnect_s=5) as rig:
        rig.on_event(on_event)
        rig.lights(top=30)
        for _ in range(6):                 # the cable goes after the 4th request and comes back
            assert rig.status().lights["top"] == 30
        assert done.wait(3)
        assert rig.stats.reconnects == 1
    assert events[:2] == ["disconnected", "reconnected"]


def test_a_port_that_is_not_the_rig_times_out_clearly():
    with pytest.raises(RigTimeout) as info:
        open_rig("loop://", retries=2, timeout_s=0.05)    # echoes our own lines back
    assert "no valid reply" in info.value.message
    assert "station rig info" in info.value.hint


def test_unknown_port_fails_to_open_with_a_hint():
    with pytest.raises(RigConnectError) as info:
        open_rig("/dev/no-such-rig")
    assert "/dev/no-such-rig" in info.value.message and "udev" in info.value.hint


def test_traffic_log_records_both_directions(tmp_path):
    with open_rig(f"rigsim://default?{FAST}", log_dir=tmp_path) as rig:
        rig.status()
    text = (tmp_path / "rig-traffic.log").read_text()
    assert " > N" in text and "STATUS" in text and " < ok N" in text and "weight_g=143.0" in text


def test_traffic_log_defaults_to_station_home(station_home):
    with open_rig(f"rigsim://default?{FAST}") as rig:
        rig.identify()
    assert "ok N" in (station_home / "logs" / "rig-traffic.log").read_text()


def test_a_subscriber_may_close_the_rig_from_its_callback():
    rig = open_rig(f"rigsim://default?{FAST}")
    closed = threading.Event()

    def on_event(event):
        rig.close()
        closed.set()

    rig.on_event(on_event)
    world = world_for("default")
    with world.lock:
        world.lid_closed = False
    assert closed.wait(3)
    with pytest.raises(RigDisconnected):
        rig.status()


def test_real_timing_waits_as_long_as_the_firmware_reports():
    # A lower bound only (the machine may be slower, never faster than the physics).
    import time

    with open_rig("rigsim://default?faults=") as rig:
        start = time.perf_counter()
        rig.lights(top=100)               # 15 + 60 ms settle
        rig.port_reading(samples=64)      # 64 ms of sampling
        elapsed = time.perf_counter() - start
        assert elapsed >= 0.139
        assert rig.physical_wait_s == pytest.approx(0.139)
