"""A self-contained HTML page of a report: inline CSS, the QR code as inline SVG, no requests out."""

from __future__ import annotations

import html


from station.report.labels import LABELS, label, sections
from station.report.qr import verify_qr

_CSS = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;
 margin:0;background:#f3f4f6;color:#111827}
main{max-width:760px;margin:24px auto;background:#fff;border-radius:12px;padding:24px 28px;
 box-shadow:0 1px 4px rgba(0,0,0,.12)}
header{display:flex;justify-content:space-between;align-items:flex-start;gap:16px}
h1{font-size:24px;margin:0 0 4px}
.grade{font-size:64px;font-weight:700;line-height:1;color:#065f46;text-align:center}
.grade small{display:block;font-size:13px;font-weight:400;color:#374151;white-space:nowrap}
h2{font-size:16px;margin:18px 0 6px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
table{border-collapse:collapse;width:100%}
th{text-align:left;font-weight:500;color:#4b5563;width:34%;padding:3px 8px 3px 0;vertical-align:top}
td{padding:3px 0;word-break:break-all}
.qr{text-align:center;font-size:12px;color:#374151}
.note{font-size:12px;color:#6b7280;margin-top:16px}
"""


def _qr_img(url: str) -> str:
    # A PNG data URI keeps the page self-contained and is what every browser and scanner reads.
    data_uri = verify_qr(url).png_data_uri(scale=5, border=4)
    return f'<img class="qrcode" src="{data_uri}" alt="QR: {html.escape(url, quote=True)}">'



def render_html(view: dict, verify_url: str, *, public: bool = True) -> str:
    """The page for `view` (pass `public_view(report)` for anything viewers may see)."""
    esc = html.escape
    overall = view["overall"].get("grade") or "?"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>{esc(label('title'))} {esc(view['report_id'])}</title>",
        f"<style>{_CSS}</style></head><body><main>",
        "<header><div>",
        f"<h1>{esc(LABELS['title'][0])} · {esc(LABELS['title'][1])}</h1>",
        f"<div>{esc(view['phone'].get('brand') or '')} {esc(view['phone'].get('model') or '')}</div>",
        f"<div>{esc(label('report_id'))}: <code>{esc(view['report_id'])}</code></div>",
        "</div>",
        f'<div class="grade">{esc(overall)}<small>{esc(label("overall"))}</small></div>',
        f'<div class="qr">{_qr_img(verify_url)}<br>{esc(label("verify"))}<br>'
        f'<a href="{esc(verify_url, quote=True)}">{esc(verify_url)}</a></div>',
        "</header>",
    ]
    for section in sections(view):
        parts.append(f"<section><h2>{esc(label(section.key))}</h2><table>")
        for key, value in section.rows:
            parts.append(f"<tr><th>{esc(label(key))}</th><td>{esc(value)}</td></tr>")
        parts.append("</table></section>")
    parts.append(f'<p class="note">{esc(LABELS["signed_note"][0])}<br>{esc(LABELS["signed_note"][1])}')
    if public:
        parts.append(f'<br>{esc(LABELS["masked_note"][0])}<br>{esc(LABELS["masked_note"][1])}')
    parts.append("</p></main></body></html>")
    return "\n".join(parts) + "\n"
