"""The simulated rig and the simulated camera agree on the image scale: the rig sim's factory
calibration (read through the real rig driver) is the scale the camera sim really renders at, so
the workflow can tell the graders the calibration, as on a real station."""

from __future__ import annotations

import cv2
import pytest

from drivers.camera import CameraError, open_camera
from drivers.rig import open_rig
from drivers.scenario import load_scenario
from drivers.simworld import reset_worlds, world_for
from station.grading.cosmetic.outline import find_outline


@pytest.fixture(autouse=True)
def fresh_world():
    reset_worlds()
    yield
    reset_worlds()


def rig_calibration_mm_per_px(name: str = "default") -> float:
    with open_rig(f"rigsim://{name}?timing=fast&faults=") as rig:
        return rig.calibration().mm_per_px


@pytest.mark.parametrize("name", ["default", "pristine"])
def test_twelve_megapixel_sim_camera_scale_is_the_rig_calibration(name):
    cam = open_camera(f"sim://{name}")
    try:
        assert cam.camera.size == (3000, 4000)
        assert cam.camera.mm_per_px == pytest.approx(rig_calibration_mm_per_px(name), rel=1e-9)
    finally:
        cam.close()


@pytest.mark.parametrize("size, factor", [("1500x2000", 2.0), ("750x1000", 4.0)])
def test_smaller_sim_frames_see_the_same_tray_with_fewer_pixels(size, factor):
    cam = open_camera(f"sim://default?size={size}")
    try:
        assert cam.camera.mm_per_px == pytest.approx(factor * rig_calibration_mm_per_px(), rel=1e-9)
    finally:
        cam.close()


@pytest.mark.parametrize("name, face", [("default", "back"), ("pristine", "back"), ("pristine", "left")])
def test_body_photo_measured_at_the_rig_calibration_has_the_phone_true_size(name, face):
    """Measured with the calibration the rig reports, the photographed body is the scenario's size
    (a camera rendering at another scale would measure 20 % off)."""
    scenario = load_scenario(name)
    world = world_for(scenario)
    cam = open_camera(f"sim://{name}?size=1500x2000")     # 3 MP keeps it quick; scale x2
    try:
        world.screen = "off"
        world.set_pose(face)
        world.set_lights(top=100, n=0, e=0, s=0, w=0)
        grey = cv2.cvtColor(cam.read(), cv2.COLOR_BGR2GRAY)
    finally:
        cam.close()
    mm_per_px = 2.0 * rig_calibration_mm_per_px(name)
    measured = sorted(find_outline(grey, mm_per_px, face).size_mm)
    w, h, t = scenario.body["size_mm"]
    expected = sorted((w, h) if face == "back" else (t, h))
    assert measured[1] == pytest.approx(expected[1], rel=0.03), (measured, expected)
    assert measured[0] == pytest.approx(expected[0], rel=0.03 if face == "back" else 0.25), (measured, expected)


@pytest.mark.parametrize("size", ["0x0", "3000", "3000x4000x2", "-1x4000"])
def test_a_frame_size_without_a_scale_is_explained(size):
    with pytest.raises(CameraError, match="bad sim camera option"):
        open_camera(f"sim://default?size={size}")
