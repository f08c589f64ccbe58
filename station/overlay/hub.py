"""The overlay's live state: folds inspection events into a snapshot and pushes it to every
connected page (server-sent events). Events arrive on the inspection's worker thread; each page
listens on the server's asyncio loop, so updates cross over with `call_soon_threadsafe`.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Callable

from station.inspection.events import EventBus, InspectionEvent
from station.overlay.state import apply_event, empty_snapshot


class OverlayHub:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshot = empty_snapshot()
        self._listeners: list[tuple[asyncio.AbstractEventLoop, asyncio.Queue]] = []
        # Private (never sent to pages): where the graded frames are, for the defect thumbnail.
        self.framesets: dict[str, dict[str, Any]] = {}

    @property
    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return self._snapshot

    @property
    def listener_count(self) -> int:
        """Pages connected right now."""
        with self._lock:
            return len(self._listeners)

    def attach(self, bus: EventBus) -> Callable[[], None]:
        """Follow an inspection's events; returns `detach`."""
        return bus.subscribe(self.on_event)

    def on_event(self, event: InspectionEvent | dict[str, Any]) -> None:
        data = event.to_dict() if isinstance(event, InspectionEvent) else event
        if data["kind"] == "result" and data.get("step") in ("screen", "cosmetic"):
            payload = data.get("data") or {}
            self.framesets[data["step"]] = {"folder": payload.get("frameset"),
                                            "defects": payload.get("defects") or []}
        if data["kind"] == "step_started" and data.get("step") == "connect_rig":
            self.framesets.clear()
        with self._lock:
            self._snapshot = snapshot = apply_event(self._snapshot, data)
            listeners = list(self._listeners)
        for loop, queue in listeners:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, snapshot)
            except RuntimeError:       # that page's loop is gone
                self._remove(loop, queue)

    def listen(self) -> asyncio.Queue:
        """A queue of snapshots for one page (call on the server's loop)."""
        queue: asyncio.Queue = asyncio.Queue()
        with self._lock:
            self._listeners.append((asyncio.get_running_loop(), queue))
        return queue

    def unlisten(self, queue: asyncio.Queue) -> None:
        with self._lock:
            self._listeners = [(lp, q) for lp, q in self._listeners if q is not queue]

    def _remove(self, loop, queue) -> None:
        with self._lock:
            self._listeners = [(lp, q) for lp, q in self._listeners if q is not queue]
