"""Body photos composed in the camera frame from per-face basis planes (the physics is in
`body_render`; this is how a frame of it is computed cheaply).

Before tone clipping, a face's radiance is linear in a few light-independent planes: albedo
(colour x a grey scale), albedo times the face's x and y coordinates (a raking light's fall-off is
a plane in face coordinates), the relief's slopes, the isotropic scatter, each scratch's profile,
and the top light's extra terms. Each plane, multiplied by the outline, is warped into the frame
ONCE per face pose (`face_basis`, cached on the layers); a frame under one light is then a
weighted sum of warped planes per colour channel, clipped to 0..255, vignetted and blended over
the tray. Warping is linear, so this equals warping the shaded face (the straightforward order)
except where the clip is active inside one interpolation footprint (measured against
`body_render.render_reference`: ≤ 1 level almost everywhere, ≤ 8 levels on < 0.04 % of a frame
at the right edge's button outlines); it costs well under half the float work.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from drivers.camera import body_render as br
from drivers.camera.bands import in_two_halves

try:
    from drivers.camera import _compose         # a body photo's rows in C (drivers/camera/_compose.c)
except ImportError:                             # built without a C compiler: same bytes, more CPU
    _compose = None


@dataclass(frozen=True)
class FaceBasis:
    """A face in one pose, as warped planes over its bounding box in the frame (read-only)."""

    frame: tuple[int, int]
    box: tuple[int, int, int, int]            # x0, y0, x1, y1 in the frame
    theta: float
    color: tuple[float, float, float]          # BGR albedo of the face's material
    face_shape: tuple[int, int]                # face layers (h, w), for the raking ramp's range
    albedo: np.ndarray                         # alpha * albedo scale
    albedo_x: np.ndarray                       # ... times the face column index
    albedo_y: np.ndarray                       # ... times the face row index
    slope_x: np.ndarray | None                 # alpha * d(height)/dx (None: a flat face)
    slope_y: np.ndarray | None
    rake_rest: np.ndarray                      # alpha * (isotropic scatter + black level)
    top_rest: np.ndarray                       # alpha * (top-light extras - slope darkening + black level)
    scratches: tuple                           # ((slice_y, slice_x), warped alpha*profile, direction, top fraction)
    inv_alpha: np.ndarray                      # 1 - warped outline, (h, w)
    vignette: np.ndarray                       # the frame's vignetting over the box, (h, w)


def _warp(plane: np.ndarray, hom: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    out = cv2.warpPerspective(np.ascontiguousarray(plane, dtype=np.float32), hom, size, flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    out.setflags(write=False)
    return out


def _albedo_scale(layers: br.FaceLayers) -> tuple[np.ndarray, tuple[float, float, float]]:
    """albedo = colour x scale: every albedo feature (lens glass, cavities, the display area) dims
    all three channels by the same factor, so one grey plane carries it."""
    color = np.asarray(layers.color, np.float32)
    k = int(np.argmax(color))
    if color[k] <= 0:
        return np.zeros(layers.alpha.shape, np.float32), (0.0, 0.0, 0.0)
    return layers.albedo[..., k] / color[k], tuple(float(c) for c in color)


def face_basis(layers: br.FaceLayers, face: str, seed: int) -> FaceBasis:
    """The warped planes of a face in its pose (face + seed), cached on the layers."""
    key = ("basis", face, seed)
    basis = layers.views.get(key)
    if basis is not None:
        return basis
    hom, theta, frame = br._placement(layers, face, seed)
    hh, ww = layers.alpha.shape
    corners = cv2.perspectiveTransform(np.array([[[0, 0], [ww, 0], [ww, hh], [0, hh]]], np.float32), hom)[0]
    x0, y0 = np.maximum(np.floor(corners.min(axis=0)).astype(int) - 2, 0)
    x1, y1 = np.minimum(np.ceil(corners.max(axis=0)).astype(int) + 2, frame)
    shift = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], dtype=np.float64) @ hom
    size = (int(x1 - x0), int(y1 - y0))
    alpha = layers.alpha
    scale, color = _albedo_scale(layers)
    gx, gy = br._slopes(layers)
    a_scale = alpha * scale
    xs = np.arange(ww, dtype=np.float32)[None, :]
    ys = np.arange(hh, dtype=np.float32)[:, None]
    black = np.float32(br.BLACK_LEVEL)
    warped_alpha = _warp(alpha, shift, size)
    # Most faces have no relief and no scatter: those planes are zero (or black level x outline),
    # so they are not warped at all.
    relief = bool(gx.any() or gy.any())
    black_only = warped_alpha * black
    black_only.setflags(write=False)
    if layers.iso.any():
        rake_rest = _warp(alpha * (layers.iso + black), shift, size)
    else:
        rake_rest = black_only
    if relief or layers.top_add.any():
        top_rest = _warp(alpha * (layers.top_add - 40.0 * np.sqrt(gx * gx + gy * gy) + black), shift, size)
    else:
        top_rest = black_only
    scratches = []
    for sl, profile, direction, top_frac in layers.scratches:
        piece = _warp_piece(alpha[sl] * profile, sl, shift, size)
        if piece is not None:
            scratches.append((piece[0], piece[1], direction, top_frac))
    inv_alpha = 1.0 - warped_alpha
    vignette = np.ascontiguousarray(br._vignette_full(frame)[y0:y1, x0:x1])
    for a in (inv_alpha, vignette):
        a.setflags(write=False)
    basis = FaceBasis(
        frame=frame, box=(int(x0), int(y0), int(x1), int(y1)), theta=theta, color=color, face_shape=(hh, ww),
        albedo=_warp(a_scale, shift, size), albedo_x=_warp(a_scale * xs, shift, size),
        albedo_y=_warp(a_scale * ys, shift, size),
        slope_x=_warp(alpha * gx, shift, size) if relief else None,
        slope_y=_warp(alpha * gy, shift, size) if relief else None,
        rake_rest=rake_rest, top_rest=top_rest, scratches=tuple(scratches),
        inv_alpha=inv_alpha, vignette=vignette)
    layers.views[key] = basis
    return basis


def _warp_piece(values: np.ndarray, sl: tuple[slice, slice], shift: np.ndarray, size: tuple[int, int]):
    """Warp a small face-space patch (at slice `sl`) into the box: (box slices, warped patch)."""
    fy0, fx0 = sl[0].start, sl[1].start
    h, w = values.shape
    pts = np.array([[[fx0, fy0], [fx0 + w, fy0], [fx0 + w, fy0 + h], [fx0, fy0 + h]]], np.float32)
    corners = cv2.perspectiveTransform(pts, shift)[0]
    bx0, by0 = np.maximum(np.floor(corners.min(axis=0)).astype(int) - 2, 0)
    bx1, by1 = np.minimum(np.ceil(corners.max(axis=0)).astype(int) + 2, size)
    if bx1 <= bx0 or by1 <= by0:
        return None
    hom = (np.array([[1, 0, -bx0], [0, 1, -by0], [0, 0, 1]], dtype=np.float64) @ shift
           @ np.array([[1, 0, fx0], [0, 1, fy0], [0, 0, 1]], dtype=np.float64))
    return (slice(int(by0), int(by1)), slice(int(bx0), int(bx1))), _warp(values, hom, (int(bx1 - bx0), int(by1 - by0)))


BAND_ROWS = 48      # rows composed at a time: every intermediate stays in cache, not in DRAM


@dataclass(frozen=True)
class _LightMix:
    """One light as weights on the basis planes: P = sum(w * plane), Q likewise, plus scratches."""

    p_terms: tuple                    # ((plane, weight), ...)
    q_base: np.ndarray                # Q's unit-weight plane
    q_terms: tuple                    # ((plane, weight), ...) added to it
    scratches: tuple                  # ((box slices, warped piece, weight), ...)


def _light_mix(basis: FaceBasis, light: str) -> _LightMix:
    if light == "top":
        scratches = tuple((sl, piece, np.float32(top_frac)) for sl, piece, _d, top_frac in basis.scratches
                          if top_frac)
        return _LightMix(((basis.albedo, np.float32(br.K_TOP)),), basis.top_rest, (), scratches)
    tx, ty = br.LIGHT_TRAVEL[light]
    c, s = math.cos(basis.theta), math.sin(basis.theta)     # the light's travel direction on the face
    lx, ly = c * tx + s * ty, -s * tx + c * ty
    # The raking fall-off: K * (1 - 0.15 * (r - lo) / span), r = x*lx + y*ly over the face grid;
    # a plane, so its range is at the grid's corners.
    hh, ww = basis.face_shape
    r = [np.float32(x) * np.float32(lx) + np.float32(y) * np.float32(ly) for x in (0, ww - 1) for y in (0, hh - 1)]
    lo, span = float(min(r)), max(float(max(r) - min(r)), 1.0)
    k = br.K_RAKE_BODY
    p_terms = ((basis.albedo_x, -0.15 * k * lx / span), (basis.albedo_y, -0.15 * k * ly / span),
               (basis.albedo, k * (1.0 + 0.15 * lo / span)))
    q_terms = () if basis.slope_x is None else ((basis.slope_x, br.K_SLOPE * lx), (basis.slope_y, br.K_SLOPE * ly))
    scratches = tuple((sl, piece, np.float32(br.ALONG_FLOOR + (1 - br.ALONG_FLOOR) * abs(dx * ly - dy * lx)))
                      for sl, piece, (dx, dy), _t in basis.scratches)
    return _LightMix(p_terms, basis.rake_rest, q_terms, scratches)


def _band_planes(mix: _LightMix, r0: int, r1: int) -> tuple[np.ndarray, np.ndarray]:
    """(P, Q) over box rows r0..r1: the face's radiance in channel c is colour[c] * P + Q."""
    if len(mix.p_terms) == 1:
        (plane, weight), = mix.p_terms
        p = plane[r0:r1] * weight
    else:
        (ax, wx), (ay, wy), (a, w0) = mix.p_terms
        p = cv2.addWeighted(ax[r0:r1], wx, ay[r0:r1], wy, 0.0)
        cv2.scaleAdd(a[r0:r1], w0, p, dst=p)
    if mix.q_terms:
        (gx, wx), (gy, wy) = mix.q_terms
        q = cv2.addWeighted(gx[r0:r1], wx, gy[r0:r1], wy, 0.0)
        cv2.add(q, mix.q_base[r0:r1], dst=q)
    else:
        q = mix.q_base[r0:r1].copy()
    for (sy, sx), piece, weight in mix.scratches:
        a, b = max(r0, sy.start), min(r1, sy.stop)
        if a < b:
            q[a - r0:b - r0, sx] += weight * piece[a - sy.start:b - sy.start]
    return p, q


def compose_face_frame(layers: br.FaceLayers, face: str, light: str, seed: int) -> np.ndarray:
    """One camera frame (BGR uint8) of the face under `light` (see module doc)."""
    basis = face_basis(layers, face, seed)
    rng = np.random.default_rng([seed, br.FACES.index(face), br.LIGHTS.index(light), 13])
    mix = _light_mix(basis, light)
    tray = br._tray_full(basis.frame, light)
    out = np.empty_like(tray)
    noise = br._noise_bank(basis.frame)
    offset = tuple(int(v) for v in rng.integers(0, br.NOISE_PAD, 2))
    y0, y1 = basis.box[1], basis.box[3]
    h = basis.frame[1]
    # Two halves of the frame on two threads (no GIL in the C or OpenCV calls): the same pixels,
    # developed in about half the time when the other core is free.
    split = y0 + ((y1 - y0) // 2 // BAND_ROWS) * BAND_ROWS
    in_two_halves(lambda: _compose_rows(basis, mix, tray, noise, offset, out, 0, split),
                  lambda: _compose_rows(basis, mix, tray, noise, offset, out, split, h))
    return out


def _compose_rows(basis: FaceBasis, mix: _LightMix, tray: np.ndarray, noise: np.ndarray,
                  offset: tuple[int, int], out: np.ndarray, a: int, b: int) -> None:
    """Frame rows a..b into `out`: the tray, the face blended over it in the box, then the noise
    (the signed bank `noise` read from `offset` = (dx, dy)). Box rows go in bands of BAND_ROWS,
    so every intermediate stays in cache."""
    x0, y0, x1, y1 = basis.box
    top, bottom = max(a, y0), min(b, y1)
    spans = [(a, min(b, top), False)] + [(r, min(bottom, r + BAND_ROWS), True) for r in range(top, bottom, BAND_ROWS)]
    spans.append((max(a, bottom), b, False))
    for r0, r1, in_box in spans:
        if r0 >= r1:
            continue
        box = None
        if in_box:
            p, q = _band_planes(mix, r0 - y0, r1 - y0)
            box = (p, q, basis.vignette[r0 - y0:r1 - y0], basis.inv_alpha[r0 - y0:r1 - y0], basis.color, x0, x1)
        if _compose is not None:
            w = tray.shape[1]
            _compose.compose_rows(tray, noise, out, (w, r0, r1 - r0, noise.shape[1], *offset), box)
        else:
            _compose_rows_opencv(tray, noise, offset, out, r0, r1, box)


def _compose_rows_opencv(tray: np.ndarray, noise: np.ndarray, offset: tuple[int, int],
                         out: np.ndarray, r0: int, r1: int, box: tuple | None) -> None:
    """`_compose_rows`' per-pixel work in OpenCV passes (no C compiler): the same bytes."""
    out[r0:r1] = tray[r0:r1]
    if box is not None:
        p, q, vignette, inv_alpha, color, x0, x1 = box
        region = out[r0:r1, x0:x1]
        shaded = cv2.merge([cv2.addWeighted(p, color[ch], q, 1.0, 0.0) for ch in range(3)])
        flat = shaded.reshape(r1 - r0, -1)              # 2-D view: a scalar applies to every channel
        cv2.max(flat, 0.0, dst=flat)
        cv2.min(flat, 255.0, dst=flat)
        cv2.multiply(shaded, cv2.merge([vignette] * 3), dst=shaded)
        blend = cv2.multiply(region, cv2.merge([inv_alpha] * 3), dtype=cv2.CV_32F)
        cv2.add(blend, shaded, dst=blend)
        region[...] = cv2.convertScaleAbs(blend)        # rounds and saturates to 0..255
    (dx, dy), w = offset, tray.shape[1]
    br.add_noise(out[r0:r1], noise[dy + r0:dy + r1, dx:dx + w])
