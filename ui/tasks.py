"""Run blocking station calls (lookups, verification, hardware probes) off the GUI thread.

`run_task(fn, on_done, on_error)` submits `fn` to the global QThreadPool; its result or exception
comes back through queued signals, so the callbacks run on the GUI thread. The GUI never waits.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

# Keep the relay objects alive until their task reports (Qt does not own them).
_live: set["_Relay"] = set()


class _Relay(QObject):
    """Lives in the GUI thread; its queued slots call back there whatever thread emitted."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, on_done, on_error, owner: QObject | None = None) -> None:
        # Parented to the widget that asked: if it is closed first, Qt drops the queued reply
        # instead of calling back into a deleted widget.
        super().__init__(owner)
        self._on_done = on_done
        self._on_error = on_error
        self.done.connect(self._finish_ok, Qt.QueuedConnection)
        self.failed.connect(self._finish_err, Qt.QueuedConnection)

    @Slot(object)
    def _finish_ok(self, result: Any) -> None:
        _live.discard(self)
        if self._on_done is not None:
            self._on_done(result)

    @Slot(object)
    def _finish_err(self, exc: BaseException) -> None:
        _live.discard(self)
        if self._on_error is not None:
            self._on_error(exc)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:  # worker thread
        try:
            result = self._fn()
        except Exception as exc:  # noqa: BLE001 - every failure goes back to the GUI as a message
            log.debug("task failed", exc_info=exc)
            self._reply(self._relay.failed, exc)
        else:
            self._reply(self._relay.done, result)

    @staticmethod
    def _reply(signal, value) -> None:
        try:
            signal.emit(value)
        except RuntimeError:      # the asking widget (and its relay) is gone: nobody to tell
            log.debug("task finished after its widget was closed")


def run_task(fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
             on_error: Callable[[BaseException], None] | None = None,
             owner: QObject | None = None) -> None:
    """Run `fn()` in the thread pool; call `on_done(result)` or `on_error(exc)` on the GUI thread
    (not at all if `owner` was deleted meanwhile)."""
    relay = _Relay(on_done, on_error, owner)
    _live.add(relay)
    QThreadPool.globalInstance().start(_Task(fn, relay))


def error_text(exc: BaseException) -> str:
    """What went wrong and what to do, from a station/driver error (their `hint`)."""
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    hint = getattr(exc, "hint", "") or ""
    return f"{message}\n→ {hint}" if hint else message
