"""`station bench e2e --quick --json`: one simulated inspection with real rig timings; the contract
keys (wall_s, physical_s, ratio) and the breakdown agree with each other."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


@pytest.mark.timeout(600)
def test_bench_e2e_reports_its_contract_keys_consistently(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "station", "bench", "e2e", "--quick", "--json"],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "STATION_HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    assert out["runs"] == 1 and out["walls_s"] == [out["wall_s"]] == [out["first_wall_s"]]
    assert out["physical_s"] > 2.0                         # the rig's settle and sampling times, really waited
    assert out["wall_s"] >= out["physical_s"]
    assert out["ratio"] == round(out["wall_s"] / out["physical_s"], 2)
    assert out["frames"] == 38
    assert set(out["steps_s"]) >= {"connect_rig", "screen", "cosmetic", "verdict", "sign", "warranty"}
    assert out["prerendered_camera_wall_s"] >= out["physical_s"]
    assert not list((tmp_path / "inspections").glob("*.json"))   # the bench's inspections stay in its own home
