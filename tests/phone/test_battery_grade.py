"""The battery grade rule from the brief, from a table; unit-error flags; `station grade battery`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from station.phone import battery as bat

NEXUS5 = Path(__file__).with_name("data") / "dumpsys-battery-nexus5-hammerhead.txt"


@pytest.mark.parametrize("full, design, permille, grade, flags", [
    (3600, 4000, 900, "A", []),
    (3599, 4000, 900, "A", []),          # 899.75 rounds to 900
    (3597, 4000, 899, "B", []),
    (3400, 4000, 850, "B", []),
    (3380, 4000, 845, "C", []),
    (3200, 4000, 800, "C", []),
    (3196, 4000, 799, "D", []),
    (4000, 4000, 1000, "A", []),
    (4004, 4000, 1001, None, ["unit_error"]),          # above 100 %
    (6555000, 655000, 10008, None, ["unit_error"]),     # published kernel mixing units
    (655000, 6555000, 100, "D", []),                    # 10 %: worn out but plausible
    (190, 4000, 48, None, ["unit_error"]),              # below 5 %
    (None, 4000, None, None, ["no_capacity_data"]),
])
def test_grade_rule(full, design, permille, grade, flags):
    graded = bat.grade(bat.BatteryFacts(charge_full_uah=full, charge_full_design_uah=design))
    assert (graded.health_permille, graded.grade, graded.flags) == (permille, grade, flags)


@given(st.integers(50, 1000))
@settings(max_examples=200, deadline=None)
def test_grade_is_monotonic_in_health(permille):
    order = "ABCD"
    worse = bat.grade_for_permille(permille - 1) if permille > 50 else "D"
    assert order.index(worse) >= order.index(bat.grade_for_permille(permille))


def station(*args):
    return subprocess.run([sys.executable, "-m", "station", *args], capture_output=True, text=True)


def test_cli_grades_a_sysfs_dump(tmp_path):
    dump = tmp_path / "uevent.txt"
    dump.write_text("POWER_SUPPLY_CHARGE_FULL=2349000\r\nPOWER_SUPPLY_CHARGE_FULL_DESIGN=2700000\r\n"
                    "POWER_SUPPLY_CYCLE_COUNT=402\r\n")
    proc = station("grade", "battery", str(dump), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert (doc["grade"], doc["health_permille"], doc["cycle_count"]) == ("B", 870, 402)


def test_cli_flags_unit_error_with_verdict_exit(tmp_path):
    dump = tmp_path / "uevent.txt"
    dump.write_text("POWER_SUPPLY_CHARGE_FULL=6555000\nPOWER_SUPPLY_CHARGE_FULL_DESIGN=655000\n")
    proc = station("grade", "battery", str(dump), "--json")
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["flags"] == ["unit_error"]


def test_cli_real_dumpsys_without_capacity_is_bad_input_with_hint():
    proc = station("grade", "battery", str(NEXUS5), "--json")
    assert proc.returncode == 2
    error = json.loads(proc.stdout)["error"]
    assert "charge_full" in error["message"] and "uevent" in error["hint"]


def test_cli_tradein_dump(tmp_path):
    dump = tmp_path / "tradein.json"
    dump.write_text(json.dumps({"battery": {"cycle_count": 30, "health": 84}}))
    doc = json.loads(station("grade", "battery", str(dump), "--json").stdout)
    assert (doc["grade"], doc["health_permille"], doc["source"]) == ("C", 840, "tradein")


def test_cli_not_a_battery_dump(tmp_path):
    junk = tmp_path / "x.txt"
    junk.write_text("hello")
    assert station("grade", "battery", str(junk)).returncode == 2
    assert station("grade", "battery", str(tmp_path / "missing.txt")).returncode == 2
