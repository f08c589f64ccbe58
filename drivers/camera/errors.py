"""Camera failures, each with a hint saying what to do."""

from __future__ import annotations

from drivers.errors import DriverError


class CameraError(DriverError):
    """A camera that cannot be opened or read, or an image that cannot be used."""
