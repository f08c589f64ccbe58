"""The app's engine: a child process that owns the devices and runs inspections (no Qt here).

Why a process and not only a thread: the simulators and graders do heavy numpy/OpenCV work, and
some of it holds Python's interpreter lock for tens of milliseconds at a time; in the GUI's process
that freezes the event loop however the threads are arranged. In its own process it cannot.

Protocol: JSON lines. stdin (from the app):
  {"cmd": "start", "settings": {...}}          run an inspection (ui.workflow_adapter)
  {"cmd": "issue", "order_id": "..."}          the streamer's go for the report + warranty (F9)
  {"cmd": "next"} | {"cmd": "cancel"} | {"cmd": "auto", "on": true}
  {"cmd": "preview", "on": true, "fps": 5}     live camera preview (JPEG, panel corners)
  {"cmd": "quit"}
stdout (to the app): {"type": "event", "event": InspectionEvent.to_dict()} |
  {"type": "done", "phase", "record_id", "state", "complete", "report"} |
  {"type": "error", "phase", "message", "hint"} | {"type": "preview", "jpeg": base64, "size", "corners"}
  | {"type": "ready"}
Logs go to stderr.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import sys
import threading
import time
from typing import Any

from station.frame_memory import keep_frame_memory
from station.inspection.events import EventBus
from station.inspection.warmup import LATER_PARTS, import_parts
from ui.operator import GuiOperator
from ui.app_settings import AppSettings

log = logging.getLogger("ui.engine")
PREVIEW_WIDTH = 960


class Engine:
    def __init__(self, out=None) -> None:
        self._out = out or sys.stdout
        self._out_lock = threading.Lock()
        self.bus = EventBus()
        self.bus.subscribe(lambda e: self.send({"type": "event", "event": e.to_dict()}))
        self.bus.subscribe(self._track_capture)
        self.bus.subscribe(self._track_prompt)
        self.bus.subscribe(self._cut_thumbnails)
        self._framesets: dict[str, dict] = {}
        self._capturing = threading.Event()
        self.settings: AppSettings | None = None
        self.operator: GuiOperator | None = None
        self.auto = False
        self._stop = False
        self._work: threading.Thread | None = None
        self.record = None
        self.gate = None
        self._preview: threading.Thread | None = None
        self._preview_on = threading.Event()
        self._preview_fps = 5.0

    def send(self, message: dict[str, Any]) -> None:
        line = json.dumps(message, ensure_ascii=False, default=str)
        with self._out_lock:
            self._out.write(line + "\n")
            self._out.flush()

    # -- commands --------------------------------------------------------------------------
    def handle(self, msg: dict[str, Any]) -> bool:
        cmd = msg.get("cmd")
        if cmd == "start":
            self.settings = AppSettings(**msg.get("settings", {}))
            self._launch("inspect", self._inspect)
        elif cmd == "issue":
            if self.gate is not None:
                self.gate.open(msg.get("order_id"))
        elif cmd == "next":
            if self.operator is not None:
                self.operator.next()
        elif cmd == "cancel":
            self._stop = True
            if self.operator is not None:
                self.operator.cancel()
        elif cmd == "auto":
            self.auto = bool(msg.get("on"))
            if self.operator is not None:
                self.operator.auto = self.auto
                if self.auto:
                    self.operator.next()
        elif cmd == "preview":
            if msg.get("settings"):
                self.settings = AppSettings(**msg["settings"])
            self._preview_fps = float(msg.get("fps", self._preview_fps))
            self._set_preview(bool(msg.get("on")))
        elif cmd == "quit":
            return False
        return True

    def _launch(self, phase: str, work) -> None:
        if self._work is not None and self._work.is_alive():
            self.send({"type": "error", "phase": phase, "message": "an inspection is already running",
                       "hint": "wait for it to finish or cancel it (Esc)"})
            return
        self._stop = False
        world = _sim_world(self.settings) if self.settings else None
        if world is not None and phase == "inspect" and not self.auto:
            # Manual simulator session: the tray starts empty, as at a real rig, so the first thing
            # the streamer does is "place the phone" (Space) — their simulated hands do the rest.
            with world.lock:
                world.phone_present = False
        self.operator = GuiOperator(world=world, auto=self.auto)

        def body() -> None:
            try:
                record = work()
            except Exception as exc:  # noqa: BLE001 - reported to the app with its hint
                log.debug("%s failed", phase, exc_info=True)
                self.send({"type": "error", "phase": phase, "message": getattr(exc, "message", None) or str(exc),
                           "hint": getattr(exc, "hint", "") or "", "cancelled": self._stop})
                return
            self.record = record
            self.send({"type": "done", "phase": phase, "record_id": record.id, "state": record.state,
                       "complete": record.is_complete(), "report": record.report,
                       "results": record.results})

        self._work = threading.Thread(target=body, name=f"engine-{phase}", daemon=True)
        self._work.start()

    def _inspect(self):
        from ui import workflow_adapter

        self.gate = workflow_adapter.IssueGate()
        return workflow_adapter.run_inspection(self.settings, self.bus, self.operator, lambda: self._stop,
                                               self.gate)

    def _cut_thumbnails(self, event) -> None:
        """Defect thumbnails are cut from 12 MP frames here, not in the GUI's process."""
        data = event.data or {}
        if event.kind == "step_started" and event.step == "connect_rig":
            self._framesets = {}
        if not (event.kind == "result" and event.step in ("screen", "cosmetic") and data.get("frameset")):
            return
        self._framesets[event.step] = {"folder": data["frameset"], "defects": data.get("defects") or []}
        framesets = dict(self._framesets)
        part = event.step

        def cut() -> None:
            from ui.thumbnails import card_thumbnail_png, overlay_thumbnail_png, wait_until_written

            wait_until_written(framesets[part]["folder"])
            for target, make in (("card", lambda: card_thumbnail_png(part, framesets[part])),
                                 ("overlay", lambda: overlay_thumbnail_png(framesets))):
                try:
                    png = make()
                except Exception:  # noqa: BLE001 - no thumbnail is not an inspection failure
                    log.debug("thumbnail for %s failed", part, exc_info=True)
                    png = None
                if png:
                    self.send({"type": "thumbnail", "target": target, "part": part,
                               "png": base64.b64encode(png).decode("ascii")})

        threading.Thread(target=cut, name=f"thumb-{part}", daemon=True).start()

    def _track_prompt(self, event) -> None:
        if event.kind == "prompt" and (event.data or {}).get("blocking") and self.operator is not None:
            self.operator.announce(str(event.data.get("id")))

    # -- preview ---------------------------------------------------------------------------
    CAPTURE_STEPS = ("imei", "screen", "cosmetic")

    def _track_capture(self, event) -> None:
        # The simulated camera renders on the CPU the capture steps need (2 cores); while a step
        # is photographing, the simulator's preview holds still rather than halve its speed.
        if event.step in self.CAPTURE_STEPS and event.kind == "step_started":
            self._capturing.set()
        elif event.step in self.CAPTURE_STEPS and event.kind in ("step_done", "step_failed"):
            self._capturing.clear()
        elif event.kind in ("finished", "cancelled"):
            self._capturing.clear()

    def _set_preview(self, on: bool) -> None:
        if not on:
            self._preview_on.clear()
            return
        self._preview_on.set()
        if self._preview is None or not self._preview.is_alive():
            self._preview = threading.Thread(target=self._preview_loop, name="preview", daemon=True)
            self._preview.start()

    def _preview_loop(self) -> None:
        import cv2

        from drivers.camera import open_camera

        try:
            locate = _locator()
            camera = open_camera(self.settings.camera_url)
        except Exception as exc:  # noqa: BLE001
            self.send({"type": "preview_error", "message": getattr(exc, "message", None) or str(exc),
                       "hint": getattr(exc, "hint", "") or ""})
            return
        try:
            simulated = str(self.settings.camera_url).startswith("sim://")
            while self._preview_on.is_set():
                if simulated and self._capturing.is_set():
                    time.sleep(0.2)
                    continue
                started = time.monotonic()
                frame = camera.preview()
                corners = None
                if locate is not None:
                    try:
                        found = locate(frame)
                        corners = None if found is None else [[float(x), float(y)] for x, y in found]
                    except Exception:  # noqa: BLE001 - no outline this frame
                        corners = None
                h, w = frame.shape[:2]
                scale = min(1.0, PREVIEW_WIDTH / float(w))
                small = cv2.resize(frame, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
                ok, jpeg = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 80])
                if ok:
                    self.send({"type": "preview", "jpeg": base64.b64encode(jpeg.tobytes()).decode("ascii"),
                               "corners": [[x * scale, y * scale] for x, y in corners] if corners else None})
                rest = 1.0 / self._preview_fps - (time.monotonic() - started)
                if rest > 0:
                    time.sleep(rest)
        except Exception as exc:  # noqa: BLE001
            self.send({"type": "preview_error", "message": str(exc), "hint": ""})
        finally:
            close = getattr(camera, "close", None)
            if close:
                close()


def _locator():
    try:
        from station.grading.screen import locate_panel
    except ImportError:
        return None
    return locate_panel


def _sim_world(settings: AppSettings):
    if settings is None or settings.scenario is None:
        return None
    from drivers.simworld import world_for

    return world_for(settings.scenario)


# Imported before "ready" so the first inspection does not pay for them mid-step.
# Before the first inspection: the libraries and drivers too (the CLI's inspection imports only
# the later steps' parts, during the rig's self-test: station/inspection/warmup.py).
PRELOAD = ("numpy", "cv2", "drivers.camera", "drivers.rig", "drivers.phone", "station.phone",
           "station.inspection.steps", *LATER_PARTS)


def preload() -> list[str]:
    """Import what the steps will need; returns the parts not installed (their steps say so)."""
    loaded = set(import_parts(PRELOAD))
    return [name for name in PRELOAD if name not in loaded]


ENGINE_NICENESS = 10


def lower_engine_priority(policy: str = "normal") -> None:
    """The engine yields the CPU to the GUI: niceness 10, so on a busy 2-core machine the
    scheduler wakes the event loop promptly while grading and rendering fill the rest of the time.

    Not SCHED_IDLE by default (`policy="idle"` opts in): it ran the GUI first even more strictly
    (worst GUI stall 13-17 ms instead of 21 ms during a whole inspection, both within the 50 ms
    goal), but an idle-class engine gets no CPU at all while any other program keeps both cores
    busy — OBS encoding the stream on the same PC would freeze the inspection on air (measured:
    with two busy loops the engine had not finished its first step after 120 s; at niceness 10 it
    ran the same steps in ~12 s).
    """
    if hasattr(os, "nice"):
        try:
            os.nice(ENGINE_NICENESS)
        except OSError:
            pass
    if policy == "idle" and hasattr(os, "sched_setscheduler"):
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        except (OSError, AttributeError):
            pass


def main() -> int:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    keep_frame_memory()        # before any worker thread: camera frames reuse mapped memory
    lower_engine_priority(os.environ.get("STATION_ENGINE_SCHED", "normal"))
    engine = Engine()
    preload()
    engine.send({"type": "ready"})
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            msg = json.loads(line)
        except json.JSONDecodeError:
            log.warning("engine: ignoring a line that is not JSON: %r", line[:80])
            continue
        if not engine.handle(msg):
            break
    engine._stop = True
    if engine.operator is not None:
        engine.operator.cancel()
    engine._preview_on.clear()
    # The app has gone (quit or stdin closed): give a running inspection a moment to stop at a
    # safe point (its record is saved atomically after every change), then leave even if a
    # grading worker is still busy — an orphaned engine must not keep the CPU.
    if engine._work is not None:
        engine._work.join(timeout=5)
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    raise SystemExit(main())
