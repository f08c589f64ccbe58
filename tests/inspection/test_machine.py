"""The state machine around the steps: order, persistence, retries, timeouts, cancel, pause/resume,
and resuming a saved inspection. Steps here are small test functions (the machine is the unit);
the real steps on the simulated rig/phone/camera are covered in tests/e2e."""

from __future__ import annotations

import json

import pytest

from drivers.errors import DriverError
from station.inspection.devices import DeviceSet
from station.inspection.events import EventBus
from station.inspection.machine import DeviceLost, Inspection, InspectionOptions, State, StepSpec
from station.inspection.operator import CANCEL, DONE
from station.inspection.record import InspectionRecord


class ScriptedOperator:
    def __init__(self, answer=DONE):
        self.answer = answer
        self.asked = []

    def ask(self, prompt):
        self.asked.append(prompt.id)
        return self.answer


class FlakyDevices(DeviceSet):
    """Devices whose probe fails `down` times, then answers (a phone unplugged and plugged back)."""

    def __init__(self, down=0):
        super().__init__("rigsim://default", "sim://default", "sim://default")
        self.down = down
        self.probes = 0

    def probe(self, name):
        self.probes += 1
        if self.down > 0:
            self.down -= 1
            return False
        return True


def make(steps, operator=None, devices=None, **options):
    bus = EventBus()
    events = []
    bus.subscribe(events.append)
    inspection = Inspection(devices or FlakyDevices(), operator or ScriptedOperator(), steps, bus=bus,
                            options=InspectionOptions(reconnect_poll_s=0.0, **options))
    return inspection, events


@pytest.fixture
def fsyncs(monkeypatch):
    """The record's fsyncs, counted as they happen (each still reaches the disk)."""
    import station.durable as durable_module

    calls = []
    real_fsync = durable_module.os.fsync
    monkeypatch.setattr(durable_module.os, "fsync", lambda fd: (calls.append(fd), real_fsync(fd)))
    return calls


def kinds(events, step=None):
    return [e.kind for e in events if step is None or e.step == step]


def test_steps_run_in_order_and_each_is_persisted():
    seen = []

    def step(name):
        def run(ctx):
            on_disk = json.loads(ctx.record.path.read_text())
            seen.append((name, [s for s, e in on_disk["steps"].items() if e["status"] == "done"]))
            ctx.record.put_result(name, {"value": len(seen)})
            return {"n": len(seen)}
        return StepSpec(name, run)

    inspection, events = make([step("connect_rig"), step("phone_placed"), step("identify")])
    record = inspection.run()
    assert inspection.state == State.COMPLETED
    assert seen == [("connect_rig", []), ("phone_placed", ["connect_rig"]),
                    ("identify", ["connect_rig", "phone_placed"])]
    saved = json.loads(record.path.read_text())
    assert saved["state"] == "completed"
    assert saved["results"]["identify"] == {"value": 3}
    assert kinds(events, "identify") == ["step_started", "step_done"]
    assert events[-1].kind == "finished" and events[-1].data["state"] == "completed"


def test_a_driver_error_is_retried_within_the_step_attempts():
    calls = []

    def run(ctx):
        calls.append(ctx.attempt)
        if len(calls) < 3:
            raise DriverError("no answer from rig", "check the cable")
        return {}

    inspection, events = make([StepSpec("connect_rig", run, attempts=3)])
    inspection.run()
    assert inspection.state == State.COMPLETED
    assert calls == [1, 2, 3]
    assert [e.data["retry"] for e in events if e.kind == "step_progress" and "retry" in e.data] == [2, 3]
    assert inspection.record.steps["connect_rig"]["attempts"] == 3


def test_a_step_that_keeps_failing_fails_the_inspection_with_its_hint():
    def run(ctx):
        raise DriverError("rig lamp N open circuit", "replace the north lamp")

    inspection, events = make([StepSpec("connect_rig", run, attempts=2), StepSpec("phone_placed", lambda c: {})])
    inspection.run()
    assert inspection.state == State.FAILED
    failed = [e for e in events if e.kind == "step_failed"]
    assert failed[0].data["hint"] == "replace the north lamp"
    assert inspection.record.steps["phone_placed"]["status"] == "pending"   # never started
    assert inspection.record.steps["connect_rig"]["status"] == "failed"


def test_a_step_past_its_time_limit_times_out():
    def run(ctx):
        while True:
            ctx.progress(0.5)

    inspection, events = make([StepSpec("screen", run, timeout_s=0.05, attempts=2)])
    inspection.run()
    assert inspection.state == State.FAILED
    assert "longer than" in inspection.record.steps["screen"]["error"]
    assert inspection.record.steps["screen"]["attempts"] == 2


def test_the_operator_can_cancel_at_a_prompt():
    def run(ctx):
        ctx.prompt("show_face", face="back")
        raise AssertionError("not reached")

    operator = ScriptedOperator(answer=CANCEL)
    inspection, events = make([StepSpec("cosmetic", run)], operator=operator)
    inspection.run()
    assert inspection.state == State.CANCELLED
    assert operator.asked == ["show_face"]
    prompt = next(e for e in events if e.kind == "prompt")
    assert "back" in prompt.data["message_en"] and prompt.data["message_zh"]
    assert "cancelled" in kinds(events)


def test_cancel_from_another_thread_stops_at_the_next_check():
    def run(ctx):
        ctx.inspection.cancel()
        ctx.progress(0.1)

    inspection, events = make([StepSpec("identify", run), StepSpec("imei", lambda c: {})])
    inspection.run()
    assert inspection.state == State.CANCELLED
    assert inspection.record.steps["imei"]["status"] == "pending"


def test_a_device_drop_out_pauses_then_resumes_the_same_step():
    calls = []

    def run(ctx):
        calls.append(ctx.attempt)
        if len(calls) == 1:
            raise DeviceLost("phone", "the phone stopped answering")
        return {"ok": True}

    devices = FlakyDevices(down=2)
    inspection, events = make([StepSpec("identify", run, needs=("phone",))], devices=devices)
    inspection.run()
    assert inspection.state == State.COMPLETED
    assert len(calls) == 2 and devices.probes == 3
    assert kinds(events, "identify") == ["step_started", "paused", "prompt", "resumed", "step_started", "step_done"]
    assert next(e for e in events if e.kind == "paused").data["device"] == "phone"


def test_a_device_that_never_comes_back_fails_with_a_hint():
    def run(ctx):
        raise DeviceLost("rig", "rig unplugged")

    inspection, events = make([StepSpec("connect_rig", run)], devices=FlakyDevices(down=10**6),
                              reconnect_timeout_s=0.05)
    inspection.run()
    assert inspection.state == State.FAILED
    assert "did not come back" in str(inspection.error)
    assert inspection.record.id in inspection.error.hint


def test_a_saved_inspection_resumes_after_the_last_finished_step():
    runs = []

    def ok(name):
        def run(ctx):
            runs.append(name)
            ctx.record.put_result(name, name)
        return StepSpec(name, run)

    def crash(ctx):
        runs.append("imei")
        raise RuntimeError("power cut")

    first, _ = make([ok("connect_rig"), ok("identify"), StepSpec("imei", crash)])
    first.run()
    assert first.state == State.FAILED
    saved = InspectionRecord.load(first.record.id)
    assert saved.results == {"connect_rig": "connect_rig", "identify": "identify"}
    second = Inspection(FlakyDevices(), ScriptedOperator(), [ok("connect_rig"), ok("identify"), ok("imei")],
                        record=saved)
    second.run()
    assert second.state == State.COMPLETED
    assert runs == ["connect_rig", "identify", "imei", "imei"]


def test_illegal_transitions_are_refused():
    inspection, _ = make([])
    with pytest.raises(RuntimeError):
        inspection._transition(State.PAUSED)          # idle cannot pause


def test_incomplete_record_is_not_reportable():
    from station.inspection.steps_finish import IncompleteInspection, inspection_payload

    record = InspectionRecord(id="insp-test", devices={})
    record.steps["identify"]["status"] = "done"
    with pytest.raises(IncompleteInspection) as info:
        inspection_payload(record)
    assert "imei" in info.value.message


def test_a_deferred_write_runs_when_flushed_not_before():
    """The report's copies are deferred in `sign` and flushed by `warranty`: nothing of them runs
    while the steps between are going, and they are written before the inspection ends."""
    written, seen_by_step = [], []

    def defer(ctx):
        ctx.inspection.defer_write(written.append, "copy")
        return {}

    def between(ctx):
        seen_by_step.append(list(written))
        return {}

    def flush(ctx):
        ctx.inspection.flush_deferred_writes()
        return {}

    inspection, _ = make([StepSpec("connect_rig", defer), StepSpec("phone_placed", between),
                          StepSpec("identify", flush)])
    inspection.run()
    assert inspection.state == State.COMPLETED
    assert seen_by_step == [[]] and written == ["copy"]


def test_a_deferred_write_is_not_lost_when_a_later_step_fails():
    written = []

    def defer(ctx):
        ctx.inspection.defer_write(written.append, "copy")
        return {}

    def broken(ctx):
        raise RuntimeError("the registry is gone")

    inspection, _ = make([StepSpec("connect_rig", defer), StepSpec("phone_placed", broken)])
    inspection.run()
    assert inspection.state == State.FAILED
    assert written == ["copy"]


def test_an_operator_prompt_does_not_wait_for_the_disk(monkeypatch, fsyncs):
    """Into and out of a prompt the record is saved later, not at once (two fsyncs per "turn the
    phone" used to hold up the rig); tests/inspection/test_record_saves.py: the next save carries it."""
    during = {}

    def turn(ctx):
        before = len(fsyncs)
        ctx.prompt("show_face", face="back")
        during["fsyncs"] = len(fsyncs) - before
        return {}

    operator = ScriptedOperator()
    inspection, events = make([StepSpec("cosmetic", turn)], operator=operator)
    inspection.run()
    assert inspection.state == State.COMPLETED and operator.asked == ["show_face"]
    assert during["fsyncs"] == 0 and "prompt" in kinds(events, "cosmetic")
    assert json.loads(inspection.record.path.read_text())["state"] == "completed"


def test_a_steps_running_mark_rides_on_its_first_save(monkeypatch, fsyncs):
    """Starting a step costs no fsync of its own; the step's first save carries "running", and a
    record whose "running" was lost in a crash shows the step pending, which a resume runs too."""
    seen = {}

    def measure(ctx):
        on_disk = json.loads(ctx.record.path.read_text())["steps"]["battery"]
        seen["at_start"] = (len(fsyncs), on_disk["status"], on_disk["attempts"])
        ctx.record.put_result("battery", {"health_pct": 91})
        on_disk = json.loads(ctx.record.path.read_text())["steps"]["battery"]
        seen["after_save"] = (len(fsyncs), on_disk["status"], on_disk["attempts"])
        return {}

    inspection, _ = make([StepSpec("battery", measure)])
    inspection.run()
    assert inspection.state == State.COMPLETED
    started, status, attempts = seen["at_start"]
    assert (status, attempts) == ("pending", 0)            # not yet on disk: no fsync paid for it
    saved, status, attempts = seen["after_save"]
    assert saved == started + 1 and (status, attempts) == ("running", 1)
    assert json.loads(inspection.record.path.read_text())["steps"]["battery"]["status"] == "done"


def test_a_steps_kept_result_reaches_the_disk_with_its_done_mark(monkeypatch, fsyncs):
    """`keep_result` costs no fsync of its own: the step's end carries it in one save. A crash
    before that end leaves the step not done on disk, so a resume measures it again."""
    import station.inspection.record as record_module

    seen = {}

    def measure(ctx):
        before = len(fsyncs)
        ctx.keep_result("battery", {"health_pct": 91})
        on_disk = json.loads(ctx.record.path.read_text()) if ctx.record.path.exists() else {}
        seen["kept"] = (len(fsyncs) - before, "battery" in on_disk.get("results", {}))
        seen["fsyncs_in_step"] = len(fsyncs)
        return {}

    inspection, _ = make([StepSpec("battery", measure)])
    inspection.run()
    assert inspection.state == State.COMPLETED
    assert seen["kept"] == (0, False)                       # nothing written for the result alone
    saved = json.loads(inspection.record.path.read_text())
    assert saved["results"]["battery"] == {"health_pct": 91} and saved["steps"]["battery"]["status"] == "done"

    # The crash: the process dies as the done mark is made. The file then on disk is all a
    # power cut leaves (what the dying process might still write is put back afterwards).
    left_on_disk = {}

    def crash_on_done(self, step, status, **kw):
        if status == "done":
            left_on_disk["text"] = self.path.read_text()
            raise KeyboardInterrupt("power cut")
        return real_mark(self, step, status, **kw)

    real_mark = record_module.InspectionRecord.mark_step
    monkeypatch.setattr(record_module.InspectionRecord, "mark_step", crash_on_done)
    crashed, _ = make([StepSpec("battery", measure)])
    crashed.run()
    crashed.record.path.write_text(left_on_disk["text"])
    on_disk = json.loads(left_on_disk["text"])
    assert on_disk["steps"]["battery"]["status"] != "done"
    assert "battery" not in on_disk["results"]              # not done: a resume measures it again
    monkeypatch.setattr(record_module.InspectionRecord, "mark_step", real_mark)
    resumed = Inspection(crashed.devices, crashed.operator, [StepSpec("battery", measure)],
                         record=InspectionRecord.load(crashed.record.id))
    resumed.run()
    assert resumed.state == State.COMPLETED
    saved = json.loads(resumed.record.path.read_text())
    assert saved["results"]["battery"] == {"health_pct": 91} and saved["steps"]["battery"]["status"] == "done"
