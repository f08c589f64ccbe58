"""A crash loses nothing already measured: kill `station demo` (SIGKILL) while it photographs the
body, then `station inspect --resume ID` finishes from the saved record — the steps already done
are not run again — and issues the signed report."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from station.home import station_home

SIM = ["--rig", "rigsim://default?timing=fast", "--phone", "sim://default", "--camera", "sim://default"]


@pytest.mark.timeout(1200)
def test_killed_inspection_resumes_from_its_record():
    demo = subprocess.Popen([sys.executable, "-m", "station", "demo", "--json", "--timing", "fast", "--no-overlay"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = []
    try:
        for line in demo.stderr:
            seen.append(line)
            if line.startswith("[ .. ] cosmetic faces"):
                os.kill(demo.pid, signal.SIGKILL)          # a power cut, not a polite stop
                break
    finally:
        demo.wait(timeout=60)
    assert demo.returncode == -signal.SIGKILL, "".join(seen[-20:])

    records = list((station_home() / "inspections").glob("*.json"))
    assert len(records) == 1
    saved = json.loads(records[0].read_text())
    assert saved["state"] == "running"
    done = {name for name, step in saved["steps"].items() if step["status"] == "done"}
    assert {"connect_rig", "phone_placed", "identify", "imei", "battery", "screen"} <= done
    assert saved["results"]["phone"]["model"] == "Pixel 2" and saved["results"]["imei"]["verdict"] == "pass"
    assert saved["report"] is None

    resumed = subprocess.run([sys.executable, "-m", "station", "inspect", *SIM, "--resume", saved["id"],
                              "--sim-operator", "default", "--json", "--no-overlay"],
                             capture_output=True, text=True, timeout=900)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    doc = json.loads(resumed.stdout)
    assert doc["inspection_id"] == saved["id"] and doc["state"] == "completed"
    assert doc["verified"] is True and doc["grades"]["overall"] == "B"
    assert "[ .. ] identify" not in resumed.stderr                 # measured before the crash: kept
    final = json.loads(records[0].read_text())
    assert final["steps"]["identify"]["attempts"] == saved["steps"]["identify"]["attempts"]
    assert final["steps"]["cosmetic"]["attempts"] == saved["steps"]["cosmetic"]["attempts"] + 1
