"""Bad input gets a clear error (what was wrong, what to do) and no grade."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from hypothesis import given, strategies as st

from drivers.camera.body_render import render_face_set
from drivers.scenario import load_scenario
from station.errors import BadInput
from station.grading.cosmetic import grade_cosmetic_frameset
from station.grading.cosmetic.frames import MM_PER_PX_RANGE, check_scale, load_manifest


def copy_with_manifest(case_folder, tmp_path, change):
    folder = tmp_path / "set"
    shutil.copytree(case_folder, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    change(manifest)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_missing_face_is_named(case_folder, tmp_path):
    folder = copy_with_manifest(case_folder[0], tmp_path, lambda m: m["frames"].pop("left"))
    with pytest.raises(BadInput, match="lacks face.*left") as err:
        grade_cosmetic_frameset(folder)
    assert "photograph every face" in err.value.hint


@pytest.mark.parametrize("scale", [0, -0.05, "abc", None, 5.0, float("nan")])
def test_wrong_scale_is_refused(case_folder, tmp_path, scale):
    folder = copy_with_manifest(case_folder[0], tmp_path, lambda m: m["scale"].update(mm_per_px=scale))
    with pytest.raises(BadInput, match="mm_per_px") as err:
        grade_cosmetic_frameset(folder)
    assert "calibration" in err.value.hint


def test_missing_scale_is_refused(case_folder, tmp_path):
    folder = copy_with_manifest(case_folder[0], tmp_path, lambda m: m.pop("scale"))
    with pytest.raises(BadInput, match="scale.mm_per_px"):
        grade_cosmetic_frameset(folder)


def test_scale_far_off_the_calibration_shows_as_an_impossible_phone(case_folder, tmp_path):
    # 0.005 mm/px makes the 8 mm thick edge 0.4 mm: not a phone.
    folder = copy_with_manifest(case_folder[0], tmp_path, lambda m: m["scale"].update(mm_per_px=0.005))
    with pytest.raises(BadInput, match="too thin|disagree|not found"):
        grade_cosmetic_frameset(folder)


def in_memory(mm_per_px=0.2):
    scen = load_scenario("default")
    return {face: render_face_set(scen, face, mm_per_px=mm_per_px, seed=1)
            for face in ("back", "front", "left", "right", "top", "bottom")}


@pytest.fixture(scope="module")
def frames():
    return in_memory()


def test_blank_frame_is_refused(frames):
    bad = {face: dict(per) for face, per in frames.items()}
    bad["back"]["e"] = np.full_like(bad["back"]["e"], 12)
    with pytest.raises(BadInput, match="back/e is blank") as err:
        grade_cosmetic_frameset(bad, mm_per_px=0.2)
    assert "lights" in err.value.hint


def test_phone_not_found_on_an_empty_tray(frames):
    bad = {face: dict(per) for face, per in frames.items()}
    h, w = bad["front"]["n"].shape[:2]
    lit = np.linspace(110, 60, h)[:, None] + np.random.default_rng(0).normal(0, 2.5, (h, w))  # raking light fall-off
    bad["front"]["n"] = np.repeat(lit.clip(0, 255).astype(np.uint8)[..., None], 3, axis=2)
    with pytest.raises(BadInput, match="phone not found in frame front/n") as err:
        grade_cosmetic_frameset(bad, mm_per_px=0.2)
    assert "place the phone" in err.value.hint


def test_edge_frame_on_its_side_is_refused(frames):
    bad = {face: dict(per) for face, per in frames.items()}
    bad["left"] = {light: np.ascontiguousarray(np.rot90(img)) for light, img in bad["left"].items()}
    with pytest.raises(BadInput, match="left frame .* expected portrait"):
        grade_cosmetic_frameset(bad, mm_per_px=0.2)


def test_unknown_light_and_in_memory_without_scale(frames):
    bad = {face: dict(per) for face, per in frames.items()}
    bad["back"]["ne"] = bad["back"]["n"]
    with pytest.raises(BadInput, match="unknown light"):
        grade_cosmetic_frameset(bad, mm_per_px=0.2)
    with pytest.raises(BadInput, match="need mm_per_px"):
        grade_cosmetic_frameset(frames)


def test_not_a_frameset_folder(tmp_path):
    with pytest.raises(BadInput, match="no manifest.json"):
        grade_cosmetic_frameset(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(BadInput, match="not valid JSON"):
        grade_cosmetic_frameset(tmp_path)


@given(st.one_of(st.none(), st.booleans(), st.text(max_size=8), st.floats(allow_nan=True), st.integers()))
def test_scale_parsing_accepts_only_a_plausible_number(value):
    try:
        parsed = check_scale(value)
    except BadInput:
        return
    assert MM_PER_PX_RANGE[0] <= parsed <= MM_PER_PX_RANGE[1]


@given(st.dictionaries(st.sampled_from(["format", "frames", "scale", "x"]),
                       st.one_of(st.none(), st.text(max_size=5), st.integers(), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)),
                       max_size=4))
def test_any_manifest_json_gives_a_manifest_or_bad_input(tmp_path_factory, manifest):
    folder = tmp_path_factory.mktemp("m")
    (folder / "manifest.json").write_text(json.dumps(manifest))
    try:
        got = load_manifest(folder)
    except BadInput:
        return
    assert got["format"] == "frameset/1" and isinstance(got["frames"], dict)


def test_one_frame_per_face_is_graded_but_flagged_incomplete(frames):
    single = {face: per["n"] for face, per in frames.items()}
    result = grade_cosmetic_frameset(single, mm_per_px=0.2)
    assert result["complete"] is False and set(result["lights_missing"]) == set(frames)
    assert result["grade"] in "ABCDE" and result["notes"]
    assert grade_cosmetic_frameset(frames, mm_per_px=0.2)["complete"] is True
