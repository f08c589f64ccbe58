"""Serve the simulated rig on a pseudo-terminal, so any serial terminal or the driver can use it.

``PtyRig(...).path`` is the device path (``/dev/pts/N``) to give to ``screen``, ``picocom``,
``open_rig`` or ``station rig info --rig``. The server holds the slave end open itself, so
clients may come and go. One thread, like the firmware's main loop: read, handle, reply
(sleeping through physical settle time unless ``timing="fast"``), and poll for events.

A ``disconnect`` fault hangs up the pty: the client sees an I/O error. Without ``replug`` the
server then stops. With ``replug:T`` the cable goes back in after T: a rebooted rig (fresh
firmware state, no more disconnect fault) on a new pty. A new pty has a new ``/dev/pts/N``, so
give ``link=`` — a symlink kept pointing at the current pty, removed while the cable is out, as
udev does with ``/dev/inspection-rig`` — and let clients open the link; ``path`` is then the link.
"""

from __future__ import annotations

import errno
import os
import select
import threading
import time
import tty
from typing import Callable

from drivers.rig.sim.device import SimDevice
from drivers.rig.sim.faults import FaultPlan

EVENT_POLL_S = 0.02


class PtyRig:
    def __init__(self, scenario: str | None = None, faults: str | FaultPlan | None = None,
                 timing: str = "real", seed: int = 0, link: str | os.PathLike | None = None,
                 on_cable: Callable[[str], None] | None = None) -> None:
        if not isinstance(faults, FaultPlan):
            from drivers.scenario import load_scenario

            faults = FaultPlan.parse(faults if faults is not None else load_scenario(scenario).rig_faults)
        self._scenario, self._timing, self._seed = scenario, timing, seed
        self.device = SimDevice(scenario, faults, timing, seed)
        self.link = os.fspath(link) if link is not None else None
        self._on_cable = on_cable or (lambda message: None)     # "pulled" / "plugged back" news
        self._master: int | None = None
        self._slave: int | None = None
        self.tty_path = ""
        self._plug_in()
        self.path = self.link or self.tty_path
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.hung_up = False       # the cable is out (pulled by the disconnect fault)
        self.replugs = 0

    def _plug_in(self) -> None:
        """A fresh pty (and the link pointed at it)."""
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)          # no echo, no CR/LF translation: a clean byte pipe
        os.set_blocking(self._master, False)
        self.tty_path = os.ttyname(self._slave)
        if self.link:
            staged = f"{self.link}.{os.getpid()}.new"
            os.symlink(self.tty_path, staged)
            os.replace(staged, self.link)      # atomic: a client never sees a half-made link

    def _unplug(self) -> None:
        """Hang up: close both ends (the client's next read or write fails) and drop the link,
        so nobody opens a stranger's pty that reuses the number meanwhile."""
        if self.link:
            try:
                os.unlink(self.link)
            except FileNotFoundError:
                pass
        self.close()

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
        """Serve until ``stop()``; across re-plugs when the fault plan has ``replug``."""
        while not self._stop.is_set():
            self._serve_plugged_in()
            if self._stop.is_set() or not self.device.unplugged:
                break
            self.hung_up = True
            self._unplug()
            plan = self.device.faults
            if plan.replug_s is None:
                self._on_cable("cable pulled by the disconnect fault; no replug fault, so it stays out")
                break
            self._on_cable(f"cable pulled by the disconnect fault; back in {plan.replug_s:g} s")
            if self._stop.wait(plan.replug_s):
                break
            # Plugged back in: the rig has rebooted (its firmware state is fresh).
            self.device = SimDevice(self._scenario, plan.without_disconnect(), self._timing,
                                    self._seed)
            self._plug_in()
            self.hung_up = False
            self.replugs += 1
            self._on_cable(f"cable plugged back in: rebooted rig on {self.tty_path}")
        self._unplug()

    def _serve_plugged_in(self) -> None:
        """The firmware's main loop until stopped or the cable is pulled."""
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
                return

    def start(self) -> "PtyRig":
        """Serve on a background thread (tests, the benchmark)."""
        self._thread = threading.Thread(target=self.serve_forever, name="rig-pty", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2.0)
        self._unplug()

    def close(self) -> None:
        for attr in ("_master", "_slave"):
            fd = getattr(self, attr)
            if fd is not None:
                setattr(self, attr, None)
                try:
                    os.close(fd)
                except OSError:
                    pass
