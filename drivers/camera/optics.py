"""The simulated camera: where the phone lies in the frame, and how light becomes pixel values.

`CameraModel` holds the nuisances a real top-down camera adds — perspective, lens blur,
vignetting, exposure drift, sensor (shot + read) noise, moiré between the panel's pixel grid and
the sensor's, and glare from the rig's lights on the cover glass. `compose_front` photographs a
phone lying face up: tray, body, cover glass, the panel's emission warped through the
display→camera homography, light scattered by cracks in the glass. The response is linear
(raw-like) so relative depths of defects survive; the sensor (sensor.py) adds noise and
quantises to 8 bits, saturating at 255.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

import cv2
import numpy as np

from drivers.camera.sensor import NOISE_BANK, noisy_uint8, noisy_uint8_banded
from drivers.simworld import TOP_CAMERA_MM_PER_PX

WHITE_LEVEL = 215.0          # camera value of a full-white panel at gain 1 (headroom for glare)
LIGHT_LEVEL = 255.0          # camera value of a perfect reflector under 100 % light
TRAY_BGR = (0.58, 0.56, 0.55)
GLASS_REFLECTANCE = 0.03


@dataclass(frozen=True)
class CameraModel:
    size: tuple[int, int] = (3000, 4000)      # frame (width, height): 12 MP, portrait
    mm_per_px: float = TOP_CAMERA_MM_PER_PX      # the simulated rig's calibrated scale at this size
    rotation_deg: float = 0.0                  # phone rotation on the tray (clockwise, image coords)
    offset_px: tuple[float, float] = (0.0, 0.0)
    perspective: tuple[float, float] = (0.0, 0.0)   # keystone, as fraction of size across frame
    blur_sigma: float = 0.7
    vignetting: float = 0.15
    gain: float = 1.0                          # exposure (drifts per frame)
    read_noise: float = 1.5
    shot_noise: float = 0.12                   # variance per level of signal
    moire: float = 0.05
    moire_phase: tuple[float, float] = (0.3, 1.1)
    glare: tuple[float, float, float, float] = (0.65, 0.3, 0.25, 0.0)   # x, y (frame fractions), sigma (of width), amplitude (of white)
    display_corner_px: float = 0.0            # rounded corners of the active area
    extra: dict = field(default_factory=dict, compare=False)

    def scaled(self, size: tuple[int, int]) -> "CameraModel":
        """The same camera at another resolution (the preview stream)."""
        k = size[0] / self.size[0]
        return replace(self, size=size, mm_per_px=self.mm_per_px / k,
                       offset_px=(self.offset_px[0] * k, self.offset_px[1] * k),
                       blur_sigma=max(0.4, self.blur_sigma * k))


def fit_mm_per_px(body_size_mm: tuple[float, float], size: tuple[int, int], fill: float = 0.9) -> float:
    """Scale at which the phone body fills `fill` of the frame's tighter dimension."""
    return max(body_size_mm[0] / (fill * size[0]), body_size_mm[1] / (fill * size[1]))


def body_to_camera(cam: CameraModel, body_mm: tuple[float, float]) -> np.ndarray:
    """3x3 homography from body millimetres (origin top-left of the face) to camera pixels."""
    w, h = cam.size
    s = 1.0 / cam.mm_per_px
    t = np.deg2rad(cam.rotation_deg)
    c, si = np.cos(t) * s, np.sin(t) * s
    cx, cy = w / 2 + cam.offset_px[0], h / 2 + cam.offset_px[1]
    bx, by = body_mm[0] / 2, body_mm[1] / 2
    sim = np.array([[c, -si, cx - c * bx + si * by], [si, c, cy - si * bx - c * by], [0, 0, 1]])
    px, py = cam.perspective[0] / w, cam.perspective[1] / h
    persp = np.array([[1, 0, 0], [0, 1, 0], [px, py, 1.0]])
    to_c = np.array([[1, 0, -w / 2], [0, 1, -h / 2], [0, 0, 1.0]])
    from_c = np.array([[1, 0, w / 2], [0, 1, h / 2], [0, 0, 1.0]])
    return from_c @ persp @ to_c @ sim


def display_to_camera(cam: CameraModel, display: dict, body_mm: tuple[float, float]) -> np.ndarray:
    """Homography from display pixel coordinates (pixel centres at integers) to camera pixels."""
    W, H = int(display["width"]), int(display["height"])
    aw, ah = display["active_mm"]
    ox, oy = display.get("offset_mm", [(body_mm[0] - aw) / 2, (body_mm[1] - ah) / 2])
    sx, sy = aw / W, ah / H
    a = np.array([[sx, 0, ox + 0.5 * sx], [0, sy, oy + 0.5 * sy], [0, 0, 1.0]])
    return body_to_camera(cam, body_mm) @ a


def rounded_rect_mm(w: float, h: float, r: float, n: int = 10) -> np.ndarray:
    """Outline of a rounded rectangle (origin top-left), as an (N, 2) polygon."""
    r = max(0.0, min(r, w / 2, h / 2))
    pts = []
    for cx, cy, a0 in ((w - r, r, -90), (w - r, h - r, 0), (r, h - r, 90), (r, r, 180)):
        for a in np.deg2rad(np.linspace(a0, a0 + 90, n)):
            pts.append((cx + r * np.cos(a), cy + r * np.sin(a)))
    return np.asarray(pts, np.float64)


def _warp_points(hmg: np.ndarray, pts: np.ndarray) -> np.ndarray:
    return cv2.perspectiveTransform(pts.reshape(-1, 1, 2).astype(np.float64), hmg).reshape(-1, 2)


def poly_mask(size: tuple[int, int], pts: np.ndarray) -> np.ndarray:
    """Antialiased float32 mask of a polygon given in camera pixels."""
    mask = np.zeros((size[1], size[0]), np.uint8)
    cv2.fillPoly(mask, [np.round(pts * 16).astype(np.int32)], 255, cv2.LINE_AA, shift=4)
    return mask.astype(np.float32) * (1.0 / 255.0)


def illumination(size: tuple[int, int], lights: dict) -> np.ndarray:
    """Irradiance on the tray from the top light and the four raking lights (0..~1.3)."""
    w, h = size
    x = np.linspace(0.0, 1.0, w, dtype=np.float32)[None, :]
    y = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None]
    lv = {k: float(lights.get(k, 0)) / 100.0 for k in ("top", "n", "e", "s", "w")}
    out = np.full((h, w), 0.01 + 0.9 * lv["top"], np.float32)
    # A raking light is brightest at its own edge and falls off across the tray.
    out = out + lv["n"] * (0.25 + 0.55 * (1 - y)) + lv["s"] * (0.25 + 0.55 * y)
    out = out + lv["w"] * (0.25 + 0.55 * (1 - x)) + lv["e"] * (0.25 + 0.55 * x)
    return out


def moire_mask(cam: CameraModel, scale: float, roi: tuple[int, int, int, int]) -> np.ndarray:
    """Beat pattern between the display's pixel grid (pitch `scale` camera px) and the sensor grid.

    The grid's first and second harmonics alias against the sensor's sampling; cos(a + b) is split
    into outer products so the whole map costs a few multiplies per pixel.
    """
    x0, y0, x1, y1 = roi
    xs = np.arange(x0, x1, dtype=np.float64)
    ys = np.arange(y0, y1, dtype=np.float64)
    t = np.deg2rad(cam.rotation_deg)
    out = np.ones((y1 - y0, x1 - x0), np.float32)
    for axis, (kx, ky) in enumerate(((np.cos(t), np.sin(t)), (-np.sin(t), np.cos(t)))):
        for harmonic, weight in ((1, 0.6), (2, 0.4)):
            fx, fy = harmonic * kx / scale, harmonic * ky / scale
            fx, fy = fx - np.round(fx), fy - np.round(fy)
            a = 2 * np.pi * fx * xs + cam.moire_phase[axis] * harmonic
            b = 2 * np.pi * fy * ys
            amp = cam.moire * weight
            out += np.outer(amp * np.sin(b), -np.sin(a)).astype(np.float32)
            out += np.outer(amp * np.cos(b), np.cos(a)).astype(np.float32)
    return out


def vignette(size: tuple[int, int], strength: float) -> np.ndarray:
    w, h = size
    x = (np.arange(w, dtype=np.float32) - w / 2) / (0.5 * np.hypot(w, h))
    y = (np.arange(h, dtype=np.float32) - h / 2) / (0.5 * np.hypot(w, h))
    r2 = x[None, :] ** 2 + y[:, None] ** 2
    return 1.0 / (1.0 + strength * r2) ** 2


def add_glare(cam: CameraModel, radiance: np.ndarray) -> None:
    """A soft reflection of a rig light on the cover glass (Gaussian, within 3 sigma only)."""
    gx, gy, gs, amp = cam.glare
    if amp <= 0:
        return
    w, h = cam.size
    sigma = gs * w
    x0, x1 = max(0, int(gx * w - 3 * sigma)), min(w, int(gx * w + 3 * sigma) + 1)
    y0, y1 = max(0, int(gy * h - 3 * sigma)), min(h, int(gy * h + 3 * sigma) + 1)
    if x1 <= x0 or y1 <= y0:
        return
    x = np.exp(-0.5 * ((np.arange(x0, x1, dtype=np.float32) - gx * w) / sigma) ** 2)
    y = np.exp(-0.5 * ((np.arange(y0, y1, dtype=np.float32) - gy * h) / sigma) ** 2)
    blob = np.outer(y * np.float32(amp * WHITE_LEVEL * cam.gain), x)
    radiance[y0:y1, x0:x1] += blob[..., None]


@lru_cache(maxsize=8)
def _vignette_cached(size: tuple[int, int], strength: float) -> np.ndarray:
    return vignette(size, strength)


def expose(cam: CameraModel, radiance: np.ndarray, rng: np.random.Generator,
           blur_roi: tuple[int, int, int, int] | None = None, vignetted: bool = False) -> np.ndarray:
    """Exposure gain, vignetting, lens blur, sensor noise, 8-bit quantisation (in place on `radiance`).

    `blur_roi` limits the lens blur to where there is detail (the rest is smooth tray).
    """
    if not vignetted:
        g = _vignette_cached(cam.size, cam.vignetting) * np.float32(cam.gain)
        radiance *= g[..., None] if radiance.ndim == 3 else g
    if cam.blur_sigma > 0:
        x0, y0, x1, y1 = blur_roi or (0, 0, cam.size[0], cam.size[1])
        if x1 > x0 and y1 > y0:
            roi = radiance[y0:y1, x0:x1]
            roi[...] = cv2.GaussianBlur(roi, (0, 0), cam.blur_sigma)
    return noisy_uint8(cam, radiance, int(rng.integers(NOISE_BANK)))


def compose_front(cam: CameraModel, scene: dict, emission: np.ndarray | None,
                  crack: np.ndarray | None, lights: dict, rng: np.random.Generator) -> np.ndarray:
    """Photograph the phone face up (or the empty tray when `scene` has no body)."""
    roi, lit = _lit_scene(replace(cam, gain=1.0), _body_key(scene), _lights_key(lights))
    if roi is None:                       # the empty tray: blurred and exposed whole
        return expose(cam, lit * np.float32(cam.gain), rng, vignetted=True)
    # Only the body's box holds detail (emission, cracks, blur); the rest of the frame is the
    # cached lit tray times the exposure. The frame is formed band by band inside the noise pass
    # (each band's emission warped, blurred with a halo of rows, noised), so no 12 MP float frame
    # and no box-sized intermediate ever leaves the cache. Same values as forming it whole.
    x0, y0, x1, y1 = roi
    gain = np.float32(cam.gain)
    body_mm = tuple(scene["body"]["size_mm"][:2])
    sources = []
    if emission is not None:
        hd = display_to_camera(cam, scene["display"], body_mm)
        sources.append(_emission_rows(cam, emission, hd, scene["display"]))
    if crack is not None and crack.any():
        sources.append(_crack_rows(cam, crack, scene["display"], body_mm, lights))
    sources = [src for src in sources if src is not None]

    def formed(fa: int, fb: int) -> np.ndarray:            # frame rows fa..fb of the box, unblurred
        rows = lit[fa:fb, x0:x1] * gain
        for add in sources:
            add(rows, fa, fb, x0)
        return rows

    halo = ((int(round(cam.blur_sigma * 8 + 1)) | 1) // 2 + 2) if cam.blur_sigma > 0 else 0

    def box_rows(fa: int, fb: int) -> np.ndarray:          # ... lens-blurred (as the whole box would be)
        if not halo:
            return formed(fa, fb)
        pa, pb = max(y0, fa - halo), min(y1, fb + halo)
        return cv2.GaussianBlur(formed(pa, pb), (0, 0), cam.blur_sigma)[fa - pa:fb - pa]

    return noisy_uint8_banded(cam, lit, box_rows, roi, int(rng.integers(NOISE_BANK)))


def _body_key(scene: dict) -> tuple | None:
    """What of the scene's phone the cached lit scene depends on (None: the empty tray)."""
    body = scene.get("body")
    if body is None:
        return None
    bw, bh = body["size_mm"][:2]
    disp = scene.get("display") or {}
    key_display = None
    if disp:
        aw, ah = disp["active_mm"]
        ox, oy = disp.get("offset_mm", [(bw - aw) / 2, (bh - ah) / 2])
        key_display = (float(ox), float(oy), float(aw), float(ah))
    return ((float(bw), float(bh)), float(body.get("corner_radius_mm", 6.0)),
            tuple(int(v) for v in body.get("color_rgb", (30, 30, 30))), key_display)


def _lights_key(lights: dict) -> tuple[int, ...]:
    return tuple(int(lights.get(k, 0)) for k in ("top", "n", "e", "s", "w"))


def prepare_front(cam: CameraModel, scene: dict, lights: list[dict]) -> None:
    """Fill the caches a photograph of the phone face up reads — the lit scene under each of
    `lights`, the panel's moiré x vignetting gain — so the first frames need not build them."""
    base = replace(cam, gain=1.0)
    for light in lights:
        _lit_scene(base, _body_key(scene), _lights_key(light))
    display, body = scene.get("display"), scene.get("body")
    if display and body:
        hd = display_to_camera(cam, display, tuple(body["size_mm"][:2]))
        px0, py0, px1, py1 = _panel_roi(cam, hd, display)
        if px1 > px0 and py1 > py0:
            _panel_gain(cam, hd, (px0, py0, px1, py1))


@lru_cache(maxsize=3)     # the three face-up lightings of an inspection (frameset.face_up_lights)
def _lit_scene(cam: CameraModel, body: tuple | None, lights: tuple[int, ...]):
    """Radiance of tray and body (no emission) at gain 1 under `lights`, with the lights' glare on
    the cover glass, and the body's box. Cached: consecutive frames of a set share it; only the
    screen and the exposure change (glare, like everything else, scales with the exposure gain)."""
    light = illumination(cam.size, dict(zip(("top", "n", "e", "s", "w"), lights)))
    light *= _vignette_cached(cam.size, cam.vignetting)
    light *= np.float32(LIGHT_LEVEL)
    radiance = cv2.merge([light * np.float32(t) for t in TRAY_BGR])
    roi = None
    if body is not None:
        roi, refl = _front_reflectance(cam, *body)
        x0, y0, x1, y1 = roi
        radiance[y0:y1, x0:x1] = refl * light[y0:y1, x0:x1, None]
    add_glare(cam, radiance)
    radiance.setflags(write=False)
    return roi, radiance


@lru_cache(maxsize=2)
def _front_reflectance(cam: CameraModel, body_mm: tuple[float, float], radius: float,
                       rgb: tuple[int, int, int], active: tuple[float, float, float, float] | None = None,
                       ) -> tuple[tuple[int, int, int, int], np.ndarray]:
    """Reflectance (BGR) around the phone: tray, body rim, cover glass. Cached: it does not
    change between the frames of a set."""
    w, h = cam.size
    bw, bh = body_mm
    hb = body_to_camera(cam, body_mm)
    outline = _warp_points(hb, rounded_rect_mm(bw, bh, radius))
    panel = None
    if active is not None:
        # The active area is glass whatever the scenario's bezels say (a panel reaching past the
        # body's outline must not show tray through it).
        ox, oy, aw, ah = active
        panel = _warp_points(hb, np.array([[ox, oy], [ox + aw, oy], [ox + aw, oy + ah], [ox, oy + ah]]))
        outline = np.concatenate([outline, panel])
    pad = 8 + int(4 * cam.blur_sigma)
    x0, y0 = np.maximum(0, np.floor(outline.min(axis=0)).astype(int) - pad)
    x1, y1 = np.minimum((w, h), np.ceil(outline.max(axis=0)).astype(int) + pad)
    shift = np.array([x0, y0], np.float64)
    rsize = (int(x1 - x0), int(y1 - y0))
    m_body = poly_mask(rsize, _warp_points(hb, rounded_rect_mm(bw, bh, radius)) - shift)[..., None]
    inset = 0.8
    glass = rounded_rect_mm(bw - 2 * inset, bh - 2 * inset, max(0.5, radius - inset)) + inset
    m_glass = poly_mask(rsize, _warp_points(hb, glass) - shift)
    if panel is not None:
        m_glass = np.maximum(m_glass, poly_mask(rsize, panel - shift))
    m_glass = m_glass[..., None]
    r, g, b = rgb
    refl = np.float32(TRAY_BGR) * (1 - m_body) + np.float32([b / 255, g / 255, r / 255]) * m_body
    refl = refl * (1 - m_glass) + np.float32(GLASS_REFLECTANCE) * m_glass
    refl.setflags(write=False)
    return (int(x0), int(y0), int(x1), int(y1)), refl


@lru_cache(maxsize=4)
def _moire_cached(cam: CameraModel, scale: float, roi: tuple[int, int, int, int]) -> np.ndarray:
    m = moire_mask(cam, scale, roi)
    m.setflags(write=False)
    return m


def _panel_roi(cam: CameraModel, hd: np.ndarray, display: dict, pad: int = 4):
    W, H = int(display["width"]), int(display["height"])
    corners = _warp_points(hd, np.array([[-0.5, -0.5], [W - 0.5, -0.5], [W - 0.5, H - 0.5], [-0.5, H - 0.5]]))
    x0, y0 = np.floor(corners.min(axis=0)).astype(int) - pad
    x1, y1 = np.ceil(corners.max(axis=0)).astype(int) + pad
    w, h = cam.size
    return max(0, x0), max(0, y0), min(w, x1), min(h, y1)


def _emission_rows(cam: CameraModel, emission: np.ndarray, hd: np.ndarray, display: dict):
    """`add(rows, fa, fb, x0)`: adds the panel's light to frame rows fa..fb (`rows` starts at
    column x0), warping only those rows of the panel; None if the panel is out of view."""
    px0, py0, px1, py1 = _panel_roi(cam, hd, display)
    if px1 <= px0 or py1 <= py0:
        return None
    if cam.display_corner_px > 0:
        emission = emission * _corner_mask(emission.shape[1], emission.shape[0], cam.display_corner_px)[..., None]
    # Pad by one black pixel so the panel's edge is antialiased like the glass around it.
    padded = cv2.copyMakeBorder(emission, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    unpad = np.array([[1, 0, 1], [0, 1, 1], [0, 0, 1.0]])
    hm = np.array([[1, 0, -px0], [0, 1, -py0], [0, 0, 1.0]]) @ hd @ np.linalg.inv(unpad)
    gain = _panel_gain(cam, hd, (px0, py0, px1, py1))
    exposure = float(cam.gain)

    def add(rows: np.ndarray, fa: int, fb: int, x0: int) -> None:
        a, b = max(fa, py0), min(fb, py1)
        if a >= b:
            return
        band = np.array([[1, 0, 0], [0, 1, -(a - py0)], [0, 0, 1.0]]) @ hm
        warped = cv2.warpPerspective(padded, band, (px1 - px0, b - a), flags=cv2.INTER_LINEAR,
                                     borderMode=cv2.BORDER_CONSTANT, borderValue=0)
        cv2.multiply(warped, gain[a - py0:b - py0], dst=warped, scale=exposure)
        target = rows[a - fa:b - fa, px0 - x0:px1 - x0]
        np.add(target, warped, out=target)

    return add


def _crack_rows(cam: CameraModel, crack: np.ndarray, display: dict, body_mm: tuple[float, float],
                lights: dict):
    """`add(rows, fa, fb, x0)` for the light cracked glass scatters (the 'off' frame's glowing cracks)."""
    lv = {k: float(lights.get(k, 0)) / 100.0 for k in ("top", "n", "e", "s", "w")}
    strength = 0.55 * min(1.0, lv["n"] + lv["e"] + lv["s"] + lv["w"]) + 0.12 * lv["top"]
    if strength <= 0:
        return None
    hd = display_to_camera(cam, display, body_mm)
    px0, py0, px1, py1 = _panel_roi(cam, hd, display)
    shift = np.array([[1, 0, -px0], [0, 1, -py0], [0, 0, 1.0]])
    warped = cv2.warpPerspective(crack, shift @ hd, (px1 - px0, py1 - py0), flags=cv2.INTER_LINEAR)
    glow = warped * (_vignette_cached(cam.size, cam.vignetting)[py0:py1, px0:px1]
                     * np.float32(cam.gain * strength * LIGHT_LEVEL))

    def add(rows: np.ndarray, fa: int, fb: int, x0: int) -> None:
        a, b = max(fa, py0), min(fb, py1)
        if a < b:
            rows[a - fa:b - fa, px0 - x0:px1 - x0] += glow[a - py0:b - py0, :, None]

    return add


def _panel_gain(cam: CameraModel, hd: np.ndarray, roi: tuple[int, int, int, int]) -> np.ndarray:
    """`_emission_gain` for the panel at homography `hd` over `roi` (the one key frames and the
    warm-up share: the display's pitch in camera px, the box, the camera at gain 1)."""
    scale = float(np.sqrt(abs(np.linalg.det(hd[:2, :2]))))
    return _emission_gain(replace(cam, gain=1.0), round(scale, 6), tuple(int(v) for v in roi))


@lru_cache(maxsize=2)
def _emission_gain(cam: CameraModel, scale: float, roi: tuple[int, int, int, int]) -> np.ndarray:
    """What a unit of panel emission becomes at gain 1 over the panel's box: moiré x vignetting x
    white level, per BGR channel (same-shaped arrays multiply ~3x faster than a broadcast)."""
    x0, y0, x1, y1 = roi
    gain = _vignette_cached(cam.size, cam.vignetting)[y0:y1, x0:x1] * np.float32(WHITE_LEVEL)
    if cam.moire > 0:
        gain = gain * _moire_cached(cam, scale, roi)
    out = cv2.merge([gain.astype(np.float32)] * 3)
    out.setflags(write=False)
    return out


def _corner_mask(w: int, h: int, r: float) -> np.ndarray:
    mask = np.zeros((h, w), np.uint8)
    pts = rounded_rect_mm(w, h, r, n=16) - 0.5
    cv2.fillPoly(mask, [np.round(pts * 16).astype(np.int32)], 255, cv2.LINE_AA, shift=4)
    return mask.astype(np.float32) / 255.0
