"""Simulated body photos: one face of the phone on the tray under one of the rig's lights.

The camera simulator calls :func:`render_face` when the pose shows a face of the body. The model
is a small physical one, so the grader meets the same cues a real rig gives:

* the body is glossy: under a raking light (``n``/``e``/``s``/``w``: light skimming the face from
  that edge of the frame) it reflects little towards the top-down camera and looks dark, while the
  matte tray scatters and looks bright; under the diffuse ``top`` light both show their colour;
* a scratch is a groove whose walls scatter raking light: bright when the light crosses it, faint
  (``ALONG_FLOOR``) when the light runs along it; only deep ones show a little under ``top``;
* relief (dents, chips, buttons, cavities) is a height field: brightness follows the slope
  towards the light (``K_SLOPE * grad(h) . L``), so a dent is dark on the side facing the light
  and bright on the far side, and a bump the other way round;
* glass cracks and scuffs scatter light the same from every direction; cracks also show under
  ``top``; a missing part leaves a dark cavity.
"""

from __future__ import annotations

import functools
import math

import cv2
import numpy as np

# Geometry lives in body_layers; names re-exported here are what callers of the renderer use.
from drivers.camera.body_layers import (BUTTON_WIDTH_MM, BUTTONS, CAMERA_LENS, FACES, FaceLayers,  # noqa: F401
                                        face_layers)
from drivers.camera import face_store

LIGHTS = ("n", "e", "s", "w", "top")
# Direction the light travels in the frame (x right, y down): light "n" comes from the top edge.
LIGHT_TRAVEL = {"n": (0.0, 1.0), "s": (0.0, -1.0), "e": (-1.0, 0.0), "w": (1.0, 0.0)}

# Field of view of the top camera and of the side mirrors, in mm (12 MP at 0.05 mm/px).
FOV_FACE_MM = (150.0, 200.0)
FOV_EDGE_PORTRAIT_MM = (50.0, 200.0)
FOV_EDGE_LANDSCAPE_MM = (200.0, 50.0)
MAX_ROTATION_DEG = {"face": 10.0, "edge": 4.0}
MAX_FRAME_PX = (3000, 4000)   # the sim camera's 12 MP portrait frame: never render a larger one

K_RAKE_BODY = 0.22        # glossy body under raking light: fraction of albedo seen by the camera
K_RAKE_TRAY = 0.75        # matte tray under raking light
K_TOP = 0.92
K_SLOPE = 100.0           # grey levels per unit slope (mm/mm) under raking light
ALONG_FLOOR = 0.12        # scratch visibility when the light runs along it (1.0 = across)
TRAY_RGB = (150.0, 160.0, 165.0)
NOISE_SIGMA = 2.5
NOISE_PAD = 64
BLACK_LEVEL = 8.0


def _placement(layers: FaceLayers, face: str, seed: int) -> tuple[np.ndarray, float, tuple[int, int]]:
    """Homography face-px -> frame-px (position, rotation, mild perspective) fixed per face+seed."""
    mpp = layers.mm_per_px
    fov = FOV_FACE_MM if face in ("back", "front") else (
        FOV_EDGE_PORTRAIT_MM if face in ("left", "right") else FOV_EDGE_LANDSCAPE_MM)
    limit = MAX_FRAME_PX if fov[0] <= fov[1] else MAX_FRAME_PX[::-1]
    frame = (min(int(round(fov[0] / mpp)), limit[0]), min(int(round(fov[1] / mpp)), limit[1]))
    fov = (frame[0] * mpp, frame[1] * mpp)
    rng = np.random.default_rng([seed, FACES.index(face), 11])
    max_rot = math.radians(MAX_ROTATION_DEG["face" if face in ("back", "front") else "edge"])
    w, h = layers.size_mm
    while max_rot > 0 and not _fits((w, h), max_rot, fov):   # a tight view leaves less room to turn
        max_rot -= math.radians(0.5)
    theta = rng.uniform(-1, 1) * max(max_rot, 0.0)
    w, h = layers.size_mm
    c, s = math.cos(theta), math.sin(theta)
    corners = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]])
    rotated = corners @ np.array([[c, s], [-s, c]])
    ext = rotated.max(axis=0)
    slack = np.maximum(np.array(fov) / 2 - ext - 3.0, 0.0)
    centre = np.array(fov) / 2 + rng.uniform(-1, 1, 2) * slack * 0.8
    jitter = rng.uniform(-1, 1, (4, 2)) * 0.012 * max(w, h)     # mild perspective
    dst = (rotated + centre + jitter) / mpp
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]]) / mpp
    hom = cv2.getPerspectiveTransform(src.astype(np.float32), dst.astype(np.float32))
    return hom, theta, frame


def _slopes(layers: FaceLayers) -> tuple[np.ndarray, np.ndarray]:
    if layers.slopes is None:
        gy, gx = np.gradient(layers.height, layers.mm_per_px)
        layers.slopes = (gx.astype(np.float32), gy.astype(np.float32))
    return layers.slopes


def _fits(size, theta, fov, margin_mm=3.0) -> bool:
    c, s = abs(math.cos(theta)), abs(math.sin(theta))
    return (size[0] * c + size[1] * s + 2 * margin_mm <= fov[0]
            and size[0] * s + size[1] * c + 2 * margin_mm <= fov[1])


def _shade(layers: FaceLayers, light: str, theta: float) -> np.ndarray:
    """Face brightness (HxWx3 float32) under one light, in face coordinates."""
    gx, gy = _slopes(layers)
    if light == "top":
        extra = layers.top_add - 40.0 * np.sqrt(gx * gx + gy * gy)
        for sl, prof, _d, top_frac in layers.scratches:
            if top_frac:
                extra[sl] += top_frac * prof
        img = layers.albedo * np.float32(K_TOP)
        img += extra[..., None]
        return img
    tx, ty = LIGHT_TRAVEL[light]
    c, s = math.cos(theta), math.sin(theta)           # the light's travel direction on the face
    lx, ly = c * tx + s * ty, -s * tx + c * ty
    h, w = layers.height.shape
    ramp = (np.arange(w, dtype=np.float32)[None, :] * np.float32(lx)
            + np.arange(h, dtype=np.float32)[:, None] * np.float32(ly))
    lo, span = float(ramp.min()), max(float(np.ptp(ramp)), 1.0)
    ramp = np.float32(K_RAKE_BODY) * (1.0 - 0.15 * (ramp - lo) / span)   # falls off away from the light
    extra = gx * np.float32(K_SLOPE * lx)
    extra += gy * np.float32(K_SLOPE * ly)
    extra += layers.iso
    for sl, prof, (dx, dy), _t in layers.scratches:
        across = abs(dx * ly - dy * lx)
        extra[sl] += prof * np.float32(ALONG_FLOOR + (1 - ALONG_FLOOR) * across)
    img = layers.albedo * ramp[..., None]
    img += extra[..., None]
    return img


@functools.lru_cache(maxsize=16)
def _background_small(frame: tuple[int, int], light: str) -> tuple[np.ndarray, np.ndarray]:
    w, h = frame
    sw, sh = (64, max(8, int(64 * h / w))) if w >= h else (max(8, int(64 * w / h)), 64)
    xs = np.linspace(0, 1, sw, dtype=np.float32)[None, :]
    ys = np.linspace(0, 1, sh, dtype=np.float32)[:, None]
    vignette = 1.0 - 0.18 * ((2 * xs - 1) ** 2 + (2 * ys - 1) ** 2)
    if light == "top":
        gain = np.ones((sh, sw), np.float32)
    else:
        tx, ty = LIGHT_TRAVEL[light]
        gain = K_RAKE_TRAY * (1.0 - 0.25 * (xs * tx + ys * ty - min(tx, 0) - min(ty, 0)))
    tray = (gain * vignette)[..., None] * np.array(TRAY_RGB[::-1], dtype=np.float32)
    return tray.astype(np.float32), vignette.astype(np.float32)


def _background(frame: tuple[int, int], light: str) -> tuple[np.ndarray, np.ndarray]:
    """Tray with vignetting (BGR uint8, a fresh copy the caller may draw on) and the vignetting
    gain (float32, read-only). Both are the same for every frame of a size and light, so they are
    upscaled once and cached; only the copy is paid per frame (it was ~0.1 s of a 12 MP render)."""
    return _tray_full(frame, light).copy(), _vignette_full(frame)


@functools.lru_cache(maxsize=15)    # 5 lights x 3 frame sizes (face 36 MB, edges 12 MB each): ~300 MB
def _tray_full(frame: tuple[int, int], light: str) -> np.ndarray:
    tray, _ = _background_small(frame, light)
    out = np.empty((frame[1], frame[0], 3), np.uint8)
    _round_into(out, cv2.resize(tray, frame, interpolation=cv2.INTER_LINEAR))
    out.setflags(write=False)
    return out


def _round_into(dst: np.ndarray, values: np.ndarray) -> None:
    """dst[...] = clip(values + 0.5, 0, 255) truncated to uint8 (round half up), in place on
    `values` with whole-array OpenCV passes (on a 2-D view: a scalar then applies to every channel)."""
    flat = values.reshape(values.shape[0], -1)
    cv2.add(flat, 0.5, dst=flat)
    cv2.min(flat, 255.0, dst=flat)
    cv2.max(flat, 0.0, dst=flat)
    dst[...] = values                         # float -> uint8 truncates, as astype did


@functools.lru_cache(maxsize=3)     # face, portrait-edge and landscape-edge frame sizes
def _vignette_full(frame: tuple[int, int]) -> np.ndarray:
    _, vignette = _background_small(frame, "top")     # the vignetting does not depend on the light
    out = cv2.resize(vignette, frame, interpolation=cv2.INTER_LINEAR)
    out.setflags(write=False)
    return out


@functools.lru_cache(maxsize=3)     # face, portrait-edge and landscape-edge frame sizes
def _noise_bank(frame: tuple[int, int]) -> np.ndarray:
    """Sensor noise in grey levels (int8 BGR), a little larger than the frame.

    Frames take a random window of it: drawing millions of normals per frame would dominate the
    simulator's time, and shifted windows are as good as fresh noise for the grader. Signed bytes,
    one bank: a photo reads 36 MB of it, where a positive and a negative bank read 72 MB.
    """
    w, h = frame
    rng = np.random.default_rng(frame)
    noise = rng.standard_normal((h + NOISE_PAD, w + NOISE_PAD, 3), dtype=np.float32) * NOISE_SIGMA
    noise = np.rint(noise)
    # +-127 is 50 sigma: never reached, and clipped like the 0..255 parts it replaces would be.
    bank = np.clip(noise, -127, 127).astype(np.int8)
    bank.setflags(write=False)
    return bank


def add_noise(frame: np.ndarray, window: np.ndarray) -> None:
    """`frame` (uint8) plus the signed noise `window` of the same shape, saturating, in place."""
    np.clip(frame.astype(np.int16) + window, 0, 255, out=frame, casting="unsafe")


def prepare_backgrounds(frames) -> None:
    """Fill the caches every body photo of these frame sizes reads — the tray under each light,
    the vignetting, the noise bank — so the first inspection in a process need not (the camera's
    warm-up calls this; they are kept for the process's life, whatever the phone)."""
    for frame in frames:
        _vignette_full(frame)
        _noise_bank(frame)
        for light in LIGHTS:
            _tray_full(frame, light)


def render_with_layers(layers: FaceLayers, face: str, light: str, *, seed: int = 0) -> np.ndarray:
    """One camera frame (BGR uint8) of prepared face layers under `light`.

    Composed in the frame from the face's warped basis planes (`body_compose`): the five lights
    of a face share the warping, so a frame costs a weighted sum, a clip and the blend."""
    if light not in LIGHTS:
        raise ValueError(f"unknown light {light!r}; lights are {', '.join(LIGHTS)}")
    from drivers.camera.body_compose import compose_face_frame

    return compose_face_frame(layers, face, light, seed)


def render_reference(layers: FaceLayers, face: str, light: str, *, seed: int = 0) -> np.ndarray:
    """The same frame computed in the straightforward order — shade the face, clip, warp, blend —
    at ~2x the cost; tests hold the composed frames to it."""
    hom, theta, frame = _placement(layers, face, seed)
    rng = np.random.default_rng([seed, FACES.index(face), LIGHTS.index(light), 13])
    shaded = _shade(layers, light, theta)
    shaded *= layers.alpha[..., None]
    shaded += np.float32(BLACK_LEVEL) * layers.alpha[..., None]   # sensors read black a little above 0
    np.clip(shaded, 0, 255, out=shaded)
    out, vignette = _background(frame, light)
    hh, ww = layers.alpha.shape
    corners = cv2.perspectiveTransform(np.array([[[0, 0], [ww, 0], [ww, hh], [0, hh]]], np.float32), hom)[0]
    x0, y0 = np.maximum(np.floor(corners.min(axis=0)).astype(int) - 2, 0)
    x1, y1 = np.minimum(np.ceil(corners.max(axis=0)).astype(int) + 2, frame)
    shift = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], dtype=np.float64) @ hom
    warp = dict(dsize=(int(x1 - x0), int(y1 - y0)), flags=cv2.INTER_LINEAR,
                borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    face_img = cv2.warpPerspective(shaded, shift, **warp)
    alpha = cv2.warpPerspective(layers.alpha, shift, **warp)[..., None]
    blend = out[y0:y1, x0:x1].astype(np.float32) * (1.0 - alpha) + face_img * vignette[y0:y1, x0:x1, None]
    _round_into(out[y0:y1, x0:x1], blend)
    noise = _noise_bank(frame)
    dx, dy = (int(v) for v in rng.integers(0, NOISE_PAD, 2))
    w, h = frame
    add_noise(out, noise[dy:dy + h, dx:dx + w])
    return out


def render_face(scenario, face: str, light: str, *, mm_per_px: float = 0.05, seed: int = 0) -> np.ndarray:
    """Photo (BGR uint8) of `face` of the scenario's phone under `light` (n/e/s/w/top).

    Back and front frames cover 150 x 200 mm of tray (12 MP at 0.05 mm/px); edge frames show the
    side mirror's 50 x 200 mm (portrait, left/right) or 200 x 50 mm (landscape, top/bottom); at
    finer scales the view shrinks so a frame never exceeds the camera's 3000 x 4000 px, and the
    phone turns less (it must stay in view). The same seed and face give the same pose under
    every light, as on a real rig.
    """
    if mm_per_px <= 0:
        raise ValueError(f"mm_per_px must be positive, got {mm_per_px}")
    # The face's layers and warped planes are built once per phone (drivers/camera/face_store.py).
    return render_with_layers(face_store.layers_for(scenario, face, mm_per_px, seed), face, light, seed=seed)


def render_face_set(scenario, face: str, lights=LIGHTS, *, mm_per_px: float = 0.05,
                    seed: int = 0) -> dict[str, np.ndarray]:
    """All lights for one face, sharing the light-independent work (generators, benchmarks)."""
    layers = face_layers(scenario, face, mm_per_px=mm_per_px, seed=seed)
    return {light: render_with_layers(layers, face, light, seed=seed) for light in lights}
