"""`station phone info --phone URL [--json]`: read the phone's facts over ADB."""

from __future__ import annotations

import sys

from station.cli.output import add_json_flag, emit
from station.home import subdir


def register(sub) -> None:
    p = sub.add_parser("phone", help="talk to the phone over ADB (USB, TCP or the simulator)")
    cmds = p.add_subparsers(dest="phone_command", metavar="ACTION", required=True)
    info = cmds.add_parser("info", help="read model, serial, IMEIs, battery, locks and storage")
    info.add_argument("--phone", default="sim://default",
                      help="usb://, usb://SERIAL, tcp://HOST:PORT, sim://SCENARIO or usbsim://SCENARIO "
                           "(default sim://default)")
    info.add_argument("--auth-timeout", type=float, default=30.0,
                      help="seconds to wait for someone to tap Allow on the phone (default 30)")
    add_json_flag(info)
    info.set_defaults(func=run_info)


def _human(facts: dict) -> str:
    b = facts["battery"]
    health = f"{b['health_permille'] / 10:.1f} %" if b["health_permille"] is not None else "unknown"
    lines = [f"{facts['brand']} {facts['model']} ({facts['device']}), serial {facts['serial']}",
             f"Android {facts['android_release']} (SDK {facts['sdk']}), security patch {facts['security_patch']}",
             f"IMEI: {', '.join(facts['imeis']) or 'not readable over USB'}",
             f"battery: {b['level']} %, health {health}, grade {b['grade'] or '-'} {' '.join(b['flags'])}".rstrip(),
             f"bootloader locked: {facts['bootloader_locked']}, verified boot: {facts['verified_boot_state']}, "
             f"rooted: {facts['rooted']}, FRP: {facts['frp_locked']}",
             f"storage: {facts['storage_marketed_gb']} GB"]
    return "\n".join(lines + [f"note: {n}" for n in facts["notes"]])


def run_info(args) -> int:
    from drivers.phone import open_phone
    from station.phone import read_facts

    def tell_user(text: str) -> None:
        print(f"station: {text} (waiting up to {args.auth_timeout:g} s)", file=sys.stderr, flush=True)

    from drivers.phone.errors import BadPhoneUrl
    from drivers.scenario import ScenarioError
    from station.errors import BadInput

    try:
        device = open_phone(args.phone, key_path=subdir("keys") / "adbkey", auth_timeout_s=args.auth_timeout,
                            on_auth_prompt=tell_user)
    except (ScenarioError, BadPhoneUrl) as exc:      # a wrong URL or sim name: bad input (exit 2)
        raise BadInput(exc.message, exc.hint) from exc
    try:
        facts = read_facts(device).to_dict()
    finally:
        device.close()
    emit(facts, args.json, _human)
    return 0
