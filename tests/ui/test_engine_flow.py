"""The app driven by keyboard through the real engine process on the simulators."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.keys import press
from ui.style import status_label_text


def test_f5_starts_space_answers_the_prompt_esc_cancels(qtbot, window_factory):
    window = window_factory(auto=False)
    tab, controller = window.inspect, window.controller
    assert tab.prompt.text() == "Press F5 to start an inspection"
    assert not tab.issue_button.isEnabled()
    press(qtbot, window, Qt.Key_F5)
    assert controller.running and tab.state_badge.text() == status_label_text("running")
    assert not tab.start_button.isEnabled() and tab.cancel_button.isEnabled()
    # The simulated hands are off: the engine waits at the first blocking prompt for Space.
    blocking = lambda: [e for e in controller.events if e.kind == "prompt" and e.data.get("blocking")]  # noqa: E731
    qtbot.waitUntil(lambda: bool(blocking()) or not controller.running, timeout=120_000)
    assert controller.running, [(e.kind, e.step, e.data) for e in controller.events][-5:]
    first = blocking()[0]
    assert tab.prompt.text() == first.data["message_en"]
    press(qtbot, window, Qt.Key_Space)
    qtbot.waitUntil(lambda: any(e.kind in ("step_done", "step_failed") and e.step == first.step
                                for e in controller.events)
                    or len(blocking()) > 1 or not controller.running, timeout=120_000)
    assert controller.running
    press(qtbot, window, Qt.Key_Escape)
    qtbot.waitUntil(lambda: controller.state == "cancelled", timeout=120_000)
    assert tab.state_badge.text() == status_label_text("cancelled")
    assert tab.prompt.text() == "Inspection cancelled"
    assert tab.start_button.isEnabled() and not tab.issue_button.isEnabled()


def test_engine_errors_reach_the_user_with_what_to_do(qtbot, window_factory):
    window = window_factory(rig_url="rigsim://no-such-phone?timing=fast")
    press(qtbot, window, Qt.Key_F5)
    qtbot.waitUntil(lambda: not window.controller.running, timeout=120_000)
    failed = [e for e in window.controller.events if e.kind == "step_failed" and e.step == "connect_rig"]
    assert failed, [(e.kind, e.step) for e in window.controller.events]
    assert window.inspect.steps.badge_text("connect_rig") == status_label_text("failed")
    assert "no-such-phone" in window.inspect.prompt.text()
    assert "→" in window.inspect.prompt.text(), "the hint (what to do) is shown"


def test_the_engine_yields_to_the_gui_without_being_starved_by_other_programs(qtbot, window_factory, monkeypatch):
    """Niceness 10 in the normal class, not SCHED_IDLE: an idle-class engine gets no CPU while
    another program (OBS encoding the stream) keeps both cores busy, and the inspection froze."""
    import os

    from ui.engine import ENGINE_NICENESS

    monkeypatch.delenv("STATION_ENGINE_SCHED", raising=False)
    window = window_factory(auto=False)
    press(qtbot, window, Qt.Key_F5)
    proc = window.controller._proc
    qtbot.waitUntil(lambda: any(e.kind == "step_started" for e in window.controller.events), timeout=120_000)
    assert os.sched_getscheduler(proc.pid) == os.SCHED_OTHER
    assert os.getpriority(os.PRIO_PROCESS, proc.pid) - os.getpriority(os.PRIO_PROCESS, 0) == ENGINE_NICENESS
    press(qtbot, window, Qt.Key_Escape)
    qtbot.waitUntil(lambda: not window.controller.running, timeout=120_000)
