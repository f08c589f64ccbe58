"""Cosmetic grading face by face, while the next faces are still being photographed.

Each face's five frames go to the worker pool as soon as they are captured (the grader turns them
grey at once, so a 12 MP colour set never sits in memory whole), so by the time the last face is shot only
that face is left to grade. The per-face defect lists are then ruled on together with the
cosmetic grader's own rule table (`rules.result`) — the same answer as grading the whole set.
When the cosmetic package does not offer these pieces, `create` returns None and the workflow
grades the saved frame set in one go instead.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Executor, Future
from typing import Any, Callable

from station.inspection.futures import done_future, then_submit

FACE_ORDER = ("back", "front", "left", "right", "top", "bottom")


class FaceByFaceGrader:
    def __init__(self, executor: Executor, mm_per_px: float, grade_face: Callable, rule: Callable,
                 on_time: Callable[[float], None] | None = None) -> None:
        self.executor = executor
        self.mm_per_px = mm_per_px
        self._grade_face_fn, self._rule = grade_face, rule
        self._on_time = on_time
        self.futures: dict[str, Future] = {}

    @classmethod
    def create(cls, executor: Executor, mm_per_px: float,
               on_time: Callable[[float], None] | None = None) -> "FaceByFaceGrader | None":
        try:
            from station.grading.cosmetic.grade import grade_face
            from station.grading.cosmetic.rules import result
        except ImportError:
            return None
        return cls(executor, mm_per_px, grade_face, result, on_time)

    def submit(self, face: str, frames_by_light: dict[str, Any]) -> None:
        """Grade a face's frames (images, or Futures of them from `capture_later`: then the
        face is graded once all its frames are developed, with no worker waiting for them)."""
        lights = list(frames_by_light)
        frames = [frames_by_light[light] for light in lights]
        if any(isinstance(f, Future) for f in frames):
            inputs = [f if isinstance(f, Future) else done_future(f) for f in frames]
            self.futures[face] = then_submit(
                inputs, self.executor, lambda *developed: self._grade_face(face, dict(zip(lights, developed))))
        else:
            self.futures[face] = self.executor.submit(self._grade_face, face, dict(frames_by_light))

    def _grade_face(self, face: str, frames_by_light: dict[str, Any]) -> list[dict]:
        started = time.perf_counter()
        defects = list(self._grade_face_fn(face, frames_by_light, self.mm_per_px))
        if self._on_time is not None:
            self._on_time(time.perf_counter() - started)
        return defects

    def combined(self) -> Future:
        """A future of the whole body's grade, done when every face is (no worker waits on it)."""
        out: Future = Future()
        lock = threading.Lock()
        remaining = set(self.futures)

        def one_done(face: str) -> Callable[[Future], None]:
            def callback(_f: Future) -> None:
                with lock:
                    remaining.discard(face)
                    last = not remaining
                if not last:
                    return
                try:
                    order = [f for f in FACE_ORDER if f in self.futures]
                    defects = [d for f in order for d in self.futures[f].result()]
                    out.set_result(self._rule(defects))
                except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for the grade
                    out.set_exception(exc)
            return callback

        if not self.futures:
            out.set_exception(ValueError("no faces were graded"))
        for face, future in list(self.futures.items()):
            future.add_done_callback(one_done(face))
        return out
