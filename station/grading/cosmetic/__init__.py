"""Cosmetic grading from body photos under raking light: scratches, cracks, dents, scuffs, missing parts.

`grade_cosmetic_frameset(folder_or_frames, mm_per_px=None)` -> ``{"grade", "label_zh", "defects", ...}``.
The rule table is in `rules.py` and docs/cosmetic.md.
"""

from station.grading.cosmetic.grade import grade_cosmetic_frameset, grade_frames
from station.grading.cosmetic.rules import GRADES, LABEL_ZH, grade_defects

__all__ = ["grade_cosmetic_frameset", "grade_frames", "grade_defects", "GRADES", "LABEL_ZH"]
