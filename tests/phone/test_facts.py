"""read_facts over the simulated phone: every scenario's ground truth comes back, on every transport."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from drivers.phone import open_phone
from drivers.phone.sim_server import SimAdbServer
from drivers.phone.sim_usb import SimUsbBackend
from drivers.scenario import load_scenario, scenario_names
from station.phone import read_facts
from tests.phone.conftest import derived_scenario


def facts_from(scenario) -> dict:
    with SimAdbServer(scenario) as server, open_phone(server.url) as device:
        return read_facts(device).to_dict()


@pytest.mark.parametrize("name", scenario_names())
def test_facts_match_the_scenario(name):
    scenario = load_scenario(name)
    facts = facts_from(scenario)
    p, b = scenario.phone, scenario.battery
    for key in ("brand", "manufacturer", "model", "device", "serial", "android_release", "security_patch",
                "bootloader_locked", "verified_boot_state", "rooted", "frp_locked"):
        assert facts[key] == p[key], key
    assert facts["sdk"] == p["sdk"]
    assert facts["imeis"] == p["imeis"]
    assert facts["storage_marketed_gb"] * 1_000_000_000 == p["storage_bytes"]
    assert facts["display"] == {"width": scenario.display["width"], "height": scenario.display["height"]}
    battery = facts["battery"]
    assert battery["cycle_count"] == b["cycle_count"] and battery["level"] == b["level"]
    expected_permille = round(1000 * b["charge_full_uah"] / b["charge_full_design_uah"])
    assert battery["health_permille"] == expected_permille
    if "battery" in scenario.expected:
        assert battery["grade"] == scenario.expected["battery"]


def test_same_facts_over_sim_tcp_and_usb():
    via_sim = open_phone("sim://pristine")
    via_usb = open_phone("usb://", backend=SimUsbBackend("pristine"))
    with SimAdbServer("pristine") as server:
        via_tcp = open_phone(server.url)
        try:
            results = [read_facts(d).to_dict() for d in (via_sim, via_tcp, via_usb)]
        finally:
            for d in (via_sim, via_tcp, via_usb):
                d.close()
    assert results[0] == results[1] == results[2]


@pytest.mark.parametrize("sdk", [22, 25, 29, 30, 33])   # 5.0 (21) took a long subId: slot 2 unsupported
def test_dual_sim_imeis_on_every_android_version(sdk):
    scenario = derived_scenario(name=f"sdk{sdk}", phone={"sdk": sdk,
                                                          "imeis": ["357537080123458", "357537080123466"]})
    facts = facts_from(scenario)
    assert facts["imeis"] == ["357537080123458", "357537080123466"] and facts["imei_source"] == "iphonesubinfo"


def test_android_14_denies_iphonesubinfo_and_says_so():
    scenario = derived_scenario(name="upside", phone={"sdk": 34, "android_release": "14"})
    facts = facts_from(scenario)
    assert facts["imeis"] == [] and facts["imei_source"] is None
    assert any("iphonesubinfo refused" in n for n in facts["notes"])
    assert any("*#06#" in n for n in facts["notes"])


def test_android_16_prefers_tradein_mode():
    scenario = derived_scenario(name="baklava", phone={"sdk": 36, "android_release": "16", "tradein_mode": True},
                                battery={"charge_full_uah": 3000, "charge_full_design_uah": 4000})
    facts = facts_from(scenario)
    assert facts["imei_source"] == "tradein" and facts["imeis"] == scenario.imeis
    assert facts["battery"]["source"] == "tradein" and facts["battery"]["health_permille"] == 750
    assert facts["battery"]["grade"] == "D" and facts["tradein"]["storage_bytes"] == 64_000_000_000


def test_unreadable_sysfs_falls_back_to_dumpsys_and_does_not_grade():
    scenario = derived_scenario(name="locked-sysfs", battery={"sysfs_readable": False})
    battery = facts_from(scenario)["battery"]
    assert battery["source"] == "dumpsys" and battery["grade"] is None
    assert battery["flags"] == ["no_capacity_data"]


def test_mixed_units_are_flagged_not_graded():
    scenario = derived_scenario(name="units", battery={"charge_full_uah": 6555000, "charge_full_design_uah": 655000})
    battery = facts_from(scenario)["battery"]
    assert battery["grade"] is None and battery["flags"] == ["unit_error"]


def test_rooted_unlocked_phone_with_google_account():
    scenario = derived_scenario(name="rooted", phone={"rooted": True, "bootloader_locked": False,
                                                       "verified_boot_state": "orange", "frp_locked": True})
    facts = facts_from(scenario)
    assert facts["rooted"] and facts["bootloader_locked"] is False and facts["frp_locked"] is True
    assert "su binary at /system/xbin/su" in facts["root_indicators"]


def station(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "station", *args], capture_output=True, text=True, **kwargs)


def test_cli_phone_info_same_over_sim_url_and_station_sim_phone(station_sim_phone):
    address = station_sim_phone("worn-battery")
    via_tcp = station("phone", "info", "--phone", f"tcp://{address}", "--json")
    via_sim = station("phone", "info", "--phone", "sim://worn-battery", "--json")
    via_usb = station("phone", "info", "--phone", "usbsim://worn-battery", "--json")
    assert via_tcp.returncode == via_sim.returncode == via_usb.returncode == 0, via_tcp.stderr + via_sim.stderr
    assert json.loads(via_tcp.stdout) == json.loads(via_sim.stdout) == json.loads(via_usb.stdout)
    assert json.loads(via_sim.stdout)["battery"]["grade"] == "D"


def test_cli_phone_errors_exit_3_with_hint():
    proc = station("phone", "info", "--phone", "usbsim://default?busy=1", "--json")
    assert proc.returncode == 3
    assert "adb kill-server" in json.loads(proc.stdout)["error"]["hint"]


@pytest.mark.parametrize("args, words", [
    (["--tcp", "nonsense"], "HOST:PORT"),
    (["--tcp", "127.0.0.1:0", "--scenario", "no-such-phone"], "default"),
])
def test_cli_sim_phone_bad_input_exits_2_with_hint(args, words):
    proc = station("sim", "phone", *args, timeout=30)
    assert proc.returncode == 2
    assert words in proc.stderr


@pytest.mark.parametrize("url", ["sim://no-such-phone", "bluetooth://x", "tcp://nohostport"])
def test_cli_phone_info_bad_url_exits_2(url):
    proc = station("phone", "info", "--phone", url, "--json", timeout=30)
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["error"]["hint"]
