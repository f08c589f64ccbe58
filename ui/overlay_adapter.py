"""The seam between the app and the station's overlay server (`station.overlay`)."""

from __future__ import annotations

from station.errors import StationError


class OverlayUnavailable(StationError):
    """The overlay server part of the station is not installed in this checkout."""


def start_overlay_server(bus, host: str, port: int):
    """Start the overlay server fed by `bus`; returns a handle with `.port` and `.stop()`."""
    try:
        from station import overlay
    except ModuleNotFoundError as exc:
        raise OverlayUnavailable("the overlay server (station.overlay) is not installed",
                                 "update the checkout; the preview below still shows the card") from exc
    starter = getattr(overlay, "start_server", None) or getattr(overlay, "serve_in_thread", None)
    if starter is None:
        raise OverlayUnavailable("station.overlay has no server starter",
                                 "update the checkout; the preview below still shows the card")
    return starter(bus=bus, host=host, port=port)


def stop_overlay_server(server) -> None:
    stop = getattr(server, "stop", None) or getattr(server, "close", None)
    if stop is not None:
        stop()
