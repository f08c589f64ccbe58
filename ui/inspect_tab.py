"""Inspect: what the streamer looks at on air.

Live preview with the panel outlined, the operator prompt in large type, the steps with their
progress, results as they arrive, and one action to issue the report and warranty. Keyboard
driven: F5 start, Space/N next, Esc cancel, F9 issue. Everything comes from the controller's
events; nothing here touches hardware.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSizePolicy,
                               QSplitter, QVBoxLayout, QWidget)

from ui.controller import InspectionController
from ui.preview import PreviewView
from ui.results_view import ResultsView
from ui.steps_view import StepsView
from ui.style import paint_badge, set_style_once, status_colour, status_label_text
from ui.tasks import error_text

SHORTCUTS = {"start": ("F5",), "next": ("Space", "N"), "cancel": ("Esc",), "issue": ("F9",)}


def prompt_text(data: dict, language: str) -> str:
    """The operator prompt in the UI language, from a `prompt` event's data."""
    zh = data.get("message_zh") or data.get("text_zh")
    en = data.get("message_en") or data.get("text_en")
    generic = data.get("message") or data.get("text") or data.get("id") or ""
    return (zh if language == "zh_CN" else en) or generic or zh or en or ""


class InspectTab(QWidget):
    def __init__(self, controller: InspectionController, language=lambda: "zh_CN",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._language = language
        self.preview_on = False
        self._last_prompt: dict | None = None
        self.issued: dict | None = None

        self.preview = PreviewView()
        self.prompt = QLabel()
        self.prompt.setWordWrap(True)
        self.prompt.setAlignment(Qt.AlignCenter)
        # A fixed box: a new prompt (or its 26 pt → 18 pt switch) must not re-lay-out the window.
        self.prompt.setFixedHeight(150)
        self.prompt.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        self._prompt_style("prompt")
        self.state_badge = QLabel()
        self.state_badge.setAlignment(Qt.AlignCenter)
        self.phone_label = QLabel()
        self.phone_label.setStyleSheet("font-size: 18pt; font-weight: 700;")
        self.steps = StepsView()
        self.results = ResultsView()
        self.issue_label = QLabel()
        self.issue_label.setWordWrap(True)
        self.issue_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.issue_label.setStyleSheet("font-size: 13pt;")

        self.start_button = QPushButton()
        self.next_button = QPushButton()
        self.cancel_button = QPushButton()
        self.issue_button = QPushButton()
        self.order_id = QLineEdit()
        self.order_id.setMaximumWidth(220)
        self.auto_box = QCheckBox()
        self.auto_box.setChecked(controller.auto_operator)
        self.auto_box.setVisible(controller.settings.scenario is not None)
        for button in (self.start_button, self.next_button, self.cancel_button, self.issue_button):
            button.setMinimumHeight(52)
            button.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.issue_button.setStyleSheet(
            "QPushButton { font-size: 15pt; font-weight: 700; background: #188038; color: white; }"
            "QPushButton:disabled { background: #dadce0; color: #80868b; }")

        self.start_button.clicked.connect(self.start)
        self.next_button.clicked.connect(self.next)
        self.cancel_button.clicked.connect(self.cancel)
        self.issue_button.clicked.connect(self.issue)
        self.auto_box.toggled.connect(controller.set_auto_operator)
        self._shortcuts = []
        for action, keys in SHORTCUTS.items():
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.WidgetWithChildrenShortcut)
                shortcut.activated.connect(getattr(self, action))
                self._shortcuts.append(shortcut)

        left = QVBoxLayout()
        left.addWidget(self.preview, 3)
        left.addWidget(self.prompt)
        buttons = QHBoxLayout()
        for w in (self.start_button, self.next_button, self.cancel_button, self.order_id, self.issue_button):
            buttons.addWidget(w)
        left.addLayout(buttons)
        left_w = QWidget()
        left_w.setLayout(left)
        right = QVBoxLayout()
        head = QHBoxLayout()
        head.addWidget(self.state_badge)
        head.addWidget(self.phone_label)
        head.addStretch(1)
        head.addWidget(self.auto_box)
        right.addLayout(head)
        right.addWidget(self.steps)
        right.addWidget(self.results, 1)
        right.addWidget(self.issue_label)
        right_w = QWidget()
        right_w.setLayout(right)
        split = QSplitter()
        split.addWidget(left_w)
        split.addWidget(right_w)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 4)
        outer = QVBoxLayout(self)
        outer.addWidget(split)

        # The tab itself takes keyboard focus, so Space/N reach the shortcuts rather than a text
        # field (the order id field keeps its spaces while it has focus).
        self.setFocusPolicy(Qt.StrongFocus)
        controller.event.connect(self.on_event)
        controller.state_changed.connect(self.on_state)
        controller.error.connect(self.on_error)
        controller.preview_frame.connect(self.preview.show_frame)
        controller.thumbnail.connect(self._on_thumbnail)
        controller.preview_error.connect(lambda exc: self.preview.show_message(error_text(exc)))
        self.retranslate()
        self.on_state(controller.state)

    PROMPT_STYLES = {   # a request to act (amber), a problem (red), calm information (grey)
        "prompt": "background: #fff8e1; border: 3px solid #f9ab00;",
        "error": "background: #fce8e6; border: 3px solid #c5221f;",
        "info": "background: #ffffff; border: 3px solid #dadce0;",
    }

    def _prompt_style(self, kind: str, long_text: bool = False) -> None:
        size = 18 if long_text else 26
        set_style_once(self.prompt, f"font-size: {size}pt; font-weight: 700; color: #202124; "
                                    f"border-radius: 10px; padding: 10px; {self.PROMPT_STYLES[kind]}")

    def say(self, text: str, kind: str = "info") -> None:
        """Put `text` in the big prompt area, styled for what it is."""
        self._prompt_style(kind, long_text=len(text) > 60)
        if self.prompt.text() != text:
            self.prompt.setText(text)

    # -- actions ---------------------------------------------------------------------------
    def start(self) -> None:
        if self.controller.running:
            return
        self.steps.reset()
        self.results.clear()
        self.issued = None
        self.issue_label.setText("")
        self.phone_label.setText("")
        self._last_prompt = None
        self.say(QCoreApplication.translate("InspectTab", "Starting…"))
        self.setFocus()
        self.controller.start()

    def next(self) -> None:
        self.controller.next()

    def cancel(self) -> None:
        self.controller.cancel()

    def issue(self) -> None:
        self.controller.issue(self.order_id.text().strip() or None)

    # -- preview ---------------------------------------------------------------------------
    def start_preview(self, fps: float = 5.0) -> None:
        self.preview_on = True
        self.controller.set_preview(True, fps)

    def stop_preview(self) -> None:
        if self.preview_on:
            self.preview_on = False
            self.controller.set_preview(False)

    # -- events (GUI thread) ---------------------------------------------------------------
    def on_event(self, event) -> None:
        kind, step, data = event.kind, event.step, event.data or {}
        if kind == "step_started" and step:
            self.steps.set_status(step, "running")
        elif kind == "step_progress" and step and data.get("awaiting_issue"):
            self.steps.set_status(step, "pending")
            self.say(QCoreApplication.translate(
                "InspectTab", "Inspection complete — press F9 to issue the report and warranty"), "prompt")
        elif kind == "step_progress" and step:
            fraction = data.get("fraction")
            if fraction is None and data.get("total"):
                fraction = float(data.get("done", 0)) / float(data["total"])
            if fraction is None and data.get("percent") is not None:
                fraction = float(data["percent"]) / 100.0
            if fraction is not None:
                self.steps.set_progress(step, float(fraction))
        elif kind == "step_done" and step:
            self.steps.set_status(step, "done")
        elif kind == "step_failed" and step:
            self.steps.set_status(step, "skipped" if data.get("skipped") else "failed")
            self.say(error_text(_as_error(data)), "error")
        elif kind == "prompt":
            self._last_prompt = data
            self.say(prompt_text(data, self._language()), "prompt")
        elif kind == "paused":
            if step:
                self.steps.set_status(step, "paused")
            self.say(data.get("message") or data.get("reason") or
                     QCoreApplication.translate("InspectTab", "Paused"), "error")
        elif kind == "resumed" and step:
            self.steps.set_status(step, "running")
        elif kind == "result":
            self._show_result(step, data)
        elif kind == "report_issued":
            self.issued = data
            self._show_issued(data)
        elif kind == "cancelled":
            self.say(QCoreApplication.translate("InspectTab", "Inspection cancelled"))
        elif kind == "finished":
            self._show_finished(data.get("state"))
        self._update_buttons()

    def _show_finished(self, state: str | None) -> None:
        tr = QCoreApplication.translate
        if state == "cancelled":
            self.say(tr("InspectTab", "Inspection cancelled"))
        elif state == "failed":
            pass                                  # the failed step's message and hint stay shown
        elif state == "incomplete":
            self.say(tr("InspectTab", "Some steps could not run, so no report can be "
                                      "issued from this inspection"), "error")
        elif self.issued is not None:
            self.say(tr("InspectTab", "Done — report issued"))
        else:
            self.say(tr("InspectTab", "Inspection complete — press F9 to issue the report and warranty"), "prompt")

    def _show_result(self, step: str | None, data: dict) -> None:
        kind = data.get("kind") or step
        if kind == "verdict":
            kind = "overall"
        if kind == "identify":
            self.phone_label.setText(" ".join(x for x in (data.get("brand"), data.get("model"),
                                                          data.get("serial")) if x))
            return
        self.results.show_result(kind, data)

    def _on_thumbnail(self, target: str, part: str, image: QImage) -> None:
        # Cut by the engine from the 12 MP evidence frame; only a small PNG reaches the GUI.
        if target == "card" and part in self.results.cards and not image.isNull():
            self.results.cards[part].set_thumbnail(QPixmap.fromImage(image))

    def _show_issued(self, data: dict) -> None:
        tr = QCoreApplication.translate
        lines = [tr("InspectTab", "Report {0}").format(data.get("report_id", "?")),
                 tr("InspectTab", "Warranty {0}: {1} → {2}").format(
                     data.get("warranty_id", "?"), data.get("start", "?"), data.get("end", "?"))]
        if data.get("jws_path") or data.get("report"):
            lines.append(str(data.get("jws_path") or data.get("report")))
        self.issue_label.setText("\n".join(lines))

    def on_state(self, state: str) -> None:
        status = {"idle": "pending", "running": "running", "finished": "done",
                  "failed": "failed", "cancelled": "cancelled"}.get(state, "pending")
        paint_badge(self.state_badge, status_colour(status), status_label_text(status))
        if state == "idle" and not self.prompt.text():
            self.say(QCoreApplication.translate("InspectTab", "Press F5 to start an inspection"))
        self._update_buttons()

    def on_error(self, exc: BaseException) -> None:
        self.say(error_text(exc), "error")

    def _update_buttons(self) -> None:
        running = self.controller.running
        self.start_button.setEnabled(not running)
        self.next_button.setEnabled(running)
        self.cancel_button.setEnabled(running)
        self.issue_button.setEnabled(self.controller.can_issue())

    def retranslate(self) -> None:
        tr = QCoreApplication.translate
        self.start_button.setText(tr("InspectTab", "Start (F5)"))
        self.next_button.setText(tr("InspectTab", "Next (Space)"))
        self.cancel_button.setText(tr("InspectTab", "Cancel (Esc)"))
        self.issue_button.setText(tr("InspectTab", "Issue report + warranty (F9)"))
        self.auto_box.setText(tr("InspectTab", "Simulated hands (auto)"))
        self.order_id.setPlaceholderText(tr("InspectTab", "Order id (optional)"))
        if self._last_prompt:
            self.say(prompt_text(self._last_prompt, self._language()), "prompt")
        elif self.controller.state == "idle":
            self.say(tr("InspectTab", "Press F5 to start an inspection"))

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class _Err(Exception):
    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def _as_error(data: dict) -> BaseException:
    return _Err(str(data.get("message") or data.get("error") or "failed"), str(data.get("hint") or ""))
