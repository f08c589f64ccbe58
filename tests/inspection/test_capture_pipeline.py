"""Frames exposed now and developed on the frame thread: every frame still becomes hashed
evidence, grading runs on exactly the frames captured, and the chaining helper passes failures on
instead of running work on missing frames."""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from drivers.simworld import reset_worlds, world_for
from station.inspection.events import EventBus
from station.inspection.futures import done_future, then_submit
from station.inspection.machine import InspectionOptions, State
from station.inspection.operator import SimulatedOperator
from station.inspection.steps import STEP_SPECS, build_inspection

SPECS = {spec.name: spec for spec in STEP_SPECS}


@pytest.fixture
def pool():
    executor = ThreadPoolExecutor(max_workers=2)
    yield executor
    executor.shutdown(wait=True)


def test_then_submit_runs_once_all_inputs_are_done_with_their_results_in_order(pool):
    first, second = Future(), Future()
    out = then_submit([first, second], pool, lambda a, b: f"{a}+{b}")
    second.set_result("b")
    assert not out.done()                  # still waiting for `first`
    first.set_result("a")
    assert out.result(timeout=5) == "a+b"


def test_then_submit_passes_a_failed_input_on_without_running(pool):
    ran = threading.Event()
    bad = Future()
    out = then_submit([done_future(1), bad], pool, lambda *_: ran.set())
    bad.set_exception(OSError("camera unplugged"))
    with pytest.raises(OSError, match="camera unplugged"):
        out.result(timeout=5)
    assert not ran.is_set()


def test_then_submit_fails_cleanly_when_the_pool_is_gone():
    executor = ThreadPoolExecutor(max_workers=1)
    executor.shutdown()
    with pytest.raises(RuntimeError):
        then_submit([done_future(1)], executor, lambda x: x).result(timeout=5)


def test_then_submit_with_no_inputs_runs_at_once(pool):
    assert then_submit([], pool, lambda: 42).result(timeout=5) == 42


@pytest.fixture
def fresh_world():
    reset_worlds()
    yield
    reset_worlds()


def test_screen_and_body_frames_all_become_hashed_evidence_and_the_screen_grade_is_the_stored_frames(fresh_world):
    bus = EventBus()
    world = world_for("default")
    inspection = build_inspection("rigsim://default?timing=fast", "sim://default",
                                  "sim://default", SimulatedOperator(world), bus=bus,
                                  options=InspectionOptions())
    inspection.steps = [SPECS[n] for n in ("connect_rig", "phone_placed", "identify", "imei", "battery",
                                           "screen", "cosmetic", "verdict")]
    try:
        inspection.run()
    finally:
        inspection.devices.close()
    assert inspection.state == State.COMPLETED, inspection.error
    record = inspection.record
    names = {e["name"] for e in record.evidence}
    assert {f"screen/{p}" for p in ("white", "black", "red", "green", "blue", "gray", "off")} <= names
    assert sum(1 for n in names if n.startswith("cosmetic/")) == 30
    for item in record.evidence:               # what the report will sign is what is on disk
        assert hashlib.sha256(Path(item["path"]).read_bytes()).hexdigest() == item["sha256"]
    assert inspection.timings["frames"] >= 38 and inspection.timings["render_s"] > 0
    # Graded in memory from whole frames while capturing; the frames on disk are cut to the phone
    # (the box in each manifest), and re-graded — as a resumed inspection would — give the same grades.
    import json

    import cv2

    from station.grading.cosmetic import grade_cosmetic_frameset
    from station.grading.screen import grade_screen_frameset

    for part, count in (("screen", 7), ("cosmetic", 30)):
        folder = Path(record.results[f"{part}_frameset"])
        crops = json.loads((folder / "manifest.json").read_text())["crops"]
        assert len(crops) == count
        for name, crop in crops.items():
            x, y, width, height = crop["box"]
            frame_w, frame_h = crop["frame_size"]
            stored = cv2.imread(str(folder / name))
            assert stored.shape[:2] == (height, width)
            assert 0 <= x and 0 <= y and x + width <= frame_w and y + height <= frame_h
            assert width * height < 0.75 * frame_w * frame_h
    again = grade_screen_frameset(record.results["screen_frameset"])
    live = record.results["screen"]
    assert again["grade"] == live["grade"]
    assert [(d["kind"], d["x"], d["y"]) for d in again["defects"]] == [(d["kind"], d["x"], d["y"]) for d in live["defects"]]
    cosmetic = grade_cosmetic_frameset(record.results["cosmetic_frameset"])
    cosmetic = cosmetic.to_dict() if hasattr(cosmetic, "to_dict") else cosmetic
    assert cosmetic["grade"] == record.results["cosmetic"]["grade"]
    assert sorted((d["kind"], d.get("face")) for d in cosmetic["defects"]) == \
        sorted((d["kind"], d.get("face")) for d in record.results["cosmetic"]["defects"])


def test_a_re_run_steps_frame_wins_over_the_failed_attempts_late_one(fresh_world):
    """A step re-run after a failure saves its frames again while the failed attempt's may still
    be developing: the newest capture is what lands on disk, with its own hash in the record."""
    import cv2
    import numpy as np

    from station.inspection.capture import EvidenceWriter
    from station.inspection.machine import StepContext

    inspection = build_inspection("rigsim://default?timing=fast", "sim://default", "sim://default",
                                  SimulatedOperator(world_for("default")), options=InspectionOptions())
    try:
        ctx = StepContext(inspection, SPECS["screen"], 1)
        late = Future()                                         # the failed attempt's frame, still rendering
        EvidenceWriter(ctx, "screen").save("white", late)
        newer = np.full((8, 6, 3), 200, np.uint8)
        EvidenceWriter(ctx, "screen").save("white", newer).result(timeout=10)
        late.set_result(np.zeros((8, 6, 3), np.uint8))
        for write in inspection.pending_writes:
            write.result(timeout=10)
        (item,) = [e for e in inspection.record.evidence if e["name"] == "screen/white"]
        on_disk = Path(item["path"]).read_bytes()
        assert hashlib.sha256(on_disk).hexdigest() == item["sha256"]
        assert np.array_equal(cv2.imdecode(np.frombuffer(on_disk, np.uint8), cv2.IMREAD_UNCHANGED), newer)
    finally:
        inspection.executor.shutdown(wait=True)
        inspection.frame_executor.shutdown(wait=True)
        inspection.io_executor.shutdown(wait=True)
        inspection.devices.close()


def test_cancel_while_frames_are_still_developing_ends_cleanly(fresh_world):
    bus = EventBus()
    inspection = build_inspection("rigsim://default?timing=fast", "sim://default", "sim://default",
                                  SimulatedOperator(world_for("default")), bus=bus, options=InspectionOptions())
    inspection.steps = [SPECS[n] for n in ("connect_rig", "phone_placed", "identify", "imei", "battery",
                                           "screen", "cosmetic", "verdict")]
    frames_seen = []

    def on_event(event):
        if event.kind == "step_progress" and event.step == "cosmetic" and "light" in event.data:
            frames_seen.append(event.data["light"])
            if len(frames_seen) == 3:
                inspection.cancel()

    bus.subscribe(on_event)
    thread = inspection.start()
    thread.join(timeout=120)
    inspection.devices.close()
    assert not thread.is_alive()
    assert inspection.state == State.CANCELLED
    assert inspection.record.steps["screen"]["status"] == "done"
    assert inspection.record.steps["cosmetic"]["status"] != "done"


def test_a_resumed_imei_step_counts_only_if_its_frame_reached_the_disk(tmp_path):
    from station.inspection.record import InspectionRecord
    from station.inspection.steps_capture import imei_evidence_saved

    record = InspectionRecord(id="insp-test-imei", devices={})
    assert not imei_evidence_saved(record)                       # crashed before the PNG was written
    missing = tmp_path / "imei_screen_0.png"
    record.add_evidence("imei/imei_screen_0", "0" * 64, str(missing))
    assert not imei_evidence_saved(record)                       # recorded path but no file
    missing.write_bytes(b"png")
    assert imei_evidence_saved(record)


def test_the_report_is_announced_before_its_printable_copies_and_they_exist_when_the_run_ends(fresh_world):
    """The overlay shows the warranty as soon as it is committed; the HTML/PDF/PNG copies (made from
    the signed report on the worker pool) are still all written before the inspection ends."""
    bus = EventBus()
    copies_at_announcement = []

    def on_event(event) -> None:
        if event.kind == "report_issued":
            folder = Path(event.data["jws_path"]).parent
            copies_at_announcement.extend(sorted(folder.glob(f"{event.data['report_id']}.*")))

    bus.subscribe(on_event)
    inspection = build_inspection("rigsim://default?timing=fast", "sim://default", "sim://default",
                                  SimulatedOperator(world_for("default")), bus=bus, options=InspectionOptions())
    try:
        record = inspection.run()
    finally:
        inspection.devices.close()
    assert inspection.state == State.COMPLETED, inspection.error
    jws = Path(record.report["jws_path"])
    assert [p.suffix for p in copies_at_announcement] == [".jws"]     # announced before the copies
    for suffix in (".html", ".pdf", ".png"):
        copy = jws.with_suffix(suffix)
        assert copy.is_file() and copy.stat().st_size > 0, copy


def test_each_frame_is_synced_to_disk_on_the_io_thread_before_its_hash_is_recorded(fresh_world, monkeypatch):
    """A power cut must not take back a frame whose hash the record (and so the report) holds."""
    import os
    import threading

    import numpy as np

    import station.durable as durable_module
    from station.inspection.capture import EvidenceWriter
    from station.inspection.machine import StepContext
    from station.inspection.record import InspectionRecord

    events = []
    real_sync, real_add = os.fsync, InspectionRecord.add_evidence

    def fsync(fd):
        name = Path(os.readlink(f"/proc/self/fd/{fd}")).name          # .white.png.1.tmp
        events.append(("synced", name.split(".")[1], threading.current_thread().name))
        real_sync(fd)

    def add_evidence(self, name, sha256, path, save=True):
        events.append(("hashed", name.split("/")[1], threading.current_thread().name))
        real_add(self, name, sha256, path, save)

    monkeypatch.setattr(durable_module.os, "fsync", fsync)
    monkeypatch.setattr(InspectionRecord, "add_evidence", add_evidence)
    inspection = build_inspection("rigsim://default?timing=fast", "sim://default", "sim://default",
                                  SimulatedOperator(world_for("default")), options=InspectionOptions())
    try:
        writer = EvidenceWriter(StepContext(inspection, SPECS["screen"], 1), "screen")
        for i, name in enumerate(("white", "black", "red")):
            writer.save(name, np.full((8, 6, 3), 40 * i, np.uint8))
        writer.wait()
    finally:
        inspection.executor.shutdown(wait=True)
        inspection.frame_executor.shutdown(wait=True)
        inspection.io_executor.shutdown(wait=True)
        inspection.devices.close()
    for name in ("white", "black", "red"):
        mine = [(what, thread) for what, frame, thread in events if frame == name]
        assert [what for what, _ in mine] == ["synced", "hashed"], mine
        assert all(thread.startswith("evidence-io") for _, thread in mine)   # not a CPU worker


def test_a_full_disk_while_storing_a_frame_stops_the_report_with_what_to_do(fresh_world, monkeypatch):
    """The frame that could not be kept has no hash in the record, leaves no half-written file,
    and no report is issued; the operator is told to free space and resume."""
    import errno
    import os

    import station.durable as durable_module

    real_sync = os.fsync
    synced = []

    def fsync(fd):
        name = Path(os.readlink(f"/proc/self/fd/{fd}")).name
        if name.startswith(".white.png"):
            raise OSError(errno.ENOSPC, "No space left on device")
        synced.append(name)
        real_sync(fd)

    monkeypatch.setattr(durable_module.os, "fsync", fsync)
    bus = EventBus()
    failures = []
    bus.subscribe(lambda e: failures.append(e) if e.kind == "step_failed" else None)
    inspection = build_inspection("rigsim://default?timing=fast", "sim://default", "sim://default",
                                  SimulatedOperator(world_for("default")), bus=bus, options=InspectionOptions())
    try:
        inspection.run()
    finally:
        inspection.devices.close()
    record = inspection.record
    assert inspection.state == State.FAILED and record.report is None
    assert record.steps["sign"]["status"] == "pending"
    (failed,) = failures
    assert failed.step == "verdict" and "No space left on device" in failed.data["error"]
    assert "screen/white" in failed.data["error"] and f"--resume {record.id}" in failed.data["hint"]
    names = {e["name"] for e in record.evidence}
    assert "screen/white" not in names and "screen/black" in names and synced
    screen_dir = Path(record.results["screen_frameset"])
    assert not list(screen_dir.glob(".*.tmp")) and not (screen_dir / "white.png").exists()


def test_resumed_after_a_full_disk_the_incomplete_screen_set_is_shot_again_and_the_report_names_it(
        fresh_world, monkeypatch):
    import errno
    import os

    import station.durable as durable_module
    from station.inspection.machine import Inspection
    from station.inspection.record import InspectionRecord

    real_sync = os.fsync

    def fsync(fd):
        if Path(os.readlink(f"/proc/self/fd/{fd}")).name.startswith(".white.png"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_sync(fd)

    monkeypatch.setattr(durable_module.os, "fsync", fsync)
    first = build_inspection("rigsim://default?timing=fast", "sim://default", "sim://default",
                             SimulatedOperator(world_for("default")), options=InspectionOptions())
    try:
        first.run()
    finally:
        first.devices.close()
    assert first.state == State.FAILED and "screen" in first.record.results    # graded, one frame short
    monkeypatch.setattr(durable_module.os, "fsync", real_sync)            # space freed

    reset_worlds()
    again = build_inspection("rigsim://default?timing=fast", "sim://default", "sim://default",
                             SimulatedOperator(world_for("default")), options=InspectionOptions())
    resumed = Inspection(again.devices, again.operator, again.steps, options=InspectionOptions(),
                         record=InspectionRecord.load(first.record.id))
    try:
        resumed.run()
    finally:
        resumed.devices.close()
    record = resumed.record
    assert resumed.state == State.COMPLETED and record.report
    assert record.steps["screen"]["attempts"] == 2                 # shot again, not taken as it was
    assert record.steps["identify"]["attempts"] == 1               # what was whole stays as measured
    (white,) = [e for e in record.evidence if e["name"] == "screen/white"]
    assert hashlib.sha256(Path(white["path"]).read_bytes()).hexdigest() == white["sha256"]
    assert (Path(record.results["screen_frameset"]) / "manifest.json").exists()
