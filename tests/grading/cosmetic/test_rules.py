"""The rule table, row by row (pure function on defect lists)."""

from __future__ import annotations

import pytest

from station.grading.cosmetic.rules import (A_MAX_SCRATCH_MM, B_MAX_DENT_MM, B_MAX_SCRATCH_MM, B_MAX_SCUFF_MM2,
                                            LABEL_ZH, grade_defects, grade_distance, result)


def scratch(face="back", length=5.0, width="hairline"):
    return {"kind": "scratch", "face": face, "length_mm": length, "width_class": width}


def dent(face="left", diameter=1.0):
    return {"kind": "dent", "face": face, "diameter_mm": diameter}


@pytest.mark.parametrize("defects, grade", [
    ([], "A"),
    ([scratch(), scratch()], "A"),                                        # two short hairlines per face
    ([scratch(), scratch(), scratch("front")], "A"),                     # limits are per face
    ([scratch(), scratch(), scratch()], "B"),                            # a third hairline on one face
    ([scratch(length=A_MAX_SCRATCH_MM + 0.5)], "B"),                     # a long hairline
    ([scratch(width="light")], "B"),
    ([scratch(width="light")] * 4, "B"),
    ([scratch(width="light")] * 5, "C"),                                 # more than four on a face
    ([scratch(width="light", length=B_MAX_SCRATCH_MM + 1)], "C"),
    ([scratch(width="deep", length=3)], "C"),
    ([dent(diameter=B_MAX_DENT_MM)], "B"),
    ([dent(diameter=B_MAX_DENT_MM + 0.5)], "C"),
    ([dent(), dent("top")], "C"),
    ([{"kind": "scuff", "face": "back", "area_mm2": B_MAX_SCUFF_MM2}], "B"),
    ([{"kind": "scuff", "face": "back", "area_mm2": 20}, {"kind": "scuff", "face": "left", "area_mm2": 20}], "C"),
    ([{"kind": "crack", "face": "front", "length_mm": 40}], "D"),
    ([{"kind": "crack", "face": "back", "length_mm": 40}, scratch(width="deep")], "D"),
    ([{"kind": "crack", "face": "front"}, {"kind": "crack", "face": "back"}], "E"),
    ([{"kind": "missing_part", "face": "back", "area_mm2": 90}], "E"),
])
def test_rule_table(defects, grade):
    assert grade_defects(defects)[0] == grade


def test_reasons_name_the_rule_that_set_the_grade():
    grade, reasons = grade_defects([scratch(width="light"), {"kind": "crack", "face": "front"}])
    assert grade == "D" and reasons == ["cracked front glass"]


@pytest.mark.parametrize("grade, label", [("A", "99新"), ("B", "95新"), ("C", "9成新"), ("D", "8成新"), ("E", "7成新及以下")])
def test_labels(grade, label):
    assert LABEL_ZH[grade] == label


def test_result_document_keys():
    doc = result([scratch(width="light")])
    assert {"grade", "label_zh", "defects", "rule"} <= doc.keys() and doc["label_zh"] == "95新"


def test_grade_distance():
    assert grade_distance("A", "C") == 2 and grade_distance("E", "D") == 1
