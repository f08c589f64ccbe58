"""The inspection state machine: runs the steps in order with progress, timeouts, retries,
operator prompts, cancel, and pause-and-resume when the rig or phone drops out.

States and the transitions allowed between them (anything else is a bug and raises):

    idle ──▶ running ◀──▶ waiting_operator
               │  ▲
               ▼  │
             paused            running ──▶ completed | incomplete | failed | cancelled

A step is a function `run(ctx) -> dict` (see `steps.py`); the machine owns everything around it.
Timeouts are cooperative: a step calls `ctx.check()` (also done by `ctx.progress` and
`ctx.prompt`) between device calls, and each device call has its own I/O timeout in its driver.
Every state change is persisted in the `InspectionRecord` before the event goes out.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable

from drivers.errors import DriverError
from station.errors import HardwareError, StationError
from station.inspection.devices import DeviceSet, PartMissing
from station.inspection.events import EventBus, utc_now_rfc3339
from station.inspection.operator import CANCEL, Operator, Prompt
from station.inspection.record import InspectionRecord, new_inspection_id

log = logging.getLogger(__name__)


class State(str, Enum):
    IDLE = "idle"
    RUNNING = "running"
    WAITING_OPERATOR = "waiting_operator"
    PAUSED = "paused"
    COMPLETED = "completed"
    INCOMPLETE = "incomplete"   # ran what is installed; some steps could not run (no report)
    FAILED = "failed"
    CANCELLED = "cancelled"


TRANSITIONS: dict[State, set[State]] = {
    State.IDLE: {State.RUNNING, State.CANCELLED},
    State.RUNNING: {State.WAITING_OPERATOR, State.PAUSED, State.COMPLETED, State.INCOMPLETE,
                    State.FAILED, State.CANCELLED},
    State.WAITING_OPERATOR: {State.RUNNING, State.CANCELLED, State.PAUSED},
    State.PAUSED: {State.RUNNING, State.WAITING_OPERATOR, State.CANCELLED, State.FAILED},
    State.COMPLETED: set(), State.INCOMPLETE: set(), State.FAILED: set(), State.CANCELLED: set(),
}
FINAL = {State.COMPLETED, State.INCOMPLETE, State.FAILED, State.CANCELLED}


class Cancelled(Exception):
    """The operator (or a front end) cancelled the inspection."""


class StepTimeout(HardwareError):
    """A step ran past its time limit."""


class DeviceLost(Exception):
    """A device the step needs stopped answering, or the phone left the tray: pause, then resume."""

    def __init__(self, device: str, message: str) -> None:
        super().__init__(message)
        self.device = device
        self.message = message


class StepFailed(StationError):
    """A step failed for good (after its retries)."""

    exit_code = 3


@dataclass(frozen=True)
class StepSpec:
    name: str
    run: Callable[["StepContext"], dict[str, Any] | None]
    timeout_s: float = 60.0
    attempts: int = 1                      # >1 where the hardware allows a retry
    needs: tuple[str, ...] = ()            # devices ("rig", "phone", "camera"), checked on failure
    needs_tray: bool = False               # phone must be in the tray with the lid closed
    requires: tuple[str, ...] = ()         # steps whose results this one uses
    # For a step marked done in a resumed record: is what it left still usable? (else: re-run)
    still_valid: Callable[[InspectionRecord], bool] | None = None


@dataclass
class InspectionOptions:
    pattern_base_url: str = "http://127.0.0.1:8765"
    reconnect_timeout_s: float = 120.0
    reconnect_poll_s: float = 0.5
    grading_workers: int = 2
    sale_date: str | None = None
    order_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class StepContext:
    """What a step sees: its devices, the record, progress/prompt helpers and its deadline."""

    def __init__(self, inspection: "Inspection", spec: StepSpec, attempt: int) -> None:
        self.inspection = inspection
        self.spec = spec
        self.attempt = attempt
        self.deadline = time.monotonic() + spec.timeout_s

    @property
    def devices(self) -> DeviceSet:
        return self.inspection.devices

    @property
    def record(self) -> InspectionRecord:
        return self.inspection.record

    @property
    def options(self) -> InspectionOptions:
        return self.inspection.options

    @property
    def executor(self) -> ThreadPoolExecutor:
        return self.inspection.executor

    def check(self) -> None:
        """Raise if cancelled, past the deadline, or the phone left the tray."""
        self.inspection._check_cancel()
        if self.spec.needs_tray:
            self.inspection._check_tray()
        if time.monotonic() > self.deadline:
            raise StepTimeout(f"step {self.spec.name} took longer than {self.spec.timeout_s:.0f} s",
                              "check the devices and run the inspection again (it resumes where it stopped)")

    def progress(self, fraction: float, **data: Any) -> None:
        self.check()
        self.inspection.bus.emit("step_progress", self.spec.name,
                                 fraction=round(max(0.0, min(1.0, fraction)), 3), **data)

    def prompt(self, prompt_id: str, *, blocking: bool = True, **data: Any) -> None:
        """Ask the operator; returns once done, raises `Cancelled` if they cancel."""
        self.inspection._ask(self.spec.name, Prompt(prompt_id, data, blocking=blocking))
        # Time spent waiting for a person does not count against the step's time limit.
        self.deadline = max(self.deadline, time.monotonic() + self.spec.timeout_s / 2)

    def keep_result(self, key: str, value: Any) -> None:
        """Store the step's own result in the record, to reach the disk with the step's end.

        The "done" mark (or "failed") that follows on this thread is fsynced and carries it: one
        fsync per step, not two — each was 2-40 ms on the step thread while evidence was being
        written. A crash between the two leaves the step not done, and a resumed inspection
        measures it again. Results that no step end follows (grades landing later) use
        `record.put_result`, which saves at once."""
        self.record.put_result(key, value, durable=False)

    def result(self, **data: Any) -> None:
        """Publish a measured result (the overlay shows it at once)."""
        self.inspection.bus.emit("result", self.spec.name, **data)


class Inspection:
    """One inspection run. `run()` blocks (call it on a worker thread, or use `start()`)."""

    def __init__(self, devices: DeviceSet, operator: Operator, steps: list[StepSpec], *,
                 bus: EventBus | None = None, record: InspectionRecord | None = None,
                 options: InspectionOptions | None = None) -> None:
        self.devices = devices
        self.operator = operator
        self.steps = steps
        self.bus = bus or EventBus()
        self.options = options or InspectionOptions()
        self.record = record or InspectionRecord(id=new_inspection_id(), devices=dict(devices.urls))
        self.state = State.IDLE          # a loaded record resumes from its first step not done
        self.record.state = State.IDLE.value
        self._cancel = threading.Event()
        self._tray_problem: str | None = None
        self.executor = ThreadPoolExecutor(max_workers=self.options.grading_workers,
                                           thread_name_prefix="grading")
        # Develops grabbed frames in capture order (capture.capture_later); one thread bounds the
        # frames in flight and keeps a 12 MP render from competing with itself.
        self.frame_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="frames")
        # Writes encoded evidence to disk and waits for it to be durable (capture.EvidenceWriter):
        # that wait is the disk's, so it must not hold one of the two CPU workers above.
        self.io_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="evidence-io")
        self.missing: list[str] = []
        self.pending_grades: dict[str, Any] = {}   # part -> Future of its grade (graded off-thread)
        self.pending_writes: list[Any] = []        # Futures of evidence files, report copies, still being written
        self._deferred_writes: list[tuple] = []    # (fn, args): written once the last step is out of the way
        # A re-run step saves its frames again while the failed attempt's may still be encoding:
        # the newest save of a name wins, file and recorded hash together (capture.EvidenceWriter).
        self.evidence_lock = threading.Lock()
        self.evidence_generation: dict[str, int] = {}
        self.pose = "front"                        # the face we believe the camera sees
        self.lights: dict[str, int] | None = None  # what the rig's lights were last set to
        self.timings: dict[str, float] = {}        # camera_s, encode_s, grade_s, frames (benchmarks)
        self._timings_lock = threading.Lock()
        self.error: BaseException | None = None
        devices.on_rig_event = self._on_rig_event

    def defer_write(self, fn, *args) -> None:
        """Write later: at `flush_deferred_writes` (the last step calls it) or, whatever happens,
        before the inspection ends. For files no step reads (the report's printable copies): their
        CPU would otherwise slow the steps still running."""
        self._deferred_writes.append((fn, args))

    def flush_deferred_writes(self) -> None:
        deferred, self._deferred_writes = self._deferred_writes, []
        for fn, args in deferred:
            self.pending_writes.append(self.executor.submit(fn, *args))

    def add_timing(self, key: str, amount: float) -> None:
        with self._timings_lock:
            self.timings[key] = self.timings.get(key, 0.0) + amount

    # -- state -----------------------------------------------------------------------------
    def _transition(self, to: State) -> None:
        if to == self.state:
            return
        if to not in TRANSITIONS[self.state]:
            raise RuntimeError(f"inspection cannot go from {self.state.value} to {to.value}")
        operator_wait = {self.state, to} == {State.RUNNING, State.WAITING_OPERATOR}
        self.state = to
        self.record.state = to.value
        if operator_wait:
            # Into and out of an operator prompt ("turn the phone"): a crash resumes the same way
            # whichever of the two the file says, so this rides on the next save rather than
            # holding the rig for an fsync twice per prompt (~10-20 ms each under evidence writes).
            self.record.save_later()
        else:
            self.record.save()

    def cancel(self) -> None:
        """Ask the inspection to stop at the next safe point (thread-safe)."""
        self._cancel.set()

    def _check_cancel(self) -> None:
        if self._cancel.is_set():
            raise Cancelled("cancelled by the operator")

    # -- tray watch (rig events arrive on the rig's reader thread) --------------------------
    def _on_rig_event(self, event: Any) -> None:
        text = str(getattr(event, "kind", None) or getattr(event, "name", None) or event).lower()
        if "removed" in text or "lid_open" in text or ("lid" in text and "open" in text):
            self._tray_problem = text
        elif "placed" in text or "lid_closed" in text or ("lid" in text and "close" in text):
            self._tray_problem = None

    def _check_tray(self) -> None:
        if self._tray_problem:
            raise DeviceLost("tray", f"the phone left the tray or the lid opened ({self._tray_problem})")

    # -- operator --------------------------------------------------------------------------
    def _ask(self, step: str, prompt: Prompt) -> None:
        self._check_cancel()
        self.bus.emit("prompt", step, **prompt.to_dict())
        if not prompt.blocking:
            self.operator.ask(prompt)
            return
        previous = self.state
        self._transition(State.WAITING_OPERATOR)
        answer = self.operator.ask(prompt)
        if answer == CANCEL:
            self.cancel()
            self._check_cancel()
        self._transition(previous if previous != State.WAITING_OPERATOR else State.RUNNING)

    # -- pause / resume ----------------------------------------------------------------------
    def _pause_until_back(self, step: str, lost: DeviceLost) -> None:
        self._transition(State.PAUSED)
        self.lights = None                           # a reconnected rig may have reset them
        self.bus.emit("paused", step, device=lost.device, message=lost.message)
        started = time.monotonic()
        if lost.device == "tray":
            self._ask(step, Prompt("place_phone"))
            self._wait_for_tray(step, started)
        else:
            self._ask(step, Prompt(f"reconnect_{lost.device}", blocking=False))
            while not self.devices.probe(lost.device):
                self._check_cancel()
                if time.monotonic() - started > self.options.reconnect_timeout_s:
                    raise HardwareError(f"the {lost.device} did not come back within "
                                        f"{self.options.reconnect_timeout_s:.0f} s",
                                        f"reconnect the {lost.device}, then resume inspection {self.record.id}")
                time.sleep(self.options.reconnect_poll_s)
        self._transition(State.RUNNING)
        self.bus.emit("resumed", step, device=lost.device, paused_s=round(time.monotonic() - started, 2))

    def _wait_for_tray(self, step: str, started: float) -> None:
        from station.inspection.devices import field_of

        while True:
            self._check_cancel()
            try:
                tray = self.devices.rig.tray()
                if field_of(tray, "present") and field_of(tray, "lid_closed"):
                    self._tray_problem = None
                    return
            except DriverError:
                self.devices.drop("rig")
            if time.monotonic() - started > self.options.reconnect_timeout_s:
                raise HardwareError("the phone is not back in the tray with the lid closed",
                                    f"place the phone, close the lid, then resume inspection {self.record.id}")
            time.sleep(self.options.reconnect_poll_s)

    # -- steps -------------------------------------------------------------------------------
    def _lost_device(self, spec: StepSpec, exc: BaseException) -> DeviceLost | None:
        if isinstance(exc, DeviceLost):
            return exc
        for name in spec.needs:
            if self.devices.is_open(name) and not self.devices.probe(name):
                return DeviceLost(name, f"the {name} stopped answering ({exc})")
        return None

    def _run_step(self, spec: StepSpec) -> None:
        record = self.record
        if record.step_status(spec.name) == "done":
            if spec.still_valid is None or spec.still_valid(record):
                return                               # resumed inspection: already measured
            # Interrupted before its frames were all saved: measure again rather than guess.
            record.mark_step(spec.name, "pending", note="re-run after an interruption: its evidence was incomplete")
        skipped = [name for name in spec.requires if record.step_status(name) == "skipped"]
        if skipped:
            raise PartMissing(f"{spec.name} needs the result of {', '.join(skipped)}, which could not run",
                              "install the missing parts and run the inspection again")
        attempt = 0
        while True:
            self._check_cancel()
            attempt += 1
            # Not fsynced on its own: a crash that loses "running" leaves the step pending, and a
            # resumed inspection runs a pending step as it runs a running one. It rides on the
            # step's first save (evidence, result, done): one fsync per step boundary, not two.
            record.mark_step(spec.name, "running", attempts=record.steps[spec.name]["attempts"] + 1,
                             started_at=utc_now_rfc3339(), durable=False)
            self.bus.emit("step_started", spec.name, attempt=attempt)
            ctx = StepContext(self, spec, attempt)
            try:
                if spec.needs_tray:
                    self._check_tray()
                summary = spec.run(ctx) or {}
            except (Cancelled, PartMissing):
                raise
            except Exception as exc:  # noqa: BLE001 - sorted into pause / retry / fail below
                lost = self._lost_device(spec, exc)
                if lost is not None:
                    self._pause_until_back(spec.name, lost)
                    attempt -= 1                     # a drop-out is not the step's fault
                    continue
                retryable = isinstance(exc, (DriverError, StepTimeout, OSError))
                if retryable and attempt < spec.attempts:
                    log.info("step %s attempt %d failed: %s; retrying", spec.name, attempt, exc)
                    self.bus.emit("step_progress", spec.name, retry=attempt + 1, error=str(exc))
                    continue
                hint = getattr(exc, "hint", "")
                record.mark_step(spec.name, "failed", error=str(exc), hint=hint,
                                 finished_at=utc_now_rfc3339())
                self.bus.emit("step_failed", spec.name, error=getattr(exc, "message", str(exc)), hint=hint)
                raise
            record.mark_step(spec.name, "done", finished_at=utc_now_rfc3339(), error=None)
            self.bus.emit("step_done", spec.name, **summary)
            return

    def run(self) -> InspectionRecord:
        """Run every step not yet done; returns the record (state tells how it ended)."""
        self._transition(State.RUNNING)
        try:
            for spec in self.steps:
                try:
                    self._run_step(spec)
                except PartMissing as missing:
                    self.missing.append(spec.name)
                    self.record.mark_step(spec.name, "skipped", reason=missing.message)
                    self.bus.emit("step_failed", spec.name, error=missing.message, hint=missing.hint,
                                  skipped=True)
            self._transition(State.INCOMPLETE if self.missing else State.COMPLETED)
        except Cancelled:
            self._transition(State.CANCELLED)
            self.bus.emit("cancelled", None, inspection_id=self.record.id)
        except BaseException as exc:
            self.error = exc
            self._transition(State.FAILED)
        finally:
            # Grades still being computed are measurements too: let them land in the record,
            # unless the operator cancelled.
            # Frames first: a developed frame hands its encoding and grading to the executor.
            cancelled = self.state == State.CANCELLED
            self.frame_executor.shutdown(wait=True, cancel_futures=cancelled)
            # Nothing deferred is lost; on cancel the pool drops what has not started, as before.
            self.flush_deferred_writes()
            if not cancelled:
                # Chained work (locate the phone, then cut and store the frame) submits its next
                # part when the previous one ends: settle it all before the pool stops taking work.
                wait_futures([*self.pending_writes, *self.pending_grades.values()])
            self.executor.shutdown(wait=True, cancel_futures=cancelled)
            self.io_executor.shutdown(wait=True, cancel_futures=cancelled)
        self.bus.emit("finished", None, inspection_id=self.record.id, state=self.state.value,
                      overall=(self.record.results.get("overall") or {}).get("grade"),
                      report_id=(self.record.report or {}).get("report_id"))
        return self.record

    def start(self) -> threading.Thread:
        """Run on a new worker thread (hardware I/O never on a GUI thread)."""
        thread = threading.Thread(target=self.run, name=f"inspection-{self.record.id}", daemon=True)
        thread.start()
        return thread
