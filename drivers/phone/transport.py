"""Byte transports under the ADB client: a small interface, and TCP (what `adb connect` uses).

A transport moves bytes; it knows nothing of ADB messages. ``read`` returns whatever bytes
arrived (at least one), raises `TransportTimeout` when none came in time, and raises
`PhoneDisconnected` when the link is gone.
"""

from __future__ import annotations

import socket
from abc import ABC, abstractmethod

from drivers.phone.errors import DebuggingOff, PhoneNotFound, unplugged_error


class TransportTimeout(Exception):
    """No bytes arrived within the timeout (not an error by itself: the caller decides)."""


class Transport(ABC):
    description = "phone"

    @abstractmethod
    def write(self, data: bytes, timeout_s: float) -> None: ...

    @abstractmethod
    def read(self, timeout_s: float) -> bytes: ...

    @abstractmethod
    def close(self) -> None: ...


class TcpTransport(Transport):
    def __init__(self, host: str, port: int, connect_timeout_s: float = 5.0) -> None:
        self.description = f"{host}:{port}"
        try:
            self._sock = socket.create_connection((host, port), timeout=connect_timeout_s)
        except ConnectionRefusedError as exc:
            raise DebuggingOff(
                f"nothing accepts ADB connections at {host}:{port} (connection refused)",
                "turn on Wireless debugging (or run `adb tcpip 5555` while on USB) and check the port",
            ) from exc
        except (socket.timeout, OSError) as exc:
            raise PhoneNotFound(f"cannot reach {host}:{port}: {exc}",
                                "check the address and that the phone is on the same network") from exc
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def write(self, data: bytes, timeout_s: float) -> None:
        try:
            self._sock.settimeout(timeout_s)
            self._sock.sendall(data)
        except socket.timeout as exc:
            raise TransportTimeout() from exc
        except OSError as exc:
            raise unplugged_error("a write") from exc

    def read(self, timeout_s: float) -> bytes:
        try:
            self._sock.settimeout(timeout_s)
            data = self._sock.recv(1 << 20)
        except socket.timeout as exc:
            raise TransportTimeout() from exc
        except OSError as exc:
            raise unplugged_error("a read") from exc
        if not data:
            raise unplugged_error("a read (the connection was closed)")
        return data

    def close(self) -> None:
        try:
            self._sock.close()
        except OSError:
            pass
