"""How the app runs the station's inspection workflow (`station.inspection`), in two phases.

Phase 1 (Start) runs the measuring steps up to the verdict; phase 2 (Issue, F9) runs `sign` and
`warranty` on the same persisted record — the state machine skips the steps already done — so the
streamer decides when the report and warranty are issued, and a report only ever comes from a
complete inspection. Both phases run on the caller's (worker) thread and publish on `bus`.
"""

from __future__ import annotations

from typing import Any, Callable

from station.inspection.events import EventBus
from ui.app_settings import AppSettings

ISSUE_STEPS = ("sign", "warranty")


def _build(settings: AppSettings, bus: EventBus, operator, *, resume_id: str | None = None,
           order_id: str | None = None):
    from station.inspection.machine import InspectionOptions
    from station.inspection.steps import build_inspection

    options = InspectionOptions(order_id=order_id or None)
    return build_inspection(settings.rig_url, settings.phone_url, settings.camera_url, operator,
                            bus=bus, options=options, resume_id=resume_id)


def _run(inspection, should_stop: Callable[[], bool]):
    # Cancellation from the GUI: the controller's flag is polled by a tiny watcher so the state
    # machine's own cancel() (thread-safe) stops it at the next safe point.
    import threading

    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.05):
            if should_stop():
                inspection.cancel()
                return

    watcher = threading.Thread(target=watch, name="cancel-watch", daemon=True)
    watcher.start()
    try:
        return inspection.run()
    finally:
        done.set()
        inspection.devices.close()


def run_inspection(settings: AppSettings, bus: EventBus, operator, should_stop) -> Any:
    """Phase 1: every step before signing. Returns the InspectionRecord."""
    inspection = _build(settings, bus, operator)
    inspection.steps = [s for s in inspection.steps if s.name not in ISSUE_STEPS]
    record = _run(inspection, should_stop)
    if inspection.error is not None:
        raise inspection.error
    return record


def issue_report(settings: AppSettings, bus: EventBus, operator, should_stop, record,
                 order_id: str | None = None) -> Any:
    """Phase 2: sign and store the report with its warranty, for a complete record."""
    from station.errors import BadInput

    if not record.is_complete():
        raise BadInput("this inspection is not complete, so no report can be issued from it",
                       "run the inspection to the verdict first (F5), then issue (F9)")
    # Resuming from the saved record: the state machine skips every step already done.
    inspection = _build(settings, bus, operator, resume_id=record.id, order_id=order_id)
    record = _run(inspection, should_stop)
    if inspection.error is not None:
        raise inspection.error
    return record
