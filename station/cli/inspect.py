"""`station inspect --rig URL --phone URL --camera URL [--out DIR]`: one inspection on real or
simulated devices, the operator answering prompts on this terminal (Enter = done, q = cancel).
`--resume ID` continues a saved inspection from its first step not done.
"""

from __future__ import annotations

from station.cli._overlay_flags import add_overlay_flags
from station.cli.output import add_json_flag, emit


def register(sub) -> None:
    p = sub.add_parser("inspect", help="run one inspection on the given devices")
    p.add_argument("--rig", required=True, help="rig URL: /dev/ttyACM0, socket://…, rigsim://SCENARIO")
    p.add_argument("--phone", required=True, help="phone URL: usb://, usb://SERIAL, tcp://HOST:PORT, sim://SCENARIO")
    p.add_argument("--camera", required=True, help="camera: index, /dev/videoN, video/folder path, sim://SCENARIO")
    p.add_argument("--out", metavar="DIR", help="copy the signed report and public key here")
    p.add_argument("--resume", metavar="ID", help="continue the saved inspection ID")
    p.add_argument("--sim-operator", metavar="SCENARIO",
                   help="answer prompts by acting on the simulated world of SCENARIO (no terminal input)")
    add_overlay_flags(p)
    add_json_flag(p)
    p.set_defaults(func=run)


def run(args) -> int:
    import sys

    from station.inspection.operator import ConsoleOperator, SimulatedOperator
    from station.inspection.session import run_session
    from station.inspection.summary import human_summary

    if args.sim_operator:
        from drivers.simworld import world_for

        operator = SimulatedOperator(world_for(args.sim_operator))
    else:
        operator = ConsoleOperator(stream=sys.stderr)
    doc, code = run_session(args.rig, args.phone, args.camera, operator, out_dir=args.out, as_json=args.json,
                            overlay=not args.no_overlay, host=args.host, port=args.port, resume_id=args.resume, hold_s=args.hold)
    emit(doc, args.json, human_summary)
    return code
