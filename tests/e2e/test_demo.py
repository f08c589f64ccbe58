"""`station demo --json` end to end, per shipped scenario: the simulated rig (fast timing), phone
and camera, the real graders, the signed report and the warranty registry. Each scenario must get
the verdict its defects call for (`expected` in the scenario file) and a report that verifies."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from drivers.scenario import load_scenario, scenario_names
from station.inspection.verdict import FLAGGED, GRADES

CONTRACT_KEYS = {"report", "report_id", "verified", "grades", "warranty", "overlay_url", "public_key"}


def run_demo(name: str, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "station", "demo", "--scenario", name, "--json",
                           "--timing", "fast", "--port", "0", "--out", str(out), *extra],
                          capture_output=True, text=True, timeout=1200)


@pytest.mark.timeout(1800)     # a whole inspection: 38 simulated 12 MP frames and two graders
@pytest.mark.parametrize("name", [pytest.param(n, marks=() if n == "default" else pytest.mark.slow)
                                  for n in scenario_names()])
def test_demo_gives_the_verdict_the_defects_call_for(name, tmp_path):
    proc = run_demo(name, tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    doc = json.loads(proc.stdout)                      # exactly one JSON document on stdout
    assert CONTRACT_KEYS <= set(doc)
    assert doc["state"] == "completed", doc
    expected = load_scenario(name).expected
    grades = doc["grades"]
    for part in ("battery", "screen", "cosmetic"):
        if part in expected:
            assert grades[part] == expected[part], f"{part}: {grades[part]} != expected {expected[part]}"
    assert grades["imei"] == expected["imei"]
    if expected["imei"] == "fail":
        assert grades["overall"] == FLAGGED
    else:
        parts = [grades[p] for p in ("battery", "screen", "cosmetic")]
        assert grades["overall"] == max(parts, key=GRADES.index)

    # The signed report, its verification and the warranty record.
    assert doc["verified"] is True
    report = Path(doc["report"])
    assert report.parent == tmp_path and report.read_text().count(".") == 2     # a compact JWS
    assert Path(doc["public_key"]).exists()
    start, end = date.fromisoformat(doc["warranty"]["start"]), date.fromisoformat(doc["warranty"]["end"])
    assert (end - start).days == 180
    assert doc["overlay_url"].startswith("http://127.0.0.1:") and doc["overlay_url"].endswith("/overlay")
    assert "overlay: http://127.0.0.1:" in proc.stderr and "[ ok ] warranty" in proc.stderr
    verify = subprocess.run([sys.executable, "-m", "station", "report", "verify", str(report), "--json"],
                            capture_output=True, text=True, timeout=120)
    assert verify.returncode == 0, verify.stderr
    if name == "default":     # the overlay's defect thumbnail, from this run's evidence frames
        from station.inspection.record import InspectionRecord
        from station.overlay.thumbnail import defect_thumbnail_png

        record = InspectionRecord.load(doc["inspection_id"])
        framesets = {part: {"folder": record.results[f"{part}_frameset"],
                            "defects": record.results[part]["defects"]} for part in ("screen", "cosmetic")}
        png = defect_thumbnail_png(framesets)
        assert png is not None and png[:8] == b"\x89PNG\r\n\x1a\n"
        # The *#06# frame is stored cut to the phone, and its folder says where it was cut.
        imei_manifest = json.loads((record.evidence_dir / "imei" / "manifest.json").read_text())
        x, y, width, height = imei_manifest["crops"]["imei_screen_0.jpg"]["box"]
        frame_w, frame_h = imei_manifest["crops"]["imei_screen_0.jpg"]["frame_size"]
        assert 0 <= x and 0 <= y and x + width <= frame_w and y + height <= frame_h and width < frame_w
        # Stored as JPEG, it still shows what the step read: the same IMEIs decode from the file.
        from station.imei.screen import read_imeis_from_image

        stored = read_imeis_from_image(str(record.evidence_dir / "imei" / "imei_screen_0.jpg"))
        assert stored["imeis"] and sorted(stored["imeis"]) == sorted(record.results["imei"]["sources"]["screen"])
    lookup = subprocess.run([sys.executable, "-m", "station", "warranty", "lookup", "--report", doc["report_id"],
                             "--json"], capture_output=True, text=True, timeout=120)
    assert lookup.returncode == 0 and doc["warranty"]["id"] in lookup.stdout


def test_unknown_scenario_is_a_usage_error_naming_the_choices(tmp_path):
    proc = run_demo("no-such-phone", tmp_path)
    assert proc.returncode == 2
    error = json.loads(proc.stdout)["error"]
    assert "no-such-phone" in error["message"] and "default" in error["hint"]
