"""The event stream every front end subscribes to: kinds/steps checked, fan-out, unsubscribe, isolation."""

from __future__ import annotations

import threading

import pytest

from station.inspection.events import KINDS, STEPS, EventBus, InspectionEvent


def test_event_round_trips_through_dict():
    event = InspectionEvent("step_progress", "screen", {"pattern": "red", "fraction": 0.5})
    again = InspectionEvent.from_dict(event.to_dict())
    assert again == event
    assert event.at.endswith("Z")


@pytest.mark.parametrize("kind,step", [("nonsense", None), ("step_started", "teleport")])
def test_unknown_kind_or_step_is_refused(kind, step):
    with pytest.raises(ValueError) as info:
        InspectionEvent(kind, step)
    assert "are" in str(info.value)  # the message lists the valid choices


def test_subscribers_get_events_until_they_unsubscribe():
    bus = EventBus()
    first, second = [], []
    unsubscribe = bus.subscribe(first.append)
    bus.subscribe(second.append)
    bus.emit("step_started", "identify")
    unsubscribe()
    bus.emit("finished")
    assert [e.kind for e in first] == ["step_started"]
    assert [e.kind for e in second] == ["step_started", "finished"]


def test_a_failing_subscriber_does_not_stop_the_others():
    bus = EventBus()
    got = []

    def broken(event):
        raise RuntimeError("listener bug")

    bus.subscribe(broken)
    bus.subscribe(got.append)
    bus.emit("result", "battery", grade="B")
    assert got and got[0].data == {"grade": "B"}


def test_callbacks_run_on_the_publishing_thread():
    bus = EventBus()
    threads = []
    bus.subscribe(lambda e: threads.append(threading.current_thread().name))
    worker = threading.Thread(target=lambda: bus.emit("finished"), name="inspection-worker")
    worker.start()
    worker.join()
    assert threads == ["inspection-worker"]


def test_contract_lists():
    assert STEPS[0] == "connect_rig" and STEPS[-1] == "warranty"
    assert {"prompt", "paused", "resumed", "report_issued"} <= set(KINDS)
