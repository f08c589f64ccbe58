"""Evidence frames cut to the phone: the phone's outline plus a margin of tray, not the whole tray.

Why: a 12 MP frame of the tray is mostly empty tray. Kept whole, one inspection stored ~190 MB of
evidence (seven ~19 MB screen PNGs); cut to the phone, ~91 MB, and the encoding (on the station's
two cores, next to capture and grading) roughly halves with it. The cut keeps the whole phone and
`MARGIN_MM` of tray around it, so the graders — which read the tray's level from a frame's border —
re-grade the stored frame set to the same result (tests/inspection/test_capture_pipeline.py).
Where the phone is not found the frame is stored whole: evidence is never lost to a failed search.
A frame set's manifest records each box (`crops`) so full-frame coordinates can be recovered
(the *#06# frame has no manifest: only its IMEI text is read from it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

from station.errors import BadInput

MARGIN_MM = 8.0       # tray kept around the outline: > the graders' border ring and a small shift

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CropBox:
    """A box in frame pixels (x, y = top-left) of a frame `frame_size` = (width, height)."""

    x: int
    y: int
    width: int
    height: int
    frame_size: tuple[int, int]

    def to_list(self) -> list[int]:
        return [self.x, self.y, self.width, self.height]

    def cut(self, frame: Any) -> Any:
        """The box of `frame` (a view, no copy); the frame as is if its size is not the box's frame."""
        height, width = frame.shape[:2]
        if (width, height) != self.frame_size:
            return frame
        return frame[self.y:self.y + self.height, self.x:self.x + self.width]


def box_around(corners: np.ndarray, frame_size: tuple[int, int], margin_px: float) -> CropBox:
    """The axis-aligned box around `corners` (Nx2 frame px) grown by `margin_px`, inside the frame."""
    width, height = frame_size
    pts = np.asarray(corners, dtype=np.float64).reshape(-1, 2)
    x0 = int(max(np.floor(pts[:, 0].min() - margin_px), 0))
    y0 = int(max(np.floor(pts[:, 1].min() - margin_px), 0))
    x1 = int(min(np.ceil(pts[:, 0].max() + margin_px), width))
    y1 = int(min(np.ceil(pts[:, 1].max() + margin_px), height))
    if x1 <= x0 or y1 <= y0:
        raise ValueError(f"corners {pts.tolist()} lie outside the {width}x{height} frame")
    return CropBox(x0, y0, x1 - x0, y1 - y0, (width, height))


def _sample_step(mm_per_px: float) -> int:
    """Frame pixels per pixel of the outline search's own grid (0.25 mm): the search averages a
    frame down to that grid anyway, so reading every `step`-th pixel sees what it would see."""
    from station.grading.cosmetic.outline import COARSE_MM_PER_PX

    return max(1, int(COARSE_MM_PER_PX / mm_per_px + 1e-9))


def _sample(image: np.ndarray, step: int) -> np.ndarray:
    """Pixel (step*i, step*j) of `image` at (i, j), packed (nearest-neighbour at 1/step)."""
    import cv2  # only here: station/ keeps cv2 out of module level

    if step == 1:
        return image
    return cv2.resize(image, None, fx=1.0 / step, fy=1.0 / step, interpolation=cv2.INTER_NEAREST)


def phone_box(frame: Any, mm_per_px: float, margin_mm: float = MARGIN_MM) -> CropBox | None:
    """The phone's outline in `frame` plus `margin_mm` of tray; None when it is not found — or when
    the search fails in any other way: a failed search must not cost the frame, it is stored whole.

    Searched in every `step`-th pixel on the search's 0.25 mm grid (`_sample_step`): converting
    and averaging the whole 12 MP frame first cost more than the search (24 vs 11 ms a frame). A
    sample point stands for the `step` x `step` pixels from it, so the box grows by one step more."""
    import cv2  # only here: station/ keeps cv2 out of module level

    from station.grading.cosmetic.outline import find_outline

    image = np.asarray(frame)
    step = _sample_step(mm_per_px)
    try:
        sample = _sample(image, step)
        grey = cv2.cvtColor(sample, cv2.COLOR_BGR2GRAY) if sample.ndim == 3 else sample
        outline = find_outline(grey, mm_per_px * step, "evidence")
    except BadInput:
        return None
    except Exception:  # noqa: BLE001 - see above
        log.warning("could not locate the phone for the evidence cut; frame stored whole", exc_info=True)
        return None
    margin_px = margin_mm / mm_per_px + (step - 1)
    return box_around(outline.corners * step, (image.shape[1], image.shape[0]), margin_px)


def phone_inside(cut: Any, mm_per_px: float) -> bool:
    """Whether the whole phone lies inside `cut` (its outline found there, clear of the edges).

    Looked for in the sampled cut (`phone_box`): per body frame, after the phone was located once
    per face. A sample that hides the phone errs towards storing the frame whole."""
    return phone_box(cut, mm_per_px, margin_mm=0.0) is not None


def cut_to_phone(frame: Any, box: CropBox | None, mm_per_px: float | None,
                 check: bool = True) -> tuple[Any, CropBox | None]:
    """(`frame` cut to `box`, box) — with `check`, only when the phone lies wholly inside the cut
    (looked for in the cut itself); else (the whole frame, None): a phone that moved since the box
    was found stays in the evidence whole."""
    if box is None:
        return frame, None
    cut = box.cut(frame)
    if cut is frame:
        return frame, None
    if check and (mm_per_px is None or not phone_inside(cut, mm_per_px)):
        log.info("phone not wholly inside the evidence cut %s: frame stored whole", box.to_list())
        return frame, None
    return cut, box
