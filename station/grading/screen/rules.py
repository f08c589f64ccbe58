"""The screen grade rule table (documented in docs/screen.md). Pure functions, table-tested.

| grade | rule |
|---|---|
| A | no defects |
| B | only dead/stuck pixels, 1-2 of them |
| C | 3-5 dead/stuck pixels, or any bright_spot, dark_spot or burn_in (and no line or crack) |
| D | any line or crack, or more than 5 dead/stuck pixels |
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

PIXEL_KINDS = ("dead_pixel", "stuck_pixel")
AREA_KINDS = ("bright_spot", "dark_spot", "burn_in")
SEVERE_KINDS = ("line", "crack")
KINDS = PIXEL_KINDS + AREA_KINDS + SEVERE_KINDS
SEVERITY = {**{k: "minor" for k in PIXEL_KINDS}, **{k: "moderate" for k in AREA_KINDS},
            **{k: "severe" for k in SEVERE_KINDS}}


def screen_grade(kinds: Iterable[str]) -> tuple[str, str]:
    """(grade, the rule that decided it) for the kinds of the defects found."""
    count = Counter(kinds)
    unknown = set(count) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown screen defect kind(s): {', '.join(sorted(unknown))}")
    pixels = sum(count[k] for k in PIXEL_KINDS)
    severe = [k for k in SEVERE_KINDS if count[k]]
    if severe:
        return "D", f"{' and '.join(severe)} present"
    if pixels > 5:
        return "D", f"{pixels} dead/stuck pixels (more than 5)"
    areas = [k for k in AREA_KINDS if count[k]]
    if areas:
        return "C", f"{', '.join(areas)} present"
    if pixels >= 3:
        return "C", f"{pixels} dead/stuck pixels (3-5)"
    if pixels:
        return "B", f"{pixels} dead/stuck pixel{'s' if pixels > 1 else ''} (1-2)"
    return "A", "no defects"
