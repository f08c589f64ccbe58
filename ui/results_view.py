"""Results as they arrive: battery, IMEI, screen, cosmetic and overall, each as a card.

A card shows the grade letter on a coloured box AND its meaning in words, plus the detail the
streamer reads out (health %, cycles, IMEI verdict and masked IMEI, defect list). Screen and
cosmetic cards show defect thumbnails: the photo with each defect boxed, or, when the workflow
sent no photo, the defects marked on an outline of the panel/face to scale.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QEvent, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui.style import grade_colour, paint_badge, status_colour, status_label_text

KINDS = ("battery", "imei", "screen", "cosmetic", "overall")
FLAGGED = "FLAGGED"     # the verdict's "no sale grade": a person must look at the phone first
THUMB = 150
CARD_THUMB = 104


def card_title(kind: str) -> str:
    return {
        "battery": QCoreApplication.translate("results", "Battery"),
        "imei": QCoreApplication.translate("results", "IMEI"),
        "screen": QCoreApplication.translate("results", "Screen"),
        "cosmetic": QCoreApplication.translate("results", "Cosmetic"),
        "overall": QCoreApplication.translate("results", "Overall"),
    }.get(kind, kind)


def grade_meaning(grade: str) -> str:
    return {
        "A": QCoreApplication.translate("results", "like new"),
        "B": QCoreApplication.translate("results", "light wear"),
        "C": QCoreApplication.translate("results", "visible wear"),
        "D": QCoreApplication.translate("results", "damaged"),
        "E": QCoreApplication.translate("results", "display damaged"),
    }.get((grade or "?")[:1], QCoreApplication.translate("results", "not graded"))


def flagged_text() -> str:
    return "⚑ " + QCoreApplication.translate("results", "flagged · not for sale")


def mask_imeis_in(text: str) -> str:
    """Any IMEI-like run of 14-16 digits in free text (a reason) masked: the Inspect tab may be
    on a screen the stream can see."""
    return re.sub(r"(?<!\d)\d{14,16}(?!\d)", lambda m: mask_imei(m.group(0)), text)


def mask_imei(imei: str) -> str:
    """TAC (8 digits) and the last 3 digits; the middle hidden (what a stream may show)."""
    imei = str(imei)
    if len(imei) < 11:
        return imei
    return imei[:8] + "*" * (len(imei) - 11) + imei[-3:]


def defect_line(defect: dict) -> str:
    kind = defect.get("kind", "?")
    face = defect.get("face")
    where = f"{face} " if face else ""
    if "length_mm" in defect:
        return f"{where}{kind} {defect['length_mm']} mm"
    if "x" in defect and "y" in defect:
        return f"{where}{kind} @ {defect['x']},{defect['y']}"
    return f"{where}{kind}"


def marked_thumbnail(defects: list[dict], extent: tuple[float, float], photo: QImage | None = None,
                     size: int = THUMB) -> QPixmap:
    """The defects boxed in red on `photo` (or on a plain outline of `extent` = (w, h))."""
    ew, eh = max(extent[0], 1.0), max(extent[1], 1.0)
    scale = size / max(ew, eh)
    pix = QPixmap(int(ew * scale) + 2, int(eh * scale) + 2)
    pix.fill(QColor("#202124"))
    p = QPainter(pix)
    p.setRenderHint(QPainter.Antialiasing)
    if photo is not None and not photo.isNull():
        p.drawImage(QRectF(0, 0, ew * scale, eh * scale), photo)
    else:
        p.setPen(QPen(QColor("#9aa0a6"), 1))
        p.drawRoundedRect(QRectF(0.5, 0.5, ew * scale, eh * scale), 6, 6)
    pen = QPen(QColor("#ff1744"), 2)
    p.setPen(pen)
    for d in defects:
        x, y = float(d.get("x", 0)), float(d.get("y", 0))
        w = float(d.get("w", 0) or 0)
        h = float(d.get("h", 0) or 0)
        if not w and "length_mm" in d:
            w = h = float(d["length_mm"])
        # Small defects (a dead pixel) get a visible ring rather than a sub-pixel box.
        box = QRectF(x * scale, y * scale, max(w * scale, 8), max(h * scale, 8))
        box.moveCenter(QRectF(x * scale, y * scale, w * scale, h * scale).center())
        p.drawEllipse(box) if w * scale < 8 else p.drawRect(box)
    p.end()
    return pix


class ResultCard(QFrame):
    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setFrameShape(QFrame.StyledPanel)
        self.setStyleSheet("ResultCard { background: white; border-radius: 8px; }")
        self.title = QLabel(card_title(kind))
        self.title.setStyleSheet("font-size: 13pt; color: #5f6368;")
        self.grade = QLabel()
        self.grade.setAlignment(Qt.AlignCenter)
        self.grade.setMinimumWidth(150)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setStyleSheet("font-size: 13pt;")
        self.thumb = QLabel()
        self.thumb.setVisible(False)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.grade)
        body = QHBoxLayout()
        body.addWidget(self.detail, 1)
        body.addWidget(self.thumb)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addLayout(body)
        self._grade_value: str | None = None
        self._status: str | None = None
        self.clear()

    def clear(self) -> None:
        self._grade_value = None
        self._status = None
        paint_badge(self.grade, status_colour("pending"), status_label_text("pending"))
        self.detail.setText("—")
        self.thumb.setVisible(False)

    def set_grade(self, grade: str | None, detail: str) -> None:
        self._grade_value = grade
        self._status = None
        if grade == FLAGGED:
            paint_badge(self.grade, status_colour("failed"), flagged_text())
        elif grade:
            paint_badge(self.grade, grade_colour(grade), f"{grade} · {grade_meaning(grade)}")
        else:
            paint_badge(self.grade, status_colour("warning"),
                        f"! {QCoreApplication.translate('results', 'not graded')}")
        self.detail.setText(detail)

    def set_status(self, status: str, detail: str) -> None:
        self._status = status
        paint_badge(self.grade, status_colour(status), status_label_text(status))
        self.detail.setText(detail)

    def set_thumbnail(self, pixmap: QPixmap | None) -> None:
        self.thumb.setVisible(pixmap is not None)
        if pixmap is not None:
            # A fixed box keeps the window within a 1080p screen however big the photo is.
            self.thumb.setPixmap(pixmap.scaled(CARD_THUMB, CARD_THUMB, Qt.KeepAspectRatio,
                                               Qt.SmoothTransformation))

    def retranslate(self) -> None:
        self.title.setText(card_title(self.kind))
        if self._grade_value:
            self.set_grade(self._grade_value, self.detail.text())
        elif self._status:
            paint_badge(self.grade, status_colour(self._status), status_label_text(self._status))


class ResultsView(QWidget):
    """Five cards; `show_result(kind, data)` fills one from a workflow result."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.cards = {kind: ResultCard(kind) for kind in KINDS}
        for i, kind in enumerate(KINDS):
            grid.addWidget(self.cards[kind], i // 2, i % 2, 1, 2 if kind == "overall" else 1)

    def clear(self) -> None:
        for card in self.cards.values():
            card.clear()

    def show_result(self, kind: str, data: dict, photo: QImage | None = None,
                    extent: tuple[float, float] | None = None) -> None:
        card = self.cards.get(kind)
        if card is None:
            return
        tr = QCoreApplication.translate
        if kind == "battery":
            permille = data.get("health_permille")
            parts = []
            if permille is not None:
                parts.append(tr("results", "Health {0} %").format(f"{permille / 10:.1f}"))
            if data.get("cycle_count") is not None:
                parts.append(tr("results", "{0} cycles").format(data["cycle_count"]))
            if data.get("error") or data.get("flag"):
                parts.append(str(data.get("error") or data.get("flag")))
            card.set_grade(data.get("grade"), " · ".join(parts) or "—")
        elif kind == "imei":
            verdict = data.get("verdict", "fail")
            imeis = data.get("imeis") or []
            lines = [" / ".join(mask_imei(i) for i in imeis)] if imeis else []
            lines += [mask_imeis_in(str(r)) for r in data.get("reasons", [])]
            card.set_status("pass" if verdict == "pass" else "fail", "\n".join(lines) or "—")
        elif kind in ("screen", "cosmetic"):
            defects = data.get("defects") or []
            label = data.get("label_zh")
            head = (f"{label} · " if label else "") + tr("results", "{0} defect(s)").format(len(defects))
            lines = [head] + [defect_line(d) for d in defects[:3]]
            if len(defects) > 3:
                lines.append("…")
            card.set_grade(data.get("grade"), "\n".join(lines))
            if defects or photo is not None:
                card.set_thumbnail(marked_thumbnail(defects, extent or (1080, 2400), photo))
            else:
                card.set_thumbnail(None)
        elif kind == "overall":
            reasons = [mask_imeis_in(str(r)) for r in data.get("reasons") or []]
            card.set_grade(data.get("grade"), "\n".join(reasons) or str(data.get("rule", "")))

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.LanguageChange:
            for card in self.cards.values():
                card.retranslate()
        super().changeEvent(event)
