"""Scoring the grader against generated truth: per-kind recall and precision, grade agreement."""

from __future__ import annotations

from collections import defaultdict

from station.grading.cosmetic.rules import grade_distance

KINDS = ("scratch", "crack", "dent", "scuff", "missing_part")
SLACK_MM = 2.0      # boxes may be this far apart and still be the same defect


def _overlaps(a: dict, b: dict) -> bool:
    return (a["x"] - SLACK_MM < b["x"] + b["w"] and b["x"] - SLACK_MM < a["x"] + a["w"]
            and a["y"] - SLACK_MM < b["y"] + b["h"] and b["y"] - SLACK_MM < a["y"] + a["h"])


def match(truth: list[dict], found: list[dict]) -> dict[str, dict[str, int]]:
    """Greedy one-to-one matching per kind and face: counts of tp, fn (missed), fp (extra)."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fn": 0, "fp": 0})
    used: set[int] = set()
    for t in truth:
        hit = next((i for i, f in enumerate(found) if i not in used and f["kind"] == t["kind"]
                    and f["face"] == t["face"] and _overlaps(t, f)), None)
        if hit is None:
            counts[t["kind"]]["fn"] += 1
        else:
            used.add(hit)
            counts[t["kind"]]["tp"] += 1
    for i, f in enumerate(found):
        if i not in used:
            counts[f["kind"]]["fp"] += 1
    return counts


class Tally:
    def __init__(self) -> None:
        self.counts = {k: {"tp": 0, "fn": 0, "fp": 0} for k in KINDS}
        self.grades: list[tuple[str, str]] = []

    def add(self, truth: list[dict], truth_grade: str, result: dict) -> None:
        for kind, c in match(truth, result["defects"]).items():
            for key, value in c.items():
                self.counts.setdefault(kind, {"tp": 0, "fn": 0, "fp": 0})[key] += value
        self.grades.append((truth_grade, result["grade"]))

    def recall(self, kind: str) -> float | None:
        c = self.counts[kind]
        return c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else None

    def precision(self, kind: str) -> float | None:
        c = self.counts[kind]
        return c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else None

    def exact(self) -> float:
        return sum(a == b for a, b in self.grades) / max(len(self.grades), 1)

    def max_distance(self) -> int:
        return max((grade_distance(a, b) for a, b in self.grades), default=0)

    def summary(self) -> dict:
        rnd = lambda v: None if v is None else round(v, 3)
        return {"sets": len(self.grades), "exact_grade": round(self.exact(), 3),
                "max_grade_distance": self.max_distance(),
                "recall": {k: rnd(self.recall(k)) for k in KINDS},
                "precision": {k: rnd(self.precision(k)) for k in KINDS}}
