"""Screen grading from camera frame sets: locate the panel, map it to display pixels, find defects.

Public API: `grade_screen_frameset(dir_or_frames, display=None, evidence_dir=None) -> dict`,
`locate_panel(frame, display_size=None) -> (4, 2) corners or None`, `screen_grade(kinds)`,
`FrameSetError`. See docs/screen.md.
"""

from station.grading.screen.frames import FrameSetError, load_frameset
from station.grading.screen.grade import grade_screen_frameset
from station.grading.screen.locate import locate_panel
from station.grading.screen.rules import screen_grade

__all__ = ["FrameSetError", "grade_screen_frameset", "load_frameset", "locate_panel", "screen_grade"]
