"""The report model: complete data only, masking rules, the 180-day period, ids."""

from __future__ import annotations

import copy
import re
from datetime import date

import pytest

from station.errors import BadInput
from station.report import build_report, mask_imei, public_view, validate_inspection
from station.report.model import REPORT_FORMAT, mask_serial, new_id, warranty_period
from tests.report.sample import make_inspection


def _without(inspection: dict, dotted: str) -> dict:
    broken = copy.deepcopy(inspection)
    *parents, last = dotted.split(".")
    node = broken
    for part in parents:
        node = node[part]
    del node[last]
    return broken


@pytest.mark.parametrize("missing", ["inspected_at", "phone", "phone.imeis", "phone.serial", "battery",
                                     "battery.health_permille", "screen.grade", "cosmetic.defects",
                                     "imei.verdict", "overall.rule", "evidence"])
def test_no_report_from_incomplete_data(missing):
    broken = _without(make_inspection(), missing)
    problems = validate_inspection(broken)
    assert any(p.startswith(missing.split(".")[0]) for p in problems), problems
    with pytest.raises(BadInput) as info:
        build_report(broken, report_id="R1", station_id="S", key_id="k", warranty_id="W1",
                     warranty_start="2026-01-01", warranty_end="2026-06-30")
    assert missing in info.value.message
    assert info.value.hint


@pytest.mark.parametrize("field, value, fragment", [
    ("phone.imeis", ["12345"], "15-digit"),
    ("phone.imeis", [], "15-digit"),
    ("imei.verdict", "maybe", "pass"),
    ("inspected_at", "2026-11-24 21:00", "RFC 3339"),
    ("evidence", [{"name": "a.png", "sha256": "XYZ"}], "64 lowercase hex"),
])
def test_malformed_fields_are_named(field, value, fragment):
    broken = copy.deepcopy(make_inspection())
    section, _, key = field.partition(".")
    if key:
        broken[section][key] = value
    else:
        broken[section] = value
    assert any(fragment in p for p in validate_inspection(broken))


def test_floats_are_refused_with_the_field_path():
    inspection = make_inspection()
    inspection["cosmetic"]["defects"][0]["length_mm"] = 8.3
    with pytest.raises(BadInput, match=r"\$\.cosmetic\.defects\[0\]\.length_mm"):
        build_report(inspection, report_id="R1", station_id="S", key_id="k", warranty_id="W1",
                     warranty_start="2026-01-01", warranty_end="2026-06-30")


def test_battery_unit_error_is_reported_without_a_grade():
    inspection = make_inspection()
    inspection["battery"].update(health_permille=None, grade=None)
    report = build_report(inspection, report_id="R1", station_id="S", key_id="k", warranty_id="W1",
                          warranty_start="2026-01-01", warranty_end="2026-06-30")
    assert report["format"] == REPORT_FORMAT and report["battery"]["grade"] is None


@pytest.mark.parametrize("imei, masked", [
    ("356938035643809", "35693803****809"),
    ("490154203237518", "49015420****518"),
    ("1234567890", "**********"),
])
def test_mask_imei_keeps_tac_and_last_three(imei, masked):
    assert mask_imei(imei) == masked


@pytest.mark.parametrize("serial, masked", [("R58N12345XY", "R5******5XY"), ("ABCDE", "*****"), (None, None)])
def test_mask_serial(serial, masked):
    assert mask_serial(serial) == masked


def test_public_view_hides_identity_but_keeps_the_rest(report):
    view = public_view(report)
    text = repr(view)
    for imei in report["phone"]["imeis"]:
        assert imei not in text
    assert report["phone"]["serial"] not in text
    assert view["overall"] == report["overall"] and view["warranty"] == report["warranty"]
    assert report["phone"]["imeis"][0] in repr(report)  # the signed report itself is complete


@pytest.mark.parametrize("sale, start, end", [
    ("2026-11-24", "2026-11-24", "2027-05-23"),
    ("2024-01-01", "2024-01-01", "2024-06-29"),   # leap year
    (date(2026, 12, 31), "2026-12-31", "2027-06-29"),
])
def test_warranty_period_is_180_days_from_the_sale(sale, start, end):
    assert warranty_period(sale) == (start, end)
    assert (date.fromisoformat(end) - date.fromisoformat(start)).days == 180


def test_bad_sale_date_says_the_format():
    with pytest.raises(BadInput, match="YYYY-MM-DD"):
        warranty_period("24/11/2026")


def test_ids_are_url_safe_and_distinct():
    ids = {new_id("R") for _ in range(2000)}
    assert len(ids) == 2000
    assert all(re.fullmatch(r"R\d{8}-[0-9A-HJKMNP-TV-Z]{10}", i) for i in ids)


def test_buyer_data_never_enters_the_report(report):
    assert "buyer" not in repr(report).lower() and "order" not in repr(report).lower()


@pytest.mark.parametrize("defect, text", [
    ({"kind": "scratch", "face": "back", "length_um": 14200, "strength_milli": 4100}, "划痕 scratch 背面 back 14.2 mm"),
    ({"kind": "dent", "face": "left", "diameter_um": 1500}, "磕碰 dent 左侧 left dia. 1.5 mm"),
    ({"kind": "dead_pixel", "x": 512, "y": 1033, "w": 1, "h": 1, "severity": "minor"},
     "坏点 dead_pixel @ (512, 1033) minor"),
    ({"kind": "wobble"}, "wobble"),
])
def test_defects_read_as_people_expect(defect, text):
    from station.report.labels import defect_text

    assert defect_text(defect) == text


def test_public_view_masks_imeis_wherever_they_occur():
    # An IMEI mismatch puts full IMEIs in the verdict's sources and reasons: none may reach viewers.
    from tests.report.sample import make_inspection
    from station.report.model import public_view

    usb, screen = "357537080123458", "358276095552224"
    report = make_inspection(7, imeis=[usb])
    report["imei"] = {"verdict": "fail",
                      "reasons": [f"USB reports {usb} but the *#06# screen shows {screen}"],
                      "sources": {"usb": [usb], "screen": [screen], "tac_model": "Galaxy A51"}}
    report["evidence"].append({"name": "x.png", "sha256": "a" + "1" * 62 + "b"})
    text = repr(public_view(report))
    assert usb not in text and screen not in text
    assert "35753708****458" in text and "35827609****224" in text
    assert report["phone"]["serial"] not in text
    # Hex digests are not IMEIs: left intact.
    assert "a" + "1" * 62 + "b" in text
