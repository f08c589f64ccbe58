"""Chaining work on futures without parking a worker thread to wait for them.

Frames are developed on the inspection's frame thread while the rig already moves on; encoding
and grading must start when their frames are ready, not block one of the two grading workers
until then (on a 2-core station a blocked worker is a core left idle).
"""

from __future__ import annotations

import threading
from concurrent.futures import Executor, Future
from typing import Any, Callable, Sequence


def then_submit(inputs: Sequence[Future], executor: Executor, fn: Callable[..., Any]) -> Future:
    """A future of `fn(*results of inputs)`, run on `executor` once every input is done.

    A failed or cancelled input fails the result with the same exception (nothing is run).
    """
    out: Future = Future()
    remaining = [len(inputs)]
    lock = threading.Lock()

    def run() -> None:
        try:
            args = [f.result() for f in inputs]
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on `out`
            out.set_exception(exc)
            return
        try:
            inner = executor.submit(fn, *args)
        except BaseException as exc:  # noqa: BLE001 - executor shut down (inspection ended)
            out.set_exception(exc)
            return
        inner.add_done_callback(lambda f: copy_outcome(f, out))

    def one_done(_f: Future) -> None:
        with lock:
            remaining[0] -= 1
            last = remaining[0] == 0
        if last:
            run()

    if not inputs:
        run()
    for f in inputs:
        f.add_done_callback(one_done)
    return out


def copy_outcome(source: Future, target: Future) -> None:
    """Give `target` the result or exception of the finished `source`."""
    if source.cancelled():
        from concurrent.futures import CancelledError

        target.set_exception(CancelledError())
        return
    exc = source.exception()
    if exc is not None:
        target.set_exception(exc)
    else:
        target.set_result(source.result())


def done_future(value: Any) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future
