"""The operator at the rig, answered from the GUI.

Wraps the workflow's `InteractiveOperator`: the worker thread blocks in `ask` until the streamer
presses Next (or Cancel). On the simulator, pressing Next also does what the prompt asked to the
simulated world (turn the phone over, show *#06#), as the person's hands would; with `auto` set,
the simulated hands answer by themselves after `auto_delay_s` so `station app --sim` runs a whole
inspection hands-free.
"""

from __future__ import annotations

import threading

from station.inspection.operator import CANCEL, DONE, InteractiveOperator, Prompt, SimulatedOperator


class GuiOperator:
    def __init__(self, world=None, auto: bool = False, auto_delay_s: float = 0.6) -> None:
        self._interactive = InteractiveOperator()
        self._hands = SimulatedOperator(world) if world is not None else None
        self.auto = auto
        self.auto_delay_s = auto_delay_s
        self._cancelled = threading.Event()
        # The workflow announces a prompt (event) just before it asks; a Space pressed in between
        # answers that prompt, not a later one.
        self._lock = threading.Lock()
        self._announced: str | None = None
        self._early: str | None = None

    def announce(self, prompt_id: str) -> None:
        """The workflow published this blocking prompt and is about to ask it."""
        with self._lock:
            self._announced, self._early = prompt_id, None

    @property
    def pending(self) -> Prompt | None:
        return self._interactive.pending

    def ask(self, prompt: Prompt) -> str:  # worker thread
        if self._cancelled.is_set():
            return CANCEL
        if self.auto and self._hands is not None:
            if self._cancelled.wait(self.auto_delay_s):
                return CANCEL
            return self._hands.ask(prompt)
        with self._lock:
            early = self._early == prompt.id
            self._announced = self._early = None
        answer = DONE if early else self._interactive.ask(prompt)
        if answer == DONE and self._hands is not None:
            self._hands.ask(prompt)
        return answer

    def next(self) -> bool:
        """The streamer did what the pending prompt asked. False when nothing was pending."""
        prompt = self._interactive.pending
        if prompt is not None and self._interactive.answer(prompt.id, DONE):
            return True
        with self._lock:
            if self._announced is not None:
                self._early = self._announced
                return True
        return False

    def cancel(self) -> None:
        self._cancelled.set()
        prompt = self._interactive.pending
        if prompt is not None:
            self._interactive.answer(prompt.id, CANCEL)
