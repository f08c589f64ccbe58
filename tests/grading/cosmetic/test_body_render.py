"""The body renderer (camera simulator) shows defects the way raking light shows them on a real rig."""

from __future__ import annotations

import numpy as np
import pytest

from drivers.camera.body_render import FACES, LIGHTS, MAX_FRAME_PX, render_face, render_face_set
from drivers.scenario import Scenario, load_scenario
from station.grading.cosmetic.frames import grey_face
from station.grading.cosmetic.outline import WORK_MM_PER_PX, straighten_face

MPP = 0.15          # coarse renders keep the suite quick; the grader works on its 0.1 mm grid anyway


def scenario_with(defects, colour=(28, 28, 32)) -> Scenario:
    base = load_scenario("pristine").raw
    return Scenario.from_dict({**base, "body": {**base["body"], "color_rgb": list(colour)},
                               "cosmetic_defects": defects}, name="render-test")


def face_images(scen, face="back", seed=3):
    frames = render_face_set(scen, face, mm_per_px=MPP, seed=seed)
    return straighten_face(face, grey_face(face, frames), MPP)


def band(image, x0, x1, y0, y1):
    k = WORK_MM_PER_PX
    return float(image[int(y0 / k):int(y1 / k), int(x0 / k):int(x1 / k)].mean())


def test_scratch_is_strong_across_the_light_and_faint_along_it():
    scen = scenario_with([{"kind": "scratch", "face": "back", "x": 35.0, "y": 80.0, "length_mm": 20.0,
                           "angle_deg": 0, "width_mm": 0.1, "depth": "light"}])
    stack = face_images(scen)
    def contrast(light):
        img = stack.images[light]
        return band(img, 30, 40, 79.6, 80.4) - band(img, 30, 40, 82, 84)
    across = (contrast("n") + contrast("s")) / 2      # light travels north-south, across the scratch
    along = (contrast("e") + contrast("w")) / 2
    assert across > 5 and across > 3 * along


def test_dent_is_dark_towards_the_light_and_bright_away_from_it():
    scen = scenario_with([{"kind": "dent", "face": "back", "x": 35.0, "y": 80.0, "radius_mm": 2.0}], (200, 200, 200))
    img = face_images(scen).images
    north_wall, south_wall = band(img["n"], 34, 36, 78.3, 79.3), band(img["n"], 34, 36, 80.7, 81.7)
    assert south_wall > north_wall + 20                  # lit from the north: far wall bright
    assert band(img["s"], 34, 36, 78.3, 79.3) > band(img["s"], 34, 36, 80.7, 81.7) + 20


def test_missing_lens_cover_is_a_dark_cavity_under_the_top_light():
    intact = face_images(scenario_with([], (200, 200, 200))).images["top"]
    missing = face_images(scenario_with([{"kind": "missing_part", "face": "back", "part": "camera_lens"}],
                                        (200, 200, 200))).images["top"]
    assert band(missing, 11, 15, 12, 16) < 0.5 * band(intact, 11, 15, 12, 16)


def test_pose_is_the_same_under_every_light_and_differs_between_seeds():
    scen = load_scenario("default")
    a = render_face_set(scen, "back", mm_per_px=0.2, seed=1)
    b = render_face(scen, "back", "top", mm_per_px=0.2, seed=2)
    masks = {light: (img.astype(int).sum(axis=2) < 120) for light, img in a.items() if light != "top"}
    ref = masks["n"]
    assert all((m ^ ref).mean() < 0.01 for m in masks.values())
    assert not np.array_equal(a["top"], b)


@pytest.mark.parametrize("face", ["back", "top"])
def test_frames_fit_the_cameras_12mp_frame(face):
    img = render_face(load_scenario("default"), face, "n", mm_per_px=0.04, seed=0)
    h, w = img.shape[:2]
    assert img.dtype == np.uint8 and img.shape[2] == 3
    assert w * h <= MAX_FRAME_PX[0] * MAX_FRAME_PX[1]
    assert (h > w) == (face in ("back", "front", "left", "right"))
    assert set(FACES) == {"back", "front", "left", "right", "top", "bottom"}


def test_unknown_face_or_light_is_refused():
    with pytest.raises(ValueError, match="faces are"):
        render_face(load_scenario("default"), "side", "n")
    with pytest.raises(ValueError, match="lights are"):
        render_face(load_scenario("default"), "back", "x", mm_per_px=0.2)
    assert set(LIGHTS) == {"n", "e", "s", "w", "top"}
