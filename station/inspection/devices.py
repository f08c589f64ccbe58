"""The three devices of an inspection, opened lazily from their URLs and reopened after a drop-out.

Driver packages are imported when first needed (not at module level), so the workflow runs
whatever parts of the station are installed and says clearly which part is missing otherwise.
"""

from __future__ import annotations

import importlib
import logging
import threading
from typing import Any, Callable

from station.errors import StationError

log = logging.getLogger(__name__)


class PartMissing(StationError):
    """A part of the station (a driver or grader package) is not installed in this checkout."""


def import_part(module: str, attr: str | None = None) -> Any:
    """Import a station/driver part; a missing project module becomes `PartMissing`."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] in ("drivers", "station") :
            raise PartMissing(f"{module} is not installed ({exc.name} missing)",
                              "update the checkout; this step runs once that part has landed") from exc
        raise
    if attr is None:
        return mod
    try:
        return getattr(mod, attr)
    except AttributeError as exc:
        raise PartMissing(f"{module} has no {attr}", "update the checkout") from exc


def field_of(obj: Any, name: str, default: Any = None) -> Any:
    """`obj.name` or `obj[name]`: driver results may be dataclasses or dicts."""
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


class DeviceSet:
    """Rig, phone and camera for one inspection. Thread-safe lazy open, close and reopen."""

    NAMES = ("rig", "phone", "camera")

    def __init__(self, rig: str, phone: str, camera: str, *,
                 on_auth_prompt: Callable[[], None] | None = None,
                 on_rig_event: Callable[[Any], None] | None = None,
                 auth_timeout_s: float = 60.0) -> None:
        self.urls = {"rig": rig, "phone": phone, "camera": camera}
        self.on_auth_prompt = on_auth_prompt
        self.on_rig_event = on_rig_event
        self.auth_timeout_s = auth_timeout_s
        self._open: dict[str, Any] = {}
        self._lock = threading.RLock()
        self._opening = {name: threading.Lock() for name in self.NAMES}
        self.physical_wait_closed_s = 0.0   # physical time of rig sessions already closed

    def _opener(self, name: str) -> Callable[[], Any]:
        url = self.urls[name]
        if name == "rig":
            open_rig = import_part("drivers.rig", "open_rig")

            def open_it():
                rig = open_rig(url)
                if self.on_rig_event is not None and hasattr(rig, "on_event"):
                    rig.on_event(self.on_rig_event)
                return rig
            return open_it
        if name == "phone":
            open_phone = import_part("drivers.phone", "open_phone")
            return lambda: open_phone(url, auth_timeout_s=self.auth_timeout_s,
                                      on_auth_prompt=self.on_auth_prompt)
        open_camera = import_part("drivers.camera", "open_camera")
        return lambda: open_camera(url)

    def get(self, name: str) -> Any:
        # One lock per device: a camera opening on the warm-up thread (a USB camera takes ~1 s)
        # must not hold up the rig's open on the step thread.
        with self._opening[name]:
            device = self._open.get(name)
            if device is None:
                device = self._opener(name)()
                with self._lock:
                    self._open[name] = device
            return device

    @property
    def rig(self) -> Any:
        return self.get("rig")

    @property
    def phone(self) -> Any:
        return self.get("phone")

    @property
    def camera(self) -> Any:
        return self.get("camera")

    def is_open(self, name: str) -> bool:
        return name in self._open

    def drop(self, name: str) -> None:
        """Close (quietly) and forget a device, so the next `get` opens it afresh."""
        with self._lock:
            device = self._open.pop(name, None)
        if device is None:
            return
        if name == "rig":
            self.physical_wait_closed_s += float(getattr(device, "physical_wait_s", 0.0) or 0.0)
        try:
            device.close()
        except Exception:  # noqa: BLE001 - a device that dropped out may fail to close; it is gone anyway
            log.debug("closing %s failed", name, exc_info=True)

    def probe(self, name: str) -> bool:
        """Does the device answer right now? (opens it if needed)."""
        try:
            device = self.get(name)
            if name == "rig":
                device.status()
            elif name == "phone":
                device.shell("echo ok")
            return True
        except PartMissing:
            raise
        except Exception:  # noqa: BLE001 - any failure means "not answering"
            log.debug("probe of %s failed", name, exc_info=True)
            self.drop(name)
            return False

    @property
    def physical_wait_s(self) -> float:
        rig = self._open.get("rig")
        live = float(getattr(rig, "physical_wait_s", 0.0) or 0.0) if rig is not None else 0.0
        return self.physical_wait_closed_s + live

    def close(self) -> None:
        for name in self.NAMES:
            self.drop(name)
