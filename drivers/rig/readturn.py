"""Whose turn it is to read the rig's port: the reader thread, or the thread waiting for a reply.

When the link is idle the reader thread reads (so unsolicited events arrive). While a request is
in flight the requesting thread reads the reply itself, which saves a thread hand-off per round
trip; it keeps the turn for a short linger so back-to-back requests do not bounce it. Handing
the turn over: the requester asks (``host_begin``), wakes the reader's blocked read, and the
reader yields at its next check. Only the turn holder touches the line splitter.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

LINGER_S = 0.02


class ReadTurn:
    def __init__(self, linger_s: float = LINGER_S) -> None:
        self.linger_s = linger_s
        self._lock = threading.Lock()      # ``with self._lock`` is cheaper than ``with self._cond``
        self._cond = threading.Condition(self._lock)
        self._host = False          # the requesting side holds the turn
        self._host_wants = False
        self._host_busy = False
        self._last_end = 0.0

    # ------------------------------------------------------------------ requesting thread
    def host_begin(self, wake: Callable[[], None], timeout: float) -> bool:
        """Take the turn for one request; False (read replies from the queue) if not given in time."""
        with self._lock:
            if self._host:
                self._host_busy = True
                return True
            self._host_wants = True
        wake()
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self._host:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._cond.wait(remaining) and not self._host:
                    self._host_wants = False
                    return False
            self._host_busy = True
            return True

    def host_end(self) -> None:
        with self._lock:
            self._host_busy = False
            self._last_end = time.monotonic()

    def is_host(self) -> bool:
        return self._host

    def give_back(self) -> None:
        """The port failed while the requester read it: the reader thread takes over (reconnects)."""
        with self._cond:
            self._host = self._host_busy = self._host_wants = False
            self._cond.notify_all()

    # ------------------------------------------------------------------ reader thread
    def reader_may_read(self, stop: threading.Event) -> bool:
        """Wait while the requester holds the turn; True when the reader may read now."""
        with self._cond:
            while self._host:
                if stop.is_set():
                    return False
                if not self._host_busy and time.monotonic() - self._last_end >= self.linger_s:
                    self._host = False
                    break
                self._cond.wait(self.linger_s)
            if self._host_wants:
                # Granted means busy at once: host_end is what starts the linger. Were the grant
                # left idle, this thread's next pass (before the requester wakes) would measure
                # the linger from the previous request's end and take the turn straight back,
                # leaving host_begin to wait out its whole timeout after every idle spell.
                self._host_wants = False
                self._host = self._host_busy = True
                self._cond.notify_all()
                return False
            return True
