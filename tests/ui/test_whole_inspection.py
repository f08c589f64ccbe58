"""Done-when: the app driven offscreen through a whole simulated inspection, the report and
warranty issued with F9, then the warranty found at the desk and a claim recorded on it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from drivers.scenario import load_scenario
from tests.ui.keys import press
from ui.style import status_label_text

INSPECTION_TIMEOUT_MS = 900_000    # the simulated camera renders 12 MP frames on a shared 2-core box


@pytest.mark.slow          # ~3 min on the shared 2-core box; it runs in `make test` all the same
def test_whole_inspection_issue_lookup_and_claim(qtbot, window_factory):
    scenario = load_scenario("default")
    window = window_factory("default")
    tab, controller = window.inspect, window.controller
    press(qtbot, window, Qt.Key_F5)
    qtbot.waitUntil(lambda: controller.can_issue() or not controller.running, timeout=INSPECTION_TIMEOUT_MS)
    trail = [(e.kind, e.step, str(e.data)[:120]) for e in controller.events if e.kind != "step_progress"]
    assert controller.can_issue(), trail[-8:]

    # What the streamer sees: every measuring step done, the grades the scenario calls for.
    for step in ("connect_rig", "phone_placed", "identify", "imei", "battery", "screen", "cosmetic", "verdict"):
        assert tab.steps.badge_text(step) == status_label_text("done"), step
    for step in ("sign", "warranty"):
        assert tab.steps.badge_text(step) == status_label_text("pending")
    expected = scenario.expected
    cards = tab.results.cards
    for part in ("battery", "screen", "cosmetic"):
        assert cards[part].grade.text().startswith(expected[part] + " · "), (part, cards[part].grade.text())
    assert cards["imei"].grade.text() == status_label_text(expected["imei"])
    assert scenario.phone["model"] in tab.phone_label.text()
    # Defect thumbnails cut by the engine from the evidence frames: on the cards and the preview.
    qtbot.waitUntil(lambda: window.broadcast.preview.thumb is not None, timeout=60_000)
    assert cards["screen"].thumb.pixmap() is not None and not cards["screen"].thumb.pixmap().isNull()
    assert "press F9" in tab.prompt.text()
    assert tab.issue_button.isEnabled()

    tab.order_id.setText("ORD-7")
    press(qtbot, window, Qt.Key_F9)
    qtbot.waitUntil(lambda: not controller.running, timeout=120_000)
    assert controller.state == "finished" and controller.record["complete"], trail[-8:]
    assert tab.issued is not None and controller.record["report"]["report_id"] == tab.issued["report_id"]
    assert tab.steps.badge_text("sign") == status_label_text("done")
    assert tab.steps.badge_text("warranty") == status_label_text("done")
    report_id = tab.issued["report_id"]
    assert report_id in tab.issue_label.text()
    assert not tab.issue_button.isEnabled(), "one report per inspection"
    snap = window.broadcast.preview.snapshot
    assert snap["report_id"] == report_id
    assert snap["overall"]["grade"] and snap["battery"]["grade"], "the card keeps its grades when issued"

    # After-sales: the clerk finds it by IMEI, sees it active and verified, records a claim.
    desk = window.warranty
    window.tabs.setCurrentWidget(desk)
    desk.query.setText(scenario.imeis[0])
    qtbot.keyClick(desk.query, Qt.Key_Return)
    qtbot.waitUntil(lambda: desk.current is not None, timeout=30_000)
    assert desk.current["report_id"] == report_id
    assert desk.current["order_id"] == "ORD-7"
    assert desk.status.text() == status_label_text("active")
    assert desk.report_badge.text().startswith(status_label_text("valid"))
    desk.claim_reason.setText("battery drains fast")
    desk.open_claim_button.click()
    qtbot.waitUntil(lambda: desk.claims.rowCount() == 1, timeout=30_000)
    assert desk.status.text() == status_label_text("claimed")
