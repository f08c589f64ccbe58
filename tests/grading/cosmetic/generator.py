"""Labelled cosmetic cases: a random phone with random body damage, its ground truth and grade.

Each seed gives one case: a scenario (as the simulators read it) whose ``cosmetic_defects`` the
camera's body renderer draws, the same defects in the grader's terms (kind, face, box in mm,
length / width class / diameter / area) and the grade the rule table gives *those* defects. So
the tests measure detection against truth and grade agreement, never the grader against itself.
Tuning used TUNING_SEEDS only; EVALUATION_SEEDS were not looked at while choosing thresholds.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from drivers.camera.body_render import CAMERA_LENS, FACES, LIGHTS, BUTTONS, BUTTON_WIDTH_MM, render_face_set
from drivers.scenario import Scenario, load_scenario
from station.grading.cosmetic.rules import grade_defects

TUNING_SEEDS = range(1000, 1040)
EVALUATION_SEEDS = range(5000, 5024)
MODELS = [  # (size_mm w, h, thickness), corner radius
    ((69.7, 145.7, 7.8), 7.0), ((73.6, 158.5, 7.9), 8.0), ((71.5, 147.5, 8.3), 9.0), ((75.2, 159.2, 8.1), 8.0)]
COLOURS = [(28, 28, 32), (20, 24, 40), (200, 200, 205), (235, 232, 228), (190, 160, 120), (150, 30, 40)]
WIDTHS = {"hairline": (0.02, 0.045), "light": (0.06, 0.15), "deep": (0.2, 0.4)}
TARGETS = ("A", "B", "C", "D", "E")


@dataclass
class Case:
    seed: int
    scenario: Scenario
    truth: list[dict]
    grade: str


class _Builder:
    def __init__(self, rng: np.random.Generator, size: tuple[float, float, float]):
        self.rng, self.size = rng, size
        self.defects: list[dict] = []      # scenario (renderer) terms
        self.truth: list[dict] = []        # grader terms

    def face_size(self, face: str) -> tuple[float, float]:
        w, h, t = self.size
        return {"back": (w, h), "front": (w, h), "left": (t, h), "right": (t, h), "top": (w, t), "bottom": (w, t)}[face]

    def _free_spot(self, face: str, half_w: float, half_h: float) -> tuple[float, float]:
        fw, fh = self.face_size(face)
        edge = face not in ("back", "front")
        margin = 1.2 if edge else 4.0
        for _ in range(200):
            x = self.rng.uniform(margin + half_w, fw - margin - half_w) if fw > 2 * (margin + half_w) else fw / 2
            y = self.rng.uniform(margin + half_h, fh - margin - half_h) if fh > 2 * (margin + half_h) else fh / 2
            if face == "back" and x - half_w < CAMERA_LENS["x"] + 9 and y - half_h < CAMERA_LENS["y"] + 9:
                continue
            if face == "right" and any(frac * fh - 3 < y + half_h and y - half_h < frac * fh + length + 3
                                       for frac, length in BUTTONS.values()):
                continue
            if all(t["face"] != face or abs(t["cx"] - x) > t["rx"] + half_w + 3 or abs(t["cy"] - y) > t["ry"] + half_h + 3
                   for t in self.truth):
                return x, y
        return fw / 2, fh / 2

    def _add(self, scen: dict, truth: dict, cx: float, cy: float, rx: float, ry: float) -> None:
        self.defects.append(scen)
        truth.update({"x": round(cx - rx, 2), "y": round(cy - ry, 2), "w": round(2 * rx, 2), "h": round(2 * ry, 2),
                      "cx": cx, "cy": cy, "rx": rx, "ry": ry})
        self.truth.append(truth)

    def scratch(self, face: str, depth: str, length: tuple[float, float]) -> None:
        fw, fh = self.face_size(face)
        edge = face not in ("back", "front")
        n = float(self.rng.uniform(*length))
        angle = float(self.rng.uniform(-90, 90)) if not edge else float(self.rng.choice([90.0, -90.0])) + self.rng.uniform(-3, 3)
        if face in ("top", "bottom"):
            angle -= 90.0
        n = min(n, (fh if face in ("left", "right") else fw) - 6)
        rx, ry = abs(math.cos(math.radians(angle))) * n / 2, abs(math.sin(math.radians(angle))) * n / 2
        x, y = self._free_spot(face, rx, ry)
        width = float(self.rng.uniform(*WIDTHS[depth]))
        self._add({"kind": "scratch", "face": face, "x": x, "y": y, "length_mm": n, "angle_deg": angle,
                   "width_mm": width, "depth": depth},
                  {"kind": "scratch", "face": face, "length_mm": n, "width_class": depth}, x, y, rx, ry)

    def dent(self, face: str, radius: tuple[float, float]) -> None:
        r = float(self.rng.uniform(*radius))
        fw, fh = self.face_size(face)
        r = min(r, min(fw, fh) / 2 - 1.3)
        x, y = self._free_spot(face, r, r)
        self._add({"kind": "dent", "face": face, "x": x, "y": y, "radius_mm": r},
                  {"kind": "dent", "face": face, "diameter_mm": 2 * r}, x, y, r, r)

    def scuff(self, face: str, size: tuple[float, float]) -> None:
        fw, fh = self.face_size(face)
        w, h = (float(v) for v in self.rng.uniform(*size, 2))
        if face in ("left", "right"):
            w = min(w, fw - 2.6)
        if face in ("top", "bottom"):
            h = min(h, fh - 2.6)
        x, y = self._free_spot(face, w / 2, h / 2)
        self._add({"kind": "scuff", "face": face, "x": x, "y": y, "w_mm": w, "h_mm": h, "angle_deg": 0.0},
                  {"kind": "scuff", "face": face, "area_mm2": math.pi * w * h / 4}, x, y, w / 2, h / 2)

    def crack(self, face: str) -> None:
        fw, fh = self.face_size(face)
        n = int(self.rng.integers(3, 6))
        start = np.array([self.rng.uniform(8, fw - 8), self.rng.uniform(25, fh * 0.5)])
        heading = self.rng.uniform(0.3, 2.8)
        pts = [start]
        for _ in range(n - 1):
            heading += self.rng.uniform(-0.6, 0.6)
            step = self.rng.uniform(10, 30) * np.array([math.cos(heading), math.sin(heading)])
            pts.append(np.clip(pts[-1] + step, [5, 5], [fw - 5, fh - 5]))
        pts = np.array(pts)
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        length = float(np.linalg.norm(np.diff(pts, axis=0), axis=1).sum())
        self._add({"kind": "crack", "face": face, "points_mm": pts.round(2).tolist()},
                  {"kind": "crack", "face": face, "length_mm": length},
                  *(lo + hi) / 2, *np.maximum((hi - lo) / 2, 0.5))

    def missing(self, face: str, part: str) -> None:
        fw, fh = self.face_size(face)
        if part == "camera_lens":
            cx, cy, r = CAMERA_LENS["x"], CAMERA_LENS["y"], CAMERA_LENS["radius_mm"]
            rx = ry = r
        else:
            frac, length = BUTTONS[part]
            cx, cy, rx, ry = fw / 2, frac * fh + length / 2, BUTTON_WIDTH_MM / 2, length / 2
        self.defects.append({"kind": "missing_part", "face": face, "part": part})
        self.truth.append({"kind": "missing_part", "face": face, "part": part, "x": round(cx - rx, 2),
                           "y": round(cy - ry, 2), "w": 2 * rx, "h": 2 * ry, "cx": cx, "cy": cy, "rx": rx, "ry": ry})


def _wear(b: _Builder, level: str) -> None:
    rng = b.rng
    faces = ["back", "front"]
    edges = ["left", "right", "top", "bottom"]
    if level == "A":
        for _ in range(int(rng.integers(0, 3))):
            b.scratch(str(rng.choice(faces)), "hairline", (3, 9))
        return
    if level == "B":
        for _ in range(int(rng.integers(1, 4))):
            b.scratch(str(rng.choice(faces)), "light", (5, 25))
        if rng.random() < 0.4:
            b.scratch(str(rng.choice(faces + edges)), "hairline", (3, 9))
        if rng.random() < 0.35:
            b.dent(str(rng.choice(edges)), (0.4, 0.8))
        if rng.random() < 0.3:
            b.scuff(str(rng.choice(["back"] + edges)), (2.0, 5.0))
        return
    choices = ["deep", "dents", "scuff", "many"]
    for kind in rng.choice(choices, size=int(rng.integers(1, 3)), replace=False):
        if kind == "deep":
            b.scratch(str(rng.choice(faces + edges)), "deep", (8, 35))
        elif kind == "dents":
            for _ in range(int(rng.integers(2, 4))):
                b.dent(str(rng.choice(edges)), (0.5, 2.0))
        elif kind == "scuff":
            b.scuff(str(rng.choice(["back"] + edges)), (7.0, 12.0))
        else:
            face = str(rng.choice(faces))
            for _ in range(int(rng.integers(5, 7))):
                b.scratch(face, "light", (5, 25))


def make_case(seed: int) -> Case:
    """One labelled phone (fixed by the seed)."""
    rng = np.random.default_rng(seed)
    size, radius = MODELS[int(rng.integers(len(MODELS)))]
    colour = COLOURS[int(rng.integers(len(COLOURS)))]
    target = TARGETS[int(rng.choice(5, p=[0.2, 0.25, 0.25, 0.15, 0.15]))]
    b = _Builder(rng, size)
    if target in ("A", "B", "C"):
        _wear(b, target)
    elif target == "D":
        b.crack(str(rng.choice(["front", "back"])))
        _wear(b, str(rng.choice(["A", "B"])))
    else:
        if rng.random() < 0.5:
            b.crack("front"), b.crack("back")
        else:
            part = str(rng.choice(["camera_lens", "power_button", "volume_button"]))
            b.missing("back" if part == "camera_lens" else "right", part)
        _wear(b, str(rng.choice(["A", "B"])))
    base = load_scenario("pristine").raw
    data = {**base, "name": f"generated-{seed}", "title": f"generated cosmetic case {seed}",
            "body": {**base["body"], "size_mm": list(size), "color_rgb": list(colour), "corner_radius_mm": radius},
            "cosmetic_defects": b.defects, "expected": {}}
    grade, _ = grade_defects(b.truth)
    return Case(seed, Scenario.from_dict(data, name=data["name"]), b.truth, grade)


def render_case(case: Case, mm_per_px: float = 0.1, lights=LIGHTS) -> dict[str, dict[str, np.ndarray]]:
    """Every face under every light, as the rig's camera would deliver them."""
    return {face: render_face_set(case.scenario, face, lights, mm_per_px=mm_per_px, seed=case.seed) for face in FACES}


def write_frameset(folder: Path, frames: dict[str, dict[str, np.ndarray]], mm_per_px: float,
                   truth: list[dict] | None = None) -> Path:
    """A `frameset/1` folder (PNG per face and light) with the ground truth beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = {}
    for face, per_light in frames.items():
        entries[face] = {}
        for light, image in per_light.items():
            name = f"{face}_{light}.png"
            cv2.imwrite(str(folder / name), image, [cv2.IMWRITE_PNG_COMPRESSION, 1])
            entries[face][light] = name
    manifest = {"format": "frameset/1", "frames": entries, "scale": {"mm_per_px": mm_per_px}}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    if truth is not None:
        (folder / "truth.json").write_text(json.dumps(truth, indent=2), encoding="utf-8")
    return folder


def main(argv: list[str] | None = None) -> int:
    """Write a sample cosmetic frame set: `python -m tests.grading.cosmetic.generator OUT [--seed N | --scenario S]`."""
    import argparse

    from drivers.camera.body_render import FACES

    p = argparse.ArgumentParser(description="write a labelled cosmetic frameset/1 folder (with truth.json)")
    p.add_argument("out", type=Path)
    p.add_argument("--seed", type=int, default=EVALUATION_SEEDS[0], help="generated phone (default %(default)s)")
    p.add_argument("--scenario", help="render a shipped scenario (e.g. default, cracked-screen) instead")
    p.add_argument("--mm-per-px", type=float, default=0.1, help="0.05 gives 12 MP back/front frames")
    args = p.parse_args(argv)
    if args.scenario:
        scen = load_scenario(args.scenario)
        frames = {face: render_face_set(scen, face, mm_per_px=args.mm_per_px, seed=args.seed) for face in FACES}
        truth, grade = scen.cosmetic_defects, scen.expected.get("cosmetic", "?")
    else:
        case = make_case(args.seed)
        frames, truth, grade = render_case(case, args.mm_per_px), case.truth, case.grade
    write_frameset(args.out, frames, args.mm_per_px, truth)
    print(f"wrote {args.out} (expected grade {grade})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
