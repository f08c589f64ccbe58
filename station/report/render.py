"""Render a signed report as HTML, PDF and PNG card; the public copies mask identity.

`render_all(payload, out_dir, verify_url=...)` takes a payload that has been signed (issuing) or
verified (`station report render`), never raw input, and writes ``<report_id>.html``, ``.pdf`` and
``.png`` (``.staff.*`` for the unmasked desk copy), each with a QR code to the verification URL.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from station.report.model import public_view
from station.report.render_card import render_card
from station.report.render_html import render_html
from station.report.render_pdf import render_pdf

FORMATS = ("html", "pdf", "png")


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def render_all(report: dict, out_dir: str | Path, *, verify_url: str, public: bool = True,
               formats=FORMATS) -> dict[str, Path]:
    """Write the renderings of an already-verified `report` payload; format -> path."""
    view = public_view(report) if public else report
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    suffix = "" if public else ".staff"
    written: dict[str, Path] = {}
    for fmt in formats:
        path = out / f"{report['report_id']}{suffix}.{fmt}"
        if fmt == "html":
            data = render_html(view, verify_url, public=public).encode("utf-8")
        elif fmt == "pdf":
            data = render_pdf(view, verify_url, public=public)
        elif fmt == "png":
            data = render_card(view, verify_url)
        else:
            from station.errors import BadInput

            raise BadInput(f"unknown rendering {fmt!r}", f"choose from {', '.join(FORMATS)}")
        _write_atomic(path, data)
        written[fmt] = path
    return written


__all__ = ["FORMATS", "render_all", "render_card", "render_html", "render_pdf"]
