"""The inspection record on disk under saves from several threads (group commit):

* a save returns only once a state holding its change is on disk — read back at that moment;
* saves that queue behind a slow fsync share the next one instead of each paying its own;
* the file is always one whole JSON document of a consistent state;
* changing the record while another thread is writing it never deadlocks;
* a change saved "later" waits for the next save instead of a disk write of its own.
"""

from __future__ import annotations

import json
import os
import threading
import time

import pytest

from station import durable as durable_module
from station.inspection.record import InspectionRecord


@pytest.fixture
def slow_fsync(monkeypatch):
    """fsync taking 20 ms, as on a disk busy with evidence; counts the calls."""
    calls = []
    real = os.fsync

    def fsync(fd):
        calls.append(fd)
        time.sleep(0.02)
        real(fd)

    monkeypatch.setattr(durable_module.os, "fsync", fsync)
    return calls


def test_each_save_returns_with_its_change_on_disk_and_saves_share_fsyncs(tmp_path, monkeypatch, slow_fsync):
    monkeypatch.setenv("STATION_HOME", str(tmp_path))
    record = InspectionRecord(id="insp-group-commit", devices={})
    failures = []

    def writer(n: int) -> None:
        for i in range(5):
            record.put_result(f"t{n}_{i}", i)
            on_disk = json.loads(record.path.read_text(encoding="utf-8"))
            if on_disk["results"].get(f"t{n}_{i}") != i:
                failures.append((n, i))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads)
    assert failures == []
    final = json.loads(record.path.read_text(encoding="utf-8"))
    assert len(final["results"]) == 40
    assert len(slow_fsync) < 40               # queued saves rode on a later snapshot's fsync


def test_changes_while_a_save_is_writing_neither_deadlock_nor_get_lost(tmp_path, monkeypatch, slow_fsync):
    monkeypatch.setenv("STATION_HOME", str(tmp_path))
    record = InspectionRecord(id="insp-no-deadlock", devices={})
    done = threading.Event()

    def evidence() -> None:
        for i in range(10):
            record.add_evidence(f"cosmetic/f{i}", f"{i:064x}", f"/tmp/f{i}.jpg")
        done.set()

    thread = threading.Thread(target=evidence)
    thread.start()
    for step in ("identify", "imei", "battery", "screen"):
        record.mark_step(step, "done")
        record.to_dict()                      # a reader (the overlay, the app) in between
    assert done.wait(30)
    thread.join(30)
    final = json.loads(record.path.read_text(encoding="utf-8"))
    assert [e["name"] for e in final["evidence"]] == [f"cosmetic/f{i}" for i in range(10)]
    assert all(final["steps"][s]["status"] == "done" for s in ("identify", "imei", "battery", "screen"))


def test_add_evidence_without_saving_leaves_the_save_to_the_caller(tmp_path, monkeypatch):
    monkeypatch.setenv("STATION_HOME", str(tmp_path))
    record = InspectionRecord(id="insp-deferred", devices={})
    record.save()
    record.add_evidence("screen/white", "ab" * 32, "/tmp/white.png", save=False)
    assert json.loads(record.path.read_text(encoding="utf-8"))["evidence"] == []
    record.save()
    assert json.loads(record.path.read_text(encoding="utf-8"))["evidence"][0]["name"] == "screen/white"


def test_a_change_saved_later_is_not_written_now_but_rides_on_the_next_save(tmp_path, monkeypatch, slow_fsync):
    monkeypatch.setenv("STATION_HOME", str(tmp_path))
    record = InspectionRecord(id="insp-save-later", devices={})
    record.state = "running"
    record.save()
    written = len(slow_fsync)
    record.state = "waiting_operator"
    record.save_later()
    assert len(slow_fsync) == written
    assert json.loads(record.path.read_text())["state"] == "running"
    record.save()
    assert json.loads(record.path.read_text())["state"] == "waiting_operator"
