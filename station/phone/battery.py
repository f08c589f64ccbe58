"""Pure battery parsers (`dumpsys battery`, sysfs power_supply uevent, trade-in JSON) and the
battery grade rule.

Grade rule (brief): health = charge_full / charge_full_design; A ≥ 90 %, B ≥ 85 %, C ≥ 80 %,
D < 80 %. A health above 100 % or below 5 % means the two figures are in different units (some
kernels mix µAh and 10 µAh): flagged as a unit error, never graded.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

STATUS_NAMES = {1: "unknown", 2: "charging", 3: "discharging", 4: "not_charging", 5: "full"}
HEALTH_NAMES = {1: "unknown", 2: "good", 3: "overheat", 4: "dead", 5: "over_voltage",
                6: "unspecified_failure", 7: "cold"}
GRADE_STEPS = ((900, "A"), (850, "B"), (800, "C"))
UNIT_ERROR_HIGH, UNIT_ERROR_LOW = 1000, 50          # permille


@dataclass
class BatteryFacts:
    level: int | None = None
    status: str | None = None
    health: str | None = None
    voltage_mv: int | None = None
    temperature_dc: int | None = None          # tenths of a degree C
    charge_counter_uah: int | None = None
    cycle_count: int | None = None
    charge_full_uah: int | None = None
    charge_full_design_uah: int | None = None
    health_permille: int | None = None
    grade: str | None = None
    flags: list[str] = field(default_factory=list)
    source: str | None = None                  # tradein | sysfs | dumpsys

    def to_dict(self) -> dict:
        return asdict(self)


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    value = value.strip()
    return int(value) if re.fullmatch(r"-?\d+", value) else None


def parse_dumpsys_battery(text: str) -> dict[str, str]:
    """``  key: value`` lines under "Current Battery Service state:" → dict (CRLF tolerated)."""
    fields: dict[str, str] = {}
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        key, sep, value = line.strip().partition(":")
        if sep and key and not key.startswith("Current Battery Service state"):
            fields[key.strip().lower()] = value.strip()
    return fields


def parse_uevent(text: str) -> dict[str, str]:
    """``POWER_SUPPLY_X=value`` lines → {"x": value}."""
    fields: dict[str, str] = {}
    for line in text.replace("\r\n", "\n").split("\n"):
        key, sep, value = line.strip().partition("=")
        if sep and key.startswith("POWER_SUPPLY_"):
            fields[key[len("POWER_SUPPLY_"):].lower()] = value.strip()
    return fields


def facts_from_dumpsys(fields: dict[str, str]) -> BatteryFacts:
    status, health = _int(fields.get("status")), _int(fields.get("health"))
    level, scale = _int(fields.get("level")), _int(fields.get("scale")) or 100
    return BatteryFacts(
        level=round(level * 100 / scale) if level is not None and scale > 0 else None,
        status=STATUS_NAMES.get(status) if status is not None else None,
        health=HEALTH_NAMES.get(health) if health is not None else None,
        voltage_mv=_int(fields.get("voltage")), temperature_dc=_int(fields.get("temperature")),
        charge_counter_uah=_int(fields.get("charge counter")),
        cycle_count=_int(fields.get("cycle count")), source="dumpsys")


def facts_from_uevent(fields: dict[str, str]) -> BatteryFacts:
    voltage = _int(fields.get("voltage_now"))
    return BatteryFacts(
        level=_int(fields.get("capacity")),
        status=(fields.get("status") or "").strip().lower().replace(" ", "_") or None,
        health=(fields.get("health") or "").strip().lower().replace(" ", "_") or None,
        voltage_mv=voltage // 1000 if voltage is not None and voltage > 100_000 else voltage,
        temperature_dc=_int(fields.get("temp")), charge_counter_uah=_int(fields.get("charge_counter")),
        cycle_count=_int(fields.get("cycle_count")), charge_full_uah=_int(fields.get("charge_full")),
        charge_full_design_uah=_int(fields.get("charge_full_design")), source="sysfs")


def merge(primary: BatteryFacts, secondary: BatteryFacts) -> BatteryFacts:
    """Fields of `primary`, holes filled from `secondary`."""
    merged = BatteryFacts(**{k: v for k, v in asdict(primary).items()})
    for key, value in asdict(secondary).items():
        if getattr(merged, key) in (None, []) and value not in (None, []):
            setattr(merged, key, value)
    return merged


def health_permille(full: int | None, design: int | None) -> int | None:
    if not full or not design or full < 0 or design <= 0:
        return None
    return (full * 1000 + design // 2) // design


def grade_for_permille(permille: int) -> str:
    for threshold, grade in GRADE_STEPS:
        if permille >= threshold:
            return grade
    return "D"


def grade(facts: BatteryFacts) -> BatteryFacts:
    """Fill health_permille, grade and flags (a copy; the input is unchanged)."""
    out = BatteryFacts(**asdict(facts))
    out.flags = list(facts.flags)
    if out.health_permille is None:
        out.health_permille = health_permille(out.charge_full_uah, out.charge_full_design_uah)
    if out.health_permille is None:
        out.grade = None
        if "no_capacity_data" not in out.flags:
            out.flags.append("no_capacity_data")
        return out
    if out.health_permille > UNIT_ERROR_HIGH or out.health_permille < UNIT_ERROR_LOW:
        out.grade = None
        if "unit_error" not in out.flags:
            out.flags.append("unit_error")
        return out
    out.grade = grade_for_permille(out.health_permille)
    return out
