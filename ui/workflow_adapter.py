"""How the app runs the station's inspection workflow (`station.inspection`).

One run of the state machine from `connect_rig` to `warranty`, with one change: the `sign` step
first waits for the streamer's decision (F9 in the app, `IssueGate.open`). While it waits it
publishes one `step_progress` with ``awaiting_issue: true``; the card on the stream keeps every
grade, and Esc still cancels (measurements are kept, no report). A report is still only issued
from a complete inspection: the station's own `sign` step checks that after the gate opens.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from typing import Any, Callable

from station.inspection.events import EventBus
from ui.app_settings import AppSettings

GATED_STEP = "sign"


class IssueGate:
    """Opened once, from another thread, with the optional order id for the warranty."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.order_id: str | None = None

    def open(self, order_id: str | None = None) -> None:
        self.order_id = order_id or None
        self._event.set()

    def wait(self, timeout: float) -> bool:
        return self._event.wait(timeout)


def _gated(spec, gate: IssueGate):
    original = spec.run

    def run(ctx) -> Any:
        if not ctx.inspection.missing:           # an incomplete inspection fails at once, as before
            ctx.progress(0.0, awaiting_issue=True)
            while not gate.wait(0.1):
                # Waiting for the person is not the step's time: keep its deadline ahead.
                ctx.deadline = time.monotonic() + spec.timeout_s
                ctx.check()                      # raises when cancelled
            if gate.order_id:
                ctx.inspection.options.order_id = gate.order_id
        return original(ctx)

    return dataclasses.replace(spec, run=run)


def _stop_watcher(inspection, should_stop: Callable[[], bool]) -> threading.Event:
    # Cancellation from the app: a tiny watcher turns the flag into the state machine's own
    # (thread-safe) cancel(), which stops it at the next safe point.
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.05):
            if should_stop():
                inspection.cancel()
                return

    threading.Thread(target=watch, name="cancel-watch", daemon=True).start()
    return done


def run_inspection(settings: AppSettings, bus: EventBus, operator, should_stop: Callable[[], bool],
                   gate: IssueGate) -> Any:
    """The whole inspection on the configured devices; returns the InspectionRecord."""
    from station.inspection.steps import build_inspection

    inspection = build_inspection(settings.rig_url, settings.phone_url, settings.camera_url, operator,
                                  bus=bus)
    inspection.steps = [_gated(s, gate) if s.name == GATED_STEP else s for s in inspection.steps]
    done = _stop_watcher(inspection, should_stop)
    try:
        record = inspection.run()
    finally:
        done.set()
        inspection.devices.close()
    if inspection.error is not None:
        raise inspection.error
    return record
