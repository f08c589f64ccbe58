"""The simulated panel's emission: a flat pattern clipped only where its defects touched it is the
image clipped whole (values outside the boxes are the pattern's own, already in [0, 1])."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.camera.screen_content import PATTERN_BGR, apply_defects, render_screen
from drivers.scenario import load_scenario

W, H = 120, 200
KINDS = ("bright_spot", "dark_spot", "burn_in", "crack", "line", "dead_pixel", "stuck_pixel")


def _whole_clip(screen: str, defects: list[dict]) -> np.ndarray:
    img = np.empty((H, W, 3), np.float32)
    img[:] = PATTERN_BGR[screen]
    apply_defects(img, defects, lit=screen != "black", in_range=False)
    return img


defect = st.fixed_dictionaries({
    "kind": st.sampled_from(KINDS),
    "x": st.integers(0, W - 1), "y": st.integers(0, H - 1),        # on the panel, as scenarios put them
    "w": st.integers(1, 60), "h": st.integers(1, 60),
}, optional={"level": st.floats(0.0, 3.0), "depth": st.floats(-1.0, 2.0), "width": st.integers(1, 4),
             "color": st.tuples(*[st.integers(0, 255)] * 3)})


@settings(max_examples=80, deadline=None)
@given(screen=st.sampled_from(sorted(set(PATTERN_BGR) - {"off"})), defects=st.lists(defect, max_size=5))
def test_flat_pattern_clipped_in_its_defect_boxes_is_the_whole_clip(screen, defects):
    got = render_screen(screen, W, H, defects)
    want = _whole_clip(screen, defects)
    assert got.min() >= 0.0 and got.max() <= 1.0
    assert np.array_equal(got, want)


def test_every_sample_scenarios_patterns_match_the_whole_clip():
    for name in ("default", "cracked-screen", "pristine"):
        defects = list(load_scenario(name).screen_defects)
        for screen in sorted(set(PATTERN_BGR) - {"off"}):
            assert np.array_equal(render_screen(screen, W, H, defects), _whole_clip(screen, defects)), (name, screen)
