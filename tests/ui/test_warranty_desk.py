"""The after-sales desk, driven like a clerk: search, read the verified report, open and resolve
a claim, verify a report file and a scanned QR — against the real registry and real signatures."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.ui.seed import issue_sample
from ui.style import status_label_text
from ui.warranty_tab import WarrantyTab
from ui.warranty_adapter import WarrantyDesk

WAIT_MS = 20000


@pytest.fixture
def desk_tab(qtbot, english, station_home):
    tab = WarrantyTab(WarrantyDesk())
    qtbot.addWidget(tab)
    tab.resize(1400, 900)
    tab.show()
    return tab


def search(qtbot, tab, text, kind="auto"):
    tab.kind.setCurrentIndex(tab.kind.findData(kind))
    tab.query.setText(text)
    qtbot.keyClick(tab.query, Qt.Key_Return)       # status says "Searching…" until the reply
    qtbot.waitUntil(lambda: "found" in tab.search_status.text(), timeout=WAIT_MS)


@pytest.mark.parametrize("kind, key", [("imei", "imei"), ("serial", "serial"), ("report", "report"),
                                       ("order", "order"), ("auto", "imei")])
def test_lookup_by_each_key_shows_the_warranty(qtbot, desk_tab, station_home, kind, key):
    issued, inspection = issue_sample(station_home)
    value = {"imei": inspection["phone"]["imeis"][0], "serial": inspection["phone"]["serial"],
             "report": issued.report_id, "order": "ORD-42"}[key]
    search(qtbot, desk_tab, value, kind)
    assert desk_tab.list.count() == 1
    assert desk_tab.status.text() == status_label_text("active")
    assert desk_tab.days.text() in ("180 days left", "179 days left")
    assert issued.warranty_id in desk_tab.period.text() and issued.end in desk_tab.period.text()
    assert desk_tab.report_badge.text().startswith(status_label_text("valid"))
    assert "Pixel 2" in desk_tab.report_text.text()
    assert "35753708****458" in desk_tab.report_text.text()     # the desk shows IMEIs masked too
    assert "357537080123458" not in desk_tab.report_text.text()


def test_photos_shown_are_the_ones_the_signature_vouches_for(qtbot, desk_tab, station_home):
    issued, _ = issue_sample(station_home, seed=11)
    search(qtbot, desk_tab, issued.report_id, "report")
    shown = [desk_tab.photos.itemAt(i).widget() for i in range(desk_tab.photos.count())]
    assert len([w for w in shown if w is not None]) == 2
    # Alter one evidence file after signing: its hash no longer matches, so it is not shown.
    back = next((station_home / "inspections").glob("*/cosmetic_back.png"))
    back.write_bytes(back.read_bytes() + b"tampered")
    search(qtbot, desk_tab, issued.report_id, "report")
    shown = [desk_tab.photos.itemAt(i).widget() for i in range(desk_tab.photos.count())]
    assert len([w for w in shown if w is not None]) == 1


def test_unknown_imei_finds_nothing_and_bad_imei_says_why(qtbot, desk_tab, station_home):
    issue_sample(station_home)
    search(qtbot, desk_tab, "356938035643809", "imei")
    assert desk_tab.list.count() == 0
    assert desk_tab.search_status.text() == "0 found"
    desk_tab.kind.setCurrentIndex(desk_tab.kind.findData("imei"))
    desk_tab.query.setText("12ab")
    qtbot.keyClick(desk_tab.query, Qt.Key_Return)
    qtbot.waitUntil(lambda: "not an IMEI" in desk_tab.search_status.text(), timeout=WAIT_MS)
    assert "digits" in desk_tab.search_status.text()


def test_claim_open_then_resolve(qtbot, desk_tab, station_home):
    issued, _ = issue_sample(station_home)
    search(qtbot, desk_tab, "357537080123458", "imei")
    assert not desk_tab.resolve_button.isEnabled()
    desk_tab.open_claim_button.click()                      # no reason yet: told what to do
    assert "Write what the customer reports" in desk_tab.action_message.text()
    desk_tab.claim_reason.setText("screen flickers")
    desk_tab.open_claim_button.click()
    qtbot.waitUntil(lambda: desk_tab.claims.rowCount() == 1, timeout=WAIT_MS)
    assert desk_tab.claims.item(0, 2).text() == "screen flickers"
    assert desk_tab.claims.item(0, 3).text() == status_label_text("open")
    assert desk_tab.status.text() == status_label_text("claimed")
    assert desk_tab.resolve_button.isEnabled()
    desk_tab.resolution.setCurrentIndex(desk_tab.resolution.findData("repaired"))
    desk_tab.resolve_button.click()
    qtbot.waitUntil(lambda: desk_tab.claims.rowCount() == 1
                    and desk_tab.claims.item(0, 3).text() == status_label_text("resolved"), timeout=WAIT_MS)
    assert desk_tab.claims.item(0, 4).text() == "repaired"
    assert desk_tab.status.text() == status_label_text("active")
    assert not desk_tab.resolve_button.isEnabled()


def test_verify_report_file_and_tampered_file(qtbot, desk_tab, station_home, tmp_path):
    issued, _ = issue_sample(station_home)
    desk_tab.verify_file(str(issued.jws_path))
    qtbot.waitUntil(lambda: "Valid signature" in desk_tab.verify_result.text(), timeout=WAIT_MS)
    assert issued.report_id in desk_tab.verify_result.text()
    assert desk_tab.verify_result.text().startswith(status_label_text("valid"))
    # Change one character of the signed payload: it must not verify.
    text = Path(issued.jws_path).read_text().strip()
    head, payload, sig = text.split(".")
    flipped = payload[:10] + ("A" if payload[10] != "A" else "B") + payload[11:]
    bad = tmp_path / "tampered.jws"
    bad.write_text(f"{head}.{flipped}.{sig}")
    desk_tab.verify_file(str(bad))
    qtbot.waitUntil(lambda: desk_tab.verify_result.text().startswith(status_label_text("invalid")),
                    timeout=WAIT_MS)
    not_a_report = tmp_path / "photo.txt"
    not_a_report.write_text("hello")
    desk_tab.verify_file(str(not_a_report))
    qtbot.waitUntil(lambda: "does not hold a signed report" in desk_tab.verify_result.text(), timeout=WAIT_MS)


def test_scanned_qr_payload_verifies_and_opens_the_warranty(qtbot, desk_tab, station_home):
    issued, _ = issue_sample(station_home)
    desk_tab.qr_payload.setText(issued.verify_url)
    qtbot.keyClick(desk_tab.qr_payload, Qt.Key_Return)
    qtbot.waitUntil(lambda: "Valid signature" in desk_tab.verify_result.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: desk_tab.current is not None
                    and desk_tab.current.get("report_id") == issued.report_id, timeout=WAIT_MS)
    desk_tab.qr_payload.setText("https://example.com/not-a-report")
    desk_tab.verify_payload()
    qtbot.waitUntil(lambda: "neither a report verification link" in desk_tab.verify_result.text(),
                    timeout=WAIT_MS)
    desk_tab.qr_payload.setText("http://127.0.0.1:8765/r/R20260101-0000000000")
    desk_tab.verify_payload()
    qtbot.waitUntil(lambda: "no report R20260101-0000000000" in desk_tab.verify_result.text(),
                    timeout=WAIT_MS)
