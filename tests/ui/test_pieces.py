"""Small pure pieces of the app, from tables: masking, days left, search guess, status words."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ui.results_view import mask_imei
from ui.style import STATUS_COLOURS, status_label_text
from ui.warranty_tab import days_left, guess_kind


@pytest.mark.parametrize("imei, shown", [
    ("357537080123458", "35753708****458"),
    ("35753708012345", "35753708***345"),
    ("1234", "1234"),
])
def test_mask_imei_shows_tac_and_last_three(imei, shown):
    assert mask_imei(imei) == shown


@given(st.text(alphabet="0123456789", min_size=14, max_size=16))
def test_masked_imei_never_shows_the_middle(imei):
    masked = mask_imei(imei)
    assert masked[:8] == imei[:8] and masked[-3:] == imei[-3:]
    assert set(masked[8:-3]) == {"*"}


@pytest.mark.parametrize("end, today, left", [
    ("2027-05-23", date(2026, 11, 24), 180),
    ("2026-11-24", date(2026, 11, 24), 0),
    ("2026-11-20", date(2026, 11, 24), -4),
    (None, date(2026, 11, 24), None),
    ("not a date", date(2026, 11, 24), None),
])
def test_days_left(end, today, left):
    assert days_left(end, today) == left


@pytest.mark.parametrize("typed, kind", [
    ("357537080123458", "imei"),
    ("R20261124-7K3M9Q2XTB", "report"),
    ("W20261124-7K3M9Q2XTB", "warranty"),
    ("ORD-1", "order"),
    ("FA79E1A02345", "serial"),
])
def test_search_guesses_what_was_typed(typed, kind):
    assert guess_kind(typed) == kind


def test_every_status_has_a_symbol_and_a_word(qapp):
    for status, (_colour, symbol) in STATUS_COLOURS.items():
        text = status_label_text(status)
        assert text.startswith(symbol) and len(text) > len(symbol) + 1, status


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=25)
@given(st.lists(st.sampled_from(["step_started", "step_done", "step_failed", "paused", "resumed"]),
                max_size=12),
       st.sampled_from(["connect_rig", "identify", "screen", "warranty"]))
def test_steps_view_badge_always_names_its_status(qtbot, kinds, step):
    from station.inspection.events import InspectionEvent
    from ui.steps_view import StepsView

    view = StepsView()
    qtbot.addWidget(view)
    expected = {"step_started": "running", "step_done": "done", "step_failed": "failed",
                "paused": "paused", "resumed": "running"}
    for kind in kinds:
        InspectionEvent(kind, step)      # the kinds are real station event kinds
        view.set_status(step, expected[kind])
        assert view.badge_text(step) == status_label_text(expected[kind])
