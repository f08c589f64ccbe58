"""Bytes to and from the rig over any pyserial URL (``/dev/ttyACM0``, ``hwgrep://``, ``socket://``,
``spy://``, ``loop://``, ``rigsim://``). No framing here: that is the codec's job.
"""

from __future__ import annotations

import os
import select

import serial
from serial.serialutil import SerialException

from drivers.rig.errors import RigConnectError

HANDLER_PACKAGE = "drivers.rig.urlhandler"
BAUDRATE = 115200       # ignored by USB-CDC, used by UART bridges (spec: 115200 8N1)


def register_url_handler() -> None:
    """Make ``serial.serial_for_url`` know ``rigsim://`` (idempotent)."""
    if HANDLER_PACKAGE not in serial.protocol_handler_packages:
        serial.protocol_handler_packages.append(HANDLER_PACKAGE)


class SerialTransport:
    """One open port. ``read_some`` waits at most ``poll_s`` and returns whatever arrived."""

    def __init__(self, url: str, poll_s: float = 0.05) -> None:
        self.url = url
        self.poll_s = poll_s
        self.port = None
        self._fd: int | None = None
        self._wake_r: int | None = None
        self._wake_w: int | None = None
        self._reply_poll = None

    def open(self) -> "SerialTransport":
        register_url_handler()
        try:
            self.port = serial.serial_for_url(self.url, baudrate=BAUDRATE, timeout=self.poll_s,
                                              write_timeout=2.0)
        except (SerialException, ValueError, OSError) as exc:
            raise RigConnectError(
                f"cannot open the rig's serial port {self.url!r}: {exc}",
                "check the USB cable and the port name (ls /dev/ttyACM*; the udev rule in "
                "drivers/rig/99-inspection-rig.rules gives /dev/inspection-rig and non-root "
                "access), or use rigsim:// for the simulator") from exc
        # Plain POSIX ports: select + os.read on the descriptor is several times faster than
        # pyserial's byte-counting read. Wrappers such as spy:// keep their own read().
        fd = getattr(self.port, "fd", None)
        if isinstance(fd, int) and type(self.port).read is serial.Serial.read:
            self._fd = fd
            self._wake_r, self._wake_w = os.pipe()
            # The requesting thread waits on the port alone (nobody needs to wake it), with a
            # poll object registered once instead of building select()'s sets on every read.
            self._reply_poll = select.poll()
            self._reply_poll.register(fd, select.POLLIN)
        return self

    @property
    def fd(self) -> int | None:
        """The descriptor of a plain POSIX port (None for wrappers such as spy:// or rigsim://)."""
        return self._fd

    @property
    def can_wake(self) -> bool:
        """Whether another thread can cut a blocked ``read_some`` short (see ``wake``)."""
        return self._fd is not None or hasattr(self.port, "cancel_read")

    def wake(self) -> None:
        """Make a ``read_some`` blocked in another thread return now (possibly with b"")."""
        if self._wake_w is not None:
            os.write(self._wake_w, b"!")
        elif self.port is not None and hasattr(self.port, "cancel_read"):
            self.port.cancel_read()

    def read_some(self, timeout: float | None = None) -> bytes:
        """What has arrived, waiting at most ``timeout`` (default ``poll_s``) for something;
        another thread's ``wake`` cuts the wait short."""
        fd, wake_r = self._fd, self._wake_r
        if fd is not None:
            wait = self.poll_s if timeout is None else min(timeout, self.poll_s)
            ready, _, _ = select.select([fd, wake_r], [], [], wait)
            if not ready:
                return b""
            if wake_r in ready:
                os.read(wake_r, 64)
                if fd not in ready:
                    return b""
            return self._read_ready(fd)
        port = self.port
        data = port.read(max(1, port.in_waiting))
        waiting = port.in_waiting if data else 0
        return data + port.read(waiting) if waiting else data

    def read_reply(self, timeout: float) -> bytes:
        """Like ``read_some`` for the thread that holds the read turn while its request is in
        flight: it waits on the port only (no wake-up pipe), up to ``timeout``."""
        poll, fd = self._reply_poll, self._fd
        if poll is None or fd is None:
            return self.read_some(timeout)
        if not poll.poll(timeout * 1000.0):
            return b""
        return self._read_ready(fd)

    @staticmethod
    def _read_ready(fd: int) -> bytes:
        try:
            data = os.read(fd, 4096)
        except BlockingIOError:         # readiness without data (another reader was quicker)
            return b""
        if not data:
            raise SerialException("device reports readiness to read but returned no data "
                                  "(device disconnected?)")
        return data

    def write(self, data: bytes) -> None:
        if self._fd is not None:
            written = os.write(self._fd, data)
            if written < len(data):            # a full output buffer: the rest in pieces
                view = memoryview(data)[written:]
                while view:
                    view = view[os.write(self._fd, view):]
            return
        self.port.write(data)

    def close(self) -> None:
        port, self.port, self._fd, self._reply_poll = self.port, None, None, None
        for attr in ("_wake_r", "_wake_w"):
            fd = getattr(self, attr)
            setattr(self, attr, None)
            if fd is not None:
                os.close(fd)
        if port is not None:
            try:
                port.close()
            except (SerialException, OSError):
                pass
