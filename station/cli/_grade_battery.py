"""`station grade battery FILE --json`: grade a saved `dumpsys battery`, sysfs uevent or
`tradeinmode getstatus` dump (or several concatenated)."""

from __future__ import annotations

from pathlib import Path

from station.cli.output import add_json_flag, emit
from station.errors import EXIT_OK, EXIT_VERDICT, BadInput


def add_arguments(p) -> None:
    p.add_argument("file", help="text file: `adb shell dumpsys battery`, "
                                "`cat /sys/class/power_supply/battery/uevent` or `tradeinmode getstatus` output")
    add_json_flag(p)


def grade_text(text: str) -> dict:
    from station.phone import battery as bat
    from station.phone.tradein import parse_tradein_status

    facts = bat.BatteryFacts()
    kinds = []
    tradein = parse_tradein_status(text) if text.lstrip().startswith("{") else None
    if "POWER_SUPPLY_" in text:
        facts = bat.merge(facts, bat.facts_from_uevent(bat.parse_uevent(text)))
        kinds.append("sysfs")
    if "Battery Service state" in text or "\n  level:" in text.replace("\r\n", "\n"):
        facts = bat.merge(facts, bat.facts_from_dumpsys(bat.parse_dumpsys_battery(text)))
        kinds.append("dumpsys")
    if tradein is not None and tradein.battery_health_percent is not None:
        facts.health_permille = tradein.battery_health_percent * 10
        facts.cycle_count = tradein.battery_cycle_count if tradein.battery_cycle_count is not None else facts.cycle_count
        kinds.append("tradein")
    if not kinds:
        raise BadInput("the file is not a dumpsys battery, power_supply uevent or tradeinmode dump",
                       "save `adb shell dumpsys battery` or `adb shell cat /sys/class/power_supply/battery/uevent`")
    facts.source = kinds[-1] if "tradein" in kinds else ("sysfs" if facts.charge_full_uah else kinds[0])
    return bat.grade(facts).to_dict() | {"inputs": kinds}


def run(args) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise BadInput(f"no file at {path}", "give the path of a saved battery dump")
    result = grade_text(path.read_text(encoding="utf-8", errors="replace"))
    if "no_capacity_data" in result["flags"]:
        raise BadInput(f"{path} has no charge_full/charge_full_design (or trade-in health), so no health % "
                       "can be computed", "also save `adb shell cat /sys/class/power_supply/battery/uevent` "
                       "(or `tradeinmode getstatus` on Android 16+) into the file")

    def human(doc: dict) -> str:
        if doc["grade"] is None:
            return f"not graded: {', '.join(doc['flags'])} (health {doc['health_permille']} ‰)"
        return f"battery grade {doc['grade']}: health {doc['health_permille'] / 10:.1f} %, cycles {doc['cycle_count']}"

    emit(result, args.json, human)
    return EXIT_OK if result["grade"] is not None else EXIT_VERDICT
