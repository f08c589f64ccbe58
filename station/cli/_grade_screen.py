"""`station grade screen DIR [--json] [--evidence DIR]`: grade a screen frame set (frameset/1)."""

from __future__ import annotations

from station.cli.output import add_json_flag, emit


def add_arguments(p) -> None:
    p.add_argument("folder", metavar="DIR", help="frame set folder (manifest.json + 7 pattern frames)")
    p.add_argument("--evidence", metavar="DIR", help="write an evidence crop (PNG) per defect here")
    add_json_flag(p)


def _human(result: dict) -> str:
    lines = [f"screen grade {result['grade']}  ({result['rule']})"]
    for d in result["defects"]:
        lines.append(f"  {d['kind']:<12} x={d['x']:<5} y={d['y']:<5} {d['w']}x{d['h']}  "
                     f"{d['severity']}, contrast {d['contrast_permille'] / 10:.1f} %, seen on {d['evidence']['frame']}")
    if not result["defects"]:
        lines.append("  no defects found")
    return "\n".join(lines)


def run(args) -> int:
    from station.grading.screen import grade_screen_frameset  # cv2/numpy only when grading

    result = grade_screen_frameset(args.folder, evidence_dir=args.evidence)
    emit(result, args.json, _human)
    return 0
