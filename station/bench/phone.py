"""`station bench phone`: median time to read all phone facts from the simulated phone over TCP.

Also reports, measured in the same run: the median of one `getprop ro.product.model` round trip
over the same connection (the floor each of the ~12 commands behind the facts pays) and their
ratio, and the facts over the USB transport on the simulated pyusb backend (`facts_usb_s`).
"""

from __future__ import annotations

import os
import tempfile

NAME = "phone"


def run(quick: bool) -> dict:
    from drivers.phone import open_phone
    from drivers.phone.sim_server import SimAdbServer
    from station.bench import median_time
    from station.phone import read_facts

    runs = 3 if quick else 15
    with tempfile.TemporaryDirectory() as tmp, SimAdbServer("default") as server:
        device = open_phone(server.url, key_path=os.path.join(tmp, "adbkey"))
        try:
            facts_s = median_time(lambda: read_facts(device), runs=runs)
            round_trip_s = median_time(lambda: device.shell("getprop ro.product.model"), runs=runs * 3)
        finally:
            device.close()
        from drivers.phone.sim_usb import SimUsbBackend

        usb_device = open_phone("usb://", backend=SimUsbBackend("default"), key_path=os.path.join(tmp, "adbkey"))
        try:
            facts_usb_s = median_time(lambda: read_facts(usb_device), runs=runs)
        finally:
            usb_device.close()
    return {"facts_s": round(facts_s, 6), "shell_round_trip_s": round(round_trip_s, 6),
            "facts_usb_s": round(facts_usb_s, 6),
            "ratio": round(facts_s / round_trip_s, 2) if round_trip_s else None, "runs": runs, "transport": "tcp"}
