"""The public verification page behind the QR code: signature checked here, on the server, and
only the public view shown (IMEI as TAC + last 3, serial masked, never buyer data).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from station.overlay.i18n import STRINGS

REPORT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{3,63}")


class PublicReportError(Exception):
    def __init__(self, public_message: str, status: int) -> None:
        super().__init__(public_message)
        self.public_message = public_message
        self.status = status


def find_report_file(report_id: str) -> Path | None:
    """The stored JWS of `report_id` under the station's data folder."""
    if not REPORT_ID.fullmatch(report_id):
        raise PublicReportError("malformed report id", 400)
    from station.warranty import report_path

    found = report_path(report_id)   # the stored .jws (rewritten from the registry if missing)
    return Path(found) if found else None


def load_public_report(report_id: str) -> tuple[dict[str, Any], bool]:
    """(public view, signature valid) for a stored report; raises PublicReportError if unknown."""
    from station.report import public_view, verify_report

    path = find_report_file(report_id)
    if path is None:
        raise PublicReportError(f"no report {report_id} on this station", 404)
    text = path.read_text(encoding="utf-8").strip()
    try:
        payload = verify_report(text).payload
    except Exception:  # noqa: BLE001 - any failure to verify means "do not trust it"
        payload = None
    if payload is None or payload.get("report_id") != report_id:
        # Claims that do not verify are not shown at all: only the warning.
        return {"report_id": report_id}, False
    return public_view(payload), True


def render_verification_page(view: dict[str, Any], verified: bool, lang: str) -> str:
    t = STRINGS[lang]
    e = html.escape
    phone = view.get("phone") or {}
    battery = view.get("battery") or {}
    warranty = view.get("warranty") or {}
    health = battery.get("health_permille")
    rows = [
        (t["report"], view.get("report_id")),
        (t["model"], f"{phone.get('brand') or ''} {phone.get('model') or ''}".strip()),
        ("IMEI", " ".join(phone.get("imeis") or [])),
        (t["serial"], phone.get("serial")),
        (t["inspected"], view.get("inspected_at")),
        (t["issued"], view.get("issued_at")),
        (t["battery"], (f"{health / 10:.1f}% " if isinstance(health, int) else "") + str(battery.get("grade") or "—")),
        (t["screen"], (view.get("screen") or {}).get("grade")),
        (t["cosmetic"], (view.get("cosmetic") or {}).get("grade")),
        (t["imei"], t["imei_pass"] if (view.get("imei") or {}).get("verdict") == "pass" else t["imei_fail"]),
        (t["overall"], t["flagged"] if (view.get("overall") or {}).get("grade") == "FLAGGED"
         else (view.get("overall") or {}).get("grade")),
        (t["period"], f"{warranty.get('start')} → {warranty.get('end')}" if warranty else None),
    ]
    body = "".join(f"<tr><th>{e(str(k))}</th><td>{e(str(v if v is not None else '—'))}</td></tr>" for k, v in rows)
    status = t["verified"] if verified else t["not_verified"]
    color = "#1b7f3b" if verified else "#b00020"
    return f"""<!DOCTYPE html><html lang="{'en' if lang == 'en' else 'zh-CN'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{e(t['verify_title'])}</title>
<style>body{{font-family:"Noto Sans CJK SC",sans-serif;max-width:640px;margin:24px auto;padding:0 16px}}
.status{{padding:12px 16px;border-radius:8px;color:#fff;background:{color};font-size:20px}}
table{{width:100%;border-collapse:collapse;margin-top:16px}}th,td{{text-align:left;padding:8px;border-bottom:1px solid #ddd}}
th{{color:#555;font-weight:400;width:40%}}</style></head><body>
<h1>{e(t['verify_title'])}</h1><div class="status" id="status" data-verified="{str(verified).lower()}">{e(status)}</div>
<table>{body}</table></body></html>"""
