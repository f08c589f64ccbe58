"""`station grade screen|cosmetic DIR` and `station grade battery FILE`.

Each grader's CLI lives in a private module (`_grade_screen`, `_grade_cosmetic`, `_grade_battery`).
"""

from __future__ import annotations

from station.cli._dispatch import register_group

GRADERS = {
    "screen": ("station.cli._grade_screen", "grade a screen frame set (folder with manifest.json)"),
    "cosmetic": ("station.cli._grade_cosmetic", "grade a cosmetic frame set (folder with manifest.json)"),
    "battery": ("station.cli._grade_battery", "grade a saved dumpsys/sysfs/trade-in battery dump"),
}


def register(sub) -> None:
    register_group(sub, "grade", "grade saved frames or dumps (screen, cosmetic, battery)",
                   "grader", "KIND", GRADERS)
