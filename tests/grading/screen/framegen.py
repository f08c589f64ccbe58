"""Labelled screen frame sets for measuring the grader: random phones, defects and camera nuisances.

Every set is a pure function of its seed: a panel size, a camera (1.6-2.2 camera px per display
px, ±10° rotation, mild perspective, lens blur, vignetting, per-frame exposure drift, sensor
noise, moiré, glare, rounded display corners) and a ground-truth defect list (the grade follows
from it through the rule table). Frames are rendered by the camera simulator
(`drivers.camera.sim.render_world_frame`), the same code `sim://` cameras use.

Seeds: TUNING_SEEDS were used while choosing the grader's thresholds; EVAL_SEEDS never were —
accuracy figures (tests and `station bench screen`) come from EVAL_SEEDS only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from drivers.camera import optics
from drivers.camera.frameset import SCREEN_PATTERNS, lights_for
from drivers.camera.screen_content import defect_box
from drivers.camera.sim import render_world_frame
from drivers.scenario import Scenario

TUNING_SEEDS = range(1000, 1200)
EVAL_SEEDS = range(50_000, 60_000)
TEST_PANELS = ((360, 780), (400, 880), (480, 1040), (540, 1170))
BENCH_PANEL = (1080, 2400)
ACTIVE_WIDTH_MM = 66.0
STUCK_COLORS = ((255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255), (255, 255, 0))


@dataclass
class FrameSetCase:
    seed: int
    display: tuple[int, int]
    defects: list[dict]
    camera: optics.CameraModel
    scenario: Scenario

    def render(self) -> dict[str, np.ndarray]:
        rng = np.random.default_rng([self.seed, 7])
        frames = {}
        for name in SCREEN_PATTERNS:
            cam = replace(self.camera, gain=self.camera.gain * float(rng.uniform(0.9, 1.1)))
            frames[name] = render_world_frame(self.scenario, cam, name, "front", True, lights_for(name), rng)
        return frames


def make_case(seed: int, panel: tuple[int, int] | None = None, frame_size: tuple[int, int] | None = None) -> FrameSetCase:
    rng = np.random.default_rng(seed)
    W, H = panel or TEST_PANELS[int(rng.integers(len(TEST_PANELS)))]
    pitch = ACTIVE_WIDTH_MM / W
    scale = float(rng.uniform(1.6, 2.2))                 # camera px per display px
    active = (ACTIVE_WIDTH_MM, pitch * H)
    body = (active[0] + 2 * 2.5, active[1] + 2 * 7.0)
    mm_per_px = pitch / scale
    rot = float(rng.uniform(-10, 10))
    if frame_size is None:
        bw, bh = body[0] / mm_per_px, body[1] / mm_per_px
        t = math.radians(abs(rot))
        fw = int((bw * math.cos(t) + bh * math.sin(t)) * 1.12) + 32
        fh = int((bw * math.sin(t) + bh * math.cos(t)) * 1.06) + 32
        frame_size = (fw, fh)
    else:
        # A fixed sensor (the bench's 12 MP): the scale is what fits it.
        fit = optics.fit_mm_per_px(body, frame_size, fill=0.9)
        mm_per_px = max(mm_per_px, fit / max(0.5, math.cos(math.radians(abs(rot)))))
        scale = pitch / mm_per_px
    cam = optics.CameraModel(
        size=frame_size, mm_per_px=mm_per_px, rotation_deg=rot,
        offset_px=(float(rng.uniform(-0.02, 0.02)) * frame_size[0], float(rng.uniform(-0.01, 0.01)) * frame_size[1]),
        perspective=(float(rng.uniform(-0.02, 0.02)), float(rng.uniform(-0.02, 0.02))),
        blur_sigma=float(rng.uniform(0.5, 0.9)), vignetting=float(rng.uniform(0.05, 0.3)),
        gain=float(rng.uniform(0.9, 1.1)), read_noise=float(rng.uniform(1.0, 2.5)),
        shot_noise=float(rng.uniform(0.08, 0.16)), moire=float(rng.uniform(0.02, 0.08)),
        moire_phase=(float(rng.uniform(0, 6.3)), float(rng.uniform(0, 6.3))),
        glare=(float(rng.uniform(0.2, 0.8)), float(rng.uniform(0.2, 0.8)), float(rng.uniform(0.2, 0.35)),
               float(rng.uniform(0.0, 0.08))),
        display_corner_px=float(rng.choice([0.0, 0.04 * W])),
    )
    defects = random_defects(rng, W, H)
    data = {
        "name": f"gen-{seed}", "phone": {}, "battery": {}, "power": {},
        "display": {"width": W, "height": H, "active_mm": list(active), "offset_mm": [2.5, 7.0]},
        "body": {"size_mm": [body[0], body[1], 8.0], "color_rgb": [int(v) for v in rng.integers(10, 60, 3)],
                 "corner_radius_mm": 6.0},
        "screen_defects": defects,
    }
    return FrameSetCase(seed, (W, H), defects, cam, Scenario.from_dict(data, name=data["name"]))


def random_defects(rng: np.random.Generator, W: int, H: int) -> list[dict]:
    """A defect mix drawn so that every grade is common: none / pixels / areas / lines+cracks."""
    profile = rng.choice(["A", "B", "C", "C2", "D", "D2"], p=[0.14, 0.2, 0.22, 0.14, 0.16, 0.14])
    kinds: list[str] = []
    pixel_kinds = ["dead_pixel", "stuck_pixel"]
    if profile == "B":
        kinds += list(rng.choice(pixel_kinds, int(rng.integers(1, 3))))
    elif profile == "C":
        kinds += list(rng.choice(pixel_kinds, int(rng.integers(0, 3))))
        kinds += list(rng.choice(["bright_spot", "dark_spot", "burn_in"], int(rng.integers(1, 3))))
    elif profile == "C2":
        kinds += list(rng.choice(pixel_kinds, int(rng.integers(3, 6))))
    elif profile == "D":
        kinds += [str(rng.choice(["line", "crack"]))]
        kinds += list(rng.choice(pixel_kinds + ["dark_spot", "bright_spot", "burn_in"], int(rng.integers(0, 3))))
    elif profile == "D2":
        kinds += list(rng.choice(pixel_kinds, int(rng.integers(6, 9))))
    placed: list[dict] = []
    boxes: list[tuple[int, int, int, int]] = []
    for kind in kinds:
        for _ in range(50):
            d = _one_defect(rng, str(kind), W, H)
            box = defect_box(d)
            if _fits(box, boxes, W, H, kind):
                placed.append(d)
                boxes.append(box)
                break
    return placed


def _fits(box, boxes, W, H, kind) -> bool:
    x, y, w, h = box
    edge = 14 if kind != "line" else 0
    corner = int(0.1 * W)
    if kind != "line":
        if x < edge or y < edge or x + w > W - edge or y + h > H - edge:
            return False
        for cx, cy in ((0, 0), (W, 0), (0, H), (W, H)):
            if abs(x + w / 2 - cx) < corner + w / 2 and abs(y + h / 2 - cy) < corner + h / 2:
                return False
    gap = 12 if kind in ("dead_pixel", "stuck_pixel") else 24   # closer areas read as one
    for bx, by, bw, bh in boxes:
        if x < bx + bw + gap and bx < x + w + gap and y < by + bh + gap and by < y + h + gap:
            return False
    return True


def _one_defect(rng: np.random.Generator, kind: str, W: int, H: int) -> dict:
    k = W / 1080.0
    if kind in ("dead_pixel", "stuck_pixel"):
        d = {"kind": kind, "x": int(rng.integers(0, W)), "y": int(rng.integers(0, H)), "w": 1, "h": 1}
        if kind == "stuck_pixel":
            d["color"] = list(STUCK_COLORS[int(rng.integers(len(STUCK_COLORS)))])
        return d
    if kind in ("bright_spot", "dark_spot"):
        size = int(rng.uniform(max(18, 30 * k), max(40, 110 * k)))
        d = {"kind": kind, "x": int(rng.integers(0, W - size)), "y": int(rng.integers(0, H - size)),
             "w": size, "h": int(size * rng.uniform(0.8, 1.25))}
        if kind == "bright_spot":
            d["level"] = round(float(rng.uniform(0.06, 0.2)), 3)
        else:
            d["depth"] = round(float(rng.uniform(0.15, 0.5)), 3)
        return d
    if kind == "burn_in":
        w = int(W * rng.uniform(0.3, 0.8))
        h = int(max(24, H * rng.uniform(0.025, 0.07)))
        return {"kind": kind, "x": int(rng.integers(0, W - w)), "y": int(rng.integers(0, H - h)), "w": w, "h": h,
                "depth": round(float(rng.uniform(0.02, 0.06)), 3)}
    if kind == "line":
        if rng.random() < 0.5:
            return {"kind": "line", "x": 0, "y": int(rng.integers(20, H - 20)), "w": W, "h": int(rng.integers(1, 3))}
        return {"kind": "line", "x": int(rng.integers(20, W - 20)), "y": 0, "w": int(rng.integers(1, 3)), "h": H}
    # crack: a random walk across a good part of the panel
    n = int(rng.integers(3, 6))
    x, y = float(rng.uniform(0.2, 0.8) * W), float(rng.uniform(0.15, 0.5) * H)
    pts = [[round(x), round(y)]]
    for _ in range(n - 1):
        x = float(np.clip(x + rng.uniform(-0.25, 0.25) * W, 0.15 * W, 0.85 * W))
        y = float(np.clip(y + rng.uniform(0.05, 0.18) * H, 0.1 * H, 0.9 * H))
        pts.append([round(x), round(y)])
    return {"kind": "crack", "points": pts, "width": int(rng.integers(1, 4))}
