"""A body photo's rows in C (drivers/camera/_compose.c) are the bytes the OpenCV passes of
body_compose._compose_rows_opencv write — tray, face blend and noise; its vector loop and its
portable loop alike, at every box width and position (the vector loop's tails), with the clip
active and at rounding ties — so body photos do not depend on whether the extension was built."""

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
except ImportError:         # reported by test_the_c_rows_are_built; the rest cannot run
    _compose = None

needs_compose = pytest.mark.skipif(_compose is None, reason="drivers.camera._compose is not built")
PAD = 5                     # the noise bank is this much larger than the frame each way


def test_the_c_rows_are_built():
    assert _compose is not None, (
        "drivers/camera/_compose.c was not compiled: install gcc and python3-dev "
        "(scripts/setup-system.sh) and run `pip install -e .` again")
    assert body_compose._compose is _compose


class _PortableOnly:
    @staticmethod
    def compose_rows(tray, noise, out, geometry, box=None):
        _compose.compose_rows(tray, noise, out, geometry, box, False)


def _case(seed: int, size: tuple[int, int], box: tuple[int, int, int, int], ties: bool = False):
    """Random planes over `box` in a random tray frame with a random noise bank; the weighted sum
    runs past 0 and 255. `ties`: the face alone (no vignetting, no tray) at weighted sums within
    an ulp or two of k + 1/2, where only the exact order of roundings (fused or not) decides."""
    rng = np.random.default_rng(seed)
    w, h = size
    x0, y0, x1, y1 = box
    shape = (y1 - y0, x1 - x0)
    p = rng.uniform(-40, 320, shape).astype(np.float32)
    q = rng.uniform(-30, 60, shape).astype(np.float32)
    vignette = rng.uniform(0.8, 1.0, shape).astype(np.float32)
    inv_alpha = np.clip(rng.uniform(-0.5, 1.5, shape), 0, 1).astype(np.float32)
    colour = tuple(float(c) for c in rng.uniform(0.05, 1.0, 3))
    if ties:
        vignette[...], inv_alpha[...] = 1, 0
        p = rng.uniform(1, 200, shape).astype(np.float32)
        half = rng.integers(10, 240, shape) + 0.5
        q = (half - p.astype(np.float64) * np.float32(colour[1])).astype(np.float32)   # green near k + 1/2
    tray = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    noise = rng.integers(-12, 13, (h + PAD, w + PAD, 3), dtype=np.int8)
    noise.flat[rng.integers(0, noise.size, 24)] = rng.choice([-128, -127, 127], 24)    # the extremes too
    if ties:
        noise = np.zeros_like(noise)
    basis = SimpleNamespace(box=box, color=colour, vignette=vignette, inv_alpha=inv_alpha)
    mix = body_compose._LightMix(((p, np.float32(1.0)),), q, (), ())
    offset = tuple(int(v) for v in rng.integers(0, PAD, 2))
    return basis, mix, tray, noise, offset


def _rows_with(monkeypatch, implementation, case, a=None, b=None):
    basis, mix, tray, noise, offset = case
    out = np.full_like(tray, 77)
    monkeypatch.setattr(body_compose, "_compose", implementation)
    h = tray.shape[0]
    body_compose._compose_rows(basis, mix, tray, noise, offset, out, a or 0, h if b is None else b)
    return out


def _all_alike(monkeypatch, case, a=None, b=None):
    expected = _rows_with(monkeypatch, None, case, a, b)
    for implementation in (_compose, _PortableOnly):
        assert np.array_equal(_rows_with(monkeypatch, implementation, case, a, b), expected)
    return expected


@needs_compose
@pytest.mark.parametrize("box", [(6, 1, 7, 5), (6, 1, 13, 5), (6, 1, 14, 5), (6, 1, 15, 5), (0, 0, 23, 6),
                                 (3, 2, 253, 7), (1, 3, 260, 4)])
@pytest.mark.parametrize("seed", [0, 1])
def test_the_c_rows_write_the_opencv_bytes(monkeypatch, box, seed):
    case = _case(seed, (box[2] + 13 if box[2] < 260 else 260, 9), box)
    expected = _all_alike(monkeypatch, case)
    basis, _, tray, noise, (dx, dy) = case
    x0, y0, x1, y1 = box
    face = np.zeros(tray.shape[:2], bool)
    face[y0:y1, x0:x1] = True
    # Outside the box: exactly the tray plus the noise window, saturating.
    noisy = np.clip(tray.astype(int) + noise[dy:dy + 9, dx:dx + tray.shape[1]], 0, 255)
    assert np.array_equal(expected[~face], noisy[~face])
    assert not np.array_equal(expected[face], noisy[face])           # and the face is in the box


@needs_compose
@pytest.mark.parametrize("a, b", [(0, 2), (2, 5), (4, 9), (0, 9)])
def test_a_part_of_the_frame_writes_only_its_rows(monkeypatch, a, b):
    case = _case(3, (40, 9), (5, 1, 30, 6))
    out = _all_alike(monkeypatch, case, a, b)
    untouched = np.ones(9, bool)
    untouched[a:b] = False
    assert (out[untouched] == 77).all() and not (out[a:b] == 77).all()


@needs_compose
def test_rounding_ties_come_out_as_opencv_rounds_them(monkeypatch):
    _all_alike(monkeypatch, _case(5, (210, 9), (3, 1, 206, 9), ties=True))


@needs_compose
@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**31), st.integers(1, 40), st.integers(0, 9), st.integers(1, 6), st.integers(0, 3))
def test_any_box_composes_alike(seed, cols, x0, rows, y0):
    with pytest.MonkeyPatch.context() as mp:
        _all_alike(mp, _case(seed, (x0 + cols + 3, y0 + rows + 2), (x0, y0, x0 + cols, y0 + rows)))


@needs_compose
def test_rows_past_the_frame_or_the_noise_bank_are_refused():
    tray = np.zeros((5, 12, 3), np.uint8)
    out, bank = np.zeros_like(tray), np.zeros((7, 14, 3), np.int8)
    with pytest.raises(ValueError, match="past the end of the tray"):
        _compose.compose_rows(tray, bank, out, (12, 3, 3, 14, 0, 0))
    with pytest.raises(ValueError, match="past the end of the frame"):
        _compose.compose_rows(np.zeros((9, 12, 3), np.uint8), bank, out, (12, 3, 3, 14, 0, 0))
    with pytest.raises(ValueError, match="past the end of the noise bank"):
        _compose.compose_rows(tray, bank, out, (12, 2, 3, 14, 2, 3))
    with pytest.raises(ValueError, match="geometry"):
        _compose.compose_rows(tray, bank, out, (12, 0, 3, 14, 3, 0))    # 12 + 3 > 14
    planes = [np.zeros((3, 10), np.float32) for _ in range(4)]
    with pytest.raises(ValueError, match="p holds 120 bytes, expected 33 float32"):
        _compose.compose_rows(tray, bank, out, (12, 0, 3, 14, 0, 0), (*planes, (1.0, 1.0, 1.0), 1, 12))
    with pytest.raises(ValueError, match="outside the frame"):
        _compose.compose_rows(tray, bank, out, (12, 0, 3, 14, 0, 0), (*planes, (1.0, 1.0, 1.0), 5, 15))


@needs_compose
@pytest.mark.parametrize("face, light", [("front", "top"), ("back", "e"), ("left", "n"), ("top", "w")])
def test_body_photos_are_the_same_with_and_without_the_c_rows(monkeypatch, face, light):
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


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**31))
def test_the_signed_bank_adds_what_its_positive_and_negative_parts_did(seed):
    """One signed bank, added with saturation, gives the bytes of adding its positive part and
    then subtracting its negative part (OpenCV's saturating add and subtract, as before)."""
    import cv2

    from drivers.camera.body_render import add_noise

    rng = np.random.default_rng(seed)
    frame = rng.integers(0, 256, (7, 11, 3), dtype=np.uint8)
    frame[0, :3] = (0, 255, 128)
    noise = rng.integers(-128, 128, frame.shape, dtype=np.int16).astype(np.int8)
    pos = np.clip(noise.astype(int), 0, 255).astype(np.uint8)
    neg = np.clip(-noise.astype(int), 0, 255).astype(np.uint8)
    before = cv2.subtract(cv2.add(frame, pos), neg)
    add_noise(frame, noise)
    assert np.array_equal(frame, before)
