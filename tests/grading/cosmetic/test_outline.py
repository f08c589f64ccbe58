"""The outline search's tray ring: its sample points, computed without a full-size mask."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from station.grading.cosmetic.outline import _ring_points


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
