"""The outline search's pieces: the tray ring's sample points, the whole-pixel search grid, and the
two routes to a face's outline (the camera's frame or the grading grid) agreeing."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.camera import body_render
from drivers.scenario import load_scenario
from station.grading.cosmetic import outline
from station.grading.cosmetic.frames import grey_face
from station.grading.cosmetic.outline import _ring_points, straighten_face, whole_coarse_step


def _ring_by_mask(h: int, w: int, b: int, most: int):
    ring = np.zeros((h, w), bool)
    ring[:b], ring[-b:], ring[:, :b], ring[:, -b:] = True, True, True, True
    ys, xs = np.nonzero(ring)
    pick = np.linspace(0, len(ys) - 1, min(len(ys), most)).astype(int)
    return ys[pick], xs[pick]


@settings(max_examples=300, deadline=None)
@given(h=st.integers(1, 400), w=st.integers(1, 400), b=st.integers(1, 30), most=st.integers(1, 900))
def test_ring_points_are_the_masks_points_without_the_mask(h, w, b, most):
    ys, xs = _ring_points(h, w, b, most)
    want_ys, want_xs = _ring_by_mask(h, w, b, most)
    assert np.array_equal(ys, want_ys) and np.array_equal(xs, want_xs)


@pytest.mark.parametrize("mm_per_px, step", [
    (0.05, 5), (0.0625, 4), (0.125, 2), (0.25, 1),        # whole numbers of pixels to 0.25 mm
    (0.1, None), (0.15, None), (0.04, None), (0.3, None),  # fractions: resized as before
])
def test_whole_coarse_step(mm_per_px, step):
    assert whole_coarse_step(mm_per_px) == step


def test_a_face_straightened_from_the_frame_or_from_the_grading_grid_agrees(monkeypatch):
    """At 0.0625 mm the outline is searched in the camera's frame (4 px to the search grid); forced
    through the 0.1 mm grading grid (2.5 px, the old route) it must land within a tenth of a mm."""
    mm = 0.0625
    frames = body_render.render_face_set(load_scenario("default"), "back", mm_per_px=mm, seed=2)
    grey = grey_face("back", frames)
    calls = []
    real_find = outline.find_outline
    monkeypatch.setattr(outline, "find_outline", lambda img, scale, where: calls.append(scale) or real_find(img, scale, where))
    from_frame = straighten_face("back", grey, mm)
    assert set(calls) == {mm}
    calls.clear()
    monkeypatch.setattr(outline, "whole_coarse_step", lambda _mm: None)
    from_grid = straighten_face("back", grey, mm)
    assert set(calls) == {outline.WORK_MM_PER_PX}
    assert np.abs(np.subtract(from_frame.size_mm, from_grid.size_mm)).max() < 0.1
    assert from_frame.mask.shape == from_grid.mask.shape
    assert (from_frame.mask != from_grid.mask).mean() < 0.005
    for light in from_frame.images:
        assert np.abs(from_frame.images[light] - from_grid.images[light]).mean() < 1.0
