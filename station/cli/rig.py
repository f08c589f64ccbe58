"""`station rig info|selftest --rig URL [--json]`: talk to the inspection rig's controller."""

from __future__ import annotations

import os

from station.cli.output import add_json_flag, emit
from station.errors import EXIT_OK, EXIT_VERDICT, BadInput

DEFAULT_RIG = "rigsim://"


def register(sub) -> None:
    p = sub.add_parser("rig", help="the inspection rig's controller: identity, status, checkout")
    actions = p.add_subparsers(dest="rig_action", metavar="ACTION", required=True)
    for name, func, text in (
        ("info", run_info, "identity, status and calibration of the rig"),
        ("selftest", run_selftest, "run every rig command once; results, checks and timings"),
    ):
        sp = actions.add_parser(name, help=text)
        sp.add_argument("--rig", default=os.environ.get("STATION_RIG", DEFAULT_RIG),
                        help="pyserial URL of the rig: /dev/ttyACM0, hwgrep://1209:0001, "
                             "rigsim://SCENARIO?faults=drop:0.05 (default: $STATION_RIG or rigsim://)")
        sp.add_argument("--timeout", type=float, default=0.15,
                        help="seconds to wait for a reply before resending (plus the command's own time)")
        sp.add_argument("--reconnect-wait", type=float, default=3.0, metavar="S",
                        help="seconds to wait for a pulled cable to come back before giving up")
        add_json_flag(sp)
        sp.set_defaults(func=func)


def _open(args):
    from drivers.rig import open_rig

    if args.rig.lower().startswith("rigsim://"):
        from drivers.rig.sim.port import parse_rigsim_url

        try:
            parse_rigsim_url(args.rig)
        except ValueError as exc:
            raise BadInput(f"bad simulator URL {args.rig!r}: {exc}",
                           "e.g. rigsim://default?faults=drop:0.05,corrupt:0.05&timing=fast") from exc
    if args.timeout <= 0:
        raise BadInput(f"--timeout {args.timeout} must be positive", "e.g. --timeout 0.2")
    return open_rig(args.rig, timeout_s=args.timeout, reconnect_s=max(0.0, args.reconnect_wait))


def run_info(args) -> int:
    with _open(args) as rig:
        status = rig.status()
        calibration = rig.calibration()
        result = {"rig": args.rig, "identity": rig.identity.to_dict(), "status": status.to_dict(),
                  "calibration": calibration.to_dict(), "stats": rig.stats.to_dict()}
    emit(result, args.json, _human_info)
    return EXIT_OK


def run_selftest(args) -> int:
    from drivers.rig.checkout import run_checkout

    with _open(args) as rig:
        result = run_checkout(rig)
    emit(result, args.json, _human_selftest)
    return EXIT_OK if result["passed"] else EXIT_VERDICT


def _human_info(r: dict) -> str:
    ident, st, cal = r["identity"], r["status"], r["calibration"]
    lights = " ".join(f"{k}={v}%" for k, v in st["lights"].items())
    return "\n".join([
        f"rig       {ident['model']} serial {ident['serial']} firmware {ident['firmware']} "
        f"(protocol {ident['protocol']}) at {r['rig']}",
        f"tray      phone {'present' if st['phone_present'] else 'absent'}, "
        f"lid {'closed' if st['lid_closed'] else 'open'}, {st['weight_g']:.1f} g",
        f"usb port  {'on' if st['port_on'] else 'off'}",
        f"lights    {lights}",
        f"camera    {cal['mm_per_px']} mm/px, markers {', '.join(cal['markers'])} "
        f"(calibrated {cal['date']})",
    ])


def _human_selftest(r: dict) -> str:
    lines = [f"rig selftest at {r['rig']}"]
    for s in r["steps"]:
        mark = "ok  " if s["ok"] else "FAIL"
        detail = s.get("problem") or s.get("error") or _short(s.get("result"))
        lines.append(f"  {mark} {s['command']:<20} {s['ms']:8.1f} ms  {detail}")
    st = r["stats"]
    lines.append(f"requests {st['requests']}, resends {st['resends']} (timeouts {st['timeouts']}, "
                 f"corrupt lines {st['corrupt_lines']}, rig asked {st['resend_requests']}), "
                 f"stale replies {st['stale_replies']}, reconnects {st['reconnects']}")
    lines.append(f"physical wait {r['physical_wait_s']:.3f} s of {r['wall_s']:.3f} s wall")
    lines.append("PASSED" if r["passed"] else "FAILED")
    return "\n".join(lines)


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 70 else text[:67] + "..."
