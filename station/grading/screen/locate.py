"""Finding the lit panel in a camera frame, and the camera <-> display homography.

Coarse: on a ~640 px copy, the brightest channel is thresholded (Otsu), small dark gaps closed
(a dead row must not split the panel), and the largest bright, rectangular, portrait region that
does not touch the frame border is taken (the dim tray around the phone touches it).
Fine: the panel's four edges are measured at full resolution — intensity profiles across each
edge, sampled at ~40 places away from the (possibly rounded) corners, give the 50 % crossing
with sub-pixel precision — and a robust line fit per edge gives the corners as intersections.
That is accurate to a fraction of a display pixel under ±10° rotation and mild perspective.
"""

from __future__ import annotations

import cv2
import numpy as np

COARSE_SIDE = 640
EDGE_SAMPLES = 40


def locate_panel(frame: np.ndarray, display_size: tuple[int, int] | None = None,
                 refine: bool = True) -> np.ndarray | None:
    """Corners (TL, TR, BR, BL) of the lit panel in frame pixels, float32 (4, 2), or None.

    The corners are the panel's outer edges (display coordinates -0.5 and size-0.5).
    `display_size` (width, height) lets the aspect ratio reject look-alike rectangles.
    """
    coarse = coarse_corners(frame, display_size)
    if coarse is None or not refine:
        return coarse
    fine = refine_corners(frame, coarse)
    return fine if fine is not None else coarse


def _small(frame: np.ndarray) -> tuple[np.ndarray, float]:
    """A ~640 px copy, brightest channel. Plain decimation: the panel is hundreds of pixels
    across, the blur that follows averages the noise, and filtering 12 MP would cost more than
    everything else the coarse search does."""
    h, w = frame.shape[:2]
    step = max(1, int(round(max(h, w) / COARSE_SIDE)))
    small = np.ascontiguousarray(frame[::step, ::step])
    if small.ndim == 3:
        planes = cv2.split(small)
        small = planes[0]
        for p in planes[1:3]:
            small = cv2.max(small, p)
    return small, 1.0 / step


def coarse_corners(frame: np.ndarray, display_size: tuple[int, int] | None = None) -> np.ndarray | None:
    small, k = _small(frame)
    h, w = small.shape
    small = cv2.GaussianBlur(small, (3, 3), 0)
    thr, mask = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if thr < 12:      # nothing lit: an all-dark frame has no panel to find
        return None
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    want = None
    if display_size:
        dw, dh = display_size
        want = max(dw, dh) / min(dw, dh)
    best, best_area = None, 0.0
    for c in contours:
        area = cv2.contourArea(c)
        if area < 0.02 * w * h or area <= best_area:
            continue
        x, y, bw, bh = cv2.boundingRect(c)
        if x <= 1 or y <= 1 or x + bw >= w - 1 or y + bh >= h - 1:
            continue
        rect = cv2.minAreaRect(c)
        rw, rh = rect[1]
        if rw * rh <= 0 or area / (rw * rh) < 0.85:
            continue
        aspect = max(rw, rh) / min(rw, rh)
        if want is not None and abs(aspect - want) / want > 0.12:
            continue
        if bh < bw:       # the phone lies portrait (top up, within ±10°)
            continue
        best, best_area = rect, area
    if best is None:
        return None
    return order_corners(cv2.boxPoints(best)) / k


def order_corners(pts: np.ndarray) -> np.ndarray:
    """TL, TR, BR, BL for a roughly upright quadrilateral."""
    pts = np.asarray(pts, np.float32).reshape(4, 2)
    s, d = pts.sum(axis=1), pts[:, 1] - pts[:, 0]
    return np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]], np.float32)


def refine_corners(frame: np.ndarray, corners: np.ndarray, search_px: float | None = None) -> np.ndarray | None:
    """Sub-pixel corners from edge profiles (see module doc); None if an edge cannot be measured."""
    corners = np.asarray(corners, np.float64)
    centre = corners.mean(axis=0)
    side = np.linalg.norm(corners[1] - corners[0])
    if search_px is None:
        search_px = max(6.0, 0.012 * side + 4.0)
    lines = []
    for i in range(4):
        a, b = corners[i], corners[(i + 1) % 4]
        line = _fit_edge(frame, a, b, centre, search_px)
        if line is None:
            return None
        lines.append(line)
    out = []
    for i in range(4):
        p = _intersect(lines[(i - 1) % 4], lines[i])
        if p is None:
            return None
        out.append(p)
    out = np.asarray(out, np.float32)
    if np.max(np.linalg.norm(out - corners, axis=1)) > 3 * search_px:
        return None
    return out


def _fit_edge(frame, a, b, centre, search_px):
    t = np.linspace(0.12, 0.88, EDGE_SAMPLES)
    along = a[None, :] + t[:, None] * (b - a)[None, :]
    direction = (b - a) / np.linalg.norm(b - a)
    normal = np.array([direction[1], -direction[0]])
    if np.dot(normal, (a + b) / 2 - centre) < 0:
        normal = -normal
    offsets = np.arange(-search_px, search_px + 0.5, 0.5)
    pts = along[:, None, :] + offsets[None, :, None] * normal[None, None, :]
    map_x = pts[..., 0].astype(np.float32)
    map_y = pts[..., 1].astype(np.float32)
    prof = cv2.remap(frame, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    prof = prof.max(axis=2).astype(np.float32) if prof.ndim == 3 else prof.astype(np.float32)
    n = max(3, len(offsets) // 6)
    inside = np.median(prof[:, :n], axis=1)
    outside = np.median(prof[:, -n:], axis=1)
    contrast = inside - outside
    half = (inside + outside) / 2
    # Last crossing of the half level going outwards (the panel is bright, the bezel dark).
    above = prof >= half[:, None]
    idx = np.where(above[:, :-1] & ~above[:, 1:], np.arange(len(offsets) - 1)[None, :], -1).max(axis=1)
    ok = (idx >= 0) & (contrast > 8)
    if ok.sum() < EDGE_SAMPLES // 3:
        return None
    rows = np.nonzero(ok)[0]
    i0 = idx[rows]
    v0, v1 = prof[rows, i0], prof[rows, i0 + 1]
    frac = (v0 - half[rows]) / np.maximum(v0 - v1, 1e-6)
    s = offsets[i0] + 0.5 * np.clip(frac, 0, 1)
    edge = along[rows] + s[:, None] * normal[None, :]
    vx, vy, x0, y0 = cv2.fitLine(edge.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    return np.array([x0, y0]), np.array([vx, vy])


def _intersect(l1, l2):
    (p1, d1), (p2, d2) = l1, l2
    m = np.array([d1, -d2]).T
    if abs(np.linalg.det(m)) < 1e-9:
        return None
    t = np.linalg.solve(m, p2 - p1)
    return p1 + t[0] * d1


def display_homography(corners: np.ndarray, display_size: tuple[int, int]) -> np.ndarray:
    """3x3 homography mapping display pixel coordinates to camera pixels."""
    W, H = display_size
    src = np.array([[-0.5, -0.5], [W - 0.5, -0.5], [W - 0.5, H - 0.5], [-0.5, H - 0.5]], np.float32)
    return cv2.getPerspectiveTransform(src, np.asarray(corners, np.float32))


def warp_to_display(frame: np.ndarray, hmg: np.ndarray, display_size: tuple[int, int]) -> np.ndarray:
    """The frame resampled on the display's pixel grid (one sample per display pixel centre)."""
    return cv2.warpPerspective(frame, hmg, tuple(display_size), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                               borderMode=cv2.BORDER_REPLICATE)
