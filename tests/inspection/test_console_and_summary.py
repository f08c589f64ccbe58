"""Terminal progress lines and the run summary (contract keys, incomplete runs, copying the report)."""

from __future__ import annotations

import io

from station.inspection.console import ConsoleProgress
from station.inspection.events import InspectionEvent
from station.inspection.record import InspectionRecord
from station.inspection.summary import human_summary, run_summary


def test_progress_prints_steps_prompts_and_results_but_not_every_fraction():
    out = io.StringIO()
    progress = ConsoleProgress(out)
    for event in [
        InspectionEvent("step_started", "cosmetic"),
        *[InspectionEvent("step_progress", "cosmetic", {"fraction": i / 30}) for i in range(1, 31)],
        InspectionEvent("prompt", "cosmetic", {"message_en": "Lay the phone with its back facing up",
                                               "message_zh": "请把手机背面朝上放好"}),
        InspectionEvent("result", "cosmetic", {"grade": "B", "defects": [{"kind": "scratch"}] * 2}),
        InspectionEvent("step_failed", "screen", {"error": "no panel", "hint": "re-seat the phone"}),
        InspectionEvent("finished", None, {"inspection_id": "insp-1", "state": "completed", "overall": "B"}),
    ]:
        progress(event)
    lines = out.getvalue().splitlines()
    assert lines[0] == "[ .. ] cosmetic faces"
    assert sum("cosmetic faces" in line and "%" in line for line in lines) == 4     # quarters only
    assert any("back facing up" in line and "背面" in line for line in lines)
    assert any(line.strip() == "= cosmetic: grade=B, defects=2" for line in lines)
    assert any("[FAIL] screen patterns: no panel — re-seat the phone" in line for line in lines)
    assert lines[-1] == "== inspection insp-1 completed: overall B"


def test_summary_of_an_incomplete_run_has_the_contract_keys_and_no_report():
    record = InspectionRecord(id="insp-x", devices={})
    record.steps["connect_rig"]["status"] = "done"
    doc = run_summary(record, state="incomplete", out_dir=None, overlay_url="http://127.0.0.1:1/overlay",
                      missing=["screen"])
    assert {"report", "report_id", "verified", "grades", "warranty", "overlay_url", "public_key"} <= set(doc)
    assert doc["report"] is None and doc["verified"] is None
    assert set(doc["grades"]) == {"overall", "battery", "screen", "cosmetic", "imei"}
    assert set(doc["warranty"]) == {"id", "start", "end"}
    text = human_summary(doc)
    assert "not run yet" in text and "screen" in text
