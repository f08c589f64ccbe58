"""`station grade screen|cosmetic DIR` and `station grade battery FILE`.

Each grader's CLI lives in a private module (`_grade_screen`, `_grade_cosmetic`, `_grade_battery`)
with ``add_arguments(parser)`` and ``run(args)``; this module only dispatches.
"""

from __future__ import annotations

import importlib

GRADERS = {
    "screen": ("station.cli._grade_screen", "grade a screen frame set (folder with manifest.json)"),
    "cosmetic": ("station.cli._grade_cosmetic", "grade a cosmetic frame set (folder with manifest.json)"),
    "battery": ("station.cli._grade_battery", "grade a saved dumpsys/sysfs/trade-in battery dump"),
}


def register(sub) -> None:
    p = sub.add_parser("grade", help="grade saved frames or dumps (screen, cosmetic, battery)")
    kinds = p.add_subparsers(dest="grader", metavar="KIND", required=True)
    for name, (module_name, help_text) in GRADERS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        sp = kinds.add_parser(name, help=help_text)
        module.add_arguments(sp)
        sp.set_defaults(func=module.run)
