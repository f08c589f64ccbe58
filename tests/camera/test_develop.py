"""The sensor's noise-and-quantise pass in C (drivers/camera/_develop.c) gives the bytes the
numpy/OpenCV path gives — rounding ties, saturation, NaN, the vector loop's tail — and so the
simulated camera's frames do not depend on whether the extension was built."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from drivers.camera import sensor
from drivers.camera.sim import default_camera, render_world_frame
from drivers.scenario import load_scenario

try:
    from drivers.camera import _develop
except ImportError:         # reported by test_the_c_pass_is_built; the rest cannot run
    _develop = None

needs_develop = pytest.mark.skipif(_develop is None, reason="drivers.camera._develop is not built")
F32 = np.float32


def test_the_c_pass_is_built():
    """`make setup` builds it; without it frames are the same but cost ~4x the CPU to develop,
    which must not happen unnoticed here."""
    assert _develop is not None, (
        "drivers/camera/_develop.c was not compiled: install gcc and python3-dev "
        "(scripts/setup-system.sh) and run `pip install -e .` again")
    assert sensor._develop is _develop


def _numpy_path(signal, unit, gain, shot, read2):
    out = np.empty(signal.size, np.uint8)
    saved, sensor._develop = sensor._develop, None
    try:
        with np.errstate(invalid="ignore"):       # NaN and inf samples are part of the table
            sensor.develop(signal.copy(), unit, F32(gain), F32(shot), F32(read2), out,
                           np.empty(signal.size, np.float32))
    finally:
        sensor._develop = saved
    return out


def _c_path(signal, unit, gain, shot, read2):
    out = np.empty(signal.size, np.uint8)
    before = signal.copy()
    _develop.noisy_u8(signal, unit, F32(gain), F32(shot), F32(read2), out)
    assert np.array_equal(signal, before, equal_nan=True)        # the source is only read
    return out


# (signal, unit noise, gain) -> the byte, worked by hand with shot = 0, read2 = 1 so sigma = 1:
# v = signal * gain + unit; |v| rounded half to even; saturated to 0..255; NaN -> 0.
@pytest.mark.parametrize("signal, unit, gain, expected", [
    (10.0, 0.0, 1.0, 10), (10.0, 0.5, 1.0, 10), (10.0, 1.5, 1.0, 12),     # ties go to even
    (10.0, -0.5, 1.0, 10), (10.0, -1.5, 1.0, 8), (2.0, 0.6, 1.0, 3),
    (0.0, -3.4, 1.0, 3),                                                  # |v|, as convertScaleAbs
    (254.0, 1.6, 1.0, 255), (400.0, 0.0, 1.0, 255), (1e12, 0.0, 1.0, 0),  # saturate; past int range
    (50.0, 0.0, 2.0, 100), (50.0, 0.25, 0.5, 25),
    (float("nan"), 0.0, 1.0, 0), (float("inf"), 0.0, 1.0, 0),
])
@pytest.mark.parametrize("length", [1, 3, 15, 16, 17, 40])               # the scalar tail and the vector loop
def test_worked_values(signal, unit, gain, expected, length):
    s = np.full(length, signal, np.float32)
    u = np.full(length, unit, np.float32)
    assert list(_numpy_path(s, u, gain, 0.0, 1.0)) == [expected] * length
    if _develop is not None:
        assert list(_c_path(s, u, gain, 0.0, 1.0)) == [expected] * length


samples = hnp.arrays(np.float32, st.integers(0, 70),
                     elements=st.one_of(st.floats(-50, 1000, width=32),
                                        st.sampled_from([float("nan"), float("inf"), -float("inf")])))


@needs_develop
@settings(max_examples=300, deadline=None)
@given(samples, st.data(), st.sampled_from([1.0, 0.83, 1.17]),
       st.floats(0, 2, width=32), st.floats(0, 10, width=32))
def test_the_c_pass_equals_the_numpy_path(signal, data, gain, shot, read2):
    unit = data.draw(hnp.arrays(np.float32, signal.size, elements=st.floats(-6, 6, width=32)))
    assert np.array_equal(_c_path(signal, unit, gain, shot, read2), _numpy_path(signal, unit, gain, shot, read2))


@needs_develop
def test_realistic_bands_are_equal():
    rng = np.random.default_rng(7)
    signal = rng.uniform(0, 300, 1_000_003).astype(np.float32)
    unit = rng.standard_normal(signal.size, dtype=np.float32)
    assert np.array_equal(_c_path(signal, unit, 1.04, 0.12, 2.25), _numpy_path(signal, unit, 1.04, 0.12, 2.25))


@needs_develop
@pytest.mark.parametrize("unit_len, out_len", [(9, 10), (10, 9), (10, 11)])
def test_mismatched_sizes_are_refused(unit_len, out_len):
    with pytest.raises(ValueError, match="samples need"):
        _develop.noisy_u8(np.zeros(10, np.float32), np.zeros(unit_len, np.float32), 1.0, 0.1, 1.0,
                          np.zeros(out_len, np.uint8))


@needs_develop
def test_a_strided_source_is_refused_not_misread():
    with pytest.raises(ValueError, match="contiguous"):
        _develop.noisy_u8(np.zeros(20, np.float32)[::2], np.zeros(10, np.float32), 1.0, 0.1, 1.0,
                          np.zeros(10, np.uint8))


@needs_develop
@pytest.mark.parametrize("scenario, screen, pose, lights", [
    ("default", "white", "front", {"top": 10}), ("cracked-screen", "off", "front", {"n": 70}),
    ("default", "imei", "front", {"top": 20}), ("pristine", None, "front", {"top": 30}),
])
def test_frames_are_the_same_with_and_without_the_c_pass(monkeypatch, scenario, screen, pose, lights):
    sc = load_scenario(scenario)
    cam = default_camera(sc, {"size": "600x800"})
    lights = {"top": 0, "n": 0, "e": 0, "s": 0, "w": 0, **lights}

    def shot():
        return render_world_frame(sc, cam, screen, pose, True, lights, np.random.default_rng(3), 0)

    with_c = shot()
    monkeypatch.setattr(sensor, "_develop", None)
    assert np.array_equal(with_c, shot())


@pytest.mark.parametrize("c_pass", [True, False])
def test_a_frame_whose_last_pass_is_a_few_samples_gets_all_its_noise(monkeypatch, c_pass):
    """sensor.noisy_uint8 works in NOISE_PASS-sized passes; a last pass of 3 samples must be
    noised like the rest (OpenCV's binding once read such a short array as a scalar)."""
    if c_pass and _develop is None:
        pytest.skip("drivers.camera._develop is not built (see test_the_c_pass_is_built)")
    if not c_pass:
        monkeypatch.setattr(sensor, "_develop", None)
    n = sensor.NOISE_PASS + 3
    radiance = np.random.default_rng(2).uniform(0, 250, n).astype(np.float32)
    cam = type("Cam", (), {"gain": 1.0, "shot_noise": 0.12, "read_noise": 1.5})()
    offset = 11
    unit = np.concatenate([sensor._noise_bank()] * 2)[offset:offset + n]
    expected = np.clip(np.rint(np.abs(radiance + np.sqrt(radiance * F32(0.12) + F32(1.5 ** 2)) * unit)), 0, 255)
    got = sensor.noisy_uint8(cam, radiance.copy(), offset)
    assert np.array_equal(got, expected.astype(np.uint8))


@needs_develop
@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2**31), st.integers(1, 5), st.integers(1, 30), st.data(), st.sampled_from([1.0, 0.91]))
def test_rows_with_an_inset_develop_as_if_assembled_first(seed, rows, row, data, gain):
    """noisy_u8_inset (a photo's rows: lit tray x gain, the blurred box set in) equals assembling
    those rows first and developing them at gain 1, as the numpy path does."""
    first = data.draw(st.integers(0, row))
    last = data.draw(st.integers(first, row))
    rng = np.random.default_rng(seed)
    src = rng.uniform(0, 300, (rows, row)).astype(np.float32)
    inset = rng.uniform(0, 300, (rows, last - first)).astype(np.float32)
    unit = rng.standard_normal(rows * row + 3, dtype=np.float32)
    assembled = src * F32(gain)
    assembled[:, first:last] = inset
    expected = _numpy_path(assembled.reshape(-1), unit[:rows * row], 1.0, 0.12, 2.25)
    out = np.empty(rows * row, np.uint8)
    _develop.noisy_u8_inset(src, inset, rows, first, last, unit, F32(gain), F32(0.12), F32(2.25), out)
    assert np.array_equal(out, expected)


@needs_develop
@pytest.mark.parametrize("rows, first, last, inset_len", [(3, 0, 7, 21), (4, 0, 5, 20), (3, 4, 2, 0), (3, 2, 7, 15),
                                                          (3, 1, 4, 8)])
def test_an_inset_that_does_not_fit_is_refused(rows, first, last, inset_len):
    with pytest.raises(ValueError, match="noisy_u8_inset"):
        _develop.noisy_u8_inset(np.zeros(18, np.float32), np.zeros(inset_len, np.float32), rows, first, last,
                                np.zeros(18, np.float32), 1.0, 0.1, 1.0, np.zeros(18, np.uint8))
