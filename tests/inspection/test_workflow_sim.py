"""The real steps on the simulated rig, phone and camera (drivers speaking their protocols to the
simulators): pause when the phone leaves the tray, resume when it is back; pause when the rig's
cable is pulled, resume when it is replugged. Short step lists keep these fast."""

from __future__ import annotations

import time

import pytest

from drivers.simworld import reset_worlds, world_for
from station.inspection.events import EventBus
from station.inspection.machine import InspectionOptions, State
from station.inspection.operator import SimulatedOperator
from station.inspection.steps import STEP_SPECS, build_inspection

SPECS = {spec.name: spec for spec in STEP_SPECS}


@pytest.fixture(autouse=True)
def fresh_world():
    reset_worlds()
    yield
    reset_worlds()


def inspection_for(steps, rig_url="rigsim://default?timing=fast", phone_url="sim://default"):
    bus = EventBus()
    events = []
    bus.subscribe(events.append)
    world = world_for("default")
    operator = SimulatedOperator(world)
    inspection = build_inspection(rig_url, phone_url, "sim://default", operator, bus=bus,
                                  options=InspectionOptions(reconnect_poll_s=0.1, reconnect_timeout_s=30))
    inspection.steps = [SPECS[name] for name in steps]
    return inspection, events, world, operator


def run_and_close(inspection):
    """Run the inspection on this thread; its devices are closed whatever happens."""
    try:
        inspection.run()
    finally:
        inspection.devices.close()


def take_phone_out_after_identify(inspection, world, before=None) -> None:
    """When `identify` is done, lift the phone out and open the lid, and hold the workflow until
    the rig has reported it (`before`, if given, runs first)."""
    def take_phone_out(event):
        if event.kind == "step_done" and event.step == "identify":
            if before is not None:
                before()
            with world.lock:
                world.phone_present = False
                world.lid_closed = False
            deadline = time.monotonic() + 10      # until the rig has reported it
            while inspection._tray_problem is None and time.monotonic() < deadline:
                time.sleep(0.02)

    inspection.bus.subscribe(take_phone_out)


def test_phone_taken_out_pauses_and_the_step_resumes_when_it_is_back():
    inspection, events, world, operator = inspection_for(["connect_rig", "phone_placed", "identify", "imei"])
    take_phone_out_after_identify(inspection, world)
    run_and_close(inspection)
    assert inspection.state == State.COMPLETED, inspection.error
    kinds = [(e.kind, e.step) for e in events]
    paused = kinds.index(("paused", "imei"))
    assert ("resumed", "imei") in kinds[paused:]
    assert next(e for e in events if e.kind == "paused").data["device"] == "tray"
    assert "place_phone" in [p.id for p in operator.asked]
    assert inspection.record.results["imei"]["verdict"] == "pass"


def test_rig_cable_pulled_mid_inspection_pauses_then_resumes():
    # The simulated rig pulls its cable after 6 requests and is plugged back 1 s later.
    inspection, events, world, operator = inspection_for(
        ["connect_rig", "phone_placed", "identify", "imei"],
        rig_url="rigsim://default?timing=fast&faults=disconnect:6,replug:1s")
    run_and_close(inspection)
    assert inspection.state == State.COMPLETED, inspection.error
    assert all(inspection.record.steps[s]["status"] == "done" for s in ("connect_rig", "phone_placed", "imei"))
    kinds = [e.kind for e in events]
    # Either the driver rode out the drop-out itself (reconnect + resend) or the workflow paused.
    assert "step_failed" not in kinds
    if "paused" in kinds:
        assert kinds.index("resumed") > kinds.index("paused")


def test_phone_cable_pulled_mid_identify_pauses_until_it_is_plugged_back():
    # The simulated phone drops its ADB connection in the middle of `dumpsys battery` and stays
    # gone (new connections are refused) until the operator's hands plug the cable back in.
    inspection, events, world, operator = inspection_for(
        ["connect_rig", "phone_placed", "identify", "battery"],
        phone_url="sim://default?unplug_on=dumpsys%20battery&stay_unplugged=1")
    run_and_close(inspection)
    assert inspection.state == State.COMPLETED, inspection.error
    kinds = [(e.kind, e.step) for e in events]
    paused = kinds.index(("paused", "identify"))
    assert kinds.index(("resumed", "identify")) > paused
    assert next(e for e in events if e.kind == "paused").data["device"] == "phone"
    assert "reconnect_phone" in [p.id for p in operator.asked]
    assert world.phone_cable
    assert inspection.record.results["battery"]["health_permille"] > 0   # measured after the replug


def test_cancel_from_another_thread_mid_capture_keeps_what_was_measured():
    inspection, events, world, operator = inspection_for(["connect_rig", "phone_placed", "identify", "imei"])
    inspection.bus.subscribe(lambda e: inspection.cancel() if e.kind == "step_started" and e.step == "imei" else None)
    thread = inspection.start()
    thread.join(timeout=120)
    inspection.devices.close()
    assert inspection.state == State.CANCELLED
    assert inspection.record.steps["identify"]["status"] == "done"
    saved = type(inspection.record).load(inspection.record.id)
    assert saved.results["phone"]["model"] == "Pixel 2" and saved.state == "cancelled"


def test_the_workflow_over_a_real_serial_line_pauses_and_resumes_on_the_tray():
    """As with /dev/ttyACM0: the rig served on a pty, so the requests take the driver's C path
    (the rig tests check its corner cases); lifting the phone out still pauses the step and
    putting it back resumes it."""
    from drivers.rig import client
    from drivers.rig.sim.pty_server import PtyRig

    server = PtyRig("default", "", timing="fast").start()
    try:
        inspection, events, world, _ = inspection_for(["connect_rig", "phone_placed", "identify", "imei"],
                                                      rig_url=server.path)
        fast_replies = []
        take_phone_out_after_identify(
            inspection, world, before=lambda: fast_replies.append(inspection.devices.rig.stats.fast_replies))
        run_and_close(inspection)
    finally:
        server.stop()
    assert inspection.state == State.COMPLETED, inspection.error
    kinds = [(e.kind, e.step) for e in events]
    assert ("resumed", "imei") in kinds[kinds.index(("paused", "imei")):]
    assert inspection.record.results["imei"]["verdict"] == "pass"
    if client._fastlink is not None:
        assert fast_replies and fast_replies[0] > 0, "the C request path was not used"
