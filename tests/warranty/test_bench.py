"""The warranty and report benchmarks produce the contract keys (tiny sizes; no timing asserted)."""

from __future__ import annotations

import sqlite3

from station.bench import report as report_bench
from station.bench import warranty as warranty_bench
from station.warranty import WarrantyRegistry


def test_bench_database_is_a_consistent_registry(tmp_path):
    path = tmp_path / "bench.db"
    warranty_bench.build_database(path, 3000)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with WarrantyRegistry(path) as registry:
        imei = warranty_bench.bench_imeis(1234)[1]
        assert [w["warranty_id"] for w in registry.lookup(imei=imei)] == ["W20250101-0000001234"]
        assert registry.counts()["warranties"] == 3000


def test_warranty_bench_keys(tmp_path, monkeypatch):
    monkeypatch.setattr(warranty_bench, "QUICK_RECORDS", 2000)
    monkeypatch.setattr(warranty_bench, "cache_path", lambda records: tmp_path / f"w{records}.db")
    result = warranty_bench.run(quick=True)
    assert {"records", "lookup_p50_ms", "lookup_p99_ms", "issue_per_s"} <= set(result)
    assert result["records"] >= 2000 and result["lookup_p50_ms"] <= result["lookup_p99_ms"]
    assert result["issue_per_s"] > 0


def test_report_bench_keys(monkeypatch):
    monkeypatch.setattr(report_bench, "QUICK", (20, 1))
    result = report_bench.run(quick=True)
    assert result["sign_verify_per_s"] > 0 and result["raw_ed25519_sign_verify_per_s"] > 0
    assert result["workers"] >= 1
