"""Station events onto the GUI thread.

The station's `EventBus` calls subscribers on the publishing (worker) thread. `EventBridge` lives
in the GUI thread and re-emits each event as a Qt signal with a queued connection, so slots run
on the GUI thread in order and no widget is ever touched from a worker.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Qt, Signal


class EventBridge(QObject):
    """Subscribe to a station EventBus; `event` fires on the GUI thread for every event."""

    event = Signal(object)
    _from_worker = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribers: list[Callable[[], None]] = []
        # Explicitly queued: even when a worker publishes, the slot runs in this object's thread.
        self._from_worker.connect(self.event, Qt.QueuedConnection)

    def attach(self, bus) -> None:
        """Forward every event `bus` publishes from now on."""
        self._unsubscribers.append(bus.subscribe(self._from_worker.emit))

    def detach_all(self) -> None:
        for unsubscribe in self._unsubscribers:
            unsubscribe()
        self._unsubscribers.clear()
