"""`station bench warranty`: IMEI lookup latency on a 1,000,000-warranty registry, and issue rate.

The big database is built once with bulk inserts in one transaction and cached under the temp
folder, keyed by schema version and size, so reruns start measuring at once. Filler rows carry a
short placeholder instead of a signed report (1M real reports would be ~2 GB for no change in the
IMEI lookup path, which touches only the IMEI index, the warranty row and the claims index).
Lookups go through the real `WarrantyRegistry.lookup(imei=...)`; issuing is the real
`issue_report_and_warranty` (sign + one FULL-synchronous transaction + .jws file), no renderings.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

NAME = "warranty"
FULL_RECORDS = 1_000_000
QUICK_RECORDS = 20_000
TACS = ("35693803", "35693804")


def _luhn(body14: str) -> str:
    total = 0
    for index, ch in enumerate(reversed(body14)):
        digit = int(ch) * (2 if index % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return body14 + str((10 - total % 10) % 10)


def bench_imeis(i: int) -> tuple[str, str]:
    """The two IMEIs of filler phone i (unique for i < 10**6 per TAC pair)."""
    return _luhn(f"{TACS[0]}{i:06d}"), _luhn(f"{TACS[1]}{i:06d}")


def cache_path(records: int) -> Path:
    from station.warranty import SCHEMA_VERSION

    return Path(tempfile.gettempdir()) / f"station-bench-warranty-v{SCHEMA_VERSION}-{records}.db"


def build_database(path: Path, records: int) -> float:
    """Create the filler registry at `path` (atomically: built aside, then renamed); seconds taken."""
    import sqlite3

    from station.warranty.schema import migrate

    started = time.perf_counter()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.building")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    migrate(conn)
    # A throwaway build: no fsync, big cache; foreign keys off because every row is written
    # in matched pairs below (checked with foreign_key_check on the quick size by the tests).
    conn.execute("PRAGMA journal_mode=OFF")  # no WAL copy of a 1M-row transaction; WAL again at the end
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-262144")
    conn.execute("PRAGMA foreign_keys=OFF")
    base = date(2025, 1, 1)
    stamp = "2025-01-01T00:00:00Z"
    conn.execute("BEGIN")
    chunk = 50_000
    for first in range(0, records, chunk):
        ids = range(first, min(first + chunk, records))
        reports, warranties, imeis, audit = [], [], [], []
        for i in ids:
            rid, wid = f"R20250101-{i:010d}", f"W20250101-{i:010d}"
            sale = base + timedelta(days=i * 730 // records)
            start, end = sale.isoformat(), (sale + timedelta(days=180)).isoformat()
            reports.append((rid, wid, "bench-filler", "bench-key", "0" * 64, stamp, stamp))
            warranties.append((wid, rid, f"SN{i:010d}", "Xiaomi", "Redmi Note 12", "B", start, start, end,
                               "active", f"ORD{i:08d}", None, stamp, stamp))
            first_imei, second_imei = bench_imeis(i)
            imeis.append((first_imei, wid))
            imeis.append((second_imei, wid))
            audit.append((stamp, "bench", "issue", "warranty", wid, "{}"))
        conn.executemany("INSERT INTO reports VALUES (?,?,?,?,?,?,?)", reports)
        conn.executemany("INSERT INTO warranties VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", warranties)
        conn.executemany("INSERT INTO warranty_imeis VALUES (?,?)", imeis)
        conn.executemany("INSERT INTO audit (at, actor, action, entity, entity_id, detail) VALUES (?,?,?,?,?,?)",
                         audit)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    os.replace(tmp, path)
    return time.perf_counter() - started


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _lookups(path: Path, filler: int, count: int, seed: int) -> dict:
    from station.warranty import WarrantyRegistry

    rng = random.Random(seed)
    with WarrantyRegistry(path) as registry:
        targets = [bench_imeis(rng.randrange(filler))[rng.randrange(2)] for _ in range(count)]
        for imei in targets[: count // 10]:  # warm-up
            registry.lookup(imei=imei)
        samples, cpu = [], []
        for imei in targets:
            started, started_cpu = time.perf_counter_ns(), time.thread_time_ns()
            found = registry.lookup(imei=imei)
            samples.append((time.perf_counter_ns() - started) / 1e6)
            cpu.append((time.thread_time_ns() - started_cpu) / 1e6)
            if len(found) != 1:
                raise RuntimeError(f"bench lookup of {imei} found {len(found)} warranties")
        probe = []
        for imei in targets[:2000]:
            started = time.perf_counter_ns()
            registry.conn.execute("SELECT warranty_id FROM warranty_imeis WHERE imei = ?", (imei,)).fetchall()
            probe.append((time.perf_counter_ns() - started) / 1e6)
        records = registry.conn.execute("SELECT count(*) FROM warranties").fetchone()[0]
    return {"records": records, "lookup_p50_ms": round(_percentile(samples, 0.5), 4),
            "lookup_p99_ms": round(_percentile(samples, 0.99), 4),
            "lookup_max_ms": round(max(samples), 3), "lookups": len(samples),
            # CPU time of the same lookups: what the wall-clock p99 is when no other process
            # takes the core away (the machine's load is reported alongside).
            "lookup_cpu_p50_ms": round(_percentile(cpu, 0.5), 4),
            "lookup_cpu_p99_ms": round(_percentile(cpu, 0.99), 4),
            "raw_index_probe_p50_ms": round(_percentile(probe, 0.5), 4)}


def _issue_rate(path: Path, per_batch: int, batches: int) -> float:
    from station.report import Keyring
    from station.warranty import WarrantyRegistry, issue_report_and_warranty

    rates = []
    with tempfile.TemporaryDirectory(prefix="station-bench-home-") as home:
        old_home = os.environ.get("STATION_HOME")
        os.environ["STATION_HOME"] = home
        try:
            ring = Keyring(Path(home) / "keys")
            inspection = _inspection()
            with WarrantyRegistry(path) as registry:  # production settings: WAL, synchronous=FULL
                issue_report_and_warranty(inspection, registry=registry, keyring=ring, render=False)
                for _ in range(batches):
                    started = time.perf_counter()
                    for _ in range(per_batch):
                        issue_report_and_warranty(inspection, registry=registry, keyring=ring, render=False,
                                                  actor="bench")
                    rates.append(per_batch / (time.perf_counter() - started))
        finally:
            if old_home is None:
                os.environ.pop("STATION_HOME", None)
            else:
                os.environ["STATION_HOME"] = old_home
    return statistics.median(rates)


def _inspection() -> dict:
    import hashlib

    imei_a, imei_b = _luhn("35693809000001"), _luhn("35693809000002")
    return {
        "inspected_at": "2026-11-24T21:00:00Z",
        "phone": {"brand": "Xiaomi", "model": "Redmi Note 12", "device": "tapas", "serial": "SNBENCH0001",
                  "imeis": [imei_a, imei_b], "android_release": "14", "security_patch": "2026-10-01"},
        "battery": {"health_permille": 912, "cycle_count": 312, "source": "sysfs", "grade": "A"},
        "screen": {"grade": "B", "defects": []},
        "cosmetic": {"grade": "B", "label_zh": "轻微划痕", "defects": []},
        "imei": {"verdict": "pass", "reasons": [], "sources": ["dumpsys"]},
        "overall": {"grade": "B", "rule": "worst of battery, screen, cosmetic"},
        "evidence": [{"name": f"{n}.png", "sha256": hashlib.sha256(n.encode()).hexdigest()} for n in ("a", "b")],
    }


def run(quick: bool = False) -> dict:
    filler = QUICK_RECORDS if quick else FULL_RECORDS
    path = cache_path(filler)
    built_s = None
    if not path.exists():
        print(f"bench warranty: building {filler:,} warranties in {path} (cached for reruns) ...",
              file=sys.stderr, flush=True)
        built_s = build_database(path, filler)
    result = _lookups(path, filler, 2_000 if quick else 20_000, seed=6)
    result["issue_per_s"] = round(_issue_rate(path, 20 if quick else 100, 3), 1)
    result.update({"db_path": str(path), "db_mb": round(path.stat().st_size / 1e6, 1),
                   "build_s": round(built_s, 1) if built_s is not None else "cached",
                   "goal_lookup_p99_ms": 1.0, "synchronous": "FULL",
                   "load_avg_1m": round(os.getloadavg()[0], 2), "cpus": os.cpu_count()})
    return result
