"""The ADB host side: connect (CNXN + RSA auth), then shell, shell_v2 and file pull over streams.

One stream at a time (the station runs its commands in sequence); each WRTE is acknowledged
with OKAY as the protocol's flow control demands.
"""

from __future__ import annotations

import functools
import logging
import struct
import threading
import time
from collections import deque
from typing import Callable

from drivers.phone import message as m
from drivers.phone.auth import AdbKey
from drivers.phone.errors import (AuthPending, AuthRefused, PhoneDisconnected, PhoneError, PhoneNotFound,
                                  ProtocolError, ServiceFailed, unplugged_error)
from drivers.phone.transport import Transport, TransportTimeout

log = logging.getLogger(__name__)

HOST_BANNER = b"host::features=shell_v2,cmd\0"
EXIT_MARKER = "\x1fEXIT:"
MAX_PULL_BYTES = 16 * 1024 * 1024


def _one_at_a_time(method):
    """Streams are used one at a time; a lock makes that hold when two threads share a device."""
    @functools.wraps(method)
    def locked(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)
    return locked


class AdbDevice:
    """A connected phone. Build it with `drivers.phone.open_phone`. Safe to share between threads
    (commands run one after another); do its I/O off the GUI thread."""

    def __init__(self, transport: Transport, key: AdbKey, *, auth_timeout_s: float = 30.0,
                 on_auth_prompt: Callable[[str], None] | None = None, timeout_s: float = 10.0) -> None:
        self.transport = transport
        self.key = key
        self.timeout_s = timeout_s
        self._reader = m.MessageReader()
        self._inbox: deque[m.Message] = deque()
        self._next_local = 1
        self.max_payload = m.MAX_PAYLOAD_LEGACY
        self.banner: m.Banner | None = None
        self._on_close: list[Callable[[], None]] = []
        self._lock = threading.RLock()
        try:
            self._connect(auth_timeout_s, on_auth_prompt)
        except BaseException:
            transport.close()
            raise

    # -- messages ------------------------------------------------------------------------------
    def _send(self, msg: m.Message) -> None:
        log.debug("-> %r", msg)
        self.transport.write(m.pack(msg), self.timeout_s)

    def _recv(self, timeout_s: float) -> m.Message:
        deadline = time.monotonic() + timeout_s
        while not self._inbox:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TransportTimeout()
            self._inbox.extend(self._reader.feed(self.transport.read(left)))
        msg = self._inbox.popleft()
        log.debug("<- %r", msg)
        return msg

    # -- connection ----------------------------------------------------------------------------
    def _connect(self, auth_timeout_s: float, on_auth_prompt) -> None:
        self._send(m.make("CNXN", m.A_VERSION, m.MAX_PAYLOAD, HOST_BANNER))
        sent_signature = sent_key = False
        deadline = time.monotonic() + self.timeout_s
        while True:
            left = deadline - time.monotonic()
            try:
                msg = self._recv(max(left, 0.001))
            except TransportTimeout:
                if sent_key:
                    raise AuthPending(
                        f"the phone still shows \"Allow USB debugging?\" after {auth_timeout_s:g} s",
                        "unlock the phone, tick \"Always allow from this computer\" and tap Allow, then retry",
                    ) from None
                raise PhoneNotFound(f"{self.transport.description} did not answer the ADB handshake",
                                    "unplug and replug the phone; check USB debugging is on") from None
            except PhoneDisconnected:
                if sent_key:
                    raise AuthRefused(
                        "the phone refused this station (Deny was tapped on \"Allow USB debugging?\")",
                        "on the phone: Settings > Developer options > Revoke USB debugging authorisations, "
                        "replug, and tap Allow this time",
                    ) from None
                raise
            if msg.command == m.A_CNXN:
                self.banner = m.parse_banner(msg.data)
                self.max_payload = max(m.MAX_PAYLOAD_LEGACY, min(msg.arg1, m.MAX_PAYLOAD))
                return
            if msg.command == m.A_AUTH and msg.arg0 == m.AUTH_TOKEN:
                if not sent_signature:
                    self._send(m.make("AUTH", m.AUTH_SIGNATURE, 0, self.key.sign(msg.data)))
                    sent_signature = True
                elif not sent_key:
                    self._send(m.make("AUTH", m.AUTH_RSAPUBLICKEY, 0, self.key.public_line + b"\0"))
                    sent_key = True
                    deadline = time.monotonic() + auth_timeout_s
                    if on_auth_prompt is not None:
                        on_auth_prompt("The phone shows \"Allow USB debugging?\": tick \"Always allow from "
                                       "this computer\" and tap Allow.")
                continue
            if msg.command == m.A_STLS:
                raise PhoneError("the phone asks for TLS (Android 11 wireless debugging pairing)",
                                 "use USB, or `adb tcpip 5555` on USB first and connect to that port")

    @property
    def features(self) -> frozenset[str]:
        return self.banner.features if self.banner else frozenset()

    # -- streams -------------------------------------------------------------------------------
    def _open(self, service: str) -> tuple[int, int]:
        local = self._next_local
        self._next_local += 1
        self._send(m.make("OPEN", local, 0, service.encode() + b"\0"))
        while True:
            msg = self._recv_stream_msg(f"opening {service.split(':')[0]}")
            if msg.arg1 != local:
                continue                          # stale message of an earlier stream
            if msg.command == m.A_OKAY:
                return local, msg.arg0
            if msg.command == m.A_CLSE:
                raise ServiceFailed(f"the phone refused the service {service.split(':')[0]!r}",
                                    "the phone's Android may not offer it; see docs/phone.md for fallbacks")

    def _recv_stream_msg(self, during: str) -> m.Message:
        try:
            return self._recv(self.timeout_s)
        except TransportTimeout:
            raise PhoneError(f"the phone stopped answering while {during}",
                             "unplug and replug the phone, then retry") from None
        except PhoneDisconnected:
            raise unplugged_error(during) from None

    def _read_stream(self, service: str) -> bytes:
        local, remote = self._open(service)
        chunks = []
        total = 0
        while True:
            msg = self._recv_stream_msg(f"running {service!r}")
            if msg.arg1 != local:
                continue
            if msg.command == m.A_WRTE:
                chunks.append(msg.data)
                total += len(msg.data)
                self._send(m.make("OKAY", local, remote))
            elif msg.command == m.A_CLSE:
                self._send(m.make("CLSE", local, remote))
                return b"".join(chunks)
            if total > MAX_PULL_BYTES:
                self._send(m.make("CLSE", local, remote))
                raise ServiceFailed(f"{service!r} produced more than {MAX_PULL_BYTES} bytes",
                                    "this client is for small outputs; narrow the command")

    @_one_at_a_time
    def shell(self, command: str) -> str:
        """Run `command` with the v1 shell service; stdout and stderr together, as text."""
        return self._read_stream(f"shell:{command}").decode("utf-8", "replace")

    @_one_at_a_time
    def shell_v2(self, command: str) -> tuple[int, str, str]:
        """Run `command`, returning (exit code, stdout, stderr); emulated on phones without shell_v2."""
        if "shell_v2" not in self.features:
            text = self.shell(f"{command}; echo \"{EXIT_MARKER}$?\"")
            body, sep, code = text.rpartition(EXIT_MARKER)
            if not sep:
                raise ServiceFailed("the phone's shell did not report an exit status",
                                    "retry; if it persists the phone's shell is unusual")
            return int(code.strip() or 0), body, ""
        data = self._read_stream(f"shell,v2,raw:{command}")
        return parse_shell_v2(data)

    @_one_at_a_time
    def pull(self, path: str) -> bytes:
        """Fetch a small file with the sync service."""
        local, remote = self._open("sync:")
        request = path.encode()
        self._write_stream(local, remote, b"RECV" + struct.pack("<I", len(request)) + request)
        buf = bytearray()
        out = bytearray()
        while True:
            msg = self._recv_stream_msg(f"pulling {path}")
            if msg.arg1 != local:
                continue
            if msg.command == m.A_CLSE:
                raise unplugged_error(f"pulling {path}")
            if msg.command == m.A_OKAY:
                continue
            if msg.command != m.A_WRTE:
                continue
            self._send(m.make("OKAY", local, remote))
            buf += msg.data
            while len(buf) >= 8:
                ident, length = bytes(buf[:4]), struct.unpack("<I", buf[4:8])[0]
                if ident == b"DONE":
                    self._write_stream(local, remote, b"QUIT" + struct.pack("<I", 0))
                    self._drain_close(local, remote)
                    return bytes(out)
                if len(buf) < 8 + length:
                    break
                body = bytes(buf[8:8 + length])
                del buf[:8 + length]
                if ident == b"DATA":
                    out += body
                    if len(out) > MAX_PULL_BYTES:
                        raise ServiceFailed(f"{path} is larger than {MAX_PULL_BYTES} bytes",
                                            "pull is for small files only")
                elif ident == b"FAIL":
                    self._send(m.make("CLSE", local, remote))
                    raise ServiceFailed(f"cannot pull {path}: {body.decode('utf-8', 'replace')}",
                                        "check the path exists and is readable by the shell user")
                else:
                    raise ProtocolError(f"unexpected sync reply {ident!r}", "reconnect the phone")

    def _write_stream(self, local: int, remote: int, data: bytes) -> None:
        self._send(m.make("WRTE", local, remote, data))
        while True:
            msg = self._recv_stream_msg("writing to the phone")
            if msg.arg1 != local:
                continue
            if msg.command == m.A_OKAY:
                return
            if msg.command == m.A_CLSE:
                raise ServiceFailed("the phone closed the stream", "retry the step")
            if msg.command == m.A_WRTE:
                self._inbox.appendleft(msg)
                return

    def _drain_close(self, local: int, remote: int) -> None:
        while True:
            msg = self._recv_stream_msg("closing a stream")
            if msg.arg1 == local and msg.command == m.A_CLSE:
                self._send(m.make("CLSE", local, remote))
                return
            if msg.arg1 == local and msg.command == m.A_WRTE:
                self._send(m.make("OKAY", local, remote))

    def on_close(self, callback: Callable[[], None]) -> None:
        """Run `callback` when the device is closed (e.g. stop an in-process simulator)."""
        self._on_close.append(callback)

    def close(self) -> None:
        self.transport.close()
        while self._on_close:
            self._on_close.pop()()

    def __enter__(self) -> "AdbDevice":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def parse_shell_v2(data: bytes) -> tuple[int, str, str]:
    """Split a shell_v2 byte stream into (exit code, stdout, stderr)."""
    out, err, code = bytearray(), bytearray(), None
    pos = 0
    while pos + 5 <= len(data):
        kind, length = struct.unpack_from("<BI", data, pos)
        body = data[pos + 5:pos + 5 + length]
        if len(body) != length:
            break
        pos += 5 + length
        if kind == 1:
            out += body
        elif kind == 2:
            err += body
        elif kind == 3 and body:
            code = body[0]
    if code is None:
        raise ProtocolError("the shell_v2 stream ended without an exit status",
                            "the phone may have been unplugged; replug and retry")
    return code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
