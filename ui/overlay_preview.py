"""A native preview of what the stream's viewers see on the OBS overlay.

QtWebEngine is not part of PySide6-Essentials, so the app cannot embed the overlay page. Instead
this widget folds the same inspection events with the overlay's own reducer
(`station.overlay.state.apply_event`, the exact snapshot the page renders), uses the overlay's own
words (`station.overlay.i18n.STRINGS`) and paints the card with the page's geometry and colours
(560 px wide, 40 px from the top-right of a 1920×1080 frame), scaled down, over a checkerboard
that stands for the transparent background OBS composites onto the video.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

OVERLAY_W, OVERLAY_H = 1920, 1080
CARD_X, CARD_Y, CARD_W = OVERLAY_W - 40 - 560, 40, 560
# The page's CSS grade colours (.gA .. .gFLAGGED).
PAGE_GRADE = {"A": "#2a9d8f", "B": "#5aa9e6", "C": "#e9c46a", "D": "#e76f51", "E": "#e76f51",
              "FLAGGED": "#d62828"}
STEP_KEYS = {"imei": "step_imei", "battery": "step_battery", "screen": "step_screen",
             "cosmetic": "step_cosmetic", "warranty": "step_warranty"}
MARKS = {"done": "✓", "running": "●", "failed": "✗", "skipped": "–"}


def empty_snapshot() -> dict:
    from station.overlay.state import empty_snapshot as station_empty

    return station_empty()


def fold(snapshot: dict, event) -> dict:
    from station.overlay.state import apply_event

    return apply_event(snapshot, event.to_dict() if hasattr(event, "to_dict") else event)


def qr_image(payload: str, scale: int = 6) -> QImage | None:
    """The QR code for `payload` as a QImage (segno renders it; no network, no files)."""
    import io

    import segno

    buf = io.BytesIO()
    segno.make(payload, error="m").save(buf, kind="png", scale=scale, border=2)
    image = QImage()
    image.loadFromData(buf.getvalue(), "PNG")
    return image


class OverlayPreview(QWidget):
    """Paints the overlay snapshot at overlay geometry, scaled to the widget."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.snapshot = empty_snapshot()
        self.enabled = True
        self.verify_base = ""
        self.lang = "zh"
        self._qr: QImage | None = None
        self._qr_for = ""
        self.thumb: QImage | None = None      # the page's /overlay/thumb.png, cut by the same code
        self.setMinimumSize(480, 270)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    def on_event(self, event) -> None:
        self.snapshot = fold(self.snapshot, event)
        if event.kind == "step_started" and event.step == "connect_rig":
            self.thumb = None
        self.update()

    def set_thumb(self, image: QImage | None) -> None:
        self.thumb = image if image is not None and not image.isNull() else None
        self.update()

    def strings(self) -> dict:
        from station.overlay.i18n import STRINGS

        return STRINGS[self.lang]

    def _qr_for_report(self) -> QImage | None:
        report_id = self.snapshot.get("report_id")
        if not report_id:
            return None
        from station.report import verify_url

        url = verify_url(report_id, self.verify_base or None)
        if url != self._qr_for:
            self._qr, self._qr_for = qr_image(url), url
        return self._qr

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        p.setRenderHint(QPainter.SmoothPixmapTransform)
        scale = min(self.width() / OVERLAY_W, self.height() / OVERLAY_H)
        p.translate((self.width() - OVERLAY_W * scale) / 2, (self.height() - OVERLAY_H * scale) / 2)
        p.scale(scale, scale)
        self._paint_checkerboard(p)
        if self.enabled:
            self._paint_card(p)
        else:
            self._text(p, QRectF(0, 0, OVERLAY_W, OVERLAY_H), QCoreApplication.translate(
                "OverlayPreview", "Overlay off — viewers see only the video"), 48, "#e8eaed",
                align=Qt.AlignCenter)
        p.end()

    def _paint_checkerboard(self, p: QPainter) -> None:
        tile = 60
        for y in range(0, OVERLAY_H, tile):
            for x in range(0, OVERLAY_W, tile):
                p.fillRect(x, y, tile, tile, QColor("#3c4043" if (x // tile + y // tile) % 2 else "#4a4e52"))

    def _text(self, p: QPainter, rect: QRectF, text: str, px: int, colour: str = "#ffffff",
              bold: bool = False, align=Qt.AlignLeft | Qt.AlignVCenter, opacity: float = 1.0) -> None:
        f = QFont(p.font())
        f.setPixelSize(px)
        f.setBold(bold)
        p.setFont(f)
        c = QColor(colour)
        c.setAlphaF(opacity)
        p.setPen(c)
        p.drawText(rect, align, text)

    def _grade_chip(self, p: QPainter, right: float, y: float, grade: str | None, label: str | None = None) -> float:
        """A page-style grade chip ending at `right`; returns its left edge."""
        if not grade:
            self._text(p, QRectF(right - 60, y, 60, 36), "—", 22, bold=True, align=Qt.AlignRight | Qt.AlignVCenter)
            return right - 60
        text = label or grade
        width = max(40, 16 + 14 * len(text))
        rect = QRectF(right - width, y + 2, width, 32)
        p.setPen(Qt.NoPen)
        p.setBrush(QColor(PAGE_GRADE.get(grade, "#5f6368")))
        p.drawRoundedRect(rect, 8, 8)
        self._text(p, rect, text, 22, "#222222" if grade == "C" else "#ffffff", bold=True, align=Qt.AlignCenter)
        return rect.left()

    def _paint_card(self, p: QPainter) -> None:
        s, T = self.snapshot, self.strings()
        x, y, w = CARD_X + 28, CARD_Y + 24, CARD_W - 56
        # Height first, to draw the background behind everything.
        rows_h = 4 * 40
        kinds = {}
        for part in ("screen", "cosmetic"):
            kinds.update((s.get(part) or {}).get("defect_kinds") or {})
        thumb_h = 152 if (kinds and self.thumb is not None) else (30 if kinds else 0)
        height = 24 + 40 + 32 + 14 + 5 * 30 + 14 + rows_h + 12 + thumb_h + 16 + 40 + 170 + 24
        p.setPen(Qt.NoPen)
        p.setBrush(QColor(16, 20, 28, int(0.82 * 255)))
        p.drawRoundedRect(QRectF(CARD_X, CARD_Y, CARD_W, height), 20, 20)
        title = f"{T['title']} · {T['paused']}" if s.get("state") == "paused" else T["title"]
        self._text(p, QRectF(x, y, w, 40), title, 30, bold=True)
        y += 40
        phone = s.get("phone")
        model = f"{phone.get('brand') or ''} {phone.get('model') or ''}".strip() if phone else T["waiting"]
        self._text(p, QRectF(x, y, w, 32), model, 24, "#9fd3ff")
        y += 32 + 14
        col_w = (w - 16) / 2
        for i, (name, st) in enumerate(s["steps"].items()):
            cx = x + (i % 2) * (col_w + 16)
            cy = y + (i // 2) * 30
            status = st.get("status", "pending")
            colour = {"running": "#ffd166", "failed": "#ff6b6b"}.get(status, "#ffffff")
            opacity = 1.0 if status in ("running", "done", "failed") else 0.55
            self._text(p, QRectF(cx, cy, 26, 28), MARKS.get(status, "○"), 19, colour, opacity=opacity)
            self._text(p, QRectF(cx + 26, cy, col_w - 26, 28), T.get(STEP_KEYS.get(name, name), name), 19,
                       colour, opacity=opacity)
            if status == "running":
                p.fillRect(QRectF(cx, cy + 27, col_w, 4), QColor(255, 255, 255, 38))
                p.fillRect(QRectF(cx, cy + 27, col_w * float(st.get("fraction") or 0), 4), QColor("#ffd166"))
        y += 5 * 30 + 14
        rows = [("battery", s.get("battery")), ("screen", s.get("screen")), ("cosmetic", s.get("cosmetic")),
                ("imei", s.get("imei"))]
        for key, part in rows:
            p.fillRect(QRectF(x, y, w, 1), QColor(255, 255, 255, 31))
            self._text(p, QRectF(x, y, w / 2, 40), T[key], 22)
            right = x + w
            if not part:
                self._text(p, QRectF(x, y, w, 40), "—", 22, bold=True, align=Qt.AlignRight | Qt.AlignVCenter)
            elif key == "battery":
                left = self._grade_chip(p, right, y + 2, part.get("grade"))
                if part.get("health_permille") is not None:
                    self._text(p, QRectF(x, y, left - x - 8, 40), f"{part['health_permille'] / 10:.1f}%", 22,
                               bold=True, align=Qt.AlignRight | Qt.AlignVCenter)
            elif key == "imei":
                ok = part.get("verdict") == "pass"
                left = self._grade_chip(p, right, y + 2, "A" if ok else "FLAGGED",
                                        f"{T['imei_pass']} ✓" if ok else f"{T['imei_fail']} ✗")
                self._text(p, QRectF(x + 120, y, left - x - 128, 40), " ".join(part.get("imeis") or []), 18,
                           align=Qt.AlignRight | Qt.AlignVCenter, opacity=0.8)
            else:
                grade = part.get("grade")
                left = self._grade_chip(p, right, y + 2, grade, T["flagged"] if grade == "FLAGGED" else None)
                n = part.get("defect_count") or 0
                note = f"{n} {T['defects']}" if n else T["no_defects"]
                if self.lang == "zh" and part.get("label_zh"):
                    note += f" {part['label_zh']}"
                self._text(p, QRectF(x + 100, y, left - x - 108, 40), note, 18,
                           align=Qt.AlignRight | Qt.AlignVCenter, opacity=0.8)
            y += 40
        y += 12
        if kinds:
            note = " · ".join(f"{k} ×{n}" for k, n in kinds.items())
            if self.thumb is not None:
                box = QRectF(x, y, 140, 140)
                p.drawImage(box, self.thumb)
                p.setPen(QColor(255, 255, 255, 102))
                p.setBrush(Qt.NoBrush)
                p.drawRoundedRect(box, 10, 10)
                self._text(p, QRectF(x + 156, y, w - 156, 140), note, 18, opacity=0.85)
            else:
                self._text(p, QRectF(x, y, w, 28), note, 18, opacity=0.85)
            y += thumb_h
        y += 16
        prompt = s.get("prompt")
        paused = s.get("paused")
        text = f"⏸ {paused.get('message')}" if paused else (
            f"▶ {prompt.get('zh') if self.lang == 'zh' else prompt.get('en')}" if prompt else "")
        self._text(p, QRectF(x, y, w, 36), text, 22, "#ffd166")
        y += 40
        p.fillRect(QRectF(x, y, w, 1), QColor(255, 255, 255, 64))
        y += 14
        self._text(p, QRectF(x, y, w, 24), T["overall"], 18, opacity=0.8)
        overall = (s.get("overall") or {}).get("grade")
        if overall == "FLAGGED":
            self._text(p, QRectF(x, y + 24, w - 170, 80), T["flagged"], 30, "#ff6b6b", bold=True)
        else:
            self._text(p, QRectF(x, y + 24, 200, 80), overall or "—", 76, bold=True)
        warranty = s.get("warranty") or {}
        if warranty.get("end"):
            self._text(p, QRectF(x, y + 108, w - 170, 30), T["warranty"].replace("{date}", str(warranty["end"])),
                       22, "#b8f2c8")
        qr = self._qr_for_report()
        if qr is not None:
            box = QRectF(x + w - 150, y, 150, 150)
            p.setPen(Qt.NoPen)
            p.setBrush(QColor("white"))
            p.drawRoundedRect(box, 8, 8)
            p.drawImage(box.adjusted(6, 6, -6, -6), qr)
            self._text(p, QRectF(box.left() - 20, box.bottom() + 2, 190, 22), T["scan"], 15,
                       align=Qt.AlignCenter, opacity=0.8)
