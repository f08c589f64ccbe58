"""`station rig info|selftest` and `station bench rig`: the command-line contract."""

from __future__ import annotations

import json
import subprocess
import sys

from drivers.scenario import load_scenario


def station(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "station", *args], capture_output=True, text=True,
                          timeout=120)


def test_selftest_through_drop_and_corruption_reads_everything_right():
    proc = station("rig", "selftest", "--rig", "rigsim://?faults=drop:0.05,corrupt:0.05&seed=11",
                   "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    scenario = load_scenario("default")
    assert doc["passed"] is True
    assert {s["command"] for s in doc["steps"]} >= {"identify", "status", "lights", "tray", "port_on",
                                                    "port_reading_on", "strobe", "calibration",
                                                    "selftest"}
    assert all(s["ok"] and s["ms"] >= 0 for s in doc["steps"])
    assert doc["readings"]["weight_g"] == scenario.body["weight_g"]
    assert doc["readings"]["voltage_mv"] == scenario.power["vbus_mv"]
    assert doc["readings"]["current_ma"] == scenario.power["current_ma"]
    assert doc["stats"]["resends"] > 0            # the faults really happened and were recovered
    assert doc["physical_wait_s"] > 0.9           # real timing: lights, tray, port, self-test


def test_selftest_human_output_counts_resends():
    proc = station("rig", "selftest", "--rig", "rigsim://?timing=fast&faults=corrupt:0.2&seed=2")
    assert proc.returncode == 0, proc.stderr
    assert "PASSED" in proc.stdout and "resends" in proc.stdout


def test_disconnect_exits_3_with_what_to_do():
    proc = station("rig", "selftest", "--rig", "rigsim://?timing=fast&faults=disconnect:4",
                   "--reconnect-wait", "0.5", "--json")
    assert proc.returncode == 3
    error = json.loads(proc.stdout)["error"]
    assert "gone" in error["message"] and "cable" in error["hint"]


def test_bad_fault_string_is_a_usage_error():
    proc = station("rig", "info", "--rig", "rigsim://?faults=drop:2", "--json")
    assert proc.returncode == 2
    error = json.loads(proc.stdout)["error"]
    assert "drop:2" in error["message"] and "rigsim://" in error["hint"]


def test_info_human_output():
    proc = station("rig", "info", "--rig", "rigsim://worn-battery?timing=fast")
    assert proc.returncode == 0, proc.stderr
    assert "IR-1" in proc.stdout and "186.0 g" in proc.stdout


def test_bench_rig_reports_the_contract_keys():
    from station.bench import rig as bench_rig

    result = bench_rig.run(quick=True)
    assert set(result) >= {"round_trips_per_s", "raw_echo_per_s", "ratio"}
    assert result["round_trips_per_s"] > 0 and result["raw_echo_per_s"] > 0
    assert result["ratio"] == round(result["round_trips_per_s"] / result["raw_echo_per_s"], 3)
    assert result["resends"] == 0
    assert result["protocol_floor_per_s"] > 0
    assert result["protocol_floor_ratio"] == round(result["protocol_floor_per_s"] / result["raw_echo_per_s"], 3)
