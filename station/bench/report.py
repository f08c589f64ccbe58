"""`station bench report`: signed reports per second (canonicalise + sign + verify), one process.

Baseline in the same run: raw Ed25519 sign+verify of the same signing input with the library the
pipeline uses (libsodium via PyNaCl), so the ratio shows what the JWS/RFC 8785 layer costs on top of
the cryptography itself; OpenSSL's Ed25519 (the `cryptography` package) is measured alongside. A second figure runs one
worker per CPU core, since issuing stations sign in parallel with verifying pages.
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import tempfile
import time
from pathlib import Path

NAME = "report"
GOAL_PER_S = 5000
QUICK = (300, 3)     # (operations per timed run, runs)
FULL = (3000, 5)


def _sample_report(key_id: str) -> dict:
    import hashlib

    frames = ["white", "black", "red", "green", "blue", "gray", "off", "back", "front", "left", "right"]
    return {
        "format": "station-report/1", "report_id": "R20261124-BENCH00001", "issued_at": "2026-11-24T21:00:05Z",
        "station": {"id": "ST-BENCH", "key_id": key_id}, "inspected_at": "2026-11-24T21:00:00Z",
        "phone": {"brand": "Xiaomi", "model": "Redmi Note 12", "device": "tapas", "serial": "SN0CDK0E87J3",
                  "imeis": ["356938032914179", "356938037763175"], "android_release": "14",
                  "security_patch": "2026-10-01"},
        "battery": {"health_permille": 912, "cycle_count": 312, "source": "sysfs", "grade": "A"},
        "screen": {"grade": "B", "defects": [{"kind": "dead_pixel", "x": 512, "y": 1033, "w": 1, "h": 1}]},
        "cosmetic": {"grade": "B", "label_zh": "轻微划痕",
                     "defects": [{"kind": "scratch", "x_um": 12500, "y_um": 40200, "length_um": 8300}]},
        "imei": {"verdict": "pass", "reasons": [], "sources": ["dumpsys", "screen_ocr"]},
        "overall": {"grade": "B", "rule": "overall = worst of battery, screen, cosmetic"},
        "evidence": [{"name": f"{f}.png", "sha256": hashlib.sha256(f.encode()).hexdigest()} for f in frames],
        "warranty": {"id": "W20261124-BENCH00001", "start": "2026-11-24", "end": "2027-05-23", "days": 180},
    }


def _rates(func, count: int, runs: int) -> tuple[float, float]:
    """Median operations per wall-clock second and per CPU second of `count` calls of func, over
    `runs` timed runs (after a warm-up). The CPU figure is what a dedicated machine would do when
    other processes share the cores."""
    for _ in range(max(1, count // 10)):
        func()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.thread_time()
        for _ in range(count):
            func()
        wall.append(count / (time.perf_counter() - start))
        cpu.append(count / max(1e-9, time.thread_time() - start_cpu))
    return statistics.median(wall), statistics.median(cpu)


def _rate(func, count: int, runs: int) -> float:
    return _rates(func, count, runs)[0]


def _pipeline(folder: str):
    from station.report import Keyring, sign_report, verify_report

    ring = Keyring(Path(folder))
    report = _sample_report(ring.signing_key().kid)
    return ring, report, (lambda: verify_report(sign_report(report, ring), ring))


def _worker(args) -> float:
    folder, count = args
    _, _, step = _pipeline(folder)
    for _ in range(count // 10):
        step()
    start = time.perf_counter()
    for _ in range(count):
        step()
    return time.perf_counter() - start


def run(quick: bool = False) -> dict:
    from station.report.canonical import canonical_json
    from station.report.jws import sign

    count, runs = QUICK if quick else FULL
    with tempfile.TemporaryDirectory(prefix="station-bench-report-") as folder:
        ring, report, step = _pipeline(folder)
        key = ring.signing_key()
        token = sign(report, key)
        message = token.rsplit(".", 1)[0].encode("ascii")
        public = key.public
        sodium_public = key.sodium.verify_key

        def raw() -> None:
            sodium_public.verify(message, key.sign(message))

        def raw_openssl() -> None:
            public.verify(key.private.sign(message), message)

        from station.report import sign_report, verify_report

        pipeline, pipeline_cpu = _rates(step, count, runs)
        baseline, baseline_cpu = _rates(raw, count, runs)
        openssl = _rate(raw_openssl, count, runs)
        sign_only = _rate(lambda: sign_report(report, ring), count, runs)
        verify_only = _rate(lambda: verify_report(token, ring), count, runs)

        workers = os.cpu_count() or 1
        per_worker = count if quick else count * 2
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            elapsed = pool.map(_worker, [(folder, per_worker)] * workers)
        parallel = workers * per_worker / max(elapsed)

    return {
        "sign_verify_per_s": round(pipeline),
        "sign_per_s": round(sign_only),
        "verify_per_s": round(verify_only),
        "raw_ed25519_sign_verify_per_s": round(baseline),
        "raw_openssl_ed25519_sign_verify_per_s": round(openssl),
        "ratio": round(pipeline / baseline, 3),
        "sign_verify_per_cpu_s": round(pipeline_cpu),
        "raw_ed25519_sign_verify_per_cpu_s": round(baseline_cpu),
        "sign_verify_per_s_all_cores": round(parallel),
        "workers": workers,
        "goal_sign_verify_per_s": GOAL_PER_S,
        "payload_bytes": len(canonical_json(report)),
        "token_bytes": len(token),
        "runs": runs,
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "per_run": count,
    }
