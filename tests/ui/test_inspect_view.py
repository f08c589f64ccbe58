"""What the streamer sees as the station's events arrive (published on the controller's bus from
a worker thread, exactly as the engine reader does), and that the GUI stays on its own thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread

from station.inspection.events import InspectionEvent
from ui.style import status_label_text

EVENTS = [
    ("step_started", "connect_rig", {}),
    ("step_done", "connect_rig", {}),
    ("step_started", "phone_placed", {}),
    ("prompt", "phone_placed", {"id": "place_phone", "message_zh": "请把手机放入检测台并合上盖子",
                                "message_en": "Place the phone in the tray and close the lid"}),
    ("step_done", "phone_placed", {}),
    ("step_started", "identify", {}),
    ("result", "identify", {"brand": "google", "model": "Pixel 2", "serial": "FA79E1A02345"}),
    ("step_done", "identify", {}),
    ("step_started", "imei", {}),
    ("result", "imei", {"verdict": "pass", "imeis": ["357537080123458"], "reasons": []}),
    ("step_done", "imei", {}),
    ("result", "battery", {"grade": "B", "health_permille": 870}),
    ("step_started", "screen", {}),
    ("step_progress", "screen", {"fraction": 0.5}),
    ("result", "screen", {"grade": "B", "defects": [{"kind": "dead_pixel", "x": 512, "y": 1033, "w": 1, "h": 1}]}),
    ("step_failed", "cosmetic", {"error": "camera unplugged", "hint": "plug the camera back in"}),
]


def publish_from_worker(bus, events):
    """Publish like the engine reader: on a non-GUI thread."""
    def run():
        for kind, step, data in events:
            bus.publish(InspectionEvent(kind, step, data))
    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def test_steps_prompt_and_results_follow_the_events(qtbot, window_factory):
    window = window_factory()
    tab = window.inspect
    seen_threads = []
    window.controller.event.connect(lambda e: seen_threads.append(QThread.currentThread()))
    publish_from_worker(window.controller.bus, EVENTS)
    qtbot.waitUntil(lambda: len(seen_threads) == len(EVENTS), timeout=5000)
    assert all(t is window.thread() for t in seen_threads), "slots must run on the GUI thread"

    assert tab.steps.badge_text("connect_rig") == status_label_text("done")
    assert tab.steps.badge_text("cosmetic") == status_label_text("failed")
    assert tab.steps.badge_text("verdict") == status_label_text("pending")
    assert tab.steps._rows["screen"][2].value() == 50
    # The failure says what went wrong and what to do, in the big prompt.
    assert "camera unplugged" in tab.prompt.text() and "plug the camera back in" in tab.prompt.text()
    assert tab.phone_label.text() == "google Pixel 2 FA79E1A02345"
    cards = tab.results.cards
    assert cards["battery"].grade.text() == "B · light wear"
    assert "Health 87.0 %" in cards["battery"].detail.text()
    assert cards["imei"].grade.text() == status_label_text("pass")
    assert "35753708****458" in cards["imei"].detail.text()
    assert "357537080123458" not in cards["imei"].detail.text()
    assert cards["screen"].grade.text() == "B · light wear"
    assert "dead_pixel @ 512,1033" in cards["screen"].detail.text()
    assert cards["screen"].thumb.isVisibleTo(tab), "screen defects are marked on a thumbnail"
    assert cards["overall"].grade.text() == status_label_text("pending")


def test_prompt_language_follows_the_app(qtbot, window_factory):
    window = window_factory()
    publish_from_worker(window.controller.bus, EVENTS[:4])
    qtbot.waitUntil(lambda: "Place the phone" in window.inspect.prompt.text(), timeout=5000)
    window.settings.language = "zh_CN"
    publish_from_worker(window.controller.bus, EVENTS[3:4])
    qtbot.waitUntil(lambda: "请把手机放入" in window.inspect.prompt.text(), timeout=5000)


def test_report_issued_shows_ids_and_broadcast_preview_follows(qtbot, window_factory):
    window = window_factory()
    issued = {"report_id": "R20261124-7K3M9Q2XTB", "warranty_id": "W20261124-7K3M9Q2XTB",
              "start": "2026-11-24", "end": "2027-05-23", "jws_path": "/x/R.jws"}
    publish_from_worker(window.controller.bus, EVENTS + [
        ("result", "verdict", {"grade": "B", "rule": "worst of battery, screen, cosmetic", "reasons": []}),
        ("report_issued", "sign", issued)])
    qtbot.waitUntil(lambda: "R20261124-7K3M9Q2XTB" in window.inspect.issue_label.text(), timeout=5000)
    assert "2026-11-24 → 2027-05-23" in window.inspect.issue_label.text()
    assert window.inspect.results.cards["overall"].grade.text() == "B · light wear"
    snap = window.broadcast.preview.snapshot
    assert snap["report_id"] == issued["report_id"]
    assert snap["warranty"]["end"] == "2027-05-23"
    assert snap["imei"]["imeis"] == ["35753708****458"]     # the overlay's own masking
    assert snap["overall"]["grade"] == "B"


def test_flagged_verdict_reads_as_not_for_sale_with_its_reasons(qtbot, window_factory):
    window = window_factory()
    reasons = ["USB IMEI 357537080123458 differs from the *#06# screen"]
    publish_from_worker(window.controller.bus, [
        ("result", "imei", {"verdict": "fail", "imeis": ["357537080123458"], "reasons": reasons}),
        ("result", "verdict", {"grade": "FLAGGED", "rule": "imei_fail", "reasons": reasons})])
    card = window.inspect.results.cards["overall"]
    qtbot.waitUntil(lambda: "not for sale" in card.grade.text(), timeout=5000)
    assert card.grade.text() == "⚑ flagged · not for sale"
    assert "differs from the *#06# screen" in card.detail.text()
    assert "35753708****458" in card.detail.text() and "357537080123458" not in card.detail.text()
    assert window.inspect.results.cards["imei"].grade.text() == status_label_text("fail")
