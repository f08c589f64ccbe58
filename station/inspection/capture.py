"""Camera capture for the inspection: put the phone in the right pose and light, take a frame,
and save it as evidence (PNG or JPEG + SHA-256) off the capture thread so the next capture can start
at once: encoded on a CPU worker, then written and synced to disk on the evidence I/O thread.

`capture_later` exposes a frame now and develops it on the inspection's frame thread (a camera with
`grab()`/`.retrieve()`: the simulator renders there), so the rig settles the next light while the
last frame is still being rendered; a camera without `grab()` is read at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from station.durable import replace_synced, write_synced
from station.errors import HardwareError
from station.inspection.evidence_crop import CropBox, cut_to_phone, phone_box
from station.inspection.machine import StepContext
from station.inspection.futures import done_future, then_submit
from station.png import encode_png

ALL_OFF = {"top": 0, "n": 0, "e": 0, "s": 0, "w": 0}


def set_lights(ctx: StepContext, **levels: int) -> None:
    """Switch the rig's lights to exactly `levels` (others off); the rig waits for them to settle.
    Skipped when they already are so: every change costs a settle time on the real rig."""
    wanted = {**ALL_OFF, **levels}
    inspection = ctx.inspection
    if getattr(inspection, "lights", None) == wanted and ctx.devices.is_open("rig"):
        return
    ctx.devices.rig.lights(**wanted)
    inspection.lights = wanted


def ensure_pose(ctx: StepContext, face: str) -> None:
    """Ask the operator to turn the phone if the camera is not already seeing `face`."""
    inspection = ctx.inspection
    if getattr(inspection, "pose", "front") != face:
        ctx.prompt("show_face", face=face)
        inspection.pose = face


def capture(ctx: StepContext) -> Any:
    """A frame now (for a step that must look at it before going on, e.g. the *#06# screen)."""
    ctx.check()
    started = time.perf_counter()
    frame = ctx.devices.camera.read()
    ctx.inspection.add_timing("camera_s", time.perf_counter() - started)
    ctx.inspection.add_timing("frames", 1)
    return frame


def capture_later(ctx: StepContext) -> Future:
    """Expose a frame of the rig as it is now; a Future of the frame, developed off this thread.

    The exposure (what the frame shows) is taken here, before the caller changes lights or pose.
    """
    ctx.check()
    inspection = ctx.inspection
    started = time.perf_counter()
    camera = ctx.devices.camera
    grab = getattr(camera, "grab", None)
    if grab is None:                        # a plain frame source: read now, nothing to develop
        frame = camera.read()
        inspection.add_timing("camera_s", time.perf_counter() - started)
        inspection.add_timing("frames", 1)
        return done_future(frame)
    grabbed = grab()
    inspection.add_timing("camera_s", time.perf_counter() - started)
    inspection.add_timing("frames", 1)

    def develop() -> Any:
        begun = time.perf_counter()
        frame = grabbed.retrieve()
        inspection.add_timing("render_s", time.perf_counter() - begun)
        return frame

    return inspection.frame_executor.submit(develop)


def _encode(frame: Any, fmt: str) -> bytes:
    if fmt == "png":
        # Screen and IMEI frames stay lossless (single dead pixels): unfiltered rows deflated by
        # ISA-L, ~0.18 s per 12 MP frame where libpng took 0.7-1 s (station/png.py) —
        # encoding competes with capture for the station's two cores.
        return encode_png(frame)
    import cv2  # only here: station/ keeps cv2 out of module level

    if fmt != "jpg":
        raise ValueError(f"unknown evidence format {fmt!r}; use 'png' or 'jpg'")
    # Body photos: JPEG q95 is ~20x cheaper to encode than PNG and 8x smaller; the cosmetic
    # grade of the default phone from these JPEGs equals the one from PNGs (measured).
    ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 95])
    if not ok:
        raise OSError("could not encode a camera frame as JPEG")
    return buf.tobytes()


class EvidenceWriter:
    """Writes frames into a folder on the inspection's worker pool and records their hashes."""

    def __init__(self, ctx: StepContext, folder: str, fmt: str = "png", mm_per_px: float | None = None) -> None:
        self.ctx = ctx
        self.fmt = fmt
        self.folder = ctx.record.evidence_dir / folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.prefix = folder
        self.mm_per_px = mm_per_px        # the frames' scale: needed to cut them to the phone
        self._futures: list[Future] = []
        self._lock = threading.Lock()
        self._crops: dict[str, dict[str, list[int]]] = {}   # file -> box actually cut (manifest)

    def file_name(self, name: str) -> str:
        return f"{name}.{self.fmt}"

    def locate_phone(self, frame: Any) -> Future | None:
        """A Future of the phone's box in `frame` (or of None): the cut for frames of one pose.
        None without the frames' scale (no rig calibration): they are stored whole."""
        scale = self.mm_per_px
        if scale is None:
            return None
        inputs = [frame] if isinstance(frame, Future) else [done_future(frame)]
        return then_submit(inputs, self.ctx.executor, lambda image: phone_box(image, scale))

    def save(self, name: str, frame: Any, crop: Future | None = None, check_crop: bool = True) -> Future:
        """Encode, store and hash `frame` (an image, or a Future of one from `capture_later`).

        With `crop` (a Future of a `CropBox` or None, from `locate_phone`) the stored frame is the
        phone plus a margin of tray; `check_crop` first checks the phone lies wholly inside that cut
        (else the frame is stored whole) — off for frames where the phone cannot be seen (a black
        test pattern), whose pose the box was found in."""
        path = self.folder / self.file_name(name)
        inspection, key = self.ctx.inspection, f"{self.prefix}/{name}"
        with inspection.evidence_lock:
            generation = inspection.evidence_generation.get(key, 0) + 1
            inspection.evidence_generation[key] = generation

        def encode(frame: Any, box: CropBox | None = None) -> tuple[bytes, str, CropBox | None]:
            started = time.perf_counter()
            if box is not None:
                frame, box = cut_to_phone(frame, box, self.mm_per_px, check=check_crop)
            data = _encode(frame, self.fmt)
            inspection.add_timing("encode_s", time.perf_counter() - started)
            return data, hashlib.sha256(data).hexdigest(), box

        def store(encoded: tuple[bytes, str, CropBox | None]) -> str:
            data, digest, box = encoded
            # Written beside its final name first, outside the lock: the capture thread takes that
            # lock for every frame it exposes and must not wait for a 10 MB write. Synced before
            # its hash is recorded: a signed report must not name a frame a power cut could still
            # take back (ext4 keeps unsynced data in memory for up to ~30 s).
            staged = path.with_name(f".{path.name}.{generation}.tmp")
            try:
                write_synced(staged, data)
            except OSError as exc:
                staged.unlink(missing_ok=True)
                raise HardwareError(
                    f"could not store the evidence frame {key} in {path.parent}: {exc.strerror or exc}",
                    f"free disk space there, then resume: station inspect --resume {self.ctx.record.id} "
                    "(no report is issued without every frame)") from exc
            with inspection.evidence_lock:
                if inspection.evidence_generation.get(key) != generation:
                    staged.unlink(missing_ok=True)
                    return path.name          # a re-run step captured this frame again: its save wins
                os.replace(staged, path)
                self.ctx.record.add_evidence(key, digest, str(path), save=False)
                with self._lock:        # file, hash and cut box of the same capture, together
                    if box is None:
                        self._crops.pop(path.name, None)
                    else:
                        self._crops[path.name] = {"box": box.to_list(), "frame_size": list(box.frame_size)}
            self.ctx.record.save()      # the hash on disk before this frame counts as stored
            return path.name

        inputs = [frame if isinstance(frame, Future) else done_future(frame)]
        if crop is not None:
            inputs.append(crop)
        # Encoded on the CPU workers once developed (no worker waits for the frame), then written
        # and synced on the evidence I/O thread (no CPU worker waits for the disk).
        encoded = then_submit(inputs, self.ctx.executor, encode)
        future = then_submit([encoded], inspection.io_executor, store)
        with self._lock:
            self._futures.append(future)
        self.ctx.inspection.pending_writes.append(future)   # the report waits for every hash
        return future

    def wait(self) -> None:
        """Block until every frame is on disk (re-raises a write failure)."""
        with self._lock:
            futures, self._futures = self._futures, []
        for future in futures:
            future.result()

    def write_manifest(self, manifest: dict[str, Any]) -> Path:
        self.wait()
        self._write_manifest_file(manifest)
        return self.folder

    def _write_manifest_file(self, manifest: dict[str, Any]) -> None:
        """The manifest, with the box each cut frame was cut to (full-frame px: x, y, width, height)."""
        with self._lock:
            crops = {name: dict(crop) for name, crop in sorted(self._crops.items())}
        if crops:
            manifest = {**manifest, "crops": crops}
        # Whole and synced like the frames: a resumed inspection re-grades the set it describes.
        replace_synced(self.folder / "manifest.json", json.dumps(manifest, indent=1).encode("utf-8"))

    def write_manifest_when_saved(self, manifest: dict[str, Any]) -> Future:
        """Write the manifest once every frame is on disk, without blocking the capture thread."""
        with self._lock:
            futures = list(self._futures)
        done: Future = Future()
        remaining = [len(futures)]
        lock = threading.Lock()

        def one_done(_f: Future) -> None:
            with lock:
                remaining[0] -= 1
                if remaining[0]:
                    return
            try:
                for f in futures:
                    f.result()
                self._write_manifest_file(manifest)
                done.set_result(self.folder)
            except BaseException as exc:  # noqa: BLE001 - the verdict step re-raises it
                done.set_exception(exc)

        if not futures:
            self._write_manifest_file(manifest)
            done.set_result(self.folder)
        for f in futures:
            f.add_done_callback(one_done)
        self.ctx.inspection.pending_writes.append(done)
        return done
