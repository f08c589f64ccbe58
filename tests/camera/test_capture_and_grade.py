"""The whole path on simulators: phone sim shows patterns over ADB, the sim camera photographs
them, capture writes a frameset/1 folder, the grader finds the scenario's defects."""

from __future__ import annotations

import json

from drivers.camera import open_camera
from drivers.camera.frameset import SCREEN_PATTERNS, capture_screen_frameset
from drivers.phone import open_phone
from drivers.simworld import reset_worlds, world_for
from station.grading.screen import grade_screen_frameset
from station.screen_patterns import show_pattern
from tests.camera.helpers import small_scenario


def test_capture_then_grade_finds_the_scenario_defects(tmp_path):
    reset_worlds()
    defects = [{"kind": "dead_pixel", "x": 100, "y": 200, "w": 1, "h": 1},
               {"kind": "stuck_pixel", "x": 250, "y": 600, "w": 1, "h": 1, "color": [255, 0, 0]},
               {"kind": "crack", "points": [[60, 300], [150, 420], [170, 560]], "width": 2}]
    path = small_scenario(tmp_path, defects)
    world = world_for(str(path))
    cam = open_camera(f"sim://{path}?size=1200x1600&seed=2&rotation=-4")
    dev = open_phone(f"sim://{path}")
    try:
        out = capture_screen_frameset(
            cam, tmp_path / "frames", world.scenario.display,
            show=lambda name: show_pattern(dev.shell, "http://127.0.0.1:8765", name),
            light=lambda levels: world.set_lights(**levels))
    finally:
        dev.close()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["format"] == "frameset/1" and set(manifest["frames"]) == set(SCREEN_PATTERNS)
    assert manifest["display"] == {"width": 360, "height": 760}
    result = grade_screen_frameset(out)
    kinds = sorted(d["kind"] for d in result["defects"])
    assert kinds == ["crack", "dead_pixel", "stuck_pixel"], result["defects"]
    dead = next(d for d in result["defects"] if d["kind"] == "dead_pixel")
    assert abs(dead["x"] - 100) <= 1 and abs(dead["y"] - 200) <= 1
    assert result["grade"] == "D"
    reset_worlds()
