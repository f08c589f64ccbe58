"""The adbd twin over TCP: what `adb connect 127.0.0.1:PORT` and ``tcp://`` talk to.

Binds 127.0.0.1 unless told otherwise. With ``usb_debugging=off`` the port is bound but never
listened on, so connecting is refused exactly as with a phone whose (wireless) debugging is off.
"""

from __future__ import annotations

import logging
import socket
import threading

from drivers.phone import message as m
from drivers.phone.errors import ProtocolError
from drivers.phone.sim_adbd import AdbdEngine, SimOptions
from drivers.scenario import Scenario, load_scenario
from drivers.simworld import world_for

log = logging.getLogger(__name__)
POLL_S = 0.02


class SimAdbServer:
    """Serves one simulated phone to any number of ADB hosts, one thread per connection."""

    def __init__(self, scenario: str | Scenario | None = None, host: str = "127.0.0.1", port: int = 0,
                 options: SimOptions | None = None) -> None:
        self.scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        self.world = world_for(self.scenario)
        self.options = options or SimOptions.for_scenario(self.scenario)
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, port))
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._conns: set[socket.socket] = set()
        self.engines: list[AdbdEngine] = []

    @property
    def address(self) -> tuple[str, int]:
        return self._sock.getsockname()[:2]

    @property
    def url(self) -> str:
        host, port = self.address
        return f"tcp://{host}:{port}"

    def start(self) -> "SimAdbServer":
        if self.options.usb_debugging != "off":
            self._sock.listen(8)
            self._sock.settimeout(POLL_S * 5)
            thread = threading.Thread(target=self._accept_loop, name="sim-adbd-accept", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def serve_forever(self) -> None:
        self.start()
        self._stop.wait()

    def close(self) -> None:
        self._stop.set()
        for conn in list(self._conns):
            _close_quietly(conn)
        _close_quietly(self._sock)
        for thread in self._threads:
            thread.join(timeout=2)

    def __enter__(self) -> "SimAdbServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._conns.add(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), name="sim-adbd-conn", daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        if not self.world.phone_cable:
            # No phone on the other end of the cable: the host's connection is closed at once.
            self._conns.discard(conn)
            _close_quietly(conn)
            return
        engine = AdbdEngine(self.scenario, self.world, self.options)
        self.engines.append(engine)
        reader = m.MessageReader()
        conn.settimeout(POLL_S)
        try:
            while not self._stop.is_set():
                try:
                    data = conn.recv(65536)
                    if not data:
                        return
                    for msg in reader.feed(data):
                        engine.receive(msg)
                except socket.timeout:
                    pass
                out = engine.poll()
                if out:
                    conn.sendall(b"".join(m.pack(msg) for msg in out))
                if engine.dropped or engine.unplugged:
                    return
        except ProtocolError as exc:
            log.warning("sim adbd: closing connection after bad input: %s", exc)
        except OSError:
            pass
        finally:
            self._conns.discard(conn)
            _close_quietly(conn)


def _close_quietly(sock: socket.socket) -> None:
    try:
        sock.close()
    except OSError:
        pass
