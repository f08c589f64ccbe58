"""The overlay snapshot folded from events (pure): what the viewers see, and what they never see."""

from __future__ import annotations

from station.inspection.events import InspectionEvent
from station.overlay.state import apply_event, empty_snapshot

FULL_IMEI = "357537080123458"


def fold(*events):
    snap = empty_snapshot()
    for kind, step, data in events:
        snap = apply_event(snap, InspectionEvent(kind, step, data).to_dict())
    return snap


def test_steps_move_from_pending_to_running_to_done():
    snap = fold(("step_started", "connect_rig", {}), ("step_done", "connect_rig", {}),
                ("step_started", "identify", {}), ("step_progress", "identify", {"fraction": 0.5}))
    assert snap["steps"]["connect_rig"]["status"] == "done"
    assert snap["steps"]["identify"] == {"status": "running", "fraction": 0.5}
    assert snap["steps"]["imei"]["status"] == "pending"
    assert snap["current_step"] == "identify"


def test_imei_is_masked_to_tac_and_last_three_and_reasons_are_not_shown():
    snap = fold(("result", "imei", {"verdict": "fail", "imeis": [FULL_IMEI],
                                    "reasons": [f"screen shows 358276095552224, USB says {FULL_IMEI}"]}))
    assert snap["imei"]["imeis"] == ["35753708****458"]
    assert FULL_IMEI not in str(snap) and "358276095552224" not in str(snap)
    assert snap["imei"]["verdict"] == "fail"


def test_grades_defects_verdict_and_warranty_arrive():
    snap = fold(("result", "identify", {"brand": "google", "model": "Pixel 2", "serial": "FA79E1A02345"}),
                ("result", "battery", {"grade": "B", "health_permille": 870}),
                ("result", "screen", {"grade": "B", "defects": [{"kind": "dead_pixel", "x": 1, "y": 2}]}),
                ("result", "cosmetic", {"grade": "B", "label_zh": "轻微使用痕迹",
                                        "defects": [{"kind": "scratch"}, {"kind": "scratch"}]}),
                ("result", "verdict", {"grade": "B", "rule": "worst_of"}),
                ("report_issued", "sign", {"report_id": "R1", "warranty_id": "W1",
                                           "start": "2026-11-24", "end": "2027-05-23"}))
    assert snap["phone"] == {"brand": "google", "model": "Pixel 2"}      # no serial on air
    assert snap["battery"]["health_permille"] == 870
    assert snap["screen"]["defect_kinds"] == {"dead_pixel": 1}
    assert snap["cosmetic"]["defect_count"] == 2
    assert snap["overall"]["grade"] == "B"
    assert snap["warranty"]["end"] == "2027-05-23" and snap["report_id"] == "R1"


def test_pause_prompt_and_resume():
    snap = fold(("step_started", "screen", {}),
                ("paused", "screen", {"device": "phone", "message": "the phone stopped answering"}),
                ("prompt", "screen", {"id": "reconnect_phone", "message_zh": "手机连接中断", "message_en": "x"}))
    assert snap["state"] == "paused" and snap["paused"]["device"] == "phone"
    assert snap["prompt"]["zh"] == "手机连接中断"
    snap = apply_event(snap, InspectionEvent("resumed", "screen", {"device": "phone"}).to_dict())
    assert snap["state"] == "running" and snap["paused"] is None and snap["prompt"] is None


def test_a_new_inspection_clears_the_last_card():
    snap = fold(("result", "verdict", {"grade": "D", "rule": "worst_of"}),
                ("finished", None, {"state": "completed", "inspection_id": "i1"}),
                ("step_started", "connect_rig", {}))
    assert snap["overall"] is None and snap["state"] == "running"


def test_versions_increase_and_input_is_not_modified():
    start = empty_snapshot()
    after = apply_event(start, InspectionEvent("step_started", "identify").to_dict())
    assert start["version"] == 0 and after["version"] == 1
    assert start["steps"]["identify"]["status"] == "pending"
