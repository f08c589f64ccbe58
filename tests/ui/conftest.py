"""UI tests run offscreen (tests/conftest.py sets QT_QPA_PLATFORM) with their own STATION_HOME."""

from __future__ import annotations

import pytest

from ui.i18n import install_language


@pytest.fixture
def english(qapp):
    """Most assertions read English text; one test checks the zh-CN default separately."""
    install_language("en")
    yield
    install_language("en")


@pytest.fixture
def window_factory(qtbot, english):
    """Build a main window on the simulators; shut down its engine process afterwards."""
    from ui.app import make_window
    from ui.settings_store import AppSettings

    made = []

    def make(scenario: str = "default", auto: bool = True, **overrides):
        overrides.setdefault("language", "en")
        settings = AppSettings.simulator(scenario, **overrides)
        window = make_window(settings, auto_operator=auto, persist=False)
        qtbot.addWidget(window)
        window.show()
        made.append(window)
        return window

    yield make
    for window in made:
        window.shutdown()
