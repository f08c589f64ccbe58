"""The warranty desk's service: the seam between the Warranty tab and `station.warranty` /
`station.report`. Every method blocks (it is called from the thread pool, never the GUI thread)
and returns plain dicts the tab displays.
"""

from __future__ import annotations

import re
from pathlib import Path

from station.errors import BadInput, StationError

REPORT_URL = re.compile(r"/r/([A-Za-z0-9._-]+)")


class WarrantyUnavailable(StationError):
    """The warranty registry part of the station is not installed in this checkout."""


def _registry():
    try:
        from station import warranty
    except ModuleNotFoundError as exc:
        raise WarrantyUnavailable("the warranty registry (station.warranty) is not installed",
                                  "update the checkout") from exc
    return warranty


def _looks_like_jws(text: str) -> bool:
    parts = text.strip().split(".")
    return len(parts) == 3 and all(re.fullmatch(r"[A-Za-z0-9_-]*", p) for p in parts) and parts[1]


class WarrantyDesk:
    def lookup(self, kind: str, value: str) -> list[dict]:
        raise WarrantyUnavailable("warranty lookup is not wired yet", "update the checkout")

    def open_claim(self, warranty_id: str, reason: str) -> dict:
        raise WarrantyUnavailable("claims are not wired yet", "update the checkout")

    def resolve_claim(self, claim_id: str, resolution: str) -> dict:
        raise WarrantyUnavailable("claims are not wired yet", "update the checkout")

    # -- verification (station.report) -------------------------------------------------------
    def verify_text(self, text: str) -> dict:
        from station.report import verify_report

        verified = verify_report(text.strip())
        payload = verified.payload
        phone = payload.get("phone") or {}
        overall = payload.get("overall") or {}
        return {"report_id": payload.get("report_id"), "model": phone.get("model", ""),
                "overall": overall.get("grade") if isinstance(overall, dict) else overall,
                "kid": getattr(verified, "kid", None), "payload": payload}

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
        """A scanned QR: the report's verification URL (…/r/<report id>) or a signed report itself."""
        text = payload.strip()
        if _looks_like_jws(text):
            return self.verify_text(text)
        match = REPORT_URL.search(text)
        if not match:
            raise BadInput("the scanned text is neither a report verification link nor a signed report",
                           "scan the QR code printed on the report or shown on the stream")
        return self.verify_stored(match.group(1))

    def verify_stored(self, report_id: str) -> dict:
        raise WarrantyUnavailable("stored reports are not wired yet", "update the checkout")
