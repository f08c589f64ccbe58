"""`station demo [--scenario NAME] [--out DIR] [--json]`: the full inspection on the simulated
rig, phone and camera, with the overlay served, progress on the terminal, and the signed report,
its verification and the warranty record at the end.
"""

from __future__ import annotations

from drivers.scenario import DEFAULT_SCENARIO, load_scenario, scenario_names
from station.cli._overlay_flags import add_overlay_flags
from station.cli.output import add_json_flag, emit


def register(sub) -> None:
    p = sub.add_parser("demo", help="full inspection on the simulated rig, phone and camera")
    p.add_argument("--scenario", default=DEFAULT_SCENARIO,
                   help=f"simulated phone: {', '.join(scenario_names())} or a .json path (default: %(default)s)")
    p.add_argument("--out", metavar="DIR", help="copy the signed report and public key here")
    p.add_argument("--timing", choices=("real", "fast"), default="real",
                   help="rig simulator timing: the real firmware's settle/exposure times, or fast (tests)")
    add_overlay_flags(p)
    add_json_flag(p)
    p.set_defaults(func=run)


def sim_urls(scenario: str, timing: str) -> tuple[str, str, str]:
    rig = f"rigsim://{scenario}" + ("?timing=fast" if timing == "fast" else "")
    return rig, f"sim://{scenario}", f"sim://{scenario}"


def run(args) -> int:
    from drivers.simworld import world_for
    from station.inspection.operator import SimulatedOperator
    from station.inspection.session import run_session
    from station.inspection.summary import human_summary

    from drivers.scenario import ScenarioError
    from station.errors import BadInput

    try:
        scenario = load_scenario(args.scenario)
    except ScenarioError as exc:                  # a wrong name is bad input (exit 2), not hardware
        raise BadInput(exc.message, exc.hint) from exc
    name = args.scenario if args.scenario.endswith(".json") else scenario.name
    operator = SimulatedOperator(world_for(scenario))
    rig, phone, camera = sim_urls(name, args.timing)
    doc, code = run_session(rig, phone, camera, operator, out_dir=args.out, as_json=args.json,
                            overlay=not args.no_overlay, host=args.host, port=args.port, hold_s=args.hold)
    doc["scenario"] = scenario.name
    emit(doc, args.json, human_summary)
    return code
