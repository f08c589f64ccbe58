"""The outline search's tray model: its ring's sample points, computed without a full-size mask,
and the fitted surface, evaluated in fewer passes than the plain formula."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from station.grading.cosmetic.outline import _ring_points, _tray_level


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


def _tray_level_by_formula(small: np.ndarray) -> np.ndarray:
    """The fitted quadratic evaluated term by term over the whole grid (the plain way)."""
    h, w = small.shape
    ys, xs = _ring_points(h, w, max(2, min(h, w) // 40), 600)
    u, v = xs / w - 0.5, ys / h - 0.5
    design = np.column_stack([np.ones_like(u), u, v, u * u, v * v, u * v])
    coef, *_ = np.linalg.lstsq(design, small[ys, xs].astype(np.float64), rcond=None)
    gu = (np.arange(w) / w - 0.5)[None, :]
    gv = (np.arange(h) / h - 0.5)[:, None]
    return (coef[0] + coef[1] * gu + coef[2] * gv + coef[3] * gu * gu + coef[4] * gv * gv
            + coef[5] * gu * gv).astype(np.float32)


@settings(max_examples=60, deadline=None)
@given(h=st.integers(8, 300), w=st.integers(8, 300), seed=st.integers(0, 2**16),
       tilt=st.floats(-80, 80), bow=st.floats(-120, 120))
def test_tray_surface_is_the_formulas_to_the_last_float32_bit(h, w, seed, tilt, bow):
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w] / max(h, w)
    tray = 128 + tilt * (xx - 0.5) + bow * (yy - 0.5) ** 2 + rng.normal(0, 3, (h, w))
    small = np.clip(tray, 0, 255).astype(np.uint8)
    got, want = _tray_level(small), _tray_level_by_formula(small)
    # Summed in another order in float64: any difference must vanish in the float32 rounding,
    # bar a last-bit tie (never seen).
    assert np.all(np.abs(got - want) <= np.spacing(np.abs(want)))
    assert np.mean(got == want) > 0.999
