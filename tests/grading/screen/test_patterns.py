"""Pattern recognition from the panel's colour and the tray's lighting (table)."""

from __future__ import annotations

import pytest

from station.grading.screen.patterns import classify_pattern


@pytest.mark.parametrize("panel, tray, white, expected", [
    ((210, 212, 215), 14, 212, "white"),
    ((105, 104, 108), 14, 212, "gray"),
    ((105, 104, 108), 14, None, "gray"),
    ((190, 188, 192), 14, None, "white"),
    ((4, 3, 190), 14, 212, "red"),
    ((3, 200, 6), 14, 212, "green"),
    ((180, 5, 3), 14, 212, "blue"),
    ((3, 3, 4), 14, 212, "black"),
    ((20, 20, 22), 14, 212, "black"),      # glare on a black panel is still black
    ((5, 6, 6), 120, 212, "off"),          # raking light on the tray: the screen-off shot
    ((140, 90, 60), 14, 212, None),        # a wallpaper, not a test pattern
    ((150, 150, 20), 14, 212, None),       # yellow: two channels lit
])
def test_classify(panel, tray, white, expected):
    assert classify_pattern(panel, tray, white) == expected
