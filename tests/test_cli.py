"""The CLI contract: help lists subcommands, bad usage exits 2 with a message, --json is one document."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from drivers.scenario import load_scenario, scenario_names


def run_station(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "station", *args], capture_output=True, text=True)


def test_help_lists_bench():
    proc = run_station("--help")
    assert proc.returncode == 0
    assert "bench" in proc.stdout


def test_unknown_bench_is_usage_error_with_hint():
    proc = run_station("bench", "nonsense", "--json")
    assert proc.returncode == 2
    doc = json.loads(proc.stdout)
    assert "nonsense" in doc["error"]["message"]
    assert doc["error"]["hint"]


def test_no_command_is_usage_error():
    assert run_station().returncode == 2


@pytest.mark.parametrize("name", scenario_names())
def test_every_shipped_scenario_loads(name):
    scenario = load_scenario(name)
    assert scenario.name == name
    assert scenario.imeis, "every scenario phone has at least one IMEI"
    assert scenario.display["width"] > 0 and scenario.display["height"] > 0


def test_unknown_scenario_names_the_choices():
    from drivers.scenario import ScenarioError

    with pytest.raises(ScenarioError) as info:
        load_scenario("no-such-phone")
    assert "default" in info.value.hint
