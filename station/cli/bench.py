"""`station bench [NAME|all] [--json] [--quick]`: measured figures, one JSON document."""

from __future__ import annotations

import json
import subprocess
import sys

from station.bench import ORDER, available
from station.cli.output import add_json_flag, emit
from station.errors import BadInput


def register(sub) -> None:
    p = sub.add_parser("bench", help="measure performance (JSON out, medians)")
    p.add_argument("name", nargs="?", default="all", help=f"one of {', '.join(ORDER)} or all")
    p.add_argument("--quick", action="store_true", help="smaller workloads (smoke test)")
    add_json_flag(p)
    p.set_defaults(func=run)


def _run_isolated(name: str, quick: bool) -> dict:
    # Each bench runs in its own process so peak memory and warm caches are its own.
    cmd = [sys.executable, "-m", "station", "bench", name, "--json"] + (["--quick"] if quick else [])
    print(f"bench: running {name} ...", file=sys.stderr, flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    sys.stderr.write(proc.stderr)
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError:
        return {"error": f"bench {name} failed with exit status {proc.returncode}"}


def run(args) -> int:
    benches = available()
    if args.name == "all":
        result = {name: _run_isolated(name, args.quick) for name in benches}
    elif args.name in benches:
        result = benches[args.name](args.quick)
    else:
        known = ", ".join(benches) or "none yet"
        raise BadInput(f"unknown benchmark {args.name!r}", f"choose one of: {known}, all")
    emit(result, args.json, lambda r: json.dumps(r, indent=2, ensure_ascii=False))
    return 0
