"""The versioned condition-report model: built from an inspection dict, validated, float-free.

A report is never built from incomplete data: every missing or malformed field is listed in one
BadInput. The signed payload (format ``station-report/1``) holds the full IMEIs and serial, so the
warranty desk can match a phone; buyer data never goes in (it stays private in the registry).
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from station.errors import BadInput
from station.report.canonical import canonical_json

REPORT_FORMAT = "station-report/1"
WARRANTY_DAYS = 180
GRADES = {"A", "B", "C", "D", "E", "F"}
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RFC3339_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_IMEI = re.compile(r"\d{15}")

# section -> required keys (None allowed where a reading may legitimately be absent)
REQUIRED = {
    "phone": ("brand", "model", "serial", "imeis"),
    "battery": ("health_permille", "cycle_count", "source", "grade"),
    "screen": ("grade", "defects"),
    "cosmetic": ("grade", "defects"),
    "imei": ("verdict", "reasons", "sources"),
    "overall": ("grade", "rule"),
}
OPTIONAL = {
    "phone": ("device", "android_release", "security_patch"),
    "cosmetic": ("label_zh",),
}
NULLABLE = {("battery", "health_permille"), ("battery", "cycle_count"), ("battery", "grade")}


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_id(prefix: str, day: date | None = None) -> str:
    """A URL-safe id like ``R20261124-7K3M9Q2XTB``: date for humans, 50 random bits for uniqueness."""
    day = day or datetime.now(timezone.utc).date()
    bits = int.from_bytes(os.urandom(7), "big") >> 6
    suffix = "".join(_CROCKFORD[(bits >> (5 * i)) & 31] for i in range(9, -1, -1))
    return f"{prefix}{day.strftime('%Y%m%d')}-{suffix}"


def warranty_period(sale_date: date | str | None = None, days: int = WARRANTY_DAYS) -> tuple[str, str]:
    """(start, end) ISO dates: start = sale date (default: today, local), end = start + `days`."""
    if sale_date is None:
        start = datetime.now().astimezone().date()
    elif isinstance(sale_date, str):
        try:
            start = date.fromisoformat(sale_date)
        except ValueError as exc:
            raise BadInput(f"sale date {sale_date!r} is not a date", "use YYYY-MM-DD") from exc
    else:
        start = sale_date
    return start.isoformat(), (start + timedelta(days=days)).isoformat()


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def evidence_entries(paths) -> list[dict]:
    """``[{name, sha256}]`` for evidence files, named by file name."""
    return [{"name": Path(p).name, "sha256": sha256_file(p)} for p in paths]


def validate_inspection(inspection: dict) -> list[str]:
    """Every problem with an inspection dict, as 'where: what' strings (empty when usable)."""
    problems: list[str] = []
    if not isinstance(inspection, dict):
        return ["inspection: expected a JSON object"]
    at = inspection.get("inspected_at")
    if not isinstance(at, str) or not _RFC3339_UTC.fullmatch(at):
        problems.append(f"inspected_at: expected RFC 3339 UTC like 2026-11-24T21:00:00Z, got {at!r}")
    for section, keys in REQUIRED.items():
        part = inspection.get(section)
        if not isinstance(part, dict):
            problems.append(f"{section}: missing (no report from incomplete data)")
            continue
        for key in keys:
            if key not in part:
                problems.append(f"{section}.{key}: missing")
            elif part[key] is None and (section, key) not in NULLABLE:
                problems.append(f"{section}.{key}: is null")
    phone = inspection.get("phone") if isinstance(inspection.get("phone"), dict) else {}
    imeis = phone.get("imeis")
    if "imeis" in phone and (not isinstance(imeis, list) or not imeis
                             or not all(isinstance(i, str) and _IMEI.fullmatch(i) for i in imeis)):
        problems.append(f"phone.imeis: expected a non-empty list of 15-digit strings, got {imeis!r}")
    for section in ("screen", "cosmetic"):
        part = inspection.get(section)
        if isinstance(part, dict) and "defects" in part and not isinstance(part["defects"], list):
            problems.append(f"{section}.defects: expected a list")
    verdict = (inspection.get("imei") or {}).get("verdict") if isinstance(inspection.get("imei"), dict) else None
    if verdict is not None and verdict not in ("pass", "fail"):
        problems.append(f"imei.verdict: expected 'pass' or 'fail', got {verdict!r}")
    evidence = inspection.get("evidence")
    if not isinstance(evidence, list):
        problems.append("evidence: missing (list of {name, sha256})")
    else:
        for index, item in enumerate(evidence):
            if not (isinstance(item, dict) and isinstance(item.get("name"), str)
                    and isinstance(item.get("sha256"), str) and _SHA256.fullmatch(item["sha256"])):
                problems.append(f"evidence[{index}]: expected {{name, sha256 (64 lowercase hex)}}")
    return problems


def _section(inspection: dict, name: str) -> dict:
    part = dict(inspection[name])
    for key in OPTIONAL.get(name, ()):
        part.setdefault(key, None)
    return part


def build_report(inspection: dict, *, report_id: str, station_id: str, key_id: str,
                 warranty_id: str, warranty_start: str, warranty_end: str,
                 issued_at: str | None = None) -> dict:
    """The report payload to sign. Raises BadInput listing everything wrong with `inspection`."""
    problems = validate_inspection(inspection)
    if problems:
        raise BadInput("inspection data is incomplete or malformed: " + "; ".join(problems),
                       "re-run the failed inspection steps; a report is never issued from partial data")
    report = {
        "format": REPORT_FORMAT,
        "report_id": report_id,
        "issued_at": issued_at or utc_now(),
        "station": {"id": station_id, "key_id": key_id},
        "inspected_at": inspection["inspected_at"],
        "phone": _section(inspection, "phone"),
        "battery": _section(inspection, "battery"),
        "screen": _section(inspection, "screen"),
        "cosmetic": _section(inspection, "cosmetic"),
        "imei": _section(inspection, "imei"),
        "overall": _section(inspection, "overall"),
        "evidence": [{"name": e["name"], "sha256": e["sha256"]} for e in inspection["evidence"]],
        "warranty": {"id": warranty_id, "start": warranty_start, "end": warranty_end,
                     "days": (date.fromisoformat(warranty_end) - date.fromisoformat(warranty_start)).days},
    }
    canonical_json(report)  # fail now, with the field's path, if anything is a float
    return report


def mask_imei(imei: str) -> str:
    """TAC (first 8 digits) + last 3 digits; the rest starred: 35693803****809."""
    if len(imei) <= 11:
        return "*" * len(imei)
    return imei[:8] + "*" * (len(imei) - 11) + imei[-3:]


def mask_serial(serial: str | None) -> str | None:
    if not serial:
        return serial
    if len(serial) <= 5:
        return "*" * len(serial)
    return serial[:2] + "*" * (len(serial) - 5) + serial[-3:]


# Any run of 14-17 digits in a public string is treated as an IMEI/IMEISV and masked, so free
# text (e.g. an IMEI verdict's reasons: "USB says 35..., *#06# shows 35...") cannot leak one;
# runs inside hex digests or ids (bordered by letters) are left alone.
_DIGIT_RUN = re.compile(r"(?<![0-9A-Za-z])\d{14,17}(?![0-9A-Za-z])")


def _mask_text(text: str, serial: str | None) -> str:
    text = _DIGIT_RUN.sub(lambda m: mask_imei(m.group(0)), text)
    if serial and len(serial) > 5:
        text = text.replace(serial, mask_serial(serial) or "")
    return text


def _mask_tree(value, serial: str | None):
    if isinstance(value, str):
        return _mask_text(value, serial)
    if isinstance(value, list):
        return [_mask_tree(item, serial) for item in value]
    if isinstance(value, dict):
        return {key: _mask_tree(item, serial) for key, item in value.items()}
    return value


def public_view(report: dict) -> dict:
    """What viewers may see: every IMEI and the serial masked wherever they occur (phone section,
    IMEI verdict sources and reasons, free text), nothing about the buyer (none is signed)."""
    serial = (report.get("phone") or {}).get("serial")
    view = _mask_tree(report, serial)
    phone = dict(view["phone"])
    phone["serial"] = mask_serial(serial)
    view["phone"] = phone
    return view