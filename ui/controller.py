"""The app's handle on the inspection engine: start, next, cancel, issue, preview — never blocking.

The devices, the workflow and the graders run in a child process (`python -m ui.engine`, see that
module for why). `EngineReader`, a QThread, reads the child's JSON lines: each inspection event is
re-published on the controller's `bus` (the station's `EventBus`, which the overlay server also
subscribes to) and reaches widgets through `EventBridge` as a queued signal on the GUI thread;
preview frames are decoded into QImages on the reader thread. Widgets take the controller in their
constructor and connect to its signals; they never call hardware or grading themselves.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import subprocess
import sys
from dataclasses import asdict
from typing import Any

import cv2          # imported with the window, not on the reader's first frame (import holds the lock)
import numpy as np
from PySide6.QtCore import QObject, QThread, QTimer, Signal
from PySide6.QtGui import QImage

from station.inspection.events import EventBus, InspectionEvent
from ui.app_settings import AppSettings
from ui.bridge import EventBridge

log = logging.getLogger(__name__)


class EngineError(Exception):
    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def decode_image(data: bytes) -> QImage:
    """A JPEG/PNG as a QImage, decoded with the interpreter lock released.

    QImage.loadFromData keeps Python's lock for the whole decode (7-19 ms for a preview frame),
    so the reader thread decoding froze the GUI thread's event loop just as long; OpenCV's
    imdecode lets go of it, and the QImage is then only a copy of the decoded pixels."""
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if pixels is None or pixels.dtype != np.uint8:     # not decodable here (e.g. 16-bit PNG): Qt
        image = QImage()
        image.loadFromData(data)
        return image
    if pixels.ndim == 2:
        pixels = cv2.cvtColor(pixels, cv2.COLOR_GRAY2RGBA)
    elif pixels.shape[2] == 3:
        pixels = cv2.cvtColor(pixels, cv2.COLOR_BGR2RGB)
    else:
        pixels = cv2.cvtColor(pixels, cv2.COLOR_BGRA2RGBA)
    fmt = QImage.Format_RGB888 if pixels.shape[2] == 3 else QImage.Format_RGBA8888
    height, width = pixels.shape[:2]
    return QImage(pixels.data, width, height, pixels.strides[0], fmt).copy()


class EngineReader(QThread):
    """Reads the engine's stdout on its own thread; signals are queued to the GUI thread."""

    message = Signal(object)                 # a non-event, non-preview message dict
    preview = Signal(QImage, object)         # frame, panel corners (preview pixels) or None
    thumbnail = Signal(str, str, QImage)     # target, part, image

    def __init__(self, stream, bus: EventBus, parent=None) -> None:
        super().__init__(parent)
        self._stream = stream
        self._bus = bus

    def run(self) -> None:  # reader thread
        for line in self._stream:
            try:
                msg = json.loads(line)
            except json.JSONDecodeError:
                log.warning("engine said something that is not JSON: %r", line[:120])
                continue
            kind = msg.get("type")
            if kind == "event":
                self._bus.publish(InspectionEvent.from_dict(msg["event"]))
            elif kind == "preview":
                self.preview.emit(decode_image(base64.b64decode(msg["jpeg"])), msg.get("corners"))
            elif kind == "thumbnail":
                self.thumbnail.emit(msg["target"], msg["part"], decode_image(base64.b64decode(msg["png"])))
            else:
                self.message.emit(msg)
        self.message.emit({"type": "exited"})


class InspectionController(QObject):
    """One inspection at a time. `event` carries every InspectionEvent on the GUI thread."""

    event = Signal(object)            # InspectionEvent
    state_changed = Signal(str)       # idle | running | finished | failed | cancelled
    error = Signal(object)            # an exception-like object (message + hint) to show
    preview_frame = Signal(QImage, object)
    preview_error = Signal(object)
    thumbnail = Signal(str, str, QImage)      # target ("card" | "overlay"), part, image

    def __init__(self, settings: AppSettings, auto_operator: bool = False, auto_issue: bool = False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.auto_operator = auto_operator
        self.auto_issue = auto_issue          # the hands-free demo issues by itself, after a pause
        self.awaiting_issue = False
        self.issued: dict | None = None
        # One bus for the app's lifetime: the overlay server and the GUI subscribe once.
        self.bus = EventBus()
        self._bridge = EventBridge(self)
        self._bridge.event.connect(self._on_event)
        self._bridge.attach(self.bus)
        self._proc: subprocess.Popen | None = None
        self._reader: EngineReader | None = None
        self._busy = False
        self._closed = False
        self._phase = ""
        self.state = "idle"
        self.events: list[InspectionEvent] = []
        self.record: dict | None = None      # the engine's summary of the last inspection

    # -- the engine process --------------------------------------------------------------------
    def _engine(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            env = dict(os.environ)
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "ui.engine"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                text=True, encoding="utf-8", bufsize=1, env=env)
            self._reader = EngineReader(self._proc.stdout, self.bus, self)
            self._reader.message.connect(self._on_message)
            self._reader.preview.connect(self.preview_frame)
            self._reader.thumbnail.connect(self.thumbnail)
            self._reader.start()
            self._send({"cmd": "auto", "on": self.auto_operator})
        return self._proc

    def _send(self, msg: dict) -> None:
        if self._closed:
            return
        proc = self._engine() if msg.get("cmd") != "auto" else self._proc
        try:
            proc.stdin.write(json.dumps(msg) + "\n")
            proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            self.error.emit(EngineError(f"the inspection engine stopped ({exc})", "restart the app"))

    def warm_up(self) -> None:
        """Start the engine now (process start and its imports take a while) rather than on F5."""
        if not self._closed:
            self._engine()

    # -- commands (GUI thread, all return at once) -------------------------------------------
    @property
    def running(self) -> bool:
        return self._busy

    def start(self) -> bool:
        """Run the measuring steps of a new inspection in the engine."""
        if self._busy:
            return False
        self.events = []
        self.record = None
        self.issued = None
        self.awaiting_issue = False
        self._begin("inspect")
        self._send({"cmd": "start", "settings": asdict(self.settings)})
        return True

    def can_issue(self) -> bool:
        """The inspection has measured everything and waits for the go to sign (F9)."""
        return self._busy and self.awaiting_issue and self.issued is None

    def issue(self, order_id: str | None = None) -> bool:
        """Sign the report and register the warranty for this inspection (F9)."""
        if not self.can_issue():
            return False
        self.awaiting_issue = False
        self._send({"cmd": "issue", "order_id": order_id or None})
        return True

    def _issue_now(self) -> None:
        self.issue()

    def next(self) -> bool:
        """The operator did what the current prompt asks."""
        if not self._busy:
            return False
        self._send({"cmd": "next"})
        return True

    def cancel(self) -> None:
        if self._busy:
            self._cancelling = True
            self._send({"cmd": "cancel"})

    def set_auto_operator(self, auto: bool) -> None:
        self.auto_operator = auto
        if self._proc is not None:
            self._send({"cmd": "auto", "on": auto})

    def set_preview(self, on: bool, fps: float = 5.0) -> None:
        if not self.settings.camera_url:
            return
        self._send({"cmd": "preview", "on": on, "fps": fps, "settings": asdict(self.settings)})

    def wait(self, ms: int = 30000) -> bool:
        """Stop the engine process (shutdown only; the controller takes no commands after)."""
        self._closed = True
        proc, self._proc = self._proc, None
        if proc is None:
            return True
        try:
            proc.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
            proc.stdin.flush()
            proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        try:
            proc.wait(ms / 1000)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if self._reader is not None:
            self._reader.wait(ms)
        return True

    # -- from the engine, on the GUI thread ---------------------------------------------------
    def _begin(self, phase: str) -> None:
        self._busy = True
        self._phase = phase
        self._cancelling = False
        self._set_state("running")

    def _on_event(self, event: InspectionEvent) -> None:
        self.events.append(event)
        if event.kind == "step_progress" and (event.data or {}).get("awaiting_issue"):
            self.awaiting_issue = True
            if self.auto_issue:
                QTimer.singleShot(1500, self._issue_now)
        elif event.kind == "report_issued":
            self.issued = dict(event.data or {})
        elif event.kind in ("finished", "cancelled", "step_failed"):
            self.awaiting_issue = False
        self.event.emit(event)

    def _on_message(self, msg: dict) -> None:
        kind = msg.get("type")
        if kind == "done":
            self.record = msg
            self._busy = False
            state = msg.get("state")
            self._set_state({"cancelled": "cancelled", "failed": "failed"}.get(state, "finished"))
        elif kind == "error":
            self._busy = False
            cancelled = msg.get("cancelled") or getattr(self, "_cancelling", False)
            self._set_state("cancelled" if cancelled else "failed")
            if not cancelled:
                self.error.emit(EngineError(msg.get("message", "failed"), msg.get("hint", "")))
        elif kind == "preview_error":
            self.preview_error.emit(EngineError(msg.get("message", ""), msg.get("hint", "")))
        elif kind == "exited" and self._busy:
            self._busy = False
            self._set_state("failed")
            self.error.emit(EngineError("the inspection engine stopped unexpectedly",
                                        "see the terminal for its error, then start again"))

    def _set_state(self, state: str) -> None:
        self.state = state
        self.state_changed.emit(state)
