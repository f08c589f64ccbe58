"""The simulated phone's shell: what `adb shell CMD` prints on the scenario's phone.

Outputs follow the real formats (getprop's ``[key]: [value]``, AOSP BatteryService.dump(), the
kernel's power_supply uevent, `service call`'s Parcel hex dump, Android 16's `tradeinmode
getstatus` JSON) so the station's parsers are exercised on realistic text. Commands that make
the phone show something update the shared world's ``screen`` (the camera sim renders it).
"""

from __future__ import annotations

import json
import shlex
import struct
from dataclasses import dataclass
from urllib.parse import unquote

from drivers.scenario import Scenario
from drivers.simworld import SimWorld

PATTERNS = ("white", "black", "red", "green", "blue", "gray", "off")
STATUS_CODES = {"unknown": 1, "charging": 2, "discharging": 3, "not_charging": 4, "full": 5}
HEALTH_CODES = {"unknown": 1, "good": 2, "overheat": 3, "dead": 4, "over_voltage": 5,
                "unspecified_failure": 6, "cold": 7}

# IPhoneSubInfo.aidl transaction codes (a method's position in the AIDL file) that return an IMEI,
# by the first SDK using that order. 5.1–10: getDeviceId, getNaiForSubscriber, getDeviceIdForPhone,
# getImeiForSubscriber. 11 added getDeviceIdWithFeature as method 2, moving the others on by one.
IPHONESUBINFO_METHODS = [
    (21, {1: "getDeviceId", 3: "getImeiForSubscriber"}),
    (22, {1: "getDeviceId", 3: "getDeviceIdForPhone", 4: "getImeiForSubscriber"}),
    (30, {1: "getDeviceId", 2: "getDeviceIdWithFeature", 4: "getDeviceIdForPhone",
          5: "getImeiForSubscriber"}),
]
SDK_IPHONESUBINFO_DENIED = 34      # from Android 14 the shell user gets a SecurityException
SDK_TRADEIN = 36                   # Android 16: `tradeinmode getstatus`


@dataclass
class ShellResult:
    stdout: str
    stderr: str = ""
    exit_code: int = 0


def props_for(scenario: Scenario) -> dict[str, str]:
    p = scenario.phone
    locked = bool(p.get("bootloader_locked", True))
    rooted = bool(p.get("rooted", False))
    return {
        "ro.product.brand": str(p.get("brand", "")),
        "ro.product.manufacturer": str(p.get("manufacturer", "")),
        "ro.product.model": str(p.get("model", "")),
        "ro.product.device": str(p.get("device", "")),
        "ro.product.name": str(p.get("product", p.get("device", ""))),
        "ro.serialno": str(p.get("serial", "")),
        "ro.boot.serialno": str(p.get("serial", "")),
        "ro.build.version.release": str(p.get("android_release", "")),
        "ro.build.version.sdk": str(p.get("sdk", "")),
        "ro.build.version.security_patch": str(p.get("security_patch", "")),
        "ro.build.tags": "test-keys" if rooted else "release-keys",
        "ro.build.type": "user",
        "ro.debuggable": "0",
        "ro.secure": "1",
        "ro.boot.verifiedbootstate": str(p.get("verified_boot_state", "green")),
        "ro.boot.flash.locked": "1" if locked else "0",
        "ro.boot.vbmeta.device_state": "locked" if locked else "unlocked",
        "ro.frp.pst": "/dev/block/bootdevice/by-name/frp",
        "ro.telephony.default_network": "10",
        "persist.sys.timezone": "Asia/Shanghai",
        "persist.radio.multisim.config": "dsds" if len(scenario.imeis) > 1 else "ssss",
        "sys.boot_completed": "1",
    }


def render_getprop(props: dict[str, str]) -> str:
    return "".join(f"[{k}]: [{v}]\n" for k, v in sorted(props.items()))


def render_dumpsys_battery(scenario: Scenario) -> str:
    b, sdk = scenario.battery, int(scenario.phone.get("sdk", 30))
    status = str(b.get("status", "discharging"))
    lines = ["Current Battery Service state:",
             f"  AC powered: false", f"  USB powered: {'true' if status in ('charging', 'full') else 'false'}",
             "  Wireless powered: false", "  Max charging current: 500000"]
    if sdk >= 24:
        lines += ["  Max charging voltage: 5000000", f"  Charge counter: {b.get('charge_counter_uah', 0)}"]
    lines += [f"  status: {STATUS_CODES.get(status, 1)}", f"  health: {HEALTH_CODES.get(str(b.get('health')), 1)}",
              "  present: true", f"  level: {b.get('level', 0)}", "  scale: 100",
              f"  voltage: {b.get('voltage_mv', 0)}", f"  temperature: {b.get('temperature_dc', 0)}",
              f"  technology: {b.get('technology', 'Li-ion')}"]
    if sdk >= 34:
        lines += ["  Charging state: 1", "  Charging policy: 1", "  Capacity level: 3"]
    return "\n".join(lines) + "\n"


def render_uevent(scenario: Scenario) -> str:
    b = scenario.battery
    fields = {"NAME": "battery", "STATUS": str(b.get("status", "discharging")).replace("_", " ").title(),
              "HEALTH": str(b.get("health", "good")).title(), "PRESENT": "1",
              "TECHNOLOGY": b.get("technology", "Li-ion"), "CAPACITY": b.get("level", 0),
              "VOLTAGE_NOW": int(b.get("voltage_mv", 0)) * 1000, "TEMP": b.get("temperature_dc", 0),
              "CHARGE_COUNTER": b.get("charge_counter_uah", 0)}
    for key, src in (("CHARGE_FULL", "charge_full_uah"), ("CHARGE_FULL_DESIGN", "charge_full_design_uah"),
                     ("CYCLE_COUNT", "cycle_count")):
        if src in b:
            fields[key] = b[src]
    return "".join(f"POWER_SUPPLY_{k}={v}\n" for k, v in fields.items())


def render_parcel(payload: bytes) -> str:
    """`service call`'s dump: 16 bytes a line as four LE uint32 hex words, then the ASCII view."""
    padded = payload + b"\0" * (-len(payload) % 4)
    lines = []
    for off in range(0, len(padded), 16):
        chunk = padded[off:off + 16]
        words = " ".join(f"{w:08x}" for w in struct.unpack(f"<{len(chunk) // 4}I", chunk))
        ascii_view = "".join(chr(c) if 32 <= c < 127 else "." for c in chunk)
        lines.append(f"  0x{off:08x}: {words:<35} '{ascii_view:<16}'")
    return "Result: Parcel(\n" + "\n".join(lines) + ")\n"


def parcel_string(text: str | None, exception: int = 0) -> bytes:
    if text is None:
        return struct.pack("<ii", exception, -1)
    encoded = text.encode("utf-16-le")          # String16 length counts UTF-16 code units
    return struct.pack("<ii", exception, len(encoded) // 2) + encoded + b"\0\0"


def parcel_security_exception(message: str) -> bytes:
    return struct.pack("<i", -1) + parcel_string(message)[4:]


def render_tradein(scenario: Scenario) -> str:
    """The layout AOSP documents for `tradeinmode getstatus` (Pixel 7 example)."""
    p, b = scenario.phone, scenario.battery
    full, design = b.get("charge_full_uah"), b.get("charge_full_design_uah")
    doc = {"battery": {"cycle_count": b.get("cycle_count", -1),
                       "health": round(100 * full / design) if full and design else -1,
                       "state": HEALTH_CODES.get(str(b.get("health")), 1),
                       "manufacturing_date": 1653004800, "first_usage_date": 0},
           "storage": {"useful_lifetime_remaining": 99, "capacity_bytes": str(p.get("storage_bytes", 0))},
           "launch_level": p.get("sdk"),
           "locks": {"factory_reset_protection": bool(p.get("frp_locked", False))},
           "product": {"brand": p.get("brand"), "device": p.get("device"), "manufacturer": p.get("manufacturer"),
                       "model": p.get("model"), "name": p.get("product")},
           "imeis": scenario.imeis, "serial": p.get("serial")}
    return json.dumps(doc, indent=2) + "\n"


class SimShell:
    """Runs one command line on the simulated phone."""

    def __init__(self, scenario: Scenario, world: SimWorld) -> None:
        self.scenario = scenario
        self.world = world
        self.props = props_for(scenario)
        self.sdk = int(scenario.phone.get("sdk", 30))

    def run(self, command: str) -> ShellResult:
        results: list[ShellResult] = []
        for part in command.split(";"):
            if part.strip():
                last = results[-1].exit_code if results else 0
                results.append(self._run_one(part.strip().replace("$?", str(last))))
        if not results:
            return ShellResult("")
        return ShellResult("".join(r.stdout for r in results), "".join(r.stderr for r in results),
                           results[-1].exit_code)

    def _run_one(self, command: str) -> ShellResult:
        try:
            argv = shlex.split(command)
        except ValueError as exc:
            return ShellResult("", f"/system/bin/sh: syntax error: {exc}\n", 2)
        name, args = argv[0], argv[1:]
        handler = getattr(self, f"_cmd_{name.replace('-', '_')}", None)
        if handler is None:
            return ShellResult("", f"/system/bin/sh: {name}: inaccessible or not found\n", 127)
        return handler(args)

    def _cmd_getprop(self, args: list[str]) -> ShellResult:
        if not args:
            return ShellResult(render_getprop(self.props))
        return ShellResult(self.props.get(args[0], args[1] if len(args) > 1 else "") + "\n")

    def _cmd_dumpsys(self, args: list[str]) -> ShellResult:
        if args[:1] == ["battery"]:
            return ShellResult(render_dumpsys_battery(self.scenario))
        if args[:1] == ["account"]:
            accounts = ["    Account {name=seller@gmail.com, type=com.google}"] if self.scenario.phone.get("frp_locked") else []
            return ShellResult(f"Accounts: {len(accounts)}\n" + "".join(a + "\n" for a in accounts))
        return ShellResult("", f"Can't find service: {' '.join(args)}\n", 0)

    def _cmd_cat(self, args: list[str]) -> ShellResult:
        path = args[0] if args else ""
        if path == "/sys/class/power_supply/battery/uevent" and self.scenario.battery.get("sysfs_readable", True):
            return ShellResult(render_uevent(self.scenario))
        return ShellResult("", f"cat: {path}: Permission denied\n" if path.startswith("/sys/")
                           else f"cat: {path}: No such file or directory\n", 1)

    def _cmd_service(self, args: list[str]) -> ShellResult:
        if len(args) < 3 or args[0] != "call" or args[1] != "iphonesubinfo":
            return ShellResult("", "service: unknown usage\n", 1)
        code = int(args[2])
        slot = int(args[4]) if len(args) > 4 and args[3] == "i32" else 0
        if self.sdk >= SDK_IPHONESUBINFO_DENIED:
            return ShellResult(render_parcel(parcel_security_exception(
                "getImeiForSlot: The uid 2000 does not meet the requirements to access device identifiers.")))
        methods: dict[int, str] = {}
        for first_sdk, table in IPHONESUBINFO_METHODS:
            if self.sdk >= first_sdk:
                methods = table
        method = methods.get(code)
        imeis = self.scenario.imeis
        if method is None:                       # some other method: returns a null string
            return ShellResult(render_parcel(parcel_string(None)))
        if method in ("getDeviceId", "getDeviceIdWithFeature"):
            return ShellResult(render_parcel(parcel_string(imeis[0] if imeis else None)))
        # per-slot methods (getImeiForSubscriber takes a subId = slot + 1 on these builds)
        index = slot - 1 if method == "getImeiForSubscriber" else slot
        value = imeis[index] if 0 <= index < len(imeis) else None
        return ShellResult(render_parcel(parcel_string(value)))

    def _cmd_tradeinmode(self, args: list[str]) -> ShellResult:
        if self.sdk < SDK_TRADEIN or not self.scenario.phone.get("tradein_mode", self.sdk >= SDK_TRADEIN):
            return ShellResult("", "/system/bin/sh: tradeinmode: inaccessible or not found\n", 127)
        if args[:1] == ["getstatus"]:
            return ShellResult(render_tradein(self.scenario))
        return ShellResult("", "usage: tradeinmode getstatus|evaluate|testing\n", 1)

    def _cmd_df(self, args: list[str]) -> ShellResult:
        total_k = int(self.scenario.phone.get("storage_bytes", 0)) * 88 // 100 // 1024
        used_k = total_k // 3
        return ShellResult("Filesystem       1K-blocks     Used Available Use% Mounted on\n"
                           f"/dev/block/dm-8 {total_k:>10} {used_k:>8} {total_k - used_k:>9}  33% /data\n")

    def _cmd_wm(self, args: list[str]) -> ShellResult:
        display = self.scenario.display
        if args[:1] == ["size"]:
            return ShellResult(f"Physical size: {display.get('width')}x{display.get('height')}\n")
        if args[:1] == ["density"]:
            return ShellResult(f"Physical density: {display.get('density', 420)}\n")
        return ShellResult("", "usage: wm size|density\n", 1)

    def _cmd_which(self, args: list[str]) -> ShellResult:
        if args == ["su"] and self.scenario.phone.get("rooted"):
            return ShellResult("/system/xbin/su\n")
        return ShellResult("", "", 1)

    def _cmd_am(self, args: list[str]) -> ShellResult:
        if args[:1] != ["start"]:
            return ShellResult("", "am: unknown command\n", 1)
        opts = dict(zip(args[1::2], args[2::2]))
        action, data = opts.get("-a", ""), unquote(opts.get("-d", ""))
        if action.endswith("VIEW") and "/pattern/" in data:
            name = data.rstrip("/").rsplit("/", 1)[-1]
            if name not in PATTERNS:
                return ShellResult("", f"Error: no pattern {name!r}\n", 1)
            self._show(name)
        elif action.endswith("DIAL") and data.replace("tel:", "") == "*#06#":
            self._show("imei")
        else:
            return ShellResult("", f"Error: Activity not started, unable to resolve Intent {{ act={action} dat={data} }}\n", 1)
        return ShellResult(f"Starting: Intent {{ act={action} dat={data} }}\n")

    def _cmd_wm(self, args: list[str]) -> ShellResult:
        # `wm size` as Android prints it: the workflow needs the panel's native size for frame sets.
        if args[:1] != ["size"]:
            return ShellResult("", "wm: only `wm size` is simulated\n", 1)
        display = self.scenario.display
        return ShellResult(f"Physical size: {int(display['width'])}x{int(display['height'])}\n")

    def _cmd_input(self, args: list[str]) -> ShellResult:
        if args[:1] != ["keyevent"] or len(args) < 2:
            return ShellResult("", "usage: input keyevent KEYCODE\n", 1)
        screens = {"KEYCODE_HOME": "home", "3": "home", "KEYCODE_SLEEP": "off", "223": "off",
                   "KEYCODE_WAKEUP": "home", "224": "home"}
        if args[1] in screens:
            self._show(screens[args[1]])
        return ShellResult("")

    def _show(self, screen: str) -> None:
        with self.world.lock:
            self.world.screen = screen

    def _cmd_echo(self, args: list[str]) -> ShellResult:
        return ShellResult(" ".join(args) + "\n")

    def _cmd_true(self, args: list[str]) -> ShellResult:
        return ShellResult("")

    def _cmd_false(self, args: list[str]) -> ShellResult:
        return ShellResult("", "", 1)

    def _cmd_exit(self, args: list[str]) -> ShellResult:
        return ShellResult("", "", int(args[0]) & 0xFF if args and args[0].lstrip("-").isdigit() else 0)

    def read_file(self, path: str) -> bytes | None:
        """Files the sync service can pull (None: no such file)."""
        if path == "/sys/class/power_supply/battery/uevent":
            return render_uevent(self.scenario).encode()
        if path == "/system/build.prop":
            return "".join(f"{k}={v}\n" for k, v in sorted(self.props.items())).encode()
        return None
