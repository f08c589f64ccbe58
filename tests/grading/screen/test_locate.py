"""locate_panel: sub-pixel corners under rotation, perspective and glare; None without a phone."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from drivers.camera import optics
from drivers.camera.frameset import lights_for
from drivers.camera.sim import render_world_frame
from station.grading.screen import locate_panel
from tests.grading.screen.framegen import make_case


def _true_corners(case) -> np.ndarray:
    W, H = case.display
    s = case.scenario
    hd = optics.display_to_camera(case.camera, s.display, tuple(s.body["size_mm"][:2]))
    pts = np.array([[-0.5, -0.5], [W - 0.5, -0.5], [W - 0.5, H - 0.5], [-0.5, H - 0.5]])
    return cv2.perspectiveTransform(pts.reshape(-1, 1, 2), hd).reshape(4, 2)


@pytest.mark.parametrize("rotation, glare", [(-10.0, 0.0), (-3.0, 0.08), (0.0, 0.0), (6.5, 0.05), (10.0, 0.08)])
def test_corners_within_a_fraction_of_a_display_pixel(rotation, glare):
    case = make_case(92_000, panel=(360, 780))
    case.camera = replace(case.camera, rotation_deg=rotation, perspective=(0.02, -0.02),
                          glare=(0.4, 0.4, 0.25, glare))
    frame = render_world_frame(case.scenario, case.camera, "white", "front", True, lights_for("white"),
                               np.random.default_rng(1))
    found = locate_panel(frame, case.display)
    assert found is not None
    scale = case.camera.size[0] and np.linalg.norm(_true_corners(case)[1] - _true_corners(case)[0]) / case.display[0]
    error_display_px = np.abs(found - _true_corners(case)).max() / scale
    assert error_display_px < 0.3


def test_gray_and_coloured_patterns_are_found_too():
    case = make_case(92_001, panel=(360, 780))
    for screen in ("gray", "blue", "red"):
        frame = render_world_frame(case.scenario, case.camera, screen, "front", True, lights_for(screen),
                                   np.random.default_rng(2))
        assert locate_panel(frame, case.display) is not None, screen


def test_no_phone_or_dark_screen_gives_none():
    case = make_case(92_002, panel=(360, 780))
    rng = np.random.default_rng(3)
    empty = render_world_frame(case.scenario, case.camera, "white", "front", False, lights_for("white"), rng)
    dark = render_world_frame(case.scenario, case.camera, "black", "front", True, lights_for("black"), rng)
    assert locate_panel(empty, case.display) is None
    assert locate_panel(dark, case.display) is None
