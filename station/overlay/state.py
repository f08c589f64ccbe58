"""What the overlay shows, as one JSON-able snapshot folded from inspection events (pure).

`apply_event(snapshot, event_dict) -> snapshot` is the only place that knows how events map to
the card; the page just renders the snapshot it receives. Everything here is public: IMEIs are
masked (TAC + last 3 digits) before they enter the snapshot; no buyer data ever does.
"""

from __future__ import annotations

import copy
from typing import Any

from station.inspection.events import STEPS


def mask_imei(imei: str) -> str:
    """TAC (8 digits) + last 3, the rest starred — the same rule as the signed report's public view."""
    from station.report.model import mask_imei as report_mask

    return report_mask(str(imei))


def empty_snapshot() -> dict[str, Any]:
    return {
        "inspection_id": None,
        "state": "idle",
        "steps": {name: {"status": "pending", "fraction": 0.0} for name in STEPS},
        "current_step": None,
        "prompt": None,
        "paused": None,
        "phone": None,
        "battery": None,
        "screen": None,
        "cosmetic": None,
        "imei": None,
        "overall": None,
        "warranty": None,
        "report_id": None,
        "version": 0,
    }


def _grade_part(data: dict[str, Any]) -> dict[str, Any]:
    defects = data.get("defects") or []
    kinds: dict[str, int] = {}
    for defect in defects:
        kind = str(defect.get("kind", "defect"))
        kinds[kind] = kinds.get(kind, 0) + 1
    return {"grade": data.get("grade"), "label_zh": data.get("label_zh"), "defect_count": len(defects),
            "defect_kinds": kinds}


def apply_event(snapshot: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    """The snapshot after `event` (an `InspectionEvent.to_dict()`); the input is not modified."""
    snap = copy.deepcopy(snapshot)
    kind, step, data = event["kind"], event.get("step"), event.get("data") or {}
    steps = snap["steps"]
    if kind == "step_started" and step:
        if step == "connect_rig" or snap["state"] in ("completed", "failed", "cancelled", "incomplete"):
            fresh = empty_snapshot()
            fresh["version"] = snap["version"]
            snap = fresh
            steps = snap["steps"]
        steps[step] = {"status": "running", "fraction": 0.0}
        snap["current_step"], snap["state"], snap["prompt"], snap["paused"] = step, "running", None, None
    elif kind == "step_progress" and step and "fraction" in data:
        steps[step]["fraction"] = float(data["fraction"])
    elif kind == "step_done" and step:
        steps[step] = {"status": "done", "fraction": 1.0}
        snap["prompt"] = None
    elif kind == "step_failed" and step:
        steps[step] = {"status": "skipped" if data.get("skipped") else "failed", "fraction": 0.0}
    elif kind == "prompt":
        snap["prompt"] = {"id": data.get("id"), "zh": data.get("message_zh"), "en": data.get("message_en")}
    elif kind == "paused":
        snap["state"], snap["paused"] = "paused", {"device": data.get("device"), "message": data.get("message")}
    elif kind == "resumed":
        snap["state"], snap["paused"], snap["prompt"] = "running", None, None
    elif kind == "result" and step:
        _apply_result(snap, step, data)
    elif kind == "report_issued":
        snap["report_id"] = data.get("report_id")
        snap["warranty"] = {"id": data.get("warranty_id"), "start": data.get("start"), "end": data.get("end")}
    elif kind == "cancelled":
        snap["state"] = "cancelled"
    elif kind == "finished":
        snap["state"] = data.get("state") or "completed"
        snap["inspection_id"] = data.get("inspection_id")
        snap["current_step"], snap["prompt"] = None, None
    snap["version"] = snapshot.get("version", 0) + 1
    return snap


def _apply_result(snap: dict[str, Any], step: str, data: dict[str, Any]) -> None:
    if step == "identify":
        snap["phone"] = {"brand": data.get("brand"), "model": data.get("model")}
    elif step == "battery":
        snap["battery"] = {"grade": data.get("grade"), "health_permille": data.get("health_permille")}
    elif step in ("screen", "cosmetic"):
        snap[step] = _grade_part(data)
    elif step == "imei":
        snap["imei"] = {"verdict": data.get("verdict"),
                        "imeis": [mask_imei(i) for i in data.get("imeis") or []],
                        "reason_count": len(data.get("reasons") or [])}
    elif step == "verdict":
        snap["overall"] = {"grade": data.get("grade"), "rule": data.get("rule")}
    elif step == "warranty":
        snap["warranty"] = {"id": data.get("warranty_id"), "start": data.get("start"), "end": data.get("end")}
