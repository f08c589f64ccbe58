"""The report as a one-page A4 PDF (fpdf2, pure Python), with embedded CJK font subset and QR."""

from __future__ import annotations

import io

from fpdf import FPDF

from station.report.fonts import font_subset
from station.report.labels import DEFECT_KINDS, FACES, LABELS, Section, label, sections
from station.report.qr import verify_qr

FONT = "report-cjk"


def _drawn_chars(rows: list[Section], verify_url: str) -> set[str]:
    """Every character the page may draw: all labels, the sections' values, the URL."""
    chars = set(verify_url) | set("".join(DEFECT_KINDS.values())) | set("".join(FACES.values()))
    for zh, en in LABELS.values():
        chars.update(zh, en)
    for section in rows:
        for _, value in section.rows:
            chars.update(value)
    return chars


def _setup_font(pdf: FPDF, rows: list[Section], verify_url: str) -> bool:
    """Register a CJK font; False means Helvetica (Latin-1 only) is all we have."""
    found = font_subset(_drawn_chars(rows, verify_url))
    if found is None:
        return False
    path, index = found
    pdf.add_font(FONT, "", path, collection_font_number=index)
    # fpdf2 subsets the font again for the glyphs this page draws; fontTools would then redraw
    # every glyph to recompute the font's bounding boxes (more than half the PDF's CPU). The cut
    # font's own boxes bound the subset's, so they are kept as they are.
    pdf.fonts[FONT.lower()].ttfont.recalcBBoxes = False
    return True


def _qr_png(url: str) -> io.BytesIO:
    buffer = io.BytesIO()
    verify_qr(url).save(buffer, kind="png", scale=8, border=4)
    buffer.seek(0)
    return buffer


def render_pdf(view: dict, verify_url: str, *, public: bool = True) -> bytes:
    """PDF bytes for `view` (pass `public_view(report)` for anything viewers may see)."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.set_title(f"{LABELS['title'][1]} {view['report_id']}")
    pdf.set_creator("phone inspection station")
    rows = sections(view)
    cjk = _setup_font(pdf, rows, verify_url)

    def text(value: str) -> str:
        return value if cjk else value.encode("latin-1", "replace").decode("latin-1")

    def lab(key: str) -> str:
        return label(key) if cjk else LABELS[key][1]

    def font(size: float) -> None:
        pdf.set_font(FONT if cjk else "Helvetica", size=size)

    pdf.add_page()
    pdf.set_text_color(17, 24, 39)
    font(20)
    pdf.cell(0, 10, text(lab("title")), new_x="LMARGIN", new_y="NEXT")
    font(11)
    phone = view["phone"]
    pdf.cell(0, 6, text(" ".join(str(p) for p in (phone.get("brand"), phone.get("model")) if p)),
             new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, text(f"{lab('report_id')}: {view['report_id']}"), new_x="LMARGIN", new_y="NEXT")

    # Overall grade and the QR code in the top-right corner.
    pdf.image(_qr_png(verify_url), x=160, y=10, w=38, h=38)
    font(8)
    pdf.set_xy(150, 49)
    pdf.cell(58, 4, text(lab("verify")), align="C")
    pdf.set_xy(120, 12)
    pdf.set_text_color(6, 95, 70)
    font(40)
    pdf.cell(34, 20, text(view["overall"].get("grade") or "?"), align="C")
    pdf.set_text_color(17, 24, 39)
    font(8)
    pdf.set_xy(120, 32)
    pdf.cell(34, 5, text(lab("overall")), align="C")
    pdf.set_xy(pdf.l_margin, 56)

    for section in rows:
        font(12)
        pdf.set_fill_color(236, 253, 245)
        pdf.cell(0, 7, text(lab(section.key)), fill=True, new_x="LMARGIN", new_y="NEXT")
        font(9.5)
        for key, value in section.rows:
            pdf.set_text_color(75, 85, 99)
            pdf.cell(48, 5.5, text(lab(key)))
            pdf.set_text_color(17, 24, 39)
            pdf.multi_cell(0, 5.5, text(value), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)

    font(8)
    pdf.set_text_color(107, 114, 128)
    pdf.ln(2)
    pdf.multi_cell(0, 4.5, text(lab("signed_note")), new_x="LMARGIN", new_y="NEXT")
    if public:
        pdf.multi_cell(0, 4.5, text(lab("masked_note")), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 4.5, text(verify_url), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
