"""Serve the simulated rig on a pseudo-terminal, so any serial terminal or the driver can use it.

``PtyRig(...).path`` is the device path (``/dev/pts/N``) to give to ``screen``, ``picocom``,
``open_rig`` or ``station rig info --rig``. The server holds the slave end open itself, so
clients may come and go. One thread, like the firmware's main loop: read, handle, reply
(sleeping through physical settle time unless ``timing="fast"``), and poll for events.
A ``disconnect`` fault hangs up the pty: the client sees an I/O error and the server stops.
"""

from __future__ import annotations

import errno
import os
import select
import threading
import time
import tty

from drivers.rig.sim.device import SimDevice
from drivers.rig.sim.faults import FaultPlan

EVENT_POLL_S = 0.02


class PtyRig:
    def __init__(self, scenario: str | None = None, faults: str | FaultPlan | None = None,
                 timing: str = "real", seed: int = 0) -> None:
        if not isinstance(faults, FaultPlan):
            from drivers.scenario import load_scenario

            faults = FaultPlan.parse(faults if faults is not None else load_scenario(scenario).rig_faults)
        self.device = SimDevice(scenario, faults, timing, seed)
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)          # no echo, no CR/LF translation: a clean byte pipe
        os.set_blocking(self._master, False)
        self.path = os.ttyname(self._slave)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.hung_up = False

    def _send(self, data: bytes) -> None:
        try:
            written = os.write(self._master, data)
            if written < len(data):
                view = memoryview(data)[written:]
                while view:
                    view = view[os.write(self._master, view):]
        except BlockingIOError:
            return    # nobody reads and the buffer is full: bytes are lost, as on a real wire

    def serve_forever(self) -> None:
        device = self.device
        poller = select.poll()
        poller.register(self._master, select.POLLIN)
        next_event_poll = 0.0
        while not self._stop.is_set():
            timeout = device.next_due_in(time.monotonic(), EVENT_POLL_S) if device.has_delayed \
                else EVENT_POLL_S
            ready = poller.poll(timeout * 1000.0)
            now = time.monotonic()
            if ready:
                try:
                    data = os.read(self._master, 4096)
                except OSError as exc:
                    if exc.errno in (errno.EAGAIN, errno.EIO):    # EIO: no client has it open
                        time.sleep(EVENT_POLL_S)
                        continue
                    raise
                for wait, chunk in device.receive(data, now):
                    if wait:
                        time.sleep(wait)
                    self._send(chunk)
            if device.has_delayed:
                for chunk in device.due(time.monotonic()):
                    self._send(chunk)
            if now >= next_event_poll:     # sensors are polled on a tick, not per request
                next_event_poll = now + EVENT_POLL_S
                for chunk in device.poll():
                    self._send(chunk)
            if device.unplugged:
                self.hung_up = True
                break
        self.close()

    def start(self) -> "PtyRig":
        """Serve on a background thread (tests, the benchmark)."""
        self._thread = threading.Thread(target=self.serve_forever, name="rig-pty", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2.0)
        self.close()

    def close(self) -> None:
        for attr in ("_master", "_slave"):
            fd = getattr(self, attr)
            if fd is not None:
                setattr(self, attr, None)
                try:
                    os.close(fd)
                except OSError:
                    pass
