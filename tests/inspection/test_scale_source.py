"""The cosmetic frame set's scale is the rig's calibration, as on a real station; a camera that
reports its own scale is a cross-check only: a disagreement over 5 % warns, the calibration wins."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drivers.simworld import reset_worlds, world_for
from station.inspection.events import EventBus
from station.inspection.machine import State
from station.inspection.operator import SimulatedOperator
from station.inspection.steps import STEP_SPECS, build_inspection
from station.inspection.steps_capture import scale_mismatch

SPECS = {spec.name: spec for spec in STEP_SPECS}


@pytest.mark.parametrize("calibrated, camera, warns", [
    (0.05, 0.05, False),
    (0.05, 0.0524, False),      # 4.8 %: within tolerance
    (0.05, 0.0476, False),
    (0.05, 0.0530, True),       # 6 %
    (0.05, 0.04, True),         # the old camera sim's fitted scale: 20 % off
    (0.05, 0.1, True),          # camera set to a lower resolution than calibrated
    (0.05, None, False),        # a real camera does not know its scale
    (0.05, 0, False),
    (0.05, "n/a", False),
])
def test_scale_mismatch_table(calibrated, camera, warns):
    message = scale_mismatch(calibrated, camera)
    assert (message is not None) == warns
    if warns:
        assert f"{calibrated:.4f}" in message and "re-calibrate" in message


@pytest.fixture(autouse=True)
def fresh_world():
    reset_worlds()
    yield
    reset_worlds()


def run_cosmetic(camera_url: str):
    bus = EventBus()
    events = []
    bus.subscribe(events.append)
    operator = SimulatedOperator(world_for("default"))
    inspection = build_inspection("rigsim://default?timing=fast", "sim://default", camera_url, operator, bus=bus)
    inspection.steps = [SPECS[name] for name in ("connect_rig", "phone_placed", "cosmetic")]
    try:
        inspection.run()
    finally:
        inspection.devices.close()
    assert inspection.state == State.COMPLETED, inspection.error
    manifest = json.loads((Path(inspection.record.results["cosmetic_frameset"]) / "manifest.json").read_text())
    warnings = [e.data["warning"] for e in events if e.kind == "step_progress" and "warning" in e.data]
    return inspection.record.results["rig"]["mm_per_px"], manifest["scale"]["mm_per_px"], warnings


def test_camera_at_another_scale_warns_and_the_manifest_keeps_the_rig_calibration():
    # 750x1000 frames of the same tray: 4x the calibrated 12 MP scale (and a quick run).
    calibrated, written, warnings = run_cosmetic("sim://default?size=750x1000")
    assert written == calibrated
    assert len(warnings) == 1 and f"{4 * calibrated:.4f}" in warnings[0], warnings
