"""`station inspect` and `station overlay` at the command line: clear errors and exit codes."""

from __future__ import annotations

import json
import socket
import subprocess
import sys


def station(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "station", *args], capture_output=True, text=True,
                          timeout=timeout)


def test_inspect_with_a_missing_rig_fails_as_hardware_with_a_hint():
    proc = station("inspect", "--rig", "/dev/ttyNO-SUCH-RIG", "--phone", "sim://default",
                   "--camera", "sim://default", "--no-overlay", "--json", "--sim-operator", "default")
    assert proc.returncode == 3, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["state"] == "failed" and doc["steps"]["connect_rig"] == "failed"
    assert doc["report"] is None and doc["error"]["hint"]
    assert "[FAIL] connect rig" in proc.stderr
    saved = json.loads(open(doc["inspection_file"]).read())
    assert saved["steps"]["connect_rig"]["attempts"] == 3          # retried where the hardware allows


def test_inspect_requires_all_three_devices():
    proc = station("inspect", "--rig", "rigsim://default")
    assert proc.returncode == 2 and "--phone" in proc.stderr


def test_resume_of_an_unknown_inspection_is_a_usage_error():
    proc = station("inspect", "--rig", "rigsim://default", "--phone", "sim://default", "--camera",
                   "sim://default", "--resume", "insp-nope", "--no-overlay", "--json")
    assert proc.returncode == 2
    assert "insp-nope" in json.loads(proc.stdout)["error"]["message"]


def test_overlay_refuses_a_port_in_use():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = station("overlay", "--port", str(port), timeout=60)
    assert proc.returncode == 2
    assert "--port" in proc.stderr
