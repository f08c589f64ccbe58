"""The simulated camera's sensor: shot + read noise, then 8-bit quantisation.

sigma^2 = shot * signal + read^2; value = saturate_u8(round(|signal + sigma * unit|)), with the
unit-normal noise read from a cached bank at a random offset (its length is prime, so repeats
never line up with rows): drawing 36 M fresh normals per 12 MP frame would cost more than the
rest of the render. Pixel i gets bank[(offset + i) % NOISE_BANK].

The per-sample arithmetic runs in C when drivers/camera/_develop.c is built (one pass, no GIL),
else as six numpy/OpenCV passes over cache-sized bands; both give the same bytes (tested).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import cv2
import numpy as np

from drivers.camera.bands import in_two_halves

try:
    from drivers.camera import _develop        # the noise-and-quantise pass in C
except ImportError:                             # built without a C compiler: same bytes, more CPU
    _develop = None

if TYPE_CHECKING:
    from drivers.camera.optics import CameraModel

NOISE_BANK = 4_194_301       # prime
NOISE_PASS = 1 << 20          # elements per noise pass: a few MB, stays in cache between the ops


@lru_cache(maxsize=1)
def _noise_bank() -> np.ndarray:
    return np.random.default_rng(20261124).standard_normal(NOISE_BANK, dtype=np.float32)


@lru_cache(maxsize=1)
def _noise_bank_twice() -> np.ndarray:
    """The bank followed by itself: any window up to NOISE_BANK long is one contiguous slice."""
    bank = _noise_bank()
    out = np.concatenate([bank, bank])
    out.setflags(write=False)
    return out


def prepare_noise() -> None:
    """Draw the sensor noise bank now (~0.2 s once per process) instead of in the first frame."""
    _noise_bank_twice()


def develop(signal: np.ndarray, unit: np.ndarray, gain: np.float32, shot: np.float32, read2: np.float32,
            out: np.ndarray, scratch: np.ndarray) -> None:
    """out = the sensor's reading of `signal * gain` (flat float32; `unit`: as many unit normals).
    `scratch`: float32, at least signal's size. `signal` may be overwritten."""
    if _develop is not None:
        _develop.noisy_u8(signal, unit, gain, shot, read2, out)
        return
    if not signal.size:
        return
    # 1 x n views: OpenCV's Python binding reads a 1-D array of up to 4 values as a scalar.
    signal, unit = signal.reshape(1, -1), unit[:signal.size].reshape(1, -1)
    if gain != 1:
        np.multiply(signal, gain, out=signal)
    sigma = scratch[:signal.size].reshape(1, -1)
    np.multiply(signal, shot, out=sigma)            # signal is never negative before noise
    sigma += read2
    cv2.sqrt(sigma, sigma)
    cv2.multiply(sigma, unit, dst=sigma)
    cv2.add(signal, sigma, dst=signal)
    out[:] = cv2.convertScaleAbs(signal).reshape(-1)


def _constants(cam: CameraModel) -> tuple[np.float32, np.float32, np.float32]:
    return np.float32(cam.gain), np.float32(cam.shot_noise), np.float32(cam.read_noise ** 2)


def noisy_uint8(cam: CameraModel, radiance: np.ndarray, offset: int) -> np.ndarray:
    """The 8-bit frame the sensor reads from `radiance` (exposure already applied; it may be
    overwritten). Done in cache-sized passes instead of whole-frame temporaries: the 12 MP float
    frame and its sigma were ~300 MB of fresh memory per frame."""
    flat = np.ascontiguousarray(radiance).reshape(-1)
    out = np.empty(radiance.shape, np.uint8)
    out_flat = out.reshape(-1)
    bank = _noise_bank_twice()
    _, shot, read2 = _constants(cam)
    scratch = np.empty(min(NOISE_PASS, flat.size), np.float32)
    for start in range(0, flat.size, NOISE_PASS):
        stop = min(flat.size, start + NOISE_PASS)
        at = (offset + start) % NOISE_BANK
        develop(flat[start:stop], bank[at:at + (stop - start)], np.float32(1), shot, read2,
                out_flat[start:stop], scratch)
    return out


def noisy_uint8_banded(cam: CameraModel, lit: np.ndarray, box_rows, roi: tuple[int, int, int, int],
                       offset: int) -> np.ndarray:
    """`noisy_uint8` of the frame `lit * gain` with `box_rows(fa, fb)` (frame rows fa..fb of the
    box) over `roi`, without forming that 12 MP float frame: each band of rows is built in a
    cache-sized buffer, then noised (rows clear of the box straight from `lit`). The bands are
    independent: the frame's top and bottom halves develop on two threads (bands.py)."""
    h, w = lit.shape[:2]
    out = np.empty(lit.shape, np.uint8)
    rows = max(1, NOISE_PASS // (w * 3))
    starts = list(range(0, h, rows))
    half = (len(starts) + 1) // 2
    halves = [starts[:half], starts[half:]]
    in_two_halves(lambda: _noise_bands(cam, lit, box_rows, roi, offset, rows, out, halves[0]),
                  lambda: _noise_bands(cam, lit, box_rows, roi, offset, rows, out, halves[1]))
    return out


def _noise_bands(cam: CameraModel, lit: np.ndarray, box_rows, roi: tuple[int, int, int, int], offset: int,
                 rows: int, out: np.ndarray, starts: list[int]) -> None:
    h, w = lit.shape[:2]
    x0, y0, x1, y1 = roi
    bank = _noise_bank_twice()
    gain, shot, read2 = _constants(cam)
    if _develop is not None:        # straight from the lit scene (x gain), the box set in
        for r0 in starts:
            r1 = min(h, r0 + rows)
            at = (offset + r0 * w * 3) % NOISE_BANK
            _develop_in_place(lit, box_rows, roi, r0, r1, max(r0, y0), min(r1, y1),
                              bank[at:at + (r1 - r0) * w * 3], (gain, shot, read2), out)
        return
    band = np.empty((min(rows, h),) + lit.shape[1:], np.float32)
    scratch = np.empty(band.size, np.float32)
    for r0 in starts:
        r1 = min(h, r0 + rows)
        at = (offset + r0 * w * 3) % NOISE_BANK
        a, b = max(r0, y0), min(r1, y1)
        signal = band[:r1 - r0]
        np.multiply(lit[r0:r1], gain, out=signal)
        if a < b:
            signal[a - r0:b - r0, x0:x1] = box_rows(a, b)
        develop(signal.reshape(-1), bank[at:at + signal.size], np.float32(1), shot, read2,
                out[r0:r1].reshape(-1), scratch)


def _develop_in_place(lit: np.ndarray, box_rows, roi: tuple[int, int, int, int], r0: int, r1: int, a: int, b: int,
                      unit: np.ndarray, constants: tuple, out: np.ndarray) -> None:
    """Frame rows r0..r1 through the C pass without assembling them: rows clear of the box (and
    each box row's tray to either side) read `lit` times the gain, box rows a..b read box_rows."""
    gain, shot, read2 = constants
    w3 = lit.shape[1] * 3
    x0, _, x1, _ = roi
    for lo, hi in ((r0, min(r1, max(a, r0))), (max(b, r0), r1)):     # above and below the box
        if lo < hi:
            _develop.noisy_u8(lit[lo:hi], unit[(lo - r0) * w3:(hi - r0) * w3], gain, shot, read2, out[lo:hi])
    if a < b:
        inset = np.ascontiguousarray(box_rows(a, b), dtype=np.float32)
        _develop.noisy_u8_inset(lit[a:b], inset, b - a, x0 * 3, x1 * 3, unit[(a - r0) * w3:(b - r0) * w3],
                                gain, shot, read2, out[a:b])
