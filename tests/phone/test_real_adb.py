"""Google's own `adb` client talks to the simulated phone (runs whenever `adb` is installed).

A private adb server port and HOME keep this test away from any adb server the machine runs;
the server is killed afterwards.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

import pytest

from drivers.phone.sim_server import SimAdbServer
from drivers.scenario import load_scenario

ADB = shutil.which("adb")
pytestmark = pytest.mark.skipif(ADB is None, reason="Debian package `adb` not installed (scripts/setup-system.sh)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def adb(tmp_path):
    port = free_port()
    env = dict(os.environ, HOME=str(tmp_path), ANDROID_SDK_HOME=str(tmp_path), ADB_VENDOR_KEYS="",
               ADB_SERVER_SOCKET=f"tcp:localhost:{port}")

    def run(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
        return subprocess.run([ADB, *args], env=env, capture_output=True, text=True, timeout=timeout)

    yield run
    run("kill-server", timeout=15)


def wait_for_state(adb, serial: str, state: str, timeout_s: float = 15) -> str:
    deadline = time.monotonic() + timeout_s
    seen = ""
    while time.monotonic() < deadline:
        seen = adb("devices").stdout
        if any(line.split() == [serial, state] for line in seen.splitlines()):
            return seen
        time.sleep(0.1)
    raise AssertionError(f"{serial} never became {state!r}; adb devices said:\n{seen}")


@pytest.mark.parametrize("scenario", ["default", "pristine"])
def test_real_adb_connects_and_reads_the_model(adb, scenario):
    with SimAdbServer(scenario) as server:
        host, port = server.address
        serial = f"{host}:{port}"
        connected = adb("connect", serial)
        assert connected.returncode == 0, connected.stderr
        wait_for_state(adb, serial, "device")
        model = adb("-s", serial, "shell", "getprop", "ro.product.model")
        assert model.returncode == 0, model.stderr
        assert model.stdout.strip() == load_scenario(scenario).phone["model"]
        exit_code = adb("-s", serial, "shell", "exit 9")
        assert exit_code.returncode == 9            # adb used shell_v2 and passed the exit status on


def test_real_adb_pulls_a_file(adb, tmp_path):
    with SimAdbServer("default") as server:
        serial = "%s:%d" % server.address
        adb("connect", serial)
        wait_for_state(adb, serial, "device")
        dest = tmp_path / "uevent"
        pulled = adb("-s", serial, "pull", "/sys/class/power_supply/battery/uevent", str(dest))
        assert pulled.returncode == 0, pulled.stderr
        assert "POWER_SUPPLY_CYCLE_COUNT=402" in dest.read_text()


def test_real_adb_sees_an_unanswered_prompt_as_unauthorized(adb):
    from drivers.phone.sim_adbd import SimOptions

    scenario = load_scenario("default")
    with SimAdbServer(scenario, options=SimOptions.for_scenario(scenario, usb_debugging="prompt")) as server:
        serial = "%s:%d" % server.address
        adb("connect", serial)
        wait_for_state(adb, serial, "unauthorized")


def test_real_adb_against_station_sim_phone_cli(adb, station_sim_phone):
    """The documented command line: `station sim phone --tcp 127.0.0.1:PORT --scenario S`."""
    serial = station_sim_phone("worn-battery")
    adb("connect", serial)
    wait_for_state(adb, serial, "device")
    model = adb("-s", serial, "shell", "getprop", "ro.product.model")
    assert model.stdout.strip() == "Redmi Note 7"
    battery = adb("-s", serial, "shell", "dumpsys", "battery")
    assert "level: 40" in battery.stdout
