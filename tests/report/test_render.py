"""Renderings: HTML page, PDF and PNG card each carry a QR that decodes to the verify URL;
the public copies show no full IMEI, no full serial, no buyer data."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess

import pytest
import zxingcpp
from PIL import Image

from station.report import public_view, verify_url
from station.report.render import render_all
from station.report.render_card import render_card
from station.report.render_html import render_html
from station.report.render_pdf import render_pdf

BASE = "https://verify.example.test"


def _qr_texts(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image.convert("L")) if r.format == zxingcpp.BarcodeFormat.QRCode]


def _assert_public(text: str, report: dict) -> None:
    for imei in report["phone"]["imeis"]:
        assert imei not in text
        assert f"{imei[:8]}****{imei[-3:]}" in text
    assert report["phone"]["serial"] not in text


def test_html_is_self_contained_with_a_decodable_qr(report):
    url = verify_url(report["report_id"], BASE)
    page = render_html(public_view(report), url)
    assert not re.search(r"""(src|href)=["']https?://(?!verify\.example\.test)""", page)
    assert "<script" not in page
    _assert_public(page, report)
    data = re.search(r'src="data:image/png;base64,([^"]+)"', page).group(1)
    assert _qr_texts(Image.open(io.BytesIO(base64.b64decode(data)))) == [url]
    assert "验机报告" in page and "Condition report" in page


def test_card_png_qr_decodes_to_the_verify_url(report):
    url = verify_url(report["report_id"], BASE)
    card = Image.open(io.BytesIO(render_card(public_view(report), url)))
    assert card.size == (1080, 1350)
    assert _qr_texts(card) == [url]


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("pdftotext")), reason="poppler-utils missing")
def test_pdf_page_rasterised_by_poppler_has_the_qr_and_masked_text(report, tmp_path):
    url = verify_url(report["report_id"], BASE)
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(render_pdf(public_view(report), url))
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True)
    page = Image.open(next(tmp_path.glob("page*.png")))
    assert _qr_texts(page) == [url]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    _assert_public(text, report)
    assert report["report_id"] in text and "Condition report" in text


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
def test_pdf_draws_every_chinese_character_from_a_cached_font_subset(report, tmp_path):
    from station.home import subdir
    from station.report.fonts import cjk_font
    from station.report.labels import label, sections

    if cjk_font() is None:
        pytest.skip("no CJK font on this machine (fonts-noto-cjk)")
    view = public_view(report)
    view["phone"]["model"] = "红米 Note 12 尊享版"     # characters no label has: the subset must hold them
    url = verify_url(report["report_id"], BASE)
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(render_pdf(view, url))
    fonts = subdir("cache") / "fonts"
    subsets = sorted(fonts.glob("cjk-*.ttf"))
    assert len(subsets) == 1 and subsets[0].stat().st_size < 2_000_000   # a cut, not the 20 MB collection
    render_pdf(view, url)
    assert sorted(fonts.glob("cjk-*.ttf")) == subsets                    # the next report reuses it
    _assert_same_outlines(subsets[0], *cjk_font(), "验尊享")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    squeezed = re.sub(r"\s+", "", text)
    for words in [label("title", "zh"), "红米", "尊享版"] + [label(s.key, "zh") for s in sections(view)]:
        assert re.sub(r"\s+", "", words) in squeezed, words


def _assert_same_outlines(cut_path, source_path, index, chars):
    """The cut carries quadratic (glyf) outlines, each glyph within a font unit or two of the
    source's cubic one (compared by its control box and its first on-curve point)."""
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.ttLib import TTFont

    cut, source = TTFont(cut_path), TTFont(source_path, fontNumber=index, lazy=True)
    assert "glyf" in cut and "CFF " not in cut
    for char in chars:
        drawn = {}
        for name, font in (("cut", cut), ("source", source)):
            glyph = font.getGlyphSet()[font.getBestCmap()[ord(char)]]
            bounds, recording = BoundsPen(None), RecordingPen()
            glyph.draw(bounds)
            glyph.draw(recording)
            drawn[name] = (bounds.bounds, sum(op == "closePath" for op, _ in recording.value))
        (cut_box, cut_contours), (src_box, src_contours) = drawn["cut"], drawn["source"]
        assert cut_contours == src_contours, char
        assert max(abs(a - b) for a, b in zip(cut_box, src_box)) <= 2, (char, cut_box, src_box)


def test_render_all_writes_public_copies_and_staff_copy_on_request(report, tmp_path):
    url = verify_url(report["report_id"], BASE)
    public = render_all(report, tmp_path, verify_url=url)
    assert sorted(public) == ["html", "pdf", "png"] and all(p.stat().st_size > 1000 for p in public.values())
    staff = render_all(report, tmp_path, verify_url=url, public=False, formats=("html",))
    assert staff["html"].name.endswith(".staff.html")
    assert report["phone"]["imeis"][0] in staff["html"].read_text(encoding="utf-8")
    _assert_public(public["html"].read_text(encoding="utf-8"), report)


def test_english_only_fallback_without_a_cjk_font(report, monkeypatch):
    import station.report.render_card as card_module
    import station.report.render_pdf as pdf_module

    monkeypatch.setattr(card_module, "cjk_font", lambda: None)
    monkeypatch.setattr(pdf_module, "font_subset", lambda chars: None)
    url = verify_url(report["report_id"], BASE)
    assert _qr_texts(Image.open(io.BytesIO(render_card(public_view(report), url)))) == [url]
    assert render_pdf(public_view(report), url).startswith(b"%PDF")


def test_verify_url_base_is_configurable(monkeypatch):
    assert verify_url("R1") == "http://127.0.0.1:8765/r/R1"
    monkeypatch.setenv("STATION_VERIFY_BASE_URL", "https://shop.example/")
    assert verify_url("R1") == "https://shop.example/r/R1"


def test_a_reports_copies_encode_its_qr_code_once(report, tmp_path, monkeypatch):
    import segno

    import station.report.qr as qr_module

    made = []
    real_make = segno.make
    monkeypatch.setattr(qr_module.segno, "make", lambda *a, **k: made.append(a[0]) or real_make(*a, **k))
    qr_module.verify_qr.cache_clear()
    url = verify_url(report["report_id"], BASE)
    written = render_all(report, tmp_path, verify_url=url)
    assert made == [url]
    assert _qr_texts(Image.open(written["png"])) == [url]      # the shared code is the right one
    other = verify_url("R-other", BASE)
    assert qr_module.verify_qr(other) is not qr_module.verify_qr(url) and made == [url, other]


@pytest.mark.parametrize("url", ["http://127.0.0.1:8765/r/R20261125-Y7D55D56M6", "https://shop.example/r/R1",
                                 "https://verify.example.test/r/" + "R" * 90])
def test_card_qr_drawn_from_the_matrix_matches_segnos_own_rendering(url):
    from station.report.qr import verify_qr
    from station.report.render_card import _qr_image

    qr = verify_qr(url)
    scale = max(1, 300 // qr.symbol_size(border=4)[0])
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=scale, border=4)
    buffer.seek(0)
    expected = Image.open(buffer).convert("RGB")
    drawn = _qr_image(url, 300)
    assert drawn.size == expected.size and drawn.tobytes() == expected.tobytes()


def test_card_fonts_are_opened_once_per_size_whichever_thread_draws(report, monkeypatch):
    import threading

    import station.report.render_card as card_module
    from station.report.fonts import cjk_font

    if cjk_font() is None:
        pytest.skip("no CJK font on this machine (fonts-noto-cjk)")
    monkeypatch.setattr(card_module, "_faces", {})
    opened = []
    real_truetype = card_module.ImageFont.truetype
    monkeypatch.setattr(card_module.ImageFont, "truetype", lambda *a, **k: opened.append(a[1]) or real_truetype(*a, **k))
    url = verify_url(report["report_id"], BASE)
    cards = []
    workers = [threading.Thread(target=lambda: cards.append(render_card(public_view(report), url))) for _ in range(3)]
    for worker in workers:          # each inspection draws its card on a fresh worker thread
        worker.start()
    for worker in workers:
        worker.join()
    assert len(cards) == 3 and cards[0] == cards[1] == cards[2]
    assert opened and len(opened) == len(set(opened))        # each size opened once, not per card