"""The warranty desk's service: the seam between the Warranty tab and `station.warranty` /
`station.report`. Every method blocks (the tab calls them from the thread pool, never on the GUI
thread) and returns plain dicts; no Qt here.

A warranty comes back with its stored report *verified* (signature checked against the station's
keys) and with thumbnails of the evidence photos whose SHA-256 matches what the report signed, so
the clerk sees only photos the signature vouches for.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from station.errors import BadInput

REPORT_URL = re.compile(r"/r/([A-Za-z0-9._-]+)")
LOOKUP_KEYS = {"imei": "imei", "serial": "serial", "report": "report_id", "order": "order_id",
               "warranty": "warranty_id"}
# Which evidence photos the desk shows first (the ones a customer dispute is usually about).
PHOTO_ORDER = ("cosmetic/back", "cosmetic/front", "screen/white", "screen/off", "imei")
THUMB_PX = 240


def _looks_like_jws(text: str) -> bool:
    parts = text.strip().split(".")
    return len(parts) == 3 and bool(parts[1]) and all(re.fullmatch(r"[A-Za-z0-9_-]*", p) for p in parts)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _thumbnail(path: Path, sha: str) -> str:
    """A small JPEG of an evidence photo, cached under STATION_HOME/thumbs by content hash."""
    from station.home import subdir

    out = subdir("thumbs") / f"{sha[:32]}.jpg"
    if not out.exists():
        import cv2

        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None:
            raise BadInput(f"evidence photo {path} cannot be read", "check the file; it may be damaged")
        h, w = image.shape[:2]
        scale = THUMB_PX / float(max(h, w))
        small = cv2.resize(image, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
        cv2.imwrite(str(out), small, [cv2.IMWRITE_JPEG_QUALITY, 85])
    return str(out)


class WarrantyDesk:
    """Lookups, claims and verification for the after-sales desk."""

    def __init__(self, registry_path: str | None = None) -> None:
        self._registry_path = registry_path

    def _registry(self):
        from station.warranty import WarrantyRegistry

        return WarrantyRegistry(self._registry_path)

    # -- lookup --------------------------------------------------------------------------------
    def lookup(self, kind: str, value: str) -> list[dict]:
        key = LOOKUP_KEYS.get(kind)
        if key is None:
            raise BadInput(f"unknown search kind {kind!r}", f"use one of {', '.join(LOOKUP_KEYS)}")
        value = value.strip()
        if kind == "imei" and not value.isdigit():
            raise BadInput(f"{value!r} is not an IMEI (IMEIs are 15 digits)", "type the digits only")
        registry = self._registry()
        try:
            rows = registry.lookup(**{key: value})
            return [self._with_report(registry, row) for row in rows]
        finally:
            registry.close()

    def _with_report(self, registry, row: dict) -> dict:
        out = dict(row)
        out["days_left"] = _days_left(row.get("end"))
        jws = registry.report_jws(row["report_id"])
        report: dict = {"verified": False}
        if jws:
            try:
                payload = self.verify_text(jws)["payload"]
            except Exception as exc:  # noqa: BLE001 - a stored report that fails is shown as INVALID
                report["reason"] = getattr(exc, "message", None) or str(exc)
            else:
                phone = payload.get("phone") or {}
                report.update(verified=True, brand=phone.get("brand"), model=phone.get("model"),
                              imeis=phone.get("imeis") or [],
                              grades={k: (payload.get(k) or {}).get("grade")
                                      for k in ("overall", "battery", "screen", "cosmetic")},
                              photos=self._photos(payload))
        else:
            report["reason"] = "the stored report is missing"
        out["report"] = report
        return out

    def _photos(self, payload: dict, limit: int = 4) -> list[str]:
        """Thumbnails of evidence files whose SHA-256 is the one the report signed."""
        from station.home import station_home

        signed = {e["name"]: e["sha256"] for e in payload.get("evidence") or []}
        if not signed:
            return []
        record = _inspection_record_for(payload.get("report_id"), station_home() / "inspections")
        if record is None:
            return []
        paths = {e["name"]: Path(e["path"]) for e in record.get("evidence") or [] if e.get("path")}
        thumbs = []
        # One photo per kind (back, front, white screen, …), then any others: variety over repeats.
        for prefix in PHOTO_ORDER + ("",):
            for name in sorted(n for n in signed if n.startswith(prefix)):
                path = paths.get(name)
                if path is None or not path.is_file() or _sha256(path) != signed[name]:
                    continue
                thumb = _thumbnail(path, signed[name])
                if thumb not in thumbs:
                    thumbs.append(thumb)
                    break
            if len(thumbs) >= limit:
                break
        return thumbs

    # -- claims --------------------------------------------------------------------------------
    def open_claim(self, warranty_id: str, reason: str) -> dict:
        registry = self._registry()
        try:
            return registry.open_claim(warranty_id, reason, actor="desk")
        finally:
            registry.close()

    def resolve_claim(self, claim_id: str, resolution: str) -> dict:
        registry = self._registry()
        try:
            return registry.resolve_claim(claim_id, resolution, actor="desk")
        finally:
            registry.close()

    # -- verification ----------------------------------------------------------------------------
    def verify_text(self, text: str) -> dict:
        from station.report import verify_report

        verified = verify_report(text.strip())
        payload = verified.payload
        phone = payload.get("phone") or {}
        overall = payload.get("overall") or {}
        return {"report_id": payload.get("report_id"), "model": phone.get("model", ""),
                "overall": overall.get("grade") if isinstance(overall, dict) else overall,
                "payload": payload}

    def verify_file(self, path: str) -> dict:
        file = Path(path)
        if not file.is_file():
            raise BadInput(f"{path} is not a file", "choose the report's .jws file")
        text = file.read_text(encoding="utf-8", errors="replace").strip()
        if not _looks_like_jws(text):
            raise BadInput(f"{file.name} does not hold a signed report (a JWS: three base64url parts "
                           "separated by dots)", "choose the .jws file the station wrote for the report")
        return self.verify_text(text)

    def verify_payload(self, payload: str) -> dict:
        """A scanned QR: the report's verification link (…/r/<report id>) or a signed report itself."""
        text = payload.strip()
        if _looks_like_jws(text):
            return self.verify_text(text)
        match = REPORT_URL.search(text)
        if not match:
            raise BadInput("the scanned text is neither a report verification link nor a signed report",
                           "scan the QR code printed on the report or shown on the stream")
        report_id = match.group(1)
        registry = self._registry()
        try:
            jws = registry.report_jws(report_id)
        finally:
            registry.close()
        if jws is None:
            raise BadInput(f"no report {report_id} is stored on this station",
                           "check the QR came from this shop's station; another station's report needs its "
                           "public key (Settings → export) to verify")
        return self.verify_text(jws)


def _days_left(end: str | None) -> int | None:
    from datetime import date

    if not end:
        return None
    return (date.fromisoformat(str(end)[:10]) - date.today()).days


def _inspection_record_for(report_id: str | None, folder: Path) -> dict | None:
    if not report_id or not folder.is_dir():
        return None
    for path in sorted(folder.glob("*.json"), reverse=True):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        if (data.get("report") or {}).get("report_id") == report_id:
            return data
    return None
