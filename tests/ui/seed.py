"""Real signed reports + warranties for desk tests, made by the station's own issuing call.

The inspection dict is generated here with its ground truth (fixed seed): evidence photos are
written to STATION_HOME as the workflow would, and their SHA-256 go into the signed report.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

PHOTO_NAMES = ("cosmetic/back", "screen/white")


def _photo(path: Path, seed: int) -> str:
    import cv2

    rng = np.random.default_rng(seed)
    image = np.full((400, 300, 3), 40, np.uint8)
    image[50:350, 40:260] = rng.integers(120, 200, size=3, dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), image)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def issue_sample(home: Path, *, imei: str = "357537080123458", serial: str = "FA79E1A02345",
                 order_id: str | None = "ORD-42", seed: int = 7):
    """Issue one report + warranty; returns (IssuedReport, inspection dict)."""
    from station.warranty import issue_report_and_warranty

    insp_id = f"insp-test-{seed}"
    folder = home / "inspections" / insp_id
    evidence = []
    for i, name in enumerate(PHOTO_NAMES):
        path = folder / f"{name.replace('/', '_')}.png"
        evidence.append({"name": name, "sha256": _photo(path, seed + i), "path": str(path)})
    inspection = {
        "inspected_at": "2026-11-24T20:00:00Z",
        "phone": {"brand": "google", "model": "Pixel 2", "device": "walleye", "serial": serial,
                  "imeis": [imei], "android_release": "11", "security_patch": "2020-12-05"},
        "battery": {"health_permille": 870, "cycle_count": 402, "source": "sysfs", "grade": "B"},
        "screen": {"grade": "B", "defects": [{"kind": "dead_pixel", "x": 512, "y": 1033, "w": 1, "h": 1}]},
        "cosmetic": {"grade": "B", "label_zh": "95新", "defects": []},
        "imei": {"verdict": "pass", "reasons": [], "sources": ["usb", "screen"]},
        "overall": {"grade": "B", "rule": "worst of battery, screen, cosmetic"},
        "evidence": [{"name": e["name"], "sha256": e["sha256"]} for e in evidence],
    }
    issued = issue_report_and_warranty(inspection, order_id=order_id, render=False)
    # The workflow's record of this inspection, pointing at the evidence files (as it writes it).
    record = {"format": "inspection/1", "id": insp_id, "evidence": evidence,
              "report": {"report_id": issued.report_id, "warranty_id": issued.warranty_id}}
    (home / "inspections" / f"{insp_id}.json").write_text(json.dumps(record), encoding="utf-8")
    return issued, inspection
