"""The cosmetic grade: a rule table a streamer can read out on air (mirrored in docs/cosmetic.md).

Grades follow the CTIA wireless device grading scale: A like new, B light wear, C more
aggressive wear, D cover glass cracked, E display structure damaged / housing broken. Each has
the 成色 label Chinese buyers use. The grade is the worst grade any rule gives; the reasons say
which defects set it. Pure functions on the defect list, so the table is tested row by row.
"""

from __future__ import annotations

from collections import Counter

GRADES = ("A", "B", "C", "D", "E")
LABEL_ZH = {"A": "99新", "B": "95新", "C": "9成新", "D": "8成新", "E": "7成新及以下"}
MEANING = {"A": "like new", "B": "light wear", "C": "more aggressive wear",
           "D": "cover or back glass cracked", "E": "housing broken or parts missing"}

# Grade A (99新): at most this many hairline scratches per face, each at most this long; nothing else.
A_MAX_HAIRLINES_PER_FACE = 2
A_MAX_SCRATCH_MM = 10.0
# Grade B (95新): hairline/light scratches only, at most this many per face, each at most this long;
# at most one small dent or chip; a little worn paint.
B_MAX_SCRATCHES_PER_FACE = 4
B_MAX_SCRATCH_MM = 30.0
B_MAX_DENTS = 1
B_MAX_DENT_MM = 2.0
B_MAX_SCUFF_MM2 = 30.0
# Grade C (9成新): anything worse than B without cracked glass or missing parts — a deep scratch,
# more or longer scratches, several or larger dents, more worn paint.
# Grade D (8成新): a crack in the front (cover) glass or the back glass.
# Grade E (7成新及以下): a missing part (camera lens cover, button), or cracks in both glass faces.


def _face_scratch_grade(scratches: list[dict]) -> tuple[str, str]:
    if not scratches:
        return "A", ""
    classes = Counter(s.get("width_class", "light") for s in scratches)
    longest = max(float(s.get("length_mm", 0.0)) for s in scratches)
    if classes["deep"]:
        return "C", f"{classes['deep']} deep scratch(es)"
    if len(scratches) > B_MAX_SCRATCHES_PER_FACE or longest > B_MAX_SCRATCH_MM:
        return "C", f"{len(scratches)} scratches, longest {longest:.0f} mm"
    if classes["light"] or len(scratches) > A_MAX_HAIRLINES_PER_FACE or longest > A_MAX_SCRATCH_MM:
        return "B", f"{len(scratches)} scratch(es), longest {longest:.0f} mm"
    return "A", ""


def grade_defects(defects: list[dict]) -> tuple[str, list[str]]:
    """(grade, reasons) for a list of cosmetic defects; reasons name the rules that set the grade."""
    findings: list[tuple[str, str]] = []
    by_kind: dict[str, list[dict]] = {}
    for d in defects:
        by_kind.setdefault(d.get("kind", "?"), []).append(d)
    cracked_faces = sorted({d["face"] for d in by_kind.get("crack", []) if d.get("face") in ("front", "back")})
    missing = by_kind.get("missing_part", [])
    if missing:
        findings.append(("E", f"missing part on {', '.join(sorted({d['face'] for d in missing}))}"))
    if len(cracked_faces) >= 2:
        findings.append(("E", "cracks in both front and back glass"))
    elif cracked_faces:
        findings.append(("D", f"cracked {cracked_faces[0]} glass"))
    faces = sorted({d["face"] for d in by_kind.get("scratch", [])})
    for face in faces:
        grade, why = _face_scratch_grade([d for d in by_kind["scratch"] if d["face"] == face])
        if grade != "A":
            findings.append((grade, f"{why} on {face}"))
    dents = by_kind.get("dent", [])
    if dents:
        biggest = max(float(d.get("diameter_mm", 0.0)) for d in dents)
        grade = "B" if len(dents) <= B_MAX_DENTS and biggest <= B_MAX_DENT_MM else "C"
        findings.append((grade, f"{len(dents)} dent(s)/chip(s), largest {biggest:.1f} mm"))
    scuffs = by_kind.get("scuff", [])
    if scuffs:
        area = sum(float(d.get("area_mm2", 0.0)) for d in scuffs)
        findings.append(("B" if area <= B_MAX_SCUFF_MM2 else "C", f"worn finish {area:.0f} mm²"))
    if not findings:
        return "A", ["no wear beyond hairlines"]
    worst = max(g for g, _ in findings)
    return worst, [why for g, why in findings if g == worst]


def result(defects: list[dict]) -> dict:
    """The grader's output document."""
    grade, reasons = grade_defects(defects)
    return {"grade": grade, "label_zh": LABEL_ZH[grade], "meaning": MEANING[grade],
            "rule": f"{grade}: " + "; ".join(reasons), "reasons": reasons, "defects": defects}


def grade_distance(a: str, b: str) -> int:
    return abs(GRADES.index(a) - GRADES.index(b))
