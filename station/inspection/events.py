"""Domain events of an inspection: plain Python, so the CLI, the overlay and the Qt app share one stream.

An `InspectionEvent` says what happened (``kind``) in which step (``step``) with a JSON-able
``data`` dict, stamped with the UTC time it happened (``at``, RFC 3339). The `EventBus` calls its
subscribers on the publishing thread (the inspection's worker thread): a GUI subscriber must hop
to its own thread itself (e.g. a queued Qt signal); a web subscriber hands the event to its loop.
A subscriber that raises is logged and does not stop the inspection or the other subscribers.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

log = logging.getLogger(__name__)

# What can happen (contract with the overlay and the app).
KINDS = (
    "step_started", "step_progress", "step_done", "step_failed", "prompt", "paused", "resumed",
    "result", "report_issued", "cancelled", "finished",
)

# The steps of an inspection, in order (contract with the overlay and the app).
STEPS = (
    "connect_rig", "phone_placed", "identify", "imei", "battery", "screen", "cosmetic",
    "verdict", "sign", "warranty",
)


def utc_now_rfc3339() -> str:
    """Now in UTC as an RFC 3339 string with second precision (``2026-11-24T21:05:00Z``)."""
    return datetime.now(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class InspectionEvent:
    """One thing that happened during an inspection."""

    kind: str
    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    at: str = field(default_factory=utc_now_rfc3339)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown event kind {self.kind!r}; kinds are {', '.join(KINDS)}")
        if self.step is not None and self.step not in STEPS:
            raise ValueError(f"unknown step {self.step!r}; steps are {', '.join(STEPS)}")

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "step": self.step, "data": dict(self.data), "at": self.at}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "InspectionEvent":
        return cls(kind=d["kind"], step=d.get("step"), data=dict(d.get("data") or {}),
                   at=d.get("at") or utc_now_rfc3339())


Subscriber = Callable[[InspectionEvent], None]


class EventBus:
    """Fan-out of inspection events to subscribers, called on the publishing thread."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call `callback(event)` for every event published from now on; returns `unsubscribe`."""
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def publish(self, event: InspectionEvent) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for callback in subscribers:
            try:
                callback(event)
            except Exception:  # noqa: BLE001 - one broken listener must not stop the inspection
                log.exception("inspection event subscriber %r failed on %s", callback, event.kind)

    def emit(self, kind: str, step: str | None = None, **data: Any) -> InspectionEvent:
        """Build and publish an event; returns it."""
        event = InspectionEvent(kind=kind, step=step, data=data)
        self.publish(event)
        return event
