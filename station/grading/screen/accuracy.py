"""Scoring a grader's defects against ground truth: per-kind precision / recall / F1, grade agreement.

Used by the test suite and by `station bench screen` on generated, labelled frame sets.
A found defect is correct when it overlaps a true defect of the same kind (boxes grown by a
tolerance: 3 px for pixels, 8 px + 15 % of the size otherwise); a true defect is recalled when
at least one found defect is correct for it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from station.grading.screen.rules import KINDS


def _box(d: dict) -> tuple[float, float, float, float]:
    if d.get("kind") == "crack" and d.get("points"):
        xs = [p[0] for p in d["points"]]
        ys = [p[1] for p in d["points"]]
        return min(xs), min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1
    return d["x"], d["y"], d.get("w", 1), d.get("h", 1)


def matches(found: dict, truth: dict) -> bool:
    if found["kind"] != truth["kind"]:
        return False
    x, y, w, h = _box(truth)
    tol = 3.0 if truth["kind"] in ("dead_pixel", "stuck_pixel") else 8.0 + 0.15 * min(w, h)
    fx, fy, fw, fh = _box(found)
    return fx < x + w + tol and x - tol < fx + fw and fy < y + h + tol and y - tol < fy + fh


class Score:
    """Accumulates counts over many frame sets."""

    def __init__(self) -> None:
        self.tp_found = defaultdict(int)
        self.n_found = defaultdict(int)
        self.tp_truth = defaultdict(int)
        self.n_truth = defaultdict(int)
        self.sets = 0
        self.grades_right = 0

    def add(self, found: Iterable[dict], truth: Iterable[dict], grade: str, true_grade: str) -> None:
        found, truth = list(found), list(truth)
        for f in found:
            self.n_found[f["kind"]] += 1
            self.tp_found[f["kind"]] += any(matches(f, t) for t in truth)
        for t in truth:
            self.n_truth[t["kind"]] += 1
            self.tp_truth[t["kind"]] += any(matches(f, t) for f in found)
        self.sets += 1
        self.grades_right += grade == true_grade

    @staticmethod
    def _prf(tp_f, n_f, tp_t, n_t) -> dict:
        p = tp_f / n_f if n_f else 1.0
        r = tp_t / n_t if n_t else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4),
                "found": n_f, "true": n_t}

    def per_kind(self) -> dict:
        return {k: self._prf(self.tp_found[k], self.n_found[k], self.tp_truth[k], self.n_truth[k])
                for k in KINDS if self.n_found[k] or self.n_truth[k]}

    def overall(self) -> dict:
        return self._prf(sum(self.tp_found.values()), sum(self.n_found.values()),
                         sum(self.tp_truth.values()), sum(self.n_truth.values()))

    def grade_agreement(self) -> float:
        return round(self.grades_right / self.sets, 4) if self.sets else 0.0
