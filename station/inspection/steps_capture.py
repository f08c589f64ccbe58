"""Steps that photograph the phone: the *#06# IMEI screen, the screen test patterns, the body faces.

Grading runs on the worker pool while the next captures go on (the verdict step collects the
grades), so the wall time of an inspection is close to the rig's own settle/exposure time.
Screen and body frames are exposed here and developed on the frame thread (`capture_later`):
the rig settles the next light while the last frame is rendered, encoded and graded.
Frames are evidence: each is saved (PNG, body photos JPEG) with its SHA-256 in the inspection record,
cut to the phone plus a margin of tray (`evidence_crop`).
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from station.errors import HardwareError
from station.inspection.capture import EvidenceWriter, capture, capture_later, ensure_pose, set_lights
from station.inspection.devices import import_part
from station.inspection.face_grading import FaceByFaceGrader
from station.inspection.futures import then_submit
from station.inspection.machine import StepContext

FACES = ("front", "back", "left", "right", "top", "bottom")   # front first: it is already up
COSMETIC_LIGHTS = ("n", "e", "s", "w", "top")
# Every face under the four raking lights and the top light: measured on the default phone, the
# edges under the top light alone gave two false scratches on the right edge; with all five, none.
FACE_LIGHTS = {face: COSMETIC_LIGHTS for face in ("front", "back", "left", "right", "top", "bottom")}
DIAL_IMEI = "am start -a android.intent.action.DIAL -d 'tel:*%2306%23'"
GO_HOME = "input keyevent KEYCODE_HOME"
SCREEN_SLEEP = "input keyevent KEYCODE_SLEEP"
SCALE_TOLERANCE = 0.05             # camera's own scale vs the rig's calibration, as a fraction

log = logging.getLogger(__name__)


def imei(ctx: StepContext) -> dict[str, Any]:
    """USB IMEIs against the *#06# screen the camera reads (barcodes), plus Luhn and TAC checks."""
    cross_check = import_part("station.imei", "cross_check")
    read_screen = import_part("station.imei.screen", "read_imeis_from_image")
    phone_facts = ctx.record.results.get("phone") or {}
    usb_imeis = list(phone_facts.get("imeis") or [])
    from drivers.camera.frameset import IMEI_LIGHTS   # how the rig lights the *#06# screen

    ensure_pose(ctx, "front")
    phone = ctx.devices.phone
    phone.shell(DIAL_IMEI)
    set_lights(ctx, **IMEI_LIGHTS)
    # JPEG like the body photos: the frame is evidence of the text and barcodes the phone showed
    # (they decode from the stored file alike, tests/e2e/test_demo.py), not of single pixels as
    # the screen patterns are; ~25 ms of CPU to encode where the PNG took ~75 ms.
    writer = EvidenceWriter(ctx, "imei", fmt="jpg", mm_per_px=_calibrated_scale(ctx))
    screen_imeis: list[str] = []
    saved: list[str] = []
    for attempt in range(2):
        frame = capture(ctx)
        box = writer.locate_phone(frame)
        saved.append(f"imei_screen_{attempt}")
        writer.save(saved[-1], frame, crop=box, check_crop=False)
        ctx.progress(0.5 + attempt * 0.25, message="reading the *#06# screen")
        screen_imeis = list(read_screen(frame).get("imeis") or [])
        if screen_imeis:
            break
        if attempt == 0:
            ctx.prompt("show_imei_screen")   # the dialer did not come up: the operator shows it
    # Not waiting for the file: it is written while the next steps run; the verdict waits
    # for every evidence hash, and a resumed inspection re-runs this step if it never landed. The
    # manifest beside it records the box each frame was cut to, as the screen and body sets do.
    writer.write_manifest_when_saved({"format": "imei-screen/1",
                                      "frames": {name: writer.file_name(name) for name in saved}})
    phone.shell(GO_HOME)
    out = dict(cross_check(usb_imeis, screen_imeis, brand=phone_facts.get("brand"), model=phone_facts.get("model")))
    ctx.keep_result("imei", out)
    ctx.result(verdict=out.get("verdict"), imeis=usb_imeis or out.get("imeis") or [], reasons=out.get("reasons", []))
    return {"verdict": out.get("verdict")}


def _calibrated_scale(ctx: StepContext) -> float | None:
    """The rig's calibrated mm per pixel, None without one (frames are then stored whole)."""
    calibrated = (ctx.record.results.get("rig") or {}).get("mm_per_px")
    return float(calibrated) if calibrated else None


def _display_size(ctx: StepContext) -> dict[str, int]:
    phone = ctx.record.results.get("phone") or {}
    display = phone.get("display") or {}
    if display.get("width") and display.get("height"):
        return {"width": int(display["width"]), "height": int(display["height"])}
    text = ctx.devices.phone.shell("wm size")     # "Physical size: 1080x1920"
    for line in text.splitlines():
        if "size:" in line:
            w, _, h = line.split(":", 1)[1].strip().partition("x")
            return {"width": int(w), "height": int(h)}
    raise HardwareError(f"the phone did not report its display size ({text.strip()!r})",
                        "unlock the phone and run the inspection again")


def screen(ctx: StepContext) -> dict[str, Any]:
    grade_screen = import_part("station.grading.screen", "grade_screen_frameset")
    ensure_pose(ctx, "front")
    phone = ctx.devices.phone
    display = _display_size(ctx)
    writer = EvidenceWriter(ctx, "screen", mm_per_px=_calibrated_scale(ctx))
    from drivers.camera.frameset import SCREEN_PATTERNS as names, lights_for

    show_pattern = import_part("station.screen_patterns", "show_pattern")
    shots: dict[str, Any] = {}
    for i, name in enumerate(names):
        show_pattern(phone.shell, ctx.options.pattern_base_url, name)   # wakes the screen, opens the page
        # Lit patterns under a dim top light (outline visible), "off" under raking light.
        set_lights(ctx, **lights_for(name))
        shots[name] = capture_later(ctx)
        ctx.progress((i + 1) / len(names), pattern=name)
    # All seven are stored cut to one box (a frame set's frames share one size): the phone as the
    # screen-off shot under raking light shows it (lit patterns show the display, not the body).
    box = writer.locate_phone(shots["off"]) if "off" in shots else None
    for name in names:
        writer.save(name, shots[name], crop=box, check_crop=False)
    manifest = {"format": "frameset/1", "display": display,
                "frames": {name: writer.file_name(name) for name in names}}
    # Graded from the frames in memory while the PNGs are still being written and the body is
    # photographed; the folder (manifest last) is the evidence, and what a resumed run re-grades.
    writer.write_manifest_when_saved(manifest)
    ctx.keep_result("screen_frameset", str(writer.folder))
    size = (display["width"], display["height"])
    _grade_later(ctx, "screen", lambda frames: grade_screen(frames, display=size), frames=shots)
    return {"frames": len(names)}


def cosmetic(ctx: StepContext) -> dict[str, Any]:
    grade_cosmetic = import_part("station.grading.cosmetic", "grade_cosmetic_frameset")
    mm_per_px = _scale_mm_per_px(ctx)
    writer = EvidenceWriter(ctx, "cosmetic", fmt="jpg", mm_per_px=mm_per_px)
    ctx.devices.phone.shell(SCREEN_SLEEP)          # the front face is photographed screen-off
    by_face = FaceByFaceGrader.create(ctx.executor, mm_per_px,
                                      on_time=lambda s: ctx.inspection.add_timing("grade_s", s))
    frames: dict[str, dict[str, str]] = {}
    total = sum(len(FACE_LIGHTS[face]) for face in FACES)
    done = 0
    for face in FACES:
        ensure_pose(ctx, face)
        frames[face] = {}
        shots: dict[str, Any] = {}
        box = None                      # where the phone lies in this pose: found in its first frame
        for light in FACE_LIGHTS[face]:
            set_lights(ctx, **{light: 100})
            name = f"{face}_{light}"
            shots[light] = capture_later(ctx)
            first = box is None
            if first:
                box = writer.locate_phone(shots[light])
            # Later lights are checked against the box: a phone that moved is stored whole.
            writer.save(name, shots[light], crop=box, check_crop=not first)
            frames[face][light] = writer.file_name(name)
            done += 1
            ctx.progress(done / total, face=face, light=light)
        if by_face is not None:
            by_face.submit(face, shots)            # graded while the next face is photographed
    set_lights(ctx)
    ensure_pose(ctx, "front")                      # leave the phone as it came in
    manifest = {"format": "frameset/1", "scale": {"mm_per_px": mm_per_px}, "frames": frames}
    # Written once the last frames are developed and stored; the verdict step waits for it.
    saved = writer.write_manifest_when_saved(manifest)
    folder = writer.folder
    ctx.keep_result("cosmetic_frameset", str(folder))
    if by_face is not None:
        _publish_when_done(ctx, "cosmetic", by_face.combined())
    else:
        _grade_later(ctx, "cosmetic", lambda _saved: grade_cosmetic(str(folder)), frames={"manifest": saved})
    return {"frames": total}


def _scale_mm_per_px(ctx: StepContext) -> float:
    """The frames' scale: the rig's marker calibration (what the grader is told, as on a real
    station). A camera that reports its own scale (the simulated one) is only a cross-check: if it
    disagrees by more than SCALE_TOLERANCE the operator is warned, the calibration still wins."""
    calibrated = _calibrated_scale(ctx)
    if not calibrated:
        raise HardwareError("no image scale: the rig reported no calibration",
                            "run the rig's calibration (station rig selftest) and inspect again")
    camera = ctx.devices.camera
    own = getattr(camera, "mm_per_px", None) or getattr(getattr(camera, "camera", None), "mm_per_px", None)
    mismatch = scale_mismatch(calibrated, own)
    if mismatch:
        log.warning("%s", mismatch)
        ctx.progress(0.0, warning=mismatch)
    return calibrated


def scale_mismatch(calibrated: float, camera_mm_per_px: Any) -> str | None:
    """Why the camera's own scale and the rig's calibration disagree (> SCALE_TOLERANCE), or None."""
    try:
        own = float(camera_mm_per_px)
    except (TypeError, ValueError):
        return None
    if own <= 0 or abs(own - calibrated) <= SCALE_TOLERANCE * calibrated:
        return None
    return (f"camera reports {own:.4f} mm/px but the rig's calibration says {calibrated:.4f} "
            f"({100 * (own / calibrated - 1):+.0f} %); grading with the calibration — re-calibrate "
            "the rig (station rig selftest) or check the camera's resolution setting")


def _publish(ctx: StepContext, part: str, result: Any) -> dict[str, Any]:
    out = result.to_dict() if hasattr(result, "to_dict") else dict(result)
    ctx.record.put_result(part, out)
    ctx.inspection.bus.emit("result", part, grade=out.get("grade"), defects=out.get("defects", []),
                            label_zh=out.get("label_zh"), frameset=ctx.record.results.get(f"{part}_frameset"))
    return out


def _grade_later(ctx: StepContext, part: str, grade, frames: dict[str, Future]) -> Future:
    """`grade(frames)` on the worker pool once every frame Future is done (no worker waits for
    them); the result lands in the record and on the bus when ready."""
    inspection = ctx.inspection
    names = list(frames)

    def run(*developed: Any) -> dict[str, Any]:
        started = time.perf_counter()
        result = grade(dict(zip(names, developed)))
        inspection.add_timing("grade_s", time.perf_counter() - started)
        return _publish(ctx, part, result)

    future = then_submit([frames[name] for name in names], ctx.executor, run)
    inspection.pending_grades[part] = future
    return future


def _publish_when_done(ctx: StepContext, part: str, grading: Future) -> Future:
    """Record and announce `grading`'s result when it completes (no worker blocks waiting)."""
    published: Future = Future()

    def done(f: Future) -> None:
        try:
            published.set_result(_publish(ctx, part, f.result()))
        except BaseException as exc:  # noqa: BLE001 - the verdict step re-raises it
            published.set_exception(exc)

    grading.add_done_callback(done)
    ctx.inspection.pending_grades[part] = published
    return published


def imei_evidence_saved(record) -> bool:
    """`still_valid` for the IMEI step: its *#06# frame is on disk with its hash in the record."""
    return any(e["name"].startswith("imei/") and Path(e.get("path") or "").is_file() for e in record.evidence)


def frames_usable(part: str):
    """`still_valid` for a capture step: its frame set is complete on disk (the manifest is
    written only once every frame is stored and synced). A recorded grade is not enough: the
    report names every frame, so a set one frame short (a full disk, a crash) is shot again."""
    def check(record) -> bool:
        folder = record.results.get(f"{part}_frameset")
        return bool(folder) and (Path(folder) / "manifest.json").exists()
    return check


def collect_grade(ctx: StepContext, part: str, grade_now) -> dict[str, Any]:
    """The grade of `part`: the job grading this run's frames, else the record's (a resumed
    inspection), else (after a crash before it was recorded) graded now from the stored set."""
    future = ctx.inspection.pending_grades.get(part)
    if future is not None:          # newer than a recorded grade of frames shot before a re-run
        return future.result()
    if part in ctx.record.results:
        return ctx.record.results[part]
    folder = ctx.record.results.get(f"{part}_frameset")
    if folder is None:
        raise HardwareError(f"no {part} frames were captured", "run the inspection again")
    out = grade_now(folder)
    out = out.to_dict() if hasattr(out, "to_dict") else dict(out)
    ctx.record.put_result(part, out)
    return out
