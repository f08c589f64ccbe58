"""The GUI operator: Space answers the prompt being asked, even if pressed a moment early."""

from __future__ import annotations

import threading

from drivers.scenario import load_scenario
from drivers.simworld import SimWorld
from station.inspection.operator import CANCEL, DONE, Prompt
from ui.operator import GuiOperator


def ask_in_thread(op, prompt):
    out = {}
    thread = threading.Thread(target=lambda: out.setdefault("answer", op.ask(prompt)))
    thread.start()
    return thread, out


def test_next_between_announce_and_ask_answers_that_prompt():
    world = SimWorld(load_scenario("default"))
    world.phone_present = False
    op = GuiOperator(world=world)
    op.announce("place_phone")
    assert op.next()                                   # pressed before the worker asks
    thread, out = ask_in_thread(op, Prompt("place_phone"))
    thread.join(5)
    assert out["answer"] == DONE and world.phone_present, "the simulated hands placed the phone"


def test_early_next_does_not_answer_a_different_prompt():
    op = GuiOperator()
    op.announce("place_phone")
    op.next()
    thread, out = ask_in_thread(op, Prompt("show_face", {"face": "back"}))
    thread.join(0.3)
    assert thread.is_alive(), "a different prompt still waits for the operator"
    op.cancel()
    thread.join(5)
    assert out["answer"] == CANCEL


def test_next_with_nothing_announced_is_ignored():
    op = GuiOperator()
    assert not op.next()
