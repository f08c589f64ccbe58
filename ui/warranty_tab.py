"""Warranty desk (after-sales): find a warranty, read its verified report, record claims, and
verify a report file or a scanned QR payload. Every lookup and write runs in the thread pool
through `WarrantyDesk` (ui/warranty_adapter.py), so the clerk's window never freezes.
"""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QComboBox, QFileDialog, QGridLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QPushButton, QSplitter,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ui.results_view import mask_imei
from ui.style import grade_colour, paint_badge, status_colour, status_label_text
from ui.tasks import error_text, run_task

SEARCH_KINDS = ("auto", "imei", "serial", "report", "order")
RESOLUTIONS = ("repaired", "replaced", "refunded", "rejected")


def days_left(end: str | None, today: date | None = None) -> int | None:
    """Whole days from today until the warranty's end date (negative once expired)."""
    if not end:
        return None
    try:
        end_day = date.fromisoformat(str(end)[:10])
    except ValueError:
        return None
    return (end_day - (today or date.today())).days


def guess_kind(text: str) -> str:
    """What a clerk most likely typed: 14-16 digits = IMEI, R/W<date>-… = report/warranty id,
    an order-looking id, else a serial number."""
    t = text.strip()
    if t.isdigit() and len(t) in (14, 15, 16):
        return "imei"
    if re.fullmatch(r"R\d{8}-[0-9A-Z]{6,}", t):
        return "report"
    if re.fullmatch(r"W\d{8}-[0-9A-Z]{6,}", t):
        return "warranty"
    if t.lower().startswith(("ord", "order", "o-", "#")):
        return "order"
    return "serial"


class WarrantyTab(QWidget):
    def __init__(self, desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.warranties: list[dict] = []
        self.current: dict | None = None

        self.kind = QComboBox()
        self.query = QLineEdit()
        self.query.setMinimumWidth(320)
        self.query.setStyleSheet("font-size: 15pt;")
        self.search_button = QPushButton()
        self.search_status = QLabel()
        self.list = QListWidget()
        self.list.setMinimumWidth(280)

        self.status = QLabel()
        self.status.setMaximumWidth(260)
        self.days = QLabel()
        self.days.setStyleSheet("font-size: 28pt; font-weight: 700;")
        self.period = QLabel()
        self.report_badge = QLabel()
        self.report_badge.setMaximumWidth(360)
        self.report_text = QLabel()
        self.report_text.setWordWrap(True)
        self.report_text.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.photos = QHBoxLayout()
        self.claims = QTableWidget(0, 5)
        self.claim_reason = QLineEdit()
        self.open_claim_button = QPushButton()
        self.resolution = QComboBox()
        self.resolve_button = QPushButton()
        self.action_message = QLabel()
        self.action_message.setWordWrap(True)

        self.verify_file_button = QPushButton()
        self.qr_payload = QLineEdit()
        self.verify_qr_button = QPushButton()
        self.verify_result = QLabel()
        self.verify_result.setWordWrap(True)

        search = QHBoxLayout()
        search.addWidget(self.kind)
        search.addWidget(self.query, 1)
        search.addWidget(self.search_button)
        search.addWidget(self.search_status)

        self.warranty_box = QGroupBox()
        wl = QGridLayout(self.warranty_box)
        wl.addWidget(self.status, 0, 0)
        wl.addWidget(self.days, 0, 1)
        wl.addWidget(self.period, 1, 0, 1, 2)
        self.report_box = QGroupBox()
        rl = QVBoxLayout(self.report_box)
        rl.addWidget(self.report_badge)
        rl.addWidget(self.report_text)
        rl.addLayout(self.photos)
        self.claims_box = QGroupBox()
        cl = QVBoxLayout(self.claims_box)
        cl.addWidget(self.claims)
        open_row = QHBoxLayout()
        open_row.addWidget(self.claim_reason, 1)
        open_row.addWidget(self.open_claim_button)
        cl.addLayout(open_row)
        resolve_row = QHBoxLayout()
        resolve_row.addWidget(self.resolution, 1)
        resolve_row.addWidget(self.resolve_button)
        cl.addLayout(resolve_row)
        cl.addWidget(self.action_message)
        self.verify_box = QGroupBox()
        vl = QHBoxLayout(self.verify_box)
        vl.addWidget(self.verify_file_button)
        vl.addWidget(self.qr_payload, 1)
        vl.addWidget(self.verify_qr_button)
        verify_outer = QVBoxLayout()
        verify_outer.addWidget(self.verify_box)
        verify_outer.addWidget(self.verify_result)

        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.addWidget(self.warranty_box)
        dl.addWidget(self.report_box)
        dl.addWidget(self.claims_box, 1)
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(detail)
        split.setStretchFactor(1, 3)
        lay = QVBoxLayout(self)
        lay.addLayout(search)
        lay.addWidget(split, 1)
        lay.addLayout(verify_outer)

        self.search_button.clicked.connect(self.search)
        self.query.returnPressed.connect(self.search)
        self.list.currentRowChanged.connect(self._select)
        self.open_claim_button.clicked.connect(self.open_claim)
        self.resolve_button.clicked.connect(self.resolve_claim)
        self.verify_file_button.clicked.connect(lambda: self.verify_file())
        self.verify_qr_button.clicked.connect(self.verify_payload)
        self.qr_payload.returnPressed.connect(self.verify_payload)
        self.retranslate()
        self._show(None)

    # -- search --------------------------------------------------------------------------
    def search(self) -> None:
        text = self.query.text().strip()
        if not text:
            self.search_status.setText(QCoreApplication.translate(
                "WarrantyTab", "Type an IMEI, serial, report id or order id"))
            return
        kind = str(self.kind.currentData())
        if kind == "auto":
            kind = guess_kind(text)
        self.search_status.setText(QCoreApplication.translate("WarrantyTab", "Searching…"))
        run_task(lambda: self.desk.lookup(kind, text), self._found,
                 lambda exc: self.search_status.setText(error_text(exc)), owner=self)

    def _found(self, warranties: list[dict]) -> None:
        self.warranties = list(warranties)
        self.list.clear()
        for w in self.warranties:
            self.list.addItem(QListWidgetItem(_list_text(w)))
        self.search_status.setText(QCoreApplication.translate("WarrantyTab", "{0} found").format(
            len(self.warranties)))
        if self.warranties:
            self.list.setCurrentRow(0)
        else:
            self._show(None)

    def _select(self, row: int) -> None:
        self._show(self.warranties[row] if 0 <= row < len(self.warranties) else None)

    def refresh_current(self) -> None:
        if self.current is None:
            return
        wid = self.current.get("warranty_id")
        run_task(lambda: self.desk.lookup("warranty", wid), self._refreshed,
                 lambda exc: self.action_message.setText(error_text(exc)), owner=self)

    def _refreshed(self, warranties: list[dict]) -> None:
        if not warranties:
            return
        fresh = warranties[0]
        for i, w in enumerate(self.warranties):
            if w.get("warranty_id") == fresh.get("warranty_id"):
                self.warranties[i] = fresh
                if self.list.item(i) is not None:
                    self.list.item(i).setText(_list_text(fresh))
        self._show(fresh)

    # -- show ------------------------------------------------------------------------------
    def _show(self, w: dict | None) -> None:
        tr = QCoreApplication.translate
        self.current = w
        has = w is not None
        for widget in (self.open_claim_button, self.claim_reason):
            widget.setEnabled(has)
        if not has:
            self.status.setText("")
            self.status.setStyleSheet("")
            self.days.setText("")
            self.period.setText(QCoreApplication.translate(
                "WarrantyTab", "Search by IMEI, serial, report id or order id, or scan the report's QR code below."))
            self.report_badge.setText("")
            self.report_badge.setStyleSheet("")
            self.report_text.setText("")
            self.claims.setRowCount(0)
            self.resolve_button.setEnabled(False)
            self._set_photos([])
            return
        status = w.get("status", "active")
        paint_badge(self.status, status_colour(status), status_label_text(status))
        left = w.get("days_left", days_left(w.get("end")))
        self.days.setText(tr("WarrantyTab", "{0} days left").format(max(left, 0)) if left is not None else "")
        self.days.setStyleSheet("font-size: 28pt; font-weight: 700; color: %s;"
                                % status_colour("active" if (left or 0) > 0 else "expired"))
        self.period.setText(tr("WarrantyTab", "Warranty {0}: {1} → {2}").format(
            w.get("warranty_id", "?"), w.get("start", "?"), w.get("end", "?")))
        report = w.get("report") or {}
        verified = report.get("verified")
        state = "valid" if verified else "invalid"
        paint_badge(self.report_badge, status_colour(state),
                    status_label_text(state) + " · " + tr("WarrantyTab", "signature"))
        grades = report.get("grades") or {}
        lines = [tr("WarrantyTab", "Report {0}").format(w.get("report_id", "?")),
                 f"{report.get('brand', '')} {report.get('model', w.get('model', ''))}".strip(),
                 "IMEI " + ", ".join(mask_imei(i) for i in report.get("imeis", w.get("imeis", [])))]
        if grades:
            names = {"overall": tr("results", "Overall"), "battery": tr("results", "Battery"),
                     "screen": tr("results", "Screen"), "cosmetic": tr("results", "Cosmetic")}
            lines.append("   ".join(f"{names.get(k, k)} {v}" for k, v in grades.items() if v))
        if report.get("reason"):
            lines.append(str(report["reason"]))
        self.report_text.setText("\n".join(x for x in lines if x))
        self._set_photos(report.get("photos") or [])
        claims = w.get("claims") or []
        self.claims.setRowCount(len(claims))
        for r, c in enumerate(claims):
            values = [c.get("claim_id", ""), str(c.get("opened_at", ""))[:16], c.get("reason", ""),
                      status_label_text(c.get("status", "open")), c.get("resolution") or ""]
            for col, v in enumerate(values):
                item = QTableWidgetItem(str(v))
                if col == 3:
                    item.setForeground(Qt.white)
                    item.setBackground(_qcolor(status_colour(c.get("status", "open"))))
                self.claims.setItem(r, col, item)
        self.claims.resizeColumnsToContents()
        open_claims = [c for c in claims if c.get("status") == "open"]
        self.resolve_button.setEnabled(bool(open_claims))
        if open_claims:
            self.claims.selectRow(claims.index(open_claims[0]))

    def _set_photos(self, photos: list) -> None:
        while self.photos.count():
            item = self.photos.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for path in photos[:6]:
            pix = QPixmap(str(path))
            if pix.isNull():
                continue
            label = QLabel()
            label.setPixmap(pix.scaled(120, 120, Qt.KeepAspectRatio, Qt.SmoothTransformation))
            label.setToolTip(str(path))
            self.photos.addWidget(label)
        self.photos.addStretch(1)

    # -- claims ----------------------------------------------------------------------------
    def open_claim(self) -> None:
        if self.current is None:
            return
        reason = self.claim_reason.text().strip()
        if not reason:
            self.action_message.setText(QCoreApplication.translate(
                "WarrantyTab", "Write what the customer reports, then open the claim"))
            return
        wid = self.current["warranty_id"]
        run_task(lambda: self.desk.open_claim(wid, reason), self._claim_done,
                 lambda exc: self.action_message.setText(error_text(exc)), owner=self)

    def resolve_claim(self) -> None:
        if self.current is None:
            return
        open_claims = [c for c in self.current.get("claims") or [] if c.get("status") == "open"]
        row = self.claims.currentRow()
        claims = self.current.get("claims") or []
        claim = claims[row] if 0 <= row < len(claims) and claims[row].get("status") == "open" else (
            open_claims[0] if open_claims else None)
        if claim is None:
            return
        resolution = str(self.resolution.currentData())
        cid = claim["claim_id"]
        run_task(lambda: self.desk.resolve_claim(cid, resolution), self._claim_done,
                 lambda exc: self.action_message.setText(error_text(exc)), owner=self)

    def _claim_done(self, claim: dict) -> None:
        self.claim_reason.clear()
        self.action_message.setText(QCoreApplication.translate("WarrantyTab", "Claim {0}: {1}").format(
            claim.get("claim_id", "?"), status_label_text(claim.get("status", "open"))))
        self.refresh_current()

    # -- verification ------------------------------------------------------------------------
    def verify_file(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, self.verify_file_button.text(), "",
                                                  "Reports (*.jws *.json *.txt);;All files (*)")
        if not path:
            return
        run_task(lambda: self.desk.verify_file(path), self._verified, self._verify_failed, owner=self)

    def verify_payload(self) -> None:
        payload = self.qr_payload.text().strip()
        if not payload:
            return
        run_task(lambda: self.desk.verify_payload(payload), self._verified, self._verify_failed, owner=self)

    def _verified(self, result: dict) -> None:
        tr = QCoreApplication.translate
        text = tr("WarrantyTab", "Valid signature — report {0}, {1}, overall {2}").format(
            result.get("report_id", "?"), result.get("model", ""), result.get("overall", "?"))
        paint_badge(self.verify_result, status_colour("valid"), f"{status_label_text('valid')}  {text}")
        if result.get("report_id"):
            self.query.setText(result["report_id"])
            self.kind.setCurrentIndex(self.kind.findData("report"))
            self.search()

    def _verify_failed(self, exc: BaseException) -> None:
        paint_badge(self.verify_result, status_colour("invalid"),
                    f"{status_label_text('invalid')}  {error_text(exc)}")

    def retranslate(self) -> None:
        tr = QCoreApplication.translate
        labels = {"auto": tr("WarrantyTab", "Any"), "imei": "IMEI", "serial": tr("WarrantyTab", "Serial"),
                  "report": tr("WarrantyTab", "Report id"), "order": tr("WarrantyTab", "Order id")}
        current = self.kind.currentData()
        self.kind.clear()
        for k in SEARCH_KINDS:
            self.kind.addItem(labels[k], k)
        self.kind.setCurrentIndex(max(0, self.kind.findData(current)))
        self.query.setPlaceholderText(tr("WarrantyTab", "IMEI, serial, report id or order id"))
        self.search_button.setText(tr("WarrantyTab", "Search"))
        self.warranty_box.setTitle(tr("WarrantyTab", "Warranty"))
        self.report_box.setTitle(tr("WarrantyTab", "Report"))
        self.claims_box.setTitle(tr("WarrantyTab", "Claims"))
        self.verify_box.setTitle(tr("WarrantyTab", "Verify a report"))
        self.claims.setHorizontalHeaderLabels([tr("WarrantyTab", "Claim"), tr("WarrantyTab", "Opened"),
                                               tr("WarrantyTab", "Reason"), tr("WarrantyTab", "Status"),
                                               tr("WarrantyTab", "Resolution")])
        self.claim_reason.setPlaceholderText(tr("WarrantyTab", "What the customer reports"))
        self.open_claim_button.setText(tr("WarrantyTab", "Open claim"))
        names = {"repaired": tr("WarrantyTab", "repaired"), "replaced": tr("WarrantyTab", "replaced"),
                 "refunded": tr("WarrantyTab", "refunded"), "rejected": tr("WarrantyTab", "rejected")}
        current = self.resolution.currentData()
        self.resolution.clear()
        for r in RESOLUTIONS:
            self.resolution.addItem(names[r], r)
        self.resolution.setCurrentIndex(max(0, self.resolution.findData(current)))
        self.resolve_button.setText(tr("WarrantyTab", "Resolve claim"))
        self.verify_file_button.setText(tr("WarrantyTab", "Verify report file…"))
        self.qr_payload.setPlaceholderText(tr("WarrantyTab", "Scan the QR code here (or paste its text)"))
        self.verify_qr_button.setText(tr("WarrantyTab", "Verify"))
        if self.current is not None:
            self._show(self.current)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def _list_text(w: dict) -> str:
    return f"{w.get('warranty_id', '?')}\n{w.get('model', '')} · {status_label_text(w.get('status', '?'))}"


def _qcolor(hex_colour: str):
    from PySide6.QtGui import QColor

    return QColor(hex_colour)
