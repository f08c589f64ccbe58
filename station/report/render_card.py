"""The PNG share card (1080×1350): grades at a glance, masked identity, warranty, QR to verify."""

from __future__ import annotations

import threading

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from station.png import encode_png
from station.report.fonts import cjk_font
from station.report.labels import LABELS, permille_text
from station.report.qr import verify_qr

WIDTH, HEIGHT = 1080, 1350
INK, MUTED, ACCENT, PAPER, BAND = (17, 24, 39), (75, 85, 99), (6, 95, 70), (255, 255, 255), (236, 253, 245)


# Faces opened once per process: opening the 20 MB CJK collection at each of the card's sizes
# cost ~6 ms a card. A FreeType face must not be used by two threads at once, so cards are drawn
# one at a time (`_drawing`); each inspection renders one, on a fresh worker thread.
_faces: dict[tuple[str, int, int], ImageFont.FreeTypeFont] = {}
_drawing = threading.Lock()


class _Fonts:
    def __init__(self) -> None:
        found = cjk_font()
        self.cjk = found is not None
        self._found = found

    def get(self, size: int):
        if not self._found:
            return ImageFont.load_default(size=size)
        path, index = self._found
        key = (path, index, size)
        face = _faces.get(key)
        if face is None:
            face = _faces[key] = ImageFont.truetype(path, size, index=index)
        return face

    def text(self, zh_en: tuple[str, str] | str) -> str:
        """Bilingual when a CJK font exists, English only otherwise (never tofu boxes)."""
        if isinstance(zh_en, tuple):
            if zh_en[0] == zh_en[1]:
                return zh_en[1]
            return f"{zh_en[0]} {zh_en[1]}" if self.cjk else zh_en[1]
        return zh_en if self.cjk else zh_en.encode("ascii", "replace").decode("ascii")


def _qr_image(url: str, size: int) -> Image.Image:
    """The code's modules, black on white with the standard 4-module quiet zone, scaled by the
    largest whole factor that fits `size` (drawn from the matrix: segno's PNG writer and reading
    its file back cost ~5 ms a card)."""
    qr = verify_qr(url)
    modules = np.pad(np.array(qr.matrix, dtype=bool), 4)
    scale = max(1, size // modules.shape[0])
    pixels = np.where(modules, 0, 255).astype(np.uint8).repeat(scale, axis=0).repeat(scale, axis=1)
    return Image.fromarray(pixels, mode="L").convert("RGB")


def render_card(view: dict, verify_url: str) -> bytes:
    """PNG bytes of the card for `view` (pass `public_view(report)`: the card is for sharing)."""
    with _drawing:
        image = _draw_card(view, verify_url)
    # Unfiltered rows through ISA-L (station/png.py): ~10 ms where Pillow's writer took ~45 ms even
    # at level 1, for a slightly smaller file; the card is rendered at the end of every inspection.
    return encode_png(np.asarray(image), order="rgb")


def _draw_card(view: dict, verify_url: str) -> Image.Image:
    fonts = _Fonts()
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 230), fill=BAND)
    draw.text((60, 50), fonts.text(LABELS["title"]), font=fonts.get(52), fill=INK)
    phone = view["phone"]
    name = " ".join(str(p) for p in (phone.get("brand"), phone.get("model")) if p)
    draw.text((60, 130), fonts.text(name), font=fonts.get(40), fill=MUTED)

    grade = view["overall"].get("grade") or "?"
    draw.ellipse((820, 40, 1020, 240), fill=ACCENT)
    big = fonts.get(130)
    box = draw.textbbox((0, 0), grade, font=big)
    draw.text((920 - (box[2] + box[0]) / 2, 140 - (box[3] + box[1]) / 2), grade, font=big, fill=PAPER)
    caption, caption_font = fonts.text(LABELS["overall"]), fonts.get(26)
    width = draw.textlength(caption, font=caption_font)
    draw.text((min(920 - width / 2, WIDTH - 20 - width), 250), caption, font=caption_font, fill=MUTED)

    battery, imei = view["battery"], view["imei"]
    verdict = imei.get("verdict")
    rows = [
        (LABELS["battery"], f"{battery.get('grade') or '?'} · {permille_text(battery.get('health_permille'))}"
                            f" · {battery.get('cycle_count') if battery.get('cycle_count') is not None else '?'}"
                            f" {fonts.text(LABELS['cycles'])}"),
        (LABELS["screen"], f"{view['screen'].get('grade') or '?'} · {len(view['screen'].get('defects') or [])}"
                           f" {fonts.text(LABELS['defects'])}"),
        (LABELS["cosmetic"], f"{view['cosmetic'].get('grade') or '?'}"
                             + (f" · {view['cosmetic']['label_zh']}" if view["cosmetic"].get("label_zh") else "")),
        (LABELS["imei_check"], fonts.text(LABELS[verdict]) if verdict in ("pass", "fail") else "?"),
        (LABELS["imeis"], " / ".join(phone.get("imeis") or [])),
        (LABELS["serial"], phone.get("serial") or "?"),
        (LABELS["warranty"], f"{view['warranty']['start']} → {view['warranty']['end']}"),
    ]
    label_font, value_font = fonts.get(30), fonts.get(36)
    y = 320
    for label_pair, value in rows:
        draw.text((60, y), fonts.text(label_pair), font=label_font, fill=MUTED)
        draw.text((60, y + 40), fonts.text(value), font=value_font, fill=INK)
        y += 96
        draw.line((60, y - 12, 1020, y - 12), fill=(229, 231, 235), width=2)

    qr = _qr_image(verify_url, 300).resize((300, 300), Image.NEAREST)
    image.paste(qr, (40, HEIGHT - 330))
    draw.text((380, HEIGHT - 290), fonts.text(LABELS["verify"]), font=fonts.get(34), fill=INK)
    draw.text((380, HEIGHT - 230), view["report_id"], font=fonts.get(32), fill=INK)
    draw.text((380, HEIGHT - 180), verify_url, font=fonts.get(22), fill=MUTED)
    draw.text((380, HEIGHT - 130), fonts.text(LABELS["masked_note"][0]), font=fonts.get(22), fill=MUTED)
    draw.text((380, HEIGHT - 96), LABELS["masked_note"][1], font=fonts.get(22), fill=MUTED)
    return image
