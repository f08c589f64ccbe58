"""Android 16's `tradeinmode getstatus`: one JSON document with IMEIs, battery, storage and locks.

Layout as documented by AOSP (source.android.com/docs/core/perf/trade-in-mode, Pixel 7 example):
``{"battery": {"cycle_count", "health", "state", "manufacturing_date", "first_usage_date"},
"storage": {"useful_lifetime_remaining", "capacity_bytes" (a string)}, "launch_level",
"locks": {"factory_reset_protection"}, "product": {"brand", "device", "manufacturer", "model",
"name"}, "imeis": [...], "serial"}``. Parsed leniently: unknown keys are ignored, missing ones are
None, and part-status keys some builds add are kept when present.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass
class TradeInStatus:
    imeis: list[str] = field(default_factory=list)
    serial: str | None = None
    brand: str | None = None
    model: str | None = None
    device: str | None = None
    launch_level: int | None = None
    frp_locked: bool | None = None
    battery_cycle_count: int | None = None
    battery_health_percent: int | None = None
    battery_part_status: str | None = None
    screen_part_status: str | None = None
    storage_bytes: int | None = None
    storage_lifetime_remaining_percent: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def _first(doc: dict, *keys):
    for key in keys:
        if key in doc and doc[key] not in (None, ""):
            return doc[key]
    return None


def _as_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        number = int(value)
        return number if number >= 0 else None
    return None


def parse_tradein_status(text: str) -> TradeInStatus | None:
    """None when `text` is not a JSON object (e.g. the command does not exist on this phone)."""
    start = text.find("{")
    if start < 0:
        return None
    try:
        doc = json.loads(text[start:])
    except json.JSONDecodeError:
        return None
    if not isinstance(doc, dict):
        return None
    battery = doc.get("battery") if isinstance(doc.get("battery"), dict) else {}
    storage = doc.get("storage") if isinstance(doc.get("storage"), dict) else {}
    product = doc.get("product") if isinstance(doc.get("product"), dict) else {}
    locks = doc.get("locks") if isinstance(doc.get("locks"), dict) else {}
    frp = locks.get("factory_reset_protection")
    imeis = _first(doc, "imeis", "imei") or []
    if isinstance(imeis, str):
        imeis = [imeis]
    return TradeInStatus(
        imeis=[str(i) for i in imeis if isinstance(i, (str, int)) and str(i).isdigit()],
        serial=_first(doc, "serial"), brand=_first(product, "brand") or _first(doc, "brand"),
        model=_first(product, "model") or _first(doc, "model"), device=_first(product, "device"),
        launch_level=_as_int(_first(doc, "launch_level")), frp_locked=frp if isinstance(frp, bool) else None,
        battery_cycle_count=_as_int(_first(battery, "cycle_count", "cycleCount")),
        battery_health_percent=_as_int(_first(battery, "health", "state_of_health")),
        battery_part_status=_first(battery, "part_status"),
        screen_part_status=_first(doc, "screen_part_status"),
        storage_bytes=_as_int(_first(storage, "capacity_bytes", "capacity")),
        storage_lifetime_remaining_percent=_as_int(_first(storage, "useful_lifetime_remaining")),
    )
