"""Evidence frames cut to the phone: the box holds the whole phone (ground truth: the simulator's
placement of the phone), nothing is cut when the phone is not found or has moved out of the box."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from drivers.camera import body_render
from drivers.camera.body_layers import face_layers
from drivers.scenario import load_scenario
from station.inspection.evidence_crop import MARGIN_MM, CropBox, box_around, cut_to_phone, phone_box, phone_inside

MM_PER_PX = 0.2        # 750 x 1000 px faces: the same geometry as 12 MP at a sixteenth of the cost


@pytest.mark.parametrize("corners, frame_size, margin, expected", [
    ([[10, 20], [50, 20], [50, 80], [10, 80]], (100, 100), 5, (5, 15, 50, 70)),
    ([[2, 3], [98, 3], [98, 97], [2, 97]], (100, 100), 10, (0, 0, 100, 100)),        # clamped to the frame
    ([[10.4, 20.6], [49.2, 20.1], [50.7, 79.5], [9.9, 80.2]], (100, 100), 0, (9, 20, 42, 61)),  # outward
])
def test_box_around_grows_the_corners_by_the_margin_inside_the_frame(corners, frame_size, margin, expected):
    box = box_around(np.array(corners), frame_size, margin)
    assert (box.x, box.y, box.width, box.height) == expected
    assert box.frame_size == frame_size


def test_box_around_refuses_corners_outside_the_frame():
    with pytest.raises(ValueError, match="outside"):
        box_around(np.array([[200, 200], [300, 200], [300, 300], [200, 300]]), (100, 100), 0)


def _true_corners(face: str, seed: int) -> np.ndarray:
    """Where the simulator put the face's corners in the frame (frame px)."""
    layers = face_layers(load_scenario("default"), face, mm_per_px=MM_PER_PX, seed=seed)
    hom, _theta, _frame = body_render._placement(layers, face, seed)
    h, w = layers.alpha.shape
    return cv2.perspectiveTransform(np.array([[[0, 0], [w, 0], [w, h], [0, h]]], np.float32), hom)[0]


@pytest.mark.parametrize("face, light, seed", [
    ("back", "n", 0), ("back", "top", 3), ("front", "e", 1), ("left", "s", 2), ("top", "w", 4),
])
def test_the_box_holds_the_whole_phone_and_a_margin_of_tray(face, light, seed):
    frame = body_render.render_face(load_scenario("default"), face, light, mm_per_px=MM_PER_PX, seed=seed)
    box = phone_box(frame, MM_PER_PX)
    assert box is not None
    truth = _true_corners(face, seed)
    inner = MARGIN_MM / MM_PER_PX / 2            # at least half the margin beyond every true corner
    height, width = frame.shape[:2]
    assert box.x <= max(truth[:, 0].min() - inner, 0) and box.y <= max(truth[:, 1].min() - inner, 0)
    assert box.x + box.width >= min(truth[:, 0].max() + inner, width)
    assert box.y + box.height >= min(truth[:, 1].max() + inner, height)
    assert box.width * box.height < 0.75 * width * height       # and it does leave tray out


def test_no_phone_in_view_means_no_box():
    tray = body_render._tray_full((750, 1000), "n").copy()
    assert phone_box(tray, MM_PER_PX) is None


def test_a_phone_that_moved_out_of_the_box_is_stored_whole():
    scenario = load_scenario("default")
    here = body_render.render_face(scenario, "back", "n", mm_per_px=MM_PER_PX, seed=0)
    box = phone_box(here, MM_PER_PX)
    moved = np.roll(here, shift=(0, box.width // 2), axis=(0, 1))      # the phone slid sideways
    frame, used = cut_to_phone(moved, box, MM_PER_PX)
    assert used is None and frame is moved
    # The frame the box was found in is cut, and the cut is a view of it (no copy).
    frame, used = cut_to_phone(here, box, MM_PER_PX)
    assert used == box and frame.shape[:2] == (box.height, box.width) and np.shares_memory(frame, here)
    # Without the check (frames where the phone cannot be seen) the box is trusted.
    frame, used = cut_to_phone(moved, box, MM_PER_PX, check=False)
    assert used == box and frame.shape[:2] == (box.height, box.width)


def test_a_box_for_another_frame_size_leaves_the_frame_whole():
    box = CropBox(10, 10, 50, 50, (200, 100))
    frame = np.zeros((120, 200, 3), np.uint8)
    assert box.cut(frame) is frame
    assert cut_to_phone(frame, box, MM_PER_PX, check=False) == (frame, None)


class _Inspection:
    """The parts of an inspection an EvidenceWriter uses (the real record and a real pool)."""

    def __init__(self, io_executor) -> None:
        import threading

        self.evidence_lock = threading.Lock()
        self.evidence_generation: dict = {}
        self.pending_writes: list = []
        self.io_executor = io_executor

    def add_timing(self, key: str, amount: float) -> None:
        pass


@pytest.fixture
def writer_ctx():
    from concurrent.futures import ThreadPoolExecutor
    from types import SimpleNamespace

    from station.inspection.record import InspectionRecord

    pool, io = ThreadPoolExecutor(max_workers=2), ThreadPoolExecutor(max_workers=1)
    yield SimpleNamespace(record=InspectionRecord(id="insp-crop-test", devices={}), inspection=_Inspection(io),
                          executor=pool)
    pool.shutdown(wait=True)
    io.shutdown(wait=True)


def _save_and_manifest(writer_ctx, frame):
    import json

    from station.inspection.capture import EvidenceWriter

    writer = EvidenceWriter(writer_ctx, "cosmetic", fmt="jpg", mm_per_px=MM_PER_PX)
    box = writer.locate_phone(frame)
    writer.save("back_n", frame, crop=box, check_crop=False)
    folder = writer.write_manifest({"format": "frameset/1", "frames": {"back": {"n": "back_n.jpg"}}})
    stored = cv2.imread(str(folder / "back_n.jpg"))
    return stored, json.loads((folder / "manifest.json").read_text()), writer_ctx.record.evidence


def test_the_writer_stores_the_cut_and_records_its_box(writer_ctx):
    frame = body_render.render_face(load_scenario("default"), "back", "n", mm_per_px=MM_PER_PX, seed=0)
    stored, manifest, evidence = _save_and_manifest(writer_ctx, frame)
    x, y, width, height = manifest["crops"]["back_n.jpg"]["box"]
    assert stored.shape[:2] == (height, width) and manifest["crops"]["back_n.jpg"]["frame_size"] == [750, 1000]
    assert [e["name"] for e in evidence] == ["cosmetic/back_n"]


def test_a_search_that_fails_unexpectedly_costs_nothing_the_frame_is_stored_whole(writer_ctx, monkeypatch):
    import station.grading.cosmetic.outline as outline

    def broken(*_args, **_kwargs):
        raise RuntimeError("locator crashed")

    monkeypatch.setattr(outline, "find_outline", broken)      # what the phone search runs on
    frame = body_render.render_face(load_scenario("default"), "back", "n", mm_per_px=MM_PER_PX, seed=0)
    stored, manifest, evidence = _save_and_manifest(writer_ctx, frame)
    assert stored.shape == frame.shape and "crops" not in manifest
    assert [e["name"] for e in evidence] == ["cosmetic/back_n"]


FINE_MM_PER_PX = 0.0625   # four frame pixels to the outline search's 0.25 mm: the check samples


@pytest.mark.parametrize("face, light, shift_mm, inside", [
    ("back", "n", (0, 0), True),
    ("left", "top", (0, 0), True),
    ("back", "e", (0, 4), True),              # moved, but less than the margin: still wholly inside
    ("back", "s", (0, 40), False),            # slid sideways out of the cut
    ("top", "w", (15, 0), False),             # slid down out of a thin edge's cut
])
def test_the_sampled_check_tells_a_phone_inside_its_cut_from_one_that_left_it(face, light, shift_mm, inside):
    scenario = load_scenario("default")
    here = body_render.render_face(scenario, face, light, mm_per_px=FINE_MM_PER_PX, seed=1)
    box = phone_box(here, FINE_MM_PER_PX)
    shift = tuple(int(round(v / FINE_MM_PER_PX)) for v in shift_mm)
    moved = np.roll(here, shift=shift, axis=(0, 1))
    assert phone_inside(box.cut(moved), FINE_MM_PER_PX) is inside
    # The sampled answer is the full search's answer (every pixel converted and averaged).
    assert (_full_search(box.cut(moved), FINE_MM_PER_PX) is not None) is inside


def _full_search(frame, mm_per_px):
    """The outline searched the long way: the whole frame to grey, area-averaged by the search."""
    from station.errors import BadInput
    from station.grading.cosmetic.outline import find_outline

    try:
        return find_outline(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), mm_per_px, "full")
    except BadInput:
        return None


@pytest.mark.parametrize("face, light, seed", [("back", "n", 1), ("front", "top", 2), ("right", "w", 3)])
def test_the_box_from_the_sample_is_the_full_searchs_box_within_a_sample_step(face, light, seed):
    frame = body_render.render_face(load_scenario("default"), face, light, mm_per_px=FINE_MM_PER_PX, seed=seed)
    box = phone_box(frame, FINE_MM_PER_PX)
    full = _full_search(frame, FINE_MM_PER_PX)
    margin = MARGIN_MM / FINE_MM_PER_PX
    height, width = frame.shape[:2]
    x0, y0 = np.maximum(full.corners.min(axis=0) - margin, 0)          # inside the frame, as cut
    x1, y1 = np.minimum(full.corners.max(axis=0) + margin, (width, height))
    step = 4                                                   # 0.25 mm / 0.0625 mm
    assert box.x <= x0 + 1 and box.y <= y0 + 1                 # holds at least the full box ...
    assert box.x + box.width >= x1 - 1 and box.y + box.height >= y1 - 1
    assert x0 - box.x <= 2 * step and y0 - box.y <= 2 * step   # ... and little more
    assert box.x + box.width - x1 <= 2 * step and box.y + box.height - y1 <= 2 * step
