"""Finding the phone's outline in a frame and straightening the face to a millimetre grid.

Every frame is located on its own (the phone may shift between lights). The outline comes from
the difference to the tray, whose grey level is read from the frame's border; the four sides are
fitted as straight lines away from the rounded corners and intersected, which gives the face's
rectangle even under mild perspective. The face is then warped to ``WORK_MM_PER_PX``, so every
later step works in millimetres whatever the camera's resolution.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from station.errors import BadInput

WORK_MM_PER_PX = 0.1        # grading grid: fine enough for a 0.03 mm hairline's scatter, 4x fewer pixels than 12 MP
COARSE_MM_PER_PX = 0.25     # outline search grid
MIN_CONTRAST = 12.0         # grey levels between phone and tray below which the outline is unreliable
MIN_FACE_MM = 3.0           # the thinnest face (an edge) is thicker than this


@dataclass
class Outline:
    corners: np.ndarray      # 4x2 float, frame px: top-left, top-right, bottom-right, bottom-left
    mask: np.ndarray         # coarse uint8 mask of the phone
    coarse_scale: float      # coarse px per frame px
    size_mm: tuple[float, float]


@dataclass
class FaceStack:
    """One face straightened: grey float32 image per light, a mask of the body, its size in mm."""

    face: str
    images: dict[str, np.ndarray]
    mask: np.ndarray
    size_mm: tuple[float, float]
    mm_per_px: float = WORK_MM_PER_PX


def _tray_level(small: np.ndarray) -> np.ndarray:
    """The tray's grey level everywhere, from a quadratic fitted to the frame's border ring.

    The tray fills the border; vignetting and light fall-off are smooth, so a quadratic surface
    through the border predicts the tray under the phone too.
    """
    h, w = small.shape
    ys, xs = _ring_points(h, w, max(2, min(h, w) // 40), 600)   # a few hundred points suffice
    u, v = xs / w - 0.5, ys / h - 0.5
    design = np.column_stack([np.ones_like(u), u, v, u * u, v * v, u * v])
    coef, *_ = np.linalg.lstsq(design, small[ys, xs].astype(np.float64), rcond=None)
    gu = (np.arange(w) / w - 0.5)[None, :]
    gv = (np.arange(h) / h - 0.5)[:, None]
    # The terms of one coordinate summed on a row and a column first: three passes over the
    # grid instead of six (it runs ~70 times an inspection). Summed in float64 as before, so the
    # float32 surface is the same.
    along_u = coef[0] + coef[1] * gu + coef[3] * gu * gu
    along_v = coef[2] * gv + coef[4] * gv * gv
    return (along_u + along_v + (coef[5] * gv) * gu).astype(np.float32)


def _ring_points(h: int, w: int, b: int, most: int) -> tuple[np.ndarray, np.ndarray]:
    """(ys, xs) of `most` pixels spread evenly, in row-major order, over the border ring `b` wide
    of an h x w image: the pixels `np.nonzero` of the ring's mask would list, picked at
    `linspace` steps, computed without building the mask (it cost more than the fit)."""
    if h <= 2 * b or w <= 2 * b:          # the ring is the whole image
        ys, xs = np.divmod(np.arange(h * w), w)
    else:
        ys = xs = None
    top, side = b * w, (h - 2 * b) * 2 * b      # pixels in the top band, in the side bands
    count = h * w if ys is not None else 2 * top + side
    pick = np.linspace(0, count - 1, min(count, most)).astype(int)
    if ys is not None:
        return ys[pick], xs[pick]
    in_top, in_side = pick < top, (pick >= top) & (pick < top + side)
    in_bottom = ~(in_top | in_side)
    ys, xs = np.empty_like(pick), np.empty_like(pick)
    ys[in_top], xs[in_top] = np.divmod(pick[in_top], w)
    row, col = np.divmod(pick[in_side] - top, 2 * b)
    ys[in_side], xs[in_side] = b + row, np.where(col < b, col, w - 2 * b + col)
    row, col = np.divmod(pick[in_bottom] - top - side, w)
    ys[in_bottom], xs[in_bottom] = h - b + row, col
    return ys, xs


def _order(corners: np.ndarray) -> np.ndarray:
    """Top-left, top-right, bottom-right, bottom-left (the phone is upright within ±10°)."""
    by_y = corners[np.argsort(corners[:, 1])]
    top = by_y[:2][np.argsort(by_y[:2, 0])]
    bottom = by_y[2:][np.argsort(by_y[2:, 0])]
    return np.array([top[0], top[1], bottom[1], bottom[0]], dtype=np.float64)


def _fit_sides(points: np.ndarray, rect) -> np.ndarray | None:
    """Corners from lines fitted to the straight middle of each side of a rounded rectangle."""
    box = cv2.boxPoints(rect).astype(np.float64)
    e1, e2 = box[1] - box[0], box[2] - box[1]
    rw, rh = float(np.linalg.norm(e1)), float(np.linalg.norm(e2))
    if min(rw, rh) < 2:
        return None
    ux, uy = e1 / rw, e2 / rh
    rel = points - box.mean(axis=0)
    u, v = rel @ ux, rel @ uy
    lines = []
    for coord, other, half, half_other in ((u, v, rw / 2, rh / 2), (v, u, rh / 2, rw / 2)):
        for sign in (-1, 1):
            sel = (np.abs(coord - sign * half) < 0.15 * min(half, half_other) + 2) & (np.abs(other) < 0.6 * half_other)
            if sel.sum() < 5:
                return None
            vx, vy, x0, y0 = cv2.fitLine(points[sel].astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
            lines.append((np.array([x0, y0]), np.array([vx, vy])))
    # lines: u-, u+, v-, v+ ; corners are intersections of one u-side with one v-side
    corners = []
    for i in (0, 1):
        for j in (2, 3):
            (p, d), (q, e) = lines[i], lines[j]
            m = np.array([d, -e]).T
            if abs(np.linalg.det(m)) < 1e-6:
                return None
            t = np.linalg.solve(m, q - p)[0]
            corners.append(p + t * d)
    return np.array(corners)


def find_outline(grey: np.ndarray, mm_per_px: float, where: str) -> Outline:
    """The phone's outline in one frame, or BadInput saying the phone was not found."""
    k = min(1.0, mm_per_px / COARSE_MM_PER_PX)
    small = cv2.resize(grey, None, fx=k, fy=k, interpolation=cv2.INTER_AREA) if k < 1 else grey
    small = cv2.GaussianBlur(small, (5, 5), 0)
    diff = small.astype(np.float32)           # |grey - tray| capped at 255, in place: no temporaries
    np.subtract(diff, _tray_level(small), out=diff)
    np.abs(diff, out=diff)
    diff = np.minimum(diff, 255, out=diff).astype(np.uint8)
    level, mask = cv2.threshold(diff, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    contrast = float(diff[mask > 0].mean() - diff[mask == 0].mean()) if mask.any() and (~mask.astype(bool)).any() else 0.0
    not_found = BadInput(
        f"phone not found in frame {where}",
        "place the phone on the tray inside the camera's view (top towards the top of the frame) "
        "with the lights on, and re-capture")
    if contrast < MIN_CONTRAST:
        raise not_found
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        raise not_found
    contour = max(contours, key=cv2.contourArea)
    area_mm2 = cv2.contourArea(contour) * (mm_per_px / k) ** 2
    x, y, w, h = cv2.boundingRect(contour)
    touches = x <= 1 or y <= 1 or x + w >= small.shape[1] - 1 or y + h >= small.shape[0] - 1
    if area_mm2 < MIN_FACE_MM * 20 or touches:
        raise not_found
    points = contour.reshape(-1, 2).astype(np.float64)
    rect = cv2.minAreaRect(contour)
    corners = _fit_sides(points, rect)
    if corners is None:
        corners = cv2.boxPoints(rect).astype(np.float64)
    corners = _order(corners / k)
    width = (np.linalg.norm(corners[1] - corners[0]) + np.linalg.norm(corners[2] - corners[3])) / 2
    height = (np.linalg.norm(corners[3] - corners[0]) + np.linalg.norm(corners[2] - corners[1])) / 2
    filled = np.zeros_like(mask)
    cv2.drawContours(filled, [contour], -1, 255, thickness=cv2.FILLED)
    return Outline(corners, filled, k, (width * mm_per_px, height * mm_per_px))


def check_orientation(face: str, size_mm: tuple[float, float]) -> None:
    w, h = size_mm
    if min(w, h) < MIN_FACE_MM:
        raise BadInput(f"the {face} face measures {w:.1f} x {h:.1f} mm: too thin to be a phone",
                       "check scale.mm_per_px matches the camera and that the frame shows that face")
    portrait = face in ("back", "front", "left", "right")
    if portrait and w > h or not portrait and h > w:
        want = "portrait (top of the phone up)" if portrait else "landscape (length across)"
        raise BadInput(f"the {face} frame shows a {w:.0f} x {h:.0f} mm outline, expected {want}",
                       "rotate the frame so the phone's top is towards the top of the frame "
                       "(edges: left/right portrait, top/bottom landscape)")


def _to_work(grey: np.ndarray, mm_per_px: float) -> tuple[np.ndarray, float]:
    """The frame on the grading grid (or as is when coarser): one pass over the full frame."""
    k = mm_per_px / WORK_MM_PER_PX
    if k >= 1:
        return grey, mm_per_px
    return cv2.resize(grey, None, fx=k, fy=k, interpolation=cv2.INTER_AREA), mm_per_px / k


def _rectify(work: np.ndarray, outline: Outline, size_px: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    w, h = size_px
    dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    hom = cv2.getPerspectiveTransform(outline.corners.astype(np.float32), dst)
    image = cv2.warpPerspective(work, hom, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    hom_mask = cv2.getPerspectiveTransform((outline.corners * outline.coarse_scale).astype(np.float32), dst)
    mask = cv2.warpPerspective(outline.mask, hom_mask, (w, h), flags=cv2.INTER_LINEAR)
    return image.astype(np.float32), mask


def straighten_face(face: str, frames: dict[str, np.ndarray], mm_per_px: float) -> FaceStack:
    """Locate the phone in every frame of a face and warp them all onto one mm grid."""
    work = {light: _to_work(img, mm_per_px) for light, img in frames.items()}
    outlines: dict[str, Outline] = {}
    for light in sorted(frames, key=lambda name: name == "top"):      # raking lights first
        try:
            outlines[light] = find_outline(*work[light], f"{face}/{light}")
        except BadInput:
            # Under the diffuse light a phone the tray's colour can vanish; the raking frames
            # (glossy body dark, matte tray bright) still show where it lies.
            if light != "top" or not outlines:
                raise
            outlines[light] = next(iter(outlines.values()))
    raking = [o for light, o in outlines.items() if light != "top"]
    if "top" in outlines and raking:
        ref = np.median([o.size_mm for o in raking], axis=0)
        if np.abs(np.subtract(outlines["top"].size_mm, ref)).max() > max(1.0, 0.03 * ref.max()):
            outlines["top"] = raking[0]           # the top light's outline merged with the tray
    sizes = np.array([o.size_mm for o in outlines.values()])
    size = (float(np.median(sizes[:, 0])), float(np.median(sizes[:, 1])))
    if np.abs(sizes - size).max() > max(2.0, 0.05 * max(size)):
        raise BadInput(f"the {face} frames disagree on the phone's size ({sizes.round(1).tolist()} mm)",
                       "re-capture the face without moving the rig's camera between lights")
    check_orientation(face, size)
    size_px = (int(round(size[0] / WORK_MM_PER_PX)), int(round(size[1] / WORK_MM_PER_PX)))
    images, masks = {}, []
    for light, (img, _) in work.items():
        images[light], m = _rectify(img, outlines[light], size_px)
        masks.append(m)
    mask = np.min(np.stack(masks), axis=0) if len(masks) > 1 else masks[0]
    return FaceStack(face, images, (mask > 127).astype(np.uint8), size)


def interior(stack: FaceStack, margin_mm: float) -> np.ndarray:
    """The body mask shrunk by a margin, so the outline's own edge is never taken for a defect."""
    r = max(1, int(round(margin_mm / stack.mm_per_px)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    return cv2.erode(stack.mask, kernel, borderType=cv2.BORDER_CONSTANT, borderValue=0)
