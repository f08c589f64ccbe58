"""The inspection as it goes, persisted after every change so a crash loses nothing measured.

One JSON file per inspection, `station_home()/inspections/<id>.json`, replaced atomically
(write to a temporary file, fsync, rename). Evidence frames live next to it in `<id>/`.
A resumed inspection loads the file and skips the steps already done.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from station.durable import replace_synced
from station.errors import BadInput
from station.home import subdir
from station.inspection.events import STEPS, utc_now_rfc3339

FORMAT = "inspection/1"
STEP_STATES = ("pending", "running", "done", "failed", "skipped")


def inspections_dir() -> Path:
    return subdir("inspections")


def new_inspection_id() -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"insp-{stamp}-{secrets.token_hex(3)}"


@dataclass
class InspectionRecord:
    """What an inspection has measured so far; `save()` after every change."""

    id: str
    devices: dict[str, str]
    created_at: str = field(default_factory=utc_now_rfc3339)
    state: str = "idle"
    steps: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {name: {"status": "pending", "attempts": 0} for name in STEPS})
    results: dict[str, Any] = field(default_factory=dict)
    evidence: list[dict[str, str]] = field(default_factory=list)
    report: dict[str, Any] | None = None
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)
    _file_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _changes: int = field(default=0, repr=False, compare=False)     # saves asked for so far
    _durable: int = field(default=0, repr=False, compare=False)     # ... of which on disk

    @property
    def path(self) -> Path:
        return inspections_dir() / f"{self.id}.json"

    @property
    def evidence_dir(self) -> Path:
        folder = inspections_dir() / self.id
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def to_dict(self) -> dict[str, Any]:
        with self._lock:
            return json.loads(json.dumps({
                "format": FORMAT, "id": self.id, "created_at": self.created_at, "state": self.state,
                "devices": self.devices, "steps": self.steps, "results": self.results,
                "evidence": self.evidence, "report": self.report}))

    def save_later(self) -> None:
        """Count a change that the next `save` carries to disk, without waiting for a disk write
        now: for state a crash may lose harmlessly (see Inspection._transition)."""
        with self._lock:
            self._changes += 1

    def save(self) -> Path:
        """Atomically replace the file on disk with the current state; returns once a state that
        includes every change made before the call is on disk (written, fsynced, renamed).

        Group commit: saves from several threads (the step thread, the evidence writers) share
        fsyncs. The in-memory record stays unlocked while a file is written, and a save whose
        change a later snapshot already carried to disk returns at once. On this station's disk
        an fsync took 2–300 ms while evidence was being written, and the step thread used to queue
        behind each writer's fsync, holding up the rig."""
        with self._lock:
            self._changes += 1
            wanted = self._changes
        with self._file_lock:
            target = self.path
            if self._durable >= wanted:
                return target
            with self._lock:
                covered = self._changes
                data = json.dumps(self.to_dict(), ensure_ascii=False, indent=1)
            replace_synced(target, data.encode("utf-8"))
            self._durable = covered
            return target

    def step_status(self, step: str) -> str:
        return self.steps[step]["status"]

    # Each change is made under the lock, then saved outside it (save() takes the file lock
    # first, then briefly this one: holding this one while saving could deadlock).
    def mark_step(self, step: str, status: str, *, durable: bool = True, **info: Any) -> None:
        """Set a step's status (and info); `durable=False` lets the next save carry it (see
        `save_later`) — for marks a crash may lose harmlessly."""
        if status not in STEP_STATES:
            raise ValueError(f"unknown step status {status!r}")
        with self._lock:
            entry = self.steps[step]
            entry["status"] = status
            entry.update(info)
        self._saved(durable)

    def put_result(self, key: str, value: Any, *, durable: bool = True) -> None:
        """Store a result; `durable=False` lets the next save carry it (see `save_later`)."""
        with self._lock:
            self.results[key] = value
        self._saved(durable)

    def _saved(self, durable: bool) -> None:
        """A change just made: on disk now (`save`), or carried by the next save (`save_later`)."""
        if durable:
            self.save()
        else:
            self.save_later()

    def add_evidence(self, name: str, sha256: str, path: str, save: bool = True) -> None:
        """Record an evidence file's hash; `save=False` leaves the save to the caller (who must
        then call `save()`, e.g. after releasing its own lock)."""
        with self._lock:
            self.evidence = [e for e in self.evidence if e["name"] != name]
            self.evidence.append({"name": name, "sha256": sha256, "path": path})
        if save:
            self.save()

    def is_complete(self) -> bool:
        """Every measuring step done and a verdict reached (what a report needs)."""
        needed = ("identify", "imei", "battery", "screen", "cosmetic", "verdict")
        return all(self.steps[s]["status"] == "done" for s in needed) and "overall" in self.results

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "InspectionRecord":
        if data.get("format") != FORMAT:
            raise BadInput(f"not an inspection record (format {data.get('format')!r})",
                           f"give a file written by this station ({FORMAT})")
        steps = {name: {"status": "pending", "attempts": 0} for name in STEPS}
        steps.update(data.get("steps") or {})
        return cls(id=data["id"], devices=data.get("devices") or {}, created_at=data["created_at"],
                   state=data.get("state", "idle"), steps=steps, results=data.get("results") or {},
                   evidence=data.get("evidence") or [], report=data.get("report"))

    @classmethod
    def load(cls, inspection_id: str) -> "InspectionRecord":
        path = inspections_dir() / f"{inspection_id}.json"
        if not path.exists():
            known = ", ".join(sorted(p.stem for p in inspections_dir().glob("*.json"))[-5:]) or "none"
            raise BadInput(f"no inspection {inspection_id!r} under {inspections_dir()}",
                           f"give one of the saved inspections (latest: {known})")
        try:
            return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (json.JSONDecodeError, KeyError) as exc:
            raise BadInput(f"inspection file {path} is damaged: {exc}",
                           "start a new inspection; the evidence frames next to it are kept") from exc
