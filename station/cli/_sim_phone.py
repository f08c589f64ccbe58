"""`station sim phone --tcp 127.0.0.1:PORT --scenario S`: the adbd twin for `adb connect`."""

from __future__ import annotations

import sys

from drivers.scenario import DEFAULT_SCENARIO


def add_arguments(p) -> None:
    p.add_argument("--tcp", default="127.0.0.1:5555", metavar="HOST:PORT",
                   help="address to serve ADB on (default 127.0.0.1:5555; port 0 picks a free one)")
    p.add_argument("--scenario", default=DEFAULT_SCENARIO, help="simulated phone (default: default)")
    p.add_argument("--usb-debugging", choices=["authorized", "prompt", "refuse", "off"],
                   help="override the scenario's USB-debugging state")
    p.add_argument("--allow-after", type=float, help="with prompt: the user taps Allow after this many seconds")


def run(args) -> int:
    from drivers.phone.sim_adbd import SimOptions
    from drivers.phone.sim_server import SimAdbServer
    from drivers.scenario import ScenarioError, load_scenario
    from station.errors import BadInput

    host, _, port = args.tcp.rpartition(":")
    if not host or not port.isdigit():
        raise BadInput(f"--tcp {args.tcp!r} is not HOST:PORT", "write it like --tcp 127.0.0.1:5555")
    try:
        scenario = load_scenario(args.scenario)
    except ScenarioError as exc:           # a wrong name is bad input (exit 2), not a hardware fault
        raise BadInput(exc.message, exc.hint) from exc
    options = SimOptions.for_scenario(scenario, usb_debugging=args.usb_debugging, allow_after_s=args.allow_after)
    try:
        server = SimAdbServer(scenario, host=host, port=int(port), options=options)
    except OSError as exc:
        raise BadInput(f"cannot serve on {args.tcp}: {exc.strerror}", "choose another port, or port 0") from exc
    bound_host, bound_port = server.address
    print(f"{bound_host}:{bound_port}", flush=True)
    print(f"simulated {scenario.phone.get('model')} ({scenario.name}) serving ADB on {bound_host}:{bound_port}; "
          f"try: adb connect {bound_host}:{bound_port}   (Ctrl-C stops)", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    finally:
        server.close()
    return 0
