"""Start and stop the station's overlay web server from the app, off the GUI thread.

The server (`station.overlay`) is fed from the controller's event bus, so the page OBS shows and
the app's native preview come from the same events. It binds 127.0.0.1 unless the settings say
otherwise (security by default: a LAN-visible overlay is an explicit choice).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from ui.tasks import error_text, run_task

log = logging.getLogger(__name__)


class OverlayService(QObject):
    state_changed = Signal(str, str)        # off | starting | on | failed, message

    def __init__(self, bus, host: str = "127.0.0.1", port: int = 8765, parent=None) -> None:
        super().__init__(parent)
        self.bus = bus
        self.host = host
        self.port = port
        self.state = "off"
        self.last_error = ""
        self._server = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.base_url}/overlay"

    def _set(self, state: str, message: str = "") -> None:
        self.state, self.last_error = state, message
        self.state_changed.emit(state, message)

    def start(self) -> None:
        if self.state in ("on", "starting"):
            return
        self._set("starting")
        run_task(self._start_server, self._started, self._failed)

    def _start_server(self):  # worker thread
        from ui import overlay_adapter

        return overlay_adapter.start_overlay_server(self.bus, self.host, self.port)

    def _started(self, server) -> None:
        self._server = server
        actual = getattr(server, "port", None)
        if isinstance(actual, int) and actual:
            self.port = actual
        self._set("on")

    def _failed(self, exc: BaseException) -> None:
        self._server = None
        self._set("failed", error_text(exc))

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            from ui import overlay_adapter

            run_task(lambda: overlay_adapter.stop_overlay_server(server))
        self._set("off")
