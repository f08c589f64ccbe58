"""A body photo's blend in C (drivers/camera/_compose.c) writes the bytes the OpenCV passes of
body_compose._blend_band write — its vector loop and its portable loop alike, at every band
width (the vector loop's tail), with the clip active — so body photos do not depend on whether
the extension was built."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.camera import body_compose
from drivers.camera.sim import SimCamera

try:
    from drivers.camera import _compose
except ImportError:         # reported by test_the_c_blend_is_built; the rest cannot run
    _compose = None

needs_compose = pytest.mark.skipif(_compose is None, reason="drivers.camera._compose is not built")


def test_the_c_blend_is_built():
    assert _compose is not None, (
        "drivers/camera/_compose.c was not compiled: install gcc and python3-dev "
        "(scripts/setup-system.sh) and run `pip install -e .` again")
    assert body_compose._compose is _compose


class _PortableOnly:
    @staticmethod
    def blend_band(*args):
        _compose.blend_band(*args, False)


def _band_case(seed: int, rows: int, cols: int, frame_w: int, x0: int, y0: int, ties: bool = False):
    """Random planes over a box in a random tray frame; the weighted sum runs past 0 and 255.
    `ties`: the face alone (no vignetting, no tray) at weighted sums within an ulp or two of
    k + 1/2, where only the exact order of roundings (fused or not) decides the byte."""
    rng = np.random.default_rng(seed)
    p = rng.uniform(-40, 320, (rows, cols)).astype(np.float32)
    q = rng.uniform(-30, 60, (rows, cols)).astype(np.float32)
    vignette = rng.uniform(0.8, 1.0, (rows, cols)).astype(np.float32)
    inv_alpha = np.clip(rng.uniform(-0.5, 1.5, (rows, cols)), 0, 1).astype(np.float32)
    colour = tuple(float(c) for c in rng.uniform(0.05, 1.0, 3))
    if ties:
        vignette[...], inv_alpha[...] = 1, 0
        p = rng.uniform(1, 200, (rows, cols)).astype(np.float32)
        half = rng.integers(10, 240, (rows, cols)) + 0.5
        q = (half - p.astype(np.float64) * np.float32(colour[1])).astype(np.float32)   # green's sum near k + 1/2
    tray = rng.integers(0, 256, (y0 + rows + 2, frame_w, 3), dtype=np.uint8)
    basis = SimpleNamespace(box=(x0, y0, x0 + cols, y0 + rows), color=colour, vignette=vignette,
                            inv_alpha=inv_alpha)
    mix = body_compose._LightMix(((p, np.float32(1.0)),), q, (), ())
    return basis, mix, tray


def _blend_with(monkeypatch, implementation, basis, mix, tray):
    out = tray.copy()
    monkeypatch.setattr(body_compose, "_compose", implementation)
    body_compose._blend_band(basis, mix, out, 0, basis.box[3] - basis.box[1])
    return out


@needs_compose
@pytest.mark.parametrize("cols", [1, 7, 8, 9, 16, 23, 250])
@pytest.mark.parametrize("seed", [0, 1])
def test_the_c_blend_writes_the_opencv_bytes(monkeypatch, cols, seed):
    case = _band_case(seed, rows=5, cols=cols, frame_w=cols + 13, x0=6, y0=1)
    expected = _blend_with(monkeypatch, None, *case)
    assert not np.array_equal(expected, case[2])                     # the band was written ...
    assert np.array_equal(expected[:1], case[2][:1])                  # ... and nothing above it
    assert np.array_equal(_blend_with(monkeypatch, _compose, *case), expected)
    assert np.array_equal(_blend_with(monkeypatch, _PortableOnly, *case), expected)


@needs_compose
@pytest.mark.parametrize("portable", [False, True])
def test_rounding_ties_come_out_as_opencv_rounds_them(monkeypatch, portable):
    case = _band_case(5, rows=8, cols=203, frame_w=210, x0=3, y0=1, ties=True)
    expected = _blend_with(monkeypatch, None, *case)
    assert np.array_equal(_blend_with(monkeypatch, _PortableOnly if portable else _compose, *case), expected)


@needs_compose
@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**31), st.integers(1, 6), st.integers(1, 40), st.integers(0, 9))
def test_any_band_shape_blends_alike(seed, rows, cols, x0):
    case = _band_case(seed, rows, cols, frame_w=x0 + cols + 3, x0=x0, y0=2)
    with pytest.MonkeyPatch.context() as mp:
        expected = _blend_with(mp, None, *case)
        assert np.array_equal(_blend_with(mp, _compose, *case), expected)
        assert np.array_equal(_blend_with(mp, _PortableOnly, *case), expected)


@needs_compose
def test_a_band_past_the_frame_is_refused():
    planes = [np.zeros((4, 10), np.float32) for _ in range(4)]
    frame = np.zeros((5, 12, 3), np.uint8)
    stride = frame.strides[0]
    with pytest.raises(ValueError, match="past the end"):
        _compose.blend_band(*planes, (1.0, 1.0, 1.0), frame, 2 * stride, stride, 4, 10)
    with pytest.raises(ValueError, match="p holds 160 bytes, expected 44 float32"):
        _compose.blend_band(*planes, (1.0, 1.0, 1.0), frame, 0, stride, 4, 9 + 2)


@needs_compose
@pytest.mark.parametrize("face, light", [("front", "top"), ("back", "e"), ("left", "n"), ("top", "w")])
def test_body_photos_are_the_same_with_and_without_the_c_blend(monkeypatch, face, light):
    camera = SimCamera("sim://cracked-screen?size=600x800")
    try:
        lights = {"top": 0, "n": 0, "e": 0, "s": 0, "w": 0, light: 80}

        def photo():
            with camera.world.lock:
                camera.world.screen = "off" if face == "front" else None
                camera.world.pose, camera.world.lights = face, dict(lights)
            return camera.grab().retrieve()

        with_c = photo()
        monkeypatch.setattr(body_compose, "_compose", None)
        assert np.array_equal(with_c, photo())
    finally:
        camera.close()
