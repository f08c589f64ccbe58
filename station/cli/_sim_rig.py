"""`station sim rig [--scenario S] [--faults F] [--timing real|fast]`: the simulated rig on a pty.

Prints the device path on stdout (or one JSON document with --json) and serves until Ctrl-C.
"""

from __future__ import annotations

import json
import sys

from station.cli.output import add_json_flag
from station.errors import BadInput


def add_arguments(p) -> None:
    p.add_argument("--scenario", default="default", help="simulated phone on the tray (default: default)")
    p.add_argument("--faults", default=None,
                   help="e.g. drop:0.05,corrupt:0.05,delay:20ms,duplicate:0.02,garbage:0.02,"
                        "disconnect:40 (default: the scenario's rig_faults)")
    p.add_argument("--timing", choices=("real", "fast"), default="real",
                   help="real: wait through light settle and sampling; fast: reply at once")
    p.add_argument("--seed", type=int, default=0, help="seed of the fault injector")
    add_json_flag(p)


def run(args) -> int:
    from drivers.rig.sim.pty_server import PtyRig

    try:
        server = PtyRig(args.scenario, args.faults, args.timing, args.seed)
    except ValueError as exc:
        raise BadInput(str(exc), "see `station sim rig --help` for the fault syntax") from exc
    if args.json:
        json.dump({"path": server.path, "scenario": args.scenario, "timing": args.timing,
                   "faults": args.faults if args.faults is not None else
                   server.device.world.scenario.rig_faults}, sys.stdout)
        sys.stdout.write("\n")
    else:
        print(server.path)
    sys.stdout.flush()
    print(f"simulated rig (scenario {args.scenario}, timing {args.timing}) on {server.path}\n"
          f"  try: station rig selftest --rig {server.path}\n"
          f"   or: picocom --echo --imap lfcrlf {server.path}   then type: ID  (Enter)\n"
          f"  Ctrl-C stops it.", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    if server.hung_up:
        print("simulated rig: cable pulled by the disconnect fault; stopped", file=sys.stderr)
    return 0
