"""What an inspection run hands back to the person who ran it: the `station demo --json` document
(contract keys: report, report_id, verified, grades{overall,battery,screen,cosmetic,imei},
warranty{id,start,end}, overlay_url, public_key) plus state, missing parts and the record path.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from station.inspection.devices import PartMissing, import_part
from station.inspection.record import InspectionRecord


def verify_report_file(path: str) -> bool:
    """Check the report's signature with the station's own public key (the report engine's verify)."""
    verify = import_part("station.report", "verify_report_file")
    verify(path)            # raises VerificationFailed when the signature does not check out
    return True


def run_summary(record: InspectionRecord, *, state: str, out_dir: str | None, overlay_url: str | None,
                missing: list[str], error: BaseException | None = None) -> dict[str, Any]:
    results = record.results
    report = record.report or {}
    report_path = report.get("jws_path")
    public_key = report.get("public_key_path")
    if report_path and out_dir:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        report_path = str(shutil.copy2(report_path, out / Path(report_path).name))
        if public_key:
            public_key = str(shutil.copy2(public_key, out / Path(public_key).name))
    verified = None
    if report_path:
        try:
            verified = verify_report_file(report_path)
        except PartMissing:
            verified = None
        except Exception:  # noqa: BLE001 - a failed verification is a result, reported as False
            verified = False
    grades = {
        "overall": (results.get("overall") or {}).get("grade"),
        "battery": (results.get("battery") or {}).get("grade"),
        "screen": (results.get("screen") or {}).get("grade"),
        "cosmetic": (results.get("cosmetic") or {}).get("grade"),
        "imei": (results.get("imei") or {}).get("verdict"),
    }
    doc: dict[str, Any] = {
        "report": report_path,
        "report_id": report.get("report_id"),
        "verified": verified,
        "grades": grades,
        "warranty": {"id": report.get("warranty_id"), "start": report.get("start"), "end": report.get("end")},
        "overlay_url": overlay_url,
        "public_key": public_key,
        "inspection_id": record.id,
        "inspection_file": str(record.path),
        "state": state,
        "steps": {name: entry["status"] for name, entry in record.steps.items()},
    }
    if missing:
        doc["missing"] = missing
    if error is not None:
        doc["error"] = {"type": type(error).__name__, "message": getattr(error, "message", str(error)),
                        "hint": getattr(error, "hint", "")}
    return doc


def human_summary(doc: dict[str, Any]) -> str:
    g = doc["grades"]
    lines = [f"inspection {doc['inspection_id']}: {doc['state']}"]
    if doc.get("missing"):
        lines.append(f"  not run yet (parts not installed): {', '.join(doc['missing'])}")
    if doc.get("error"):
        lines.append(f"  error: {doc['error']['message']}" + (f" — {doc['error']['hint']}" if doc['error']['hint'] else ""))
    lines.append(f"  grades: overall {g['overall']}, battery {g['battery']}, screen {g['screen']}, "
                 f"cosmetic {g['cosmetic']}, IMEI {g['imei']}")
    if doc["report"]:
        lines.append(f"  report: {doc['report']} (id {doc['report_id']}, signature "
                     f"{'verified' if doc['verified'] else 'NOT verified'})")
        w = doc["warranty"]
        lines.append(f"  warranty: {w['id']} from {w['start']} until {w['end']}")
        lines.append(f"  public key: {doc['public_key']}")
    if doc.get("overlay_url"):
        lines.append(f"  overlay: {doc['overlay_url']}")
    lines.append(f"  record: {doc['inspection_file']}")
    return "\n".join(lines)
