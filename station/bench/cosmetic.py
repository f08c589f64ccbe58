"""`station bench cosmetic`: time to grade a whole body at 12 MP, and accuracy on unseen generated sets.

Speed: the simulated camera renders the back and the front (12 MP) and the four edges (side
mirrors), each under the four raking lights and the top light, into memory as the camera
delivers them (BGR uint8); `grade_6x12mp_s` is the median time to grade that set. The baseline is
the time just to turn every frame to grey (one pass over each pixel), measured in the same run.
Accuracy: labelled sets from the test generator (tests/grading/cosmetic/generator.py, evaluation
seeds the grader was not tuned on): per-kind recall and precision, exact-grade agreement and the
largest grade distance.
"""

from __future__ import annotations

import gc
import statistics
import time

NAME = "cosmetic"
BENCH_SCENARIO = {  # one phone with every kind of damage the grader reports
    "cosmetic_defects": [
        {"kind": "scratch", "face": "back", "x": 40.0, "y": 60.0, "length_mm": 14.0, "angle_deg": 35,
         "width_mm": 0.08, "depth": "light"},
        {"kind": "scratch", "face": "front", "x": 30.0, "y": 100.0, "length_mm": 20.0, "angle_deg": -10,
         "width_mm": 0.3, "depth": "deep"},
        {"kind": "crack", "face": "front", "points_mm": [[12, 30], [25, 55], [33, 80]]},
        {"kind": "dent", "face": "left", "x": 4.0, "y": 70.0, "radius_mm": 1.2},
        {"kind": "scuff", "face": "bottom", "x": 30.0, "y": 4.0, "w_mm": 8.0, "h_mm": 4.0},
    ]
}


def _frames(mm_per_px: float) -> dict:
    from drivers.camera import body_render
    from drivers.scenario import Scenario, load_scenario

    base = load_scenario("default").raw
    scenario = Scenario.from_dict({**base, **BENCH_SCENARIO}, name="bench-cosmetic")
    frames = {face: body_render.render_face_set(scenario, face, mm_per_px=mm_per_px, seed=7)
              for face in body_render.FACES}
    body_render._noise_bank.cache_clear()      # the simulator's caches are not the grader's memory
    gc.collect()
    return frames


def _accuracy(quick: bool) -> dict:
    import sys
    from pathlib import Path

    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "tests" / "grading" / "cosmetic" / "generator.py").exists() and str(checkout) not in sys.path:
        sys.path.append(str(checkout))
    try:
        from tests.grading.cosmetic.generator import EVALUATION_SEEDS, make_case, render_case
        from tests.grading.cosmetic.scoring import Tally
    except ImportError as exc:   # an installed station without its tests/ folder
        return {"error": f"labelled generator not importable ({exc}); run from the source checkout"}
    from station.grading.cosmetic import grade_frames

    tally = Tally()
    seeds = list(EVALUATION_SEEDS)[: 2 if quick else len(EVALUATION_SEEDS)]
    for seed in seeds:
        case = make_case(seed)
        tally.add(case.truth, case.grade, grade_frames(render_case(case, mm_per_px=0.1), 0.1))
    return {**tally.summary(), "mm_per_px": 0.1, "seeds": f"{seeds[0]}..{seeds[-1]}"}


def run(quick: bool) -> dict:
    import cv2

    from station.bench import peak_rss_mb
    from station.grading.cosmetic import grade_frames

    mm_per_px = 0.1 if quick else 0.05        # quick: 3 MP frames, for smoke tests
    frames = _frames(mm_per_px)
    runs = 1 if quick else 5
    samples, result = [], None
    for _ in range(runs + 1):                  # first run warms up (imports, thread pool)
        start = time.perf_counter()
        result = grade_frames(frames, mm_per_px)
        samples.append(time.perf_counter() - start)
    grade_s = statistics.median(samples[1:])
    base = []
    for _ in range(runs):
        start = time.perf_counter()
        for per_light in frames.values():
            for image in per_light.values():
                cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        base.append(time.perf_counter() - start)
    baseline_s = statistics.median(base)
    pixels = sum(img.shape[0] * img.shape[1] for per in frames.values() for img in per.values())
    figures = {
        "grade_6x12mp_s": round(grade_s, 3),
        "frames": sum(len(per) for per in frames.values()),
        "megapixels": round(pixels / 1e6, 1),
        "mm_per_px": mm_per_px,
        "baseline_to_grey_s": round(baseline_s, 3),
        "ratio": round(grade_s / max(baseline_s, 1e-9), 1),
        "grade": result["grade"],
        "kinds_found": sorted({d["kind"] for d in result["defects"]}),
        "runs": runs,
    }
    del frames
    gc.collect()
    figures["peak_rss_mb"] = round(peak_rss_mb(), 1)
    figures["accuracy"] = _accuracy(quick)
    return figures
