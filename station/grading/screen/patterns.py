"""Which pattern a frame shows, decided from the frame itself (so capture order does not matter).

Inputs are the panel's median colour (BGR, camera levels) in the display-warped frame and the
median level of the tray along the frame's border. Emitted patterns are photographed under a dim
top light; `off` is photographed under raking light, which lights the tray: that is what tells
a switched-off screen from a black pattern. Pure function, tested from a table.
"""

from __future__ import annotations

DARK_PANEL = 35          # a panel darker than this emits (almost) nothing: black or off
LIT_TRAY = 40            # a tray brighter than this is under the raking light (the 'off' shot)
GRAY_TO_WHITE = 0.68     # gray emits 50 % of white; split halfway in log terms
WHITE_MIN = 150          # absolute fallback when no white frame is known


def classify_pattern(panel_bgr: tuple[float, float, float], tray_level: float,
                     white_level: float | None = None) -> str | None:
    """'white','black','red','green','blue','gray','off', or None (not a full-screen pattern)."""
    b, g, r = (float(v) for v in panel_bgr)
    top = max(b, g, r)
    if top < DARK_PANEL:
        return "off" if tray_level > LIT_TRAY else "black"
    low = min(b, g, r)
    if low > 0.75 * top:
        if white_level is not None and white_level > 0:
            return "white" if top > GRAY_TO_WHITE * white_level else "gray"
        return "white" if top > WHITE_MIN else "gray"
    others = sorted((b, g, r))[1]          # the second-brightest channel
    if others > 0.35 * top:
        return None
    return {0: "blue", 1: "green", 2: "red"}[(b, g, r).index(top)]
