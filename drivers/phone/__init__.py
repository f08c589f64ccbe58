"""The phone over ADB: `open_phone(url)` → a connected `AdbDevice` (shell, shell_v2, pull, close).

URLs (contract, DESIGN.md): ``usb://`` first ADB phone on USB, ``usb://SERIAL``, ``tcp://HOST:PORT``
(as `adb connect`), ``sim://SCENARIO`` (the adbd twin run in-process on 127.0.0.1 and reached over
real TCP), and ``usbsim://SCENARIO`` (the same twin behind the simulated pyusb backend, so the
USB transport runs end to end). Sim URLs take query options: ``usb_debugging=prompt|refuse|off``,
``allow_after=SECONDS``, ``unplug_on=TEXT`` (with ``stay_unplugged=1`` the cable stays out until the
shared world's ``phone_cable`` is set again, and TEXT pulls it once per world) and, for usbsim, ``busy=1`` / ``no_permission=1``.
"""

from __future__ import annotations

import os
from typing import Callable
from urllib.parse import parse_qs, urlsplit

from drivers.phone.auth import AdbKey, default_key_path
from drivers.phone.client import AdbDevice
from drivers.phone.errors import BadPhoneUrl, PhoneError

__all__ = ["open_phone", "AdbDevice", "PhoneError", "default_key_path"]


def _sim_options(scenario, query: dict[str, list[str]]):
    from drivers.phone.sim_adbd import SimOptions

    def one(name):
        return query.get(name, [None])[0]

    allow = one("allow_after")
    stay = one("stay_unplugged") in ("1", "true", "yes")
    return SimOptions.for_scenario(scenario, usb_debugging=one("usb_debugging"),
                                   allow_after_s=float(allow) if allow else None, unplug_on=one("unplug_on"),
                                   stay_unplugged=stay or None)


def open_phone(url: str, *, key_path: str | os.PathLike | None = None, auth_timeout_s: float = 30.0,
               on_auth_prompt: Callable[[str], None] | None = None, timeout_s: float = 10.0,
               backend=None) -> AdbDevice:
    """Connect to the phone at `url` and authenticate with the station's ADB key."""
    parts = urlsplit(url)
    scheme, where, query = parts.scheme, parts.netloc + parts.path, parse_qs(parts.query)
    key = AdbKey.load_or_create(key_path or default_key_path())
    kwargs = dict(auth_timeout_s=auth_timeout_s, on_auth_prompt=on_auth_prompt, timeout_s=timeout_s)
    if scheme == "tcp":
        from drivers.phone.transport import TcpTransport

        host, _, port = where.rpartition(":")
        if not host or not port.isdigit():
            raise BadPhoneUrl(f"phone URL {url!r} needs HOST:PORT", "write it like tcp://192.168.1.20:5555")
        return AdbDevice(TcpTransport(host, int(port)), key, **kwargs)
    if scheme == "usb":
        from drivers.phone.transport_usb import UsbTransport

        return AdbDevice(UsbTransport(serial=where.strip("/") or None, backend=backend), key, **kwargs)
    if scheme in ("sim", "usbsim"):
        from drivers.scenario import load_scenario

        name = where if where.endswith(".json") else where.strip("/")     # sim:///path/to/phone.json
        scenario = load_scenario(name or None)
        options = _sim_options(scenario, query)
        if scheme == "usbsim":
            from drivers.phone.sim_usb import SimUsbBackend
            from drivers.phone.transport_usb import UsbTransport

            flag = lambda name: query.get(name, ["0"])[0] in ("1", "true", "yes")  # noqa: E731
            sim_backend = SimUsbBackend(scenario, options, busy=flag("busy"), no_permission=flag("no_permission"))
            return AdbDevice(UsbTransport(backend=sim_backend), key, **kwargs)
        from drivers.phone.sim_server import SimAdbServer
        from drivers.phone.transport import TcpTransport

        server = SimAdbServer(scenario, options=options).start()
        try:
            host, port = server.address
            device = AdbDevice(TcpTransport(host, port), key, **kwargs)
        except BaseException:
            server.close()
            raise
        device.on_close(server.close)
        return device
    raise BadPhoneUrl(f"unknown phone URL {url!r}",
                     "use usb://, usb://SERIAL, tcp://HOST:PORT, sim://SCENARIO or usbsim://SCENARIO")
