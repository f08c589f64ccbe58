"""Scenarios: one data file describes one simulated phone for the whole station.

The rig, phone and camera simulators all read the same scenario, so one name gives a coherent
phone: its weight and power draw on the rig, its props/dumpsys/IMEIs over ADB, its panel, screen
defects and body defects in the camera. Files live in ``drivers/scenarios/NAME.json``; the schema
is documented in ``drivers/scenarios/README.md``. A path to a JSON file works too.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drivers.errors import DriverError

SCENARIO_DIR = Path(__file__).with_name("scenarios")
DEFAULT_SCENARIO = "default"


class ScenarioError(DriverError):
    """A scenario name or file that cannot be used: bad input, not a hardware failure."""

    exit_code = 2


def scenario_names() -> list[str]:
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.json"))


@dataclass(frozen=True)
class Scenario:
    """A simulated phone. Sections are plain dicts; each simulator reads the keys it needs."""

    name: str
    title: str
    phone: dict[str, Any]
    battery: dict[str, Any]
    display: dict[str, Any]
    body: dict[str, Any]
    power: dict[str, Any]
    screen_defects: list[dict[str, Any]] = field(default_factory=list)
    cosmetic_defects: list[dict[str, Any]] = field(default_factory=list)
    imei_screen: list[str] | None = None
    rig_faults: str = ""
    expected: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def imeis(self) -> list[str]:
        return list(self.phone.get("imeis", []))

    @property
    def imeis_on_screen(self) -> list[str]:
        """What the phone's *#06# screen shows (differs from USB in a mismatch scenario)."""
        return list(self.imei_screen) if self.imei_screen is not None else self.imeis

    @classmethod
    def from_dict(cls, data: dict[str, Any], name: str | None = None) -> "Scenario":
        required = ("phone", "battery", "display", "body", "power")
        missing = [key for key in required if key not in data]
        if missing:
            raise ScenarioError(
                f"scenario {name or data.get('name', '?')!r} lacks section(s) {', '.join(missing)}",
                "see drivers/scenarios/README.md for the schema",
            )
        data = copy.deepcopy(data)
        return cls(
            name=name or data.get("name", "custom"),
            title=data.get("title", ""),
            phone=data["phone"],
            battery=data["battery"],
            display=data["display"],
            body=data["body"],
            power=data["power"],
            screen_defects=data.get("screen_defects", []),
            cosmetic_defects=data.get("cosmetic_defects", []),
            imei_screen=data.get("imei_screen"),
            rig_faults=data.get("rig_faults", ""),
            expected=data.get("expected", {}),
            raw=data,
        )


def load_scenario(name_or_path: str | None = None) -> Scenario:
    """Load a scenario by name (``default`` when empty) or by path to a JSON file."""
    key = (name_or_path or DEFAULT_SCENARIO).strip()
    path = Path(key)
    if not (path.suffix == ".json" and path.exists()):
        path = SCENARIO_DIR / f"{key}.json"
    if not path.exists():
        raise ScenarioError(
            f"no scenario named {key!r}",
            f"choose one of: {', '.join(scenario_names())}, or give a path to a scenario .json file",
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"scenario file {path} is not valid JSON: {exc}", "fix the file") from exc
    return Scenario.from_dict(data, name=path.stem)
