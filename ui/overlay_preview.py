"""A native preview of what the stream's viewers see on the OBS overlay.

QtWebEngine is not part of PySide6-Essentials, so the app cannot embed the overlay page itself.
Instead this widget folds the same inspection events the overlay server receives into the same
card (steps, phone model, battery, screen/cosmetic grades, masked IMEI verdict, overall grade,
warranty end date, QR code) and paints it at the overlay's 1920×1080 geometry, scaled down, over
a checkerboard that stands for the transparent background OBS composites onto the video.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.results_view import mask_imei
from ui.steps_view import DEFAULT_STEPS, step_title
from ui.style import grade_colour, status_colour, status_label_text

OVERLAY_W, OVERLAY_H = 1920, 1080


@dataclass
class OverlayCard:
    """What the overlay shows, folded from inspection events (pure, no Qt painting)."""

    steps: dict[str, str] = field(default_factory=lambda: {s: "pending" for s in DEFAULT_STEPS})
    model: str = ""
    battery: dict = field(default_factory=dict)
    screen: dict = field(default_factory=dict)
    cosmetic: dict = field(default_factory=dict)
    imei: dict = field(default_factory=dict)
    overall: dict = field(default_factory=dict)
    report: dict = field(default_factory=dict)
    current_step: str | None = None

    def apply(self, event) -> None:
        kind, step, data = event.kind, event.step, dict(event.data or {})
        if kind == "step_started" and step:
            self.steps[step] = "running"
            self.current_step = step
        elif kind == "step_done" and step:
            self.steps[step] = "done"
        elif kind == "step_failed" and step:
            self.steps[step] = "failed"
        elif kind == "paused" and step:
            self.steps[step] = "paused"
        elif kind == "resumed" and step:
            self.steps[step] = "running"
        elif kind == "result":
            which = data.get("kind") or step
            if which == "identify":
                brand = data.get("brand") or ""
                model = data.get("model") or ""
                self.model = f"{brand} {model}".strip()
            elif which in ("battery", "screen", "cosmetic", "imei"):
                setattr(self, which, data)
            elif which in ("verdict", "overall"):
                self.overall = data
        elif kind == "report_issued":
            self.report = data


def qr_image(payload: str, scale: int = 6) -> QImage | None:
    """The QR code for `payload` as a QImage (segno renders it; no network, no files)."""
    try:
        import segno
    except ImportError:
        return None
    import io

    buf = io.BytesIO()
    segno.make(payload, error="m").save(buf, kind="png", scale=scale, border=2)
    image = QImage()
    image.loadFromData(buf.getvalue(), "PNG")
    return image


class OverlayPreview(QWidget):
    """Paints an `OverlayCard` at overlay geometry, scaled to the widget."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.card = OverlayCard()
        self.enabled = True
        self.verify_base = ""
        self._qr: QImage | None = None
        self._qr_for = ""
        self.setMinimumSize(480, 270)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    def reset(self) -> None:
        self.card = OverlayCard()
        self.update()

    def on_event(self, event) -> None:
        self.card.apply(event)
        self.update()

    def heightForWidth(self, w: int) -> int:  # noqa: N802 - Qt API
        return int(w * OVERLAY_H / OVERLAY_W)

    def _qr_for_report(self) -> QImage | None:
        url = self.card.report.get("verify_url") or self.card.report.get("qr_url")
        if not url and self.card.report.get("report_id") and self.verify_base:
            url = f"{self.verify_base.rstrip('/')}/r/{self.card.report['report_id']}"
        if not url:
            return None
        if url != self._qr_for:
            self._qr, self._qr_for = qr_image(url), url
        return self._qr

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        scale = min(self.width() / OVERLAY_W, self.height() / OVERLAY_H)
        ox = (self.width() - OVERLAY_W * scale) / 2
        oy = (self.height() - OVERLAY_H * scale) / 2
        p.translate(ox, oy)
        p.scale(scale, scale)
        self._paint_checkerboard(p)
        if self.enabled:
            self._paint_card(p)
        else:
            p.setPen(QColor("#5f6368"))
            f = QFont(p.font())
            f.setPixelSize(48)
            p.setFont(f)
            p.drawText(QRectF(0, 0, OVERLAY_W, OVERLAY_H), Qt.AlignCenter,
                       QCoreApplication.translate("OverlayPreview", "Overlay off — viewers see only the video"))
        p.end()

    def _paint_checkerboard(self, p: QPainter) -> None:
        tile = 60
        for y in range(0, OVERLAY_H, tile):
            for x in range(0, OVERLAY_W, tile):
                dark = (x // tile + y // tile) % 2
                p.fillRect(x, y, tile, tile, QColor("#3c4043" if dark else "#4a4e52"))

    def _text(self, p: QPainter, rect: QRectF, text: str, px: int, colour: str = "white",
              bold: bool = False, align=Qt.AlignLeft | Qt.AlignVCenter) -> None:
        f = QFont(p.font())
        f.setPixelSize(px)
        f.setBold(bold)
        p.setFont(f)
        p.setPen(QColor(colour))
        p.drawText(rect, align, text)

    def _paint_card(self, p: QPainter) -> None:
        tr = QCoreApplication.translate
        card = self.card
        # The card sits on the right third of the frame so the phone on the video stays visible.
        x0, y0, w, h = 1240, 60, 620, 960
        p.setPen(Qt.NoPen)
        p.setBrush(QColor(20, 22, 26, 225))
        p.drawRoundedRect(QRectF(x0, y0, w, h), 28, 28)
        y = y0 + 30
        self._text(p, QRectF(x0 + 36, y, w - 72, 60),
                   card.model or tr("OverlayPreview", "Inspection"), 44, bold=True)
        y += 76
        for step in DEFAULT_STEPS:
            status = card.steps.get(step, "pending")
            p.setPen(Qt.NoPen)
            p.setBrush(QColor(status_colour(status)))
            p.drawEllipse(QRectF(x0 + 40, y + 9, 22, 22))
            self._text(p, QRectF(x0 + 80, y, 330, 40), step_title(step), 26)
            self._text(p, QRectF(x0 + 400, y, 180, 40), status_label_text(status), 24,
                       colour="#dadce0", align=Qt.AlignRight | Qt.AlignVCenter)
            y += 40
        y += 16
        rows = [
            (tr("OverlayPreview", "Battery"), _battery_text(card.battery), card.battery.get("grade")),
            (tr("OverlayPreview", "Screen"), card.screen.get("grade") or "—", card.screen.get("grade")),
            (tr("OverlayPreview", "Cosmetic"),
             " ".join(x for x in (card.cosmetic.get("grade"), card.cosmetic.get("label_zh")) if x) or "—",
             card.cosmetic.get("grade")),
            (tr("OverlayPreview", "IMEI"), _imei_text(card.imei), None),
        ]
        for label, value, grade in rows:
            self._text(p, QRectF(x0 + 40, y, 220, 46), label, 28, colour="#9aa0a6")
            colour = grade_colour(grade) if grade else "white"
            if label == tr("OverlayPreview", "IMEI") and card.imei:
                colour = status_colour("pass" if card.imei.get("verdict") == "pass" else "fail")
            self._text(p, QRectF(x0 + 250, y, w - 290, 46), value, 30, colour=colour, bold=True)
            y += 50
        overall = card.overall.get("grade")
        if overall:
            y += 6
            p.setPen(Qt.NoPen)
            p.setBrush(QColor(grade_colour(overall)))
            p.drawRoundedRect(QRectF(x0 + 36, y, w - 72, 84), 16, 16)
            self._text(p, QRectF(x0 + 36, y, w - 72, 84),
                       tr("OverlayPreview", "Overall {0}").format(overall), 48, bold=True,
                       align=Qt.AlignCenter)
            y += 100
        if card.report:
            end = str(card.report.get("end", ""))[:10]
            self._text(p, QRectF(x0 + 36, y, w - 240, 60),
                       tr("OverlayPreview", "180-day warranty until {0}").format(end), 26, bold=True)
            qr = self._qr_for_report()
            if qr is not None:
                p.drawImage(QRectF(x0 + w - 196, y0 + h - 196, 160, 160), qr)


def _battery_text(battery: dict) -> str:
    if not battery:
        return "—"
    permille = battery.get("health_permille")
    health = f"{permille / 10:.0f}%" if isinstance(permille, (int, float)) else ""
    return " ".join(x for x in (battery.get("grade") or "", health) if x) or "—"


def _imei_text(imei: dict) -> str:
    if not imei:
        return "—"
    imeis = imei.get("imeis") or []
    masked = mask_imei(imeis[0]) if imeis else ""
    verdict = "pass" if imei.get("verdict") == "pass" else "fail"
    return f"{status_label_text(verdict)} {masked}".strip()
