"""The screen grade rule table, row by row."""

from __future__ import annotations

import pytest

from station.grading.screen import screen_grade

D, S = "dead_pixel", "stuck_pixel"


@pytest.mark.parametrize("kinds, grade", [
    ([], "A"),
    ([D], "B"),
    ([S, D], "B"),
    ([S, S, D], "C"),
    ([D] * 5, "C"),
    (["bright_spot"], "C"),
    (["dark_spot", D], "C"),
    (["burn_in"], "C"),
    ([D] * 6, "D"),
    ([S] * 3 + [D] * 3, "D"),
    (["line"], "D"),
    (["crack", D], "D"),
    (["burn_in", "line", "crack"], "D"),
])
def test_grade_table(kinds, grade):
    assert screen_grade(kinds)[0] == grade


def test_rule_text_says_why():
    assert screen_grade(["crack"])[1] == "crack present"
    assert "3-5" in screen_grade([D] * 4)[1]


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="scratch"):
        screen_grade(["scratch"])
