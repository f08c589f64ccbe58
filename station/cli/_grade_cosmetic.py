"""`station grade cosmetic DIR [--json]`: grade a cosmetic frame set (frameset/1, body under raking light)."""

from __future__ import annotations

from station.cli.output import add_json_flag, emit


def add_arguments(p) -> None:
    p.add_argument("folder", metavar="DIR",
                   help="frame set folder: manifest.json (scale.mm_per_px) + back, front, left, right, top, "
                        "bottom frames, each one file or one per light (n, e, s, w, top)")
    p.add_argument("--mm-per-px", type=float, metavar="MM",
                   help="override the manifest's scale.mm_per_px (e.g. after re-calibrating the rig)")
    add_json_flag(p)


def _human(result: dict) -> str:
    lines = [f"cosmetic grade {result['grade']} {result['label_zh']} ({result['meaning']}): {result['rule']}"]
    for d in result["defects"]:
        detail = {"scratch": lambda: f"{d['length_mm']} mm, {d['width_class']}",
                  "crack": lambda: f"{d['length_mm']} mm",
                  "dent": lambda: f"{d['diameter_mm']} mm across",
                  "scuff": lambda: f"{d['area_mm2']} mm²",
                  "missing_part": lambda: f"{d['area_mm2']} mm² cavity"}.get(d["kind"], lambda: "")()
        lines.append(f"  {d['kind']:<12} {d['face']:<6} at x={d['x']} y={d['y']} mm ({d['w']} x {d['h']} mm)  {detail}")
    if not result["defects"]:
        lines.append("  no defects found")
    lines += [f"  note: {note}" for note in result.get("notes", [])]
    return "\n".join(lines)


def run(args) -> int:
    from station.grading.cosmetic import grade_cosmetic_frameset  # cv2/numpy only when grading

    emit(grade_cosmetic_frameset(args.folder, mm_per_px=args.mm_per_px), args.json, _human)
    return 0
