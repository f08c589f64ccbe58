"""The app's handle on one inspection at a time: start, next, cancel, issue — never blocking.

The workflow (`station.inspection`) runs in an `InspectionThread` (a QThread); it publishes
`InspectionEvent`s on its own `EventBus`, which `EventBridge` re-emits on the GUI thread as
`InspectionController.event`. Widgets take the controller in their constructor and subscribe to
that signal; they never call hardware or grading themselves.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, Signal

from station.inspection.events import EventBus, InspectionEvent
from ui.bridge import EventBridge
from ui.operator import GuiOperator
from ui.settings_store import AppSettings

log = logging.getLogger(__name__)

# A runner runs one whole inspection on the calling (worker) thread, publishing on `bus`.
# Signature: runner(settings, bus, operator, should_stop) -> dict (the inspection's summary).
Runner = Callable[[AppSettings, EventBus, GuiOperator, Callable[[], bool]], Any]


def default_runner(settings: AppSettings, bus: EventBus, operator: GuiOperator,
                   should_stop: Callable[[], bool]) -> Any:
    """The station's inspection workflow on the configured devices."""
    from ui import workflow_adapter

    return workflow_adapter.run_inspection(settings, bus, operator, should_stop)


def default_issuer(settings: AppSettings, bus: EventBus, operator: GuiOperator,
                   should_stop: Callable[[], bool], record: Any, order_id: str | None) -> Any:
    """Sign the report and register its warranty for a completed inspection record."""
    from ui import workflow_adapter

    return workflow_adapter.issue_report(settings, bus, operator, should_stop, record, order_id)


class InspectionThread(QThread):
    """Runs the runner; anything it raises becomes a `failed` signal with the exception."""

    failed = Signal(object)
    completed = Signal(object)

    def __init__(self, work: Callable[[], Any], parent=None) -> None:
        super().__init__(parent)
        self._work = work

    def run(self) -> None:  # worker thread
        try:
            result = self._work()
        except Exception as exc:  # noqa: BLE001 - shown to the user with its hint
            log.debug("inspection failed", exc_info=exc)
            self.failed.emit(exc)
        else:
            self.completed.emit(result)


class InspectionController(QObject):
    """One inspection at a time. `event` carries every InspectionEvent on the GUI thread."""

    event = Signal(object)            # InspectionEvent
    state_changed = Signal(str)       # idle | running | finished | failed | cancelled
    error = Signal(object)            # an exception (message + hint) to show

    def __init__(self, settings: AppSettings, runner: Runner | None = None, issuer=None,
                 world=None, auto_operator: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self._runner = runner or default_runner
        self._issuer = issuer or default_issuer
        self.record: Any = None          # the InspectionRecord of the last run
        self.order_id: str | None = None
        self._world = world
        self.auto_operator = auto_operator
        # One bus for the app's lifetime: the overlay server and the GUI subscribe once, and every
        # inspection (and its issue phase) publishes on it.
        self.bus = EventBus()
        self._bridge = EventBridge(self)
        self._bridge.event.connect(self._on_event)
        self._bridge.attach(self.bus)
        self._thread: InspectionThread | None = None
        self._operator: GuiOperator | None = None
        self._stop = False
        self.state = "idle"
        self.events: list[InspectionEvent] = []
        self.summary: Any = None

    # -- commands (GUI thread, all return at once) -------------------------------------------
    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def start(self) -> bool:
        """Run the measuring steps of a new inspection on a worker thread."""
        if self.running:
            return False
        self.events = []
        self.summary = None
        self.record = None
        settings = self.settings
        return self._launch(lambda bus, op, stop: self._runner(settings, bus, op, stop))

    def can_issue(self) -> bool:
        record = self.record
        if self.running or record is None:
            return False
        complete = getattr(record, "is_complete", lambda: False)()
        return bool(complete and not getattr(record, "report", None))

    def issue(self, order_id: str | None = None) -> bool:
        """Sign the report and register the warranty for the finished inspection (F9)."""
        if not self.can_issue():
            return False
        record, settings = self.record, self.settings
        order = order_id if order_id is not None else self.order_id
        return self._launch(lambda bus, op, stop: self._issuer(settings, bus, op, stop, record, order))

    def _launch(self, work) -> bool:
        self._stop = False
        bus = self.bus
        world = self._world if self._world is not None else _sim_world(self.settings)
        self._operator = GuiOperator(world=world, auto=self.auto_operator)
        operator = self._operator
        self._thread = InspectionThread(lambda: work(bus, operator, lambda: self._stop), self)
        self._thread.failed.connect(self._on_failed)
        self._thread.completed.connect(self._on_completed)
        self._set_state("running")
        self._thread.start()
        return True

    def next(self) -> bool:
        """The operator did what the current prompt asks."""
        return self._operator is not None and self._operator.next()

    def cancel(self) -> None:
        if not self.running:
            return
        self._stop = True
        if self._operator is not None:
            self._operator.cancel()

    def set_auto_operator(self, auto: bool) -> None:
        self.auto_operator = auto
        if self._operator is not None:
            self._operator.auto = auto
            if auto:
                self._operator.next()

    def pending_prompt(self):
        return self._operator.pending if self._operator is not None else None

    def wait(self, ms: int = 30000) -> bool:
        """Join the worker (shutdown and tests only — never from a GUI slot)."""
        return self._thread.wait(ms) if self._thread is not None else True

    # -- from the worker, on the GUI thread ---------------------------------------------------
    def _on_event(self, event: InspectionEvent) -> None:
        self.events.append(event)
        self.event.emit(event)

    def _on_failed(self, exc: BaseException) -> None:
        self._set_state("cancelled" if self._stop else "failed")
        if not self._stop:
            self.error.emit(exc)

    def _on_completed(self, summary: Any) -> None:
        self.summary = summary
        if summary is not None and hasattr(summary, "is_complete"):
            self.record = summary
        cancelled = self._stop or any(e.kind == "cancelled" for e in self.events)
        self._set_state("cancelled" if cancelled else "finished")

    def _set_state(self, state: str) -> None:
        self.state = state
        self.state_changed.emit(state)


# Importing a big extension module (OpenCV, numpy) holds the interpreter lock for tens of ms: done
# lazily by a worker mid-inspection it freezes the GUI, so the app imports them before showing.
PRELOAD = ("numpy", "cv2", "drivers.camera", "drivers.rig", "drivers.phone", "station.phone",
           "station.imei", "station.grading.screen", "station.grading.cosmetic",
           "station.inspection.steps", "station.report", "station.warranty", "serial.tools.list_ports")


def preload_station_parts() -> list[str]:
    """Import what the workers will need; returns the parts not installed (they fail later, clearly)."""
    import importlib

    missing = []
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a part not landed/installed is reported by its step
            missing.append(name)
    return missing


def _sim_world(settings: AppSettings):
    scenario = settings.scenario
    if scenario is None:
        return None
    from drivers.simworld import world_for

    return world_for(scenario)
