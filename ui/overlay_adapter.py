"""The seam between the app and the station's overlay server (`station.overlay`)."""

from __future__ import annotations


class RunningOverlay:
    """An overlay server fed by an event bus; `stop()` detaches and shuts it down."""

    def __init__(self, server, detach) -> None:
        self.server = server
        self.port = server.port
        self._detach = detach

    def stop(self) -> None:
        self._detach()
        self.server.stop()


def start_overlay_server(bus, host: str, port: int) -> RunningOverlay:
    """Start the overlay (uvicorn on its own thread) following `bus`; blocks until it listens."""
    from station.overlay.hub import OverlayHub
    from station.overlay.server import OverlayServer

    hub = OverlayHub()
    detach = hub.attach(bus)
    server = OverlayServer(hub, host=host, port=port)
    try:
        server.start()
    except BaseException:
        detach()
        raise
    return RunningOverlay(server, detach)


def stop_overlay_server(server: RunningOverlay) -> None:
    server.stop()
