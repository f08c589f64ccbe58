"""`read_facts(device)`: everything the station learns from the phone itself over ADB.

Each fact comes from a pure parser; this module only decides which commands to run and in what
order of preference (trade-in JSON on Android 16+, then sysfs, then dumpsys; iphonesubinfo codes
for the phone's Android version, then the other versions' codes). Facts that could not be read
are None, with a note saying why — never a guess.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Protocol

from station.imei.luhn import is_valid_imei
from station.phone import battery as bat
from station.phone import parcel, props as propmod
from station.phone.tradein import TradeInStatus, parse_tradein_status

UEVENT_PATH = "/sys/class/power_supply/battery/uevent"
SDK_TRADEIN = 36


class ShellDevice(Protocol):
    def shell_v2(self, command: str) -> tuple[int, str, str]: ...


@dataclass
class PhoneFacts:
    brand: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    device: str | None = None
    product: str | None = None
    serial: str | None = None
    android_release: str | None = None
    sdk: int | None = None
    security_patch: str | None = None
    imeis: list[str] = field(default_factory=list)
    imei_source: str | None = None
    battery: bat.BatteryFacts = field(default_factory=bat.BatteryFacts)
    bootloader_locked: bool | None = None
    verified_boot_state: str | None = None
    rooted: bool | None = None
    root_indicators: list[str] = field(default_factory=list)
    frp_locked: bool | None = None
    display: dict | None = None                # {"width", "height"}: native portrait pixels
    storage_data_bytes: int | None = None
    storage_marketed_gb: int | None = None
    tradein: dict | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        doc = asdict(self)
        doc["battery"] = self.battery.to_dict()
        return doc

    def inspection_phone(self) -> dict:
        """The `phone` section of the inspection dict (see the brief)."""
        return {k: getattr(self, k) for k in ("brand", "model", "device", "serial", "imeis",
                                               "android_release", "security_patch")}

    def inspection_battery(self) -> dict:
        b = self.battery
        return {"health_permille": b.health_permille, "cycle_count": b.cycle_count, "source": b.source,
                "grade": b.grade}


def _run(device: ShellDevice, command: str) -> tuple[int, str]:
    code, out, err = device.shell_v2(command)
    return code, out if code == 0 else out + err


def sim_slots(props: dict[str, str]) -> tuple[int, ...]:
    """Slots to read: `persist.radio.multisim.config` says ssss (single) or dsds/dsda (dual)."""
    return (0,) if props.get("persist.radio.multisim.config", "").lower() == "ssss" else (0, 1)


def read_imeis(device: ShellDevice, sdk: int | None, notes: list[str], slots: tuple[int, ...] = (0, 1)) -> list[str]:
    found: list[str] = []
    for slot in slots:
        for command in parcel.commands_for(sdk, slot):
            _, out = _run(device, command)
            imei = parcel.imei_from_parcel(out)
            if imei and is_valid_imei(imei):
                if imei not in found:
                    found.append(imei)
                break
            reply = parcel.parse_parcel_string(out)
            if reply and reply.exception:      # SecurityException: every code will say the same
                notes.append(f"iphonesubinfo refused ({reply.exception}): {(reply.text or '').strip()[:120]}")
                return found
    if not found and (sdk or 0) < 21:
        _, out = _run(device, "dumpsys iphonesubinfo")
        imei = parcel.parse_dumpsys_iphonesubinfo(out)
        if imei and is_valid_imei(imei):
            found.append(imei)
    return found


def read_battery(device: ShellDevice, tradein: TradeInStatus | None, notes: list[str]) -> bat.BatteryFacts:
    _, out = _run(device, "dumpsys battery")
    facts = bat.facts_from_dumpsys(bat.parse_dumpsys_battery(out))
    code, uevent = _run(device, f"cat {UEVENT_PATH}")
    if code == 0:
        sysfs = bat.facts_from_uevent(bat.parse_uevent(uevent))
        facts = bat.merge(sysfs, facts) if sysfs.charge_full_uah else bat.merge(facts, sysfs)
    else:
        notes.append(f"{UEVENT_PATH} not readable: {uevent.strip()[:120]}")
    if tradein and tradein.battery_health_percent is not None:
        facts.health_permille = tradein.battery_health_percent * 10
        facts.source = "tradein"
        if tradein.battery_cycle_count is not None:
            facts.cycle_count = tradein.battery_cycle_count
    return bat.grade(facts)


def read_facts(device: ShellDevice) -> PhoneFacts:
    """Read identity, IMEIs, battery, locks and storage from a connected phone."""
    notes: list[str] = []
    _, out = _run(device, "getprop")
    p = propmod.parse_getprop(out)
    sdk_text = p.get("ro.build.version.sdk", "")
    sdk = int(sdk_text) if sdk_text.isdigit() else None
    tradein = None
    if (sdk or 0) >= SDK_TRADEIN:
        code, out = _run(device, "tradeinmode getstatus")
        tradein = parse_tradein_status(out) if code == 0 else None
        if tradein is None:
            notes.append("tradeinmode getstatus unavailable; used dumpsys/sysfs/iphonesubinfo")
    if tradein and tradein.imeis:
        imeis = [i for i in tradein.imeis if is_valid_imei(i)]
        imei_source = "tradein"
    else:
        imeis = read_imeis(device, sdk, notes, sim_slots(p))
        imei_source = "iphonesubinfo" if imeis else None
    if not imeis:
        notes.append("no IMEI readable over USB: read it from the *#06# screen")
    battery = read_battery(device, tradein, notes)
    _, su = _run(device, "which su")
    indicators = propmod.root_indicators(p, su if su.startswith("/") else "")
    _, accounts = _run(device, "dumpsys account")
    _, df = _run(device, "df -k /data")
    _, wm = _run(device, "wm size")
    data_bytes = propmod.parse_df_total_bytes(df)
    return PhoneFacts(
        brand=p.get("ro.product.brand"), manufacturer=p.get("ro.product.manufacturer"),
        model=p.get("ro.product.model"), device=p.get("ro.product.device"), product=p.get("ro.product.name"),
        serial=p.get("ro.serialno") or p.get("ro.boot.serialno"),
        android_release=p.get("ro.build.version.release"), sdk=sdk,
        security_patch=p.get("ro.build.version.security_patch"), imeis=imeis, imei_source=imei_source,
        battery=battery, bootloader_locked=propmod.bootloader_locked(p),
        verified_boot_state=propmod.verified_boot_state(p), rooted=bool(indicators),
        root_indicators=indicators,
        frp_locked=(tradein.frp_locked if tradein and tradein.frp_locked is not None
                    else propmod.frp_armed(propmod.parse_account_types(accounts)) if "Accounts:" in accounts else None),
        display=propmod.parse_wm_size(wm), storage_data_bytes=data_bytes,
        storage_marketed_gb=(tradein.storage_bytes // 1_000_000_000 if tradein and tradein.storage_bytes
                             else propmod.marketed_storage_gb(data_bytes)),
        tradein=tradein.to_dict() if tradein else None, notes=notes)
