"""Signed condition reports: model, RFC 8785 canonical JSON, Ed25519 keyring, JWS, renderings.

Public API:
  build_report(...), sign_report(report) -> JWS text, verify_report(text) -> Verified,
  verify_url(report_id), Keyring, public_view(report), render_html/render_pdf/render_card,
  issue_report_and_warranty(inspection, ...) (lives in station.warranty.issue; re-exported here).
"""

from __future__ import annotations

import os

from station.report.jws import Verified, VerificationFailed, peek, sign, verify
from station.report.keys import Keyring, key_id, load_public_key, station_id
from station.report.model import (REPORT_FORMAT, WARRANTY_DAYS, build_report, evidence_entries,
                                  mask_imei, public_view, sha256_file, validate_inspection)

DEFAULT_VERIFY_BASE_URL = "http://127.0.0.1:8765"

_keyrings: dict[str, Keyring] = {}


def default_keyring() -> Keyring:
    """The keyring under the current station_home() (cached per folder: the key loads once)."""
    key = os.environ.get("STATION_HOME", "")
    ring = _keyrings.get(key)
    if ring is None:
        ring = _keyrings.setdefault(key, Keyring())
    return ring


def sign_report(report: dict, keyring: Keyring | None = None) -> str:
    return sign(report, (keyring or default_keyring()).signing_key())


def verify_report(text: str | bytes, keyring: Keyring | None = None, extra_keys=None) -> Verified:
    """Verify against this station's keys (old ones too) plus `extra_keys` (public key objects)."""
    keys = (keyring or default_keyring()).public_keys()   # a fresh dict: safe to extend
    for key in extra_keys or ():
        keys[key_id(key)] = key
    verified = verify(text, keys)
    if verified.payload.get("format") != REPORT_FORMAT:
        raise VerificationFailed(f"payload format is {verified.payload.get('format')!r}, "
                                 f"expected {REPORT_FORMAT!r}", "this is not a station condition report")
    return verified


def verify_report_file(path, keyring: Keyring | None = None, extra_keys=None) -> Verified:
    """Verify a .jws file; raises VerificationFailed (exit 1) or BadInput for an unreadable file."""
    from pathlib import Path

    from station.errors import BadInput

    file = Path(path)
    if not file.is_file():
        raise BadInput(f"{path} is not a file", "pass the report's .jws file")
    return verify_report(file.read_bytes(), keyring, extra_keys)


def verify_url(report_id: str, base_url: str | None = None) -> str:
    """The overlay server's verification page for a report (base: $STATION_VERIFY_BASE_URL)."""
    base = base_url or os.environ.get("STATION_VERIFY_BASE_URL") or DEFAULT_VERIFY_BASE_URL
    return f"{base.rstrip('/')}/r/{report_id}"


def __getattr__(name: str):
    # Lazy: the warranty registry imports this package, so import it only when asked for.
    if name in ("issue_report_and_warranty", "IssuedReport", "render_copies"):
        from station.warranty import issue

        return getattr(issue, name)
    if name in ("render_html", "render_pdf", "render_card"):
        from station.report import render

        return getattr(render, name)
    raise AttributeError(name)


__all__ = ["REPORT_FORMAT", "WARRANTY_DAYS", "Keyring", "Verified", "VerificationFailed",
           "build_report", "default_keyring", "evidence_entries", "load_public_key", "mask_imei", "peek",
           "public_view", "sha256_file", "sign_report", "station_id", "validate_inspection",
           "verify_report", "verify_report_file", "verify_url", "issue_report_and_warranty", "IssuedReport",
           "render_copies",
           "render_html", "render_pdf", "render_card"]
