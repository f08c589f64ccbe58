"""Run the overlay app with uvicorn on a background thread (for `station demo` and the app) or
in the foreground (`station overlay`). Binds 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

from station.errors import HardwareError
from station.overlay.app import create_app
from station.overlay.hub import OverlayHub

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


class OverlayServer:
    """The overlay on its own thread: `start()` returns once it accepts connections."""

    def __init__(self, hub: OverlayHub | None = None, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                 public_base_url: str | None = None) -> None:
        self.hub = hub or OverlayHub()
        self.host = host
        if port == 0 or not port_is_free(host, port):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:   # any free port
                sock.bind((host, 0))
                port = sock.getsockname()[1]
        self.port = port
        self.app = create_app(self.hub, public_base_url=public_base_url)
        config = uvicorn.Config(self.app, host=host, port=port, log_level="warning", lifespan="off",
                                timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def overlay_url(self) -> str:
        return f"{self.url}/overlay"

    def start(self, timeout_s: float = 10.0) -> "OverlayServer":
        self._thread = threading.Thread(target=self._server.run, name="overlay-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise HardwareError(f"the overlay server did not start on {self.url}",
                                    "pick another port with --port, or check that the host is local")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)


def serve_forever(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, hub: OverlayHub | None = None) -> None:
    uvicorn.run(create_app(hub or OverlayHub()), host=host, port=port, log_level="warning", lifespan="off")
