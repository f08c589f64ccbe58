"""End to end through the camera driver: `open_camera("sim://S")`, the shared world's pose and lights,
then the grader — as the inspection's cosmetic step does it."""

from __future__ import annotations

import pytest

from drivers.camera import open_camera
from drivers.scenario import load_scenario
from drivers.simworld import reset_worlds, world_for
from station.grading.cosmetic import grade_cosmetic_frameset

FACES = ("back", "front", "left", "right", "top", "bottom")
LIGHTS = ("n", "e", "s", "w", "top")


def capture(name: str) -> tuple[dict, float]:
    reset_worlds()
    world = world_for(load_scenario(name))
    cam = open_camera(f"sim://{name}?size=1500x2000")      # 3 MP keeps the test quick
    frames = {}
    try:
        world.screen = "off"
        for face in FACES:
            world.set_pose(face)
            frames[face] = {}
            for light in LIGHTS:
                world.set_lights(**{name: (100 if name == light else 0) for name in LIGHTS})
                frames[face][light] = cam.read()
        return frames, cam.camera.mm_per_px
    finally:
        cam.close()
        reset_worlds()


@pytest.mark.parametrize("name", ["default", "cracked-screen"])
def test_sim_camera_body_photos_grade_as_the_scenario_expects(name):
    frames, mm_per_px = capture(name)
    result = grade_cosmetic_frameset(frames, mm_per_px=mm_per_px)
    assert result["grade"] == load_scenario(name).expected["cosmetic"], result
    kinds = {d["kind"] for d in result["defects"]}
    assert kinds == {d["kind"] for d in load_scenario(name).cosmetic_defects}
