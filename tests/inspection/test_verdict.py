"""The overall verdict rule table, row by row."""

from __future__ import annotations

import pytest

from station.inspection.verdict import FLAGGED, VerdictInputError, overall_verdict


def results(battery="A", screen="A", cosmetic="A", imei="pass", frp=False):
    return {"battery": {"grade": battery}, "screen": {"grade": screen}, "cosmetic": {"grade": cosmetic},
            "imei": {"verdict": imei, "reasons": [] if imei == "pass" else ["USB and screen IMEIs differ"]},
            "phone": {"frp_locked": frp}}


@pytest.mark.parametrize("battery,screen,cosmetic,overall", [
    ("A", "A", "A", "A"),
    ("B", "A", "A", "B"),
    ("A", "C", "B", "C"),
    ("A", "B", "D", "D"),
    ("D", "A", "A", "D"),
    ("B", "B", "B", "B"),
])
def test_overall_is_the_worst_component(battery, screen, cosmetic, overall):
    verdict = overall_verdict(results(battery, screen, cosmetic))
    assert verdict["grade"] == overall
    assert verdict["rule"] == "worst_of"


@pytest.mark.parametrize("kwargs,rule", [
    ({"imei": "fail"}, "imei_fail"),
    ({"imei": "fail", "battery": None}, "imei_fail"),
    ({"frp": True}, "frp_locked"),
    ({"battery": None}, "battery_flagged"),
    ({"battery": FLAGGED}, "battery_flagged"),
])
def test_flagging_rules_come_before_grades(kwargs, rule):
    verdict = overall_verdict(results(**kwargs))
    assert verdict["grade"] == FLAGGED
    assert verdict["rule"] == rule
    assert verdict["reasons"]


def test_missing_component_is_an_error_not_a_grade():
    with pytest.raises(VerdictInputError):
        overall_verdict(results(screen=None))
    with pytest.raises(VerdictInputError):
        overall_verdict(results(cosmetic="E"))
