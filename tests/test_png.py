"""The PNG writer (evidence frames, the share card): any decoder (OpenCV, Pillow) reads back exactly
the frame written."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from station.inspection.capture import _encode
from station.png import PNG_SIGNATURE, encode_png


def _frame(shape, seed=3):
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


@pytest.mark.parametrize("shape", [(7, 5), (7, 5, 3), (7, 5, 4), (1, 1, 3), (64, 33, 3)])
def test_opencv_and_pillow_read_back_the_exact_frame(shape):
    frame = _frame(shape)
    data = encode_png(frame)
    assert data.startswith(PNG_SIGNATURE)
    back = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    assert back.shape == frame.shape and np.array_equal(back, frame)
    pil = np.asarray(Image.open(io.BytesIO(data)))
    expected = frame if frame.ndim == 2 else frame[..., [2, 1, 0] + ([3] if shape[2] == 4 else [])]
    assert np.array_equal(pil, expected)


@settings(max_examples=25, deadline=None)
@given(h=st.integers(1, 40), w=st.integers(1, 40), seed=st.integers(0, 2**16))
def test_any_bgr_frame_round_trips(h, w, seed):
    frame = _frame((h, w, 3), seed)
    back = cv2.imdecode(np.frombuffer(encode_png(frame), np.uint8), cv2.IMREAD_UNCHANGED)
    assert np.array_equal(back, frame)


def test_a_full_size_camera_frame_round_trips_and_is_compressed():
    from drivers.camera.sim import SimCamera
    from drivers.simworld import reset_worlds, world_for

    reset_worlds()
    world = world_for("default")
    world.screen, world.lights = "white", {"top": 10, "n": 0, "e": 0, "s": 0, "w": 0}
    frame = SimCamera("sim://default?size=600x800", world=world).read()
    data = _encode(frame, "png")
    assert len(data) < frame.nbytes           # deflated, not stored
    assert np.array_equal(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED), frame)
    reset_worlds()


@pytest.mark.parametrize("bad", [np.zeros((4, 4), np.uint16), np.zeros((4, 4, 2), np.uint8),
                                 np.zeros((2, 2, 2, 3), np.uint8)])
def test_frames_it_cannot_write_are_refused_with_a_hint(bad):
    with pytest.raises(ValueError, match="8-bit grey, BGR or BGRA"):
        encode_png(bad)


def test_unknown_evidence_format_is_refused():
    with pytest.raises(ValueError, match="use 'png' or 'jpg'"):
        _encode(_frame((4, 4, 3)), "bmp")


@pytest.mark.parametrize("shape", [(7, 5, 3), (9, 4, 4), (1, 1, 3)])
def test_rgb_order_writes_pillows_pixels_as_they_are(shape):
    frame = _frame(shape, seed=11)
    data = encode_png(frame, order="rgb")
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(data))), frame)
    with pytest.raises(ValueError, match="'bgr' \\(OpenCV\\) or 'rgb'"):
        encode_png(frame, order="bgra")
