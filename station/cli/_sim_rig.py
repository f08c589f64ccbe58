"""`station sim rig [--scenario S] [--faults F] [--timing real|fast] [--link PATH]`: the simulated
rig on a pty.

Prints the device path on stdout (or one JSON document with --json) and serves until Ctrl-C.
With a ``replug`` fault the rig comes back on a new pty after a ``disconnect``; the printed path
is then a symlink that follows it (``--link``, default ``$STATION_HOME/run/sim-rig-<pid>``).
"""

from __future__ import annotations

import json
import os
import signal
import sys

from station.cli.output import add_json_flag
from station.errors import BadInput
from station.home import subdir


def add_arguments(p) -> None:
    p.add_argument("--scenario", default="default", help="simulated phone on the tray (default: default)")
    p.add_argument("--faults", default=None,
                   help="e.g. drop:0.05,corrupt:0.05,delay:20ms,duplicate:0.02,garbage:0.02,"
                        "disconnect:40 (default: the scenario's rig_faults)")
    p.add_argument("--timing", choices=("real", "fast"), default="real",
                   help="real: wait through light settle and sampling; fast: reply at once")
    p.add_argument("--seed", type=int, default=0, help="seed of the fault injector")
    p.add_argument("--link", default=None,
                   help="keep a symlink to the current pty here (it follows a re-plugged rig; "
                        "default with a replug fault: $STATION_HOME/run/sim-rig-<pid>)")
    add_json_flag(p)


def run(args) -> int:
    from drivers.rig.sim.faults import FaultPlan
    from drivers.rig.sim.pty_server import PtyRig
    from drivers.scenario import load_scenario

    try:
        faults = args.faults if args.faults is not None else load_scenario(args.scenario).rig_faults
        plan = FaultPlan.parse(faults)
        link = args.link
        if link is None and plan.replug_s is not None:     # a re-plugged rig gets a new pty
            link = subdir("run") / f"sim-rig-{os.getpid()}"
        server = PtyRig(args.scenario, plan, args.timing, args.seed, link=link,
                        on_cable=lambda news: print(f"simulated rig: {news}", file=sys.stderr,
                                                    flush=True))
    except ValueError as exc:
        raise BadInput(str(exc), "see `station sim rig --help` for the fault syntax") from exc
    if args.json:
        json.dump({"path": server.path, "tty": server.tty_path, "scenario": args.scenario,
                   "timing": args.timing, "faults": faults}, sys.stdout)
        sys.stdout.write("\n")
    else:
        print(server.path)
    sys.stdout.flush()
    print(f"simulated rig (scenario {args.scenario}, timing {args.timing}) on {server.path}\n"
          f"  try: station rig selftest --rig {server.path}\n"
          f"   or: picocom --echo --imap lfcrlf {server.path}   then type: ID  (Enter)\n"
          f"  Ctrl-C stops it.", file=sys.stderr, flush=True)
    # `kill` / a supervisor's SIGTERM stops it like Ctrl-C, so the pty and the link are cleaned up.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
