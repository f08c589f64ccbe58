"""`station sim rig|phone`: serve a simulator so outside tools (serial terminals, `adb`) can talk to it.

Each simulator's CLI lives in its own private module (`_sim_rig`, `_sim_phone`) with
``add_arguments(parser)`` and ``run(args)``; this module only dispatches.
"""

from __future__ import annotations

import importlib

SIMULATORS = {
    "rig": ("station.cli._sim_rig", "serve the simulated rig controller on a pty and print its path"),
    "phone": ("station.cli._sim_phone", "serve the simulated phone's adbd over TCP (adb connect HOST:PORT)"),
}


def register(sub) -> None:
    p = sub.add_parser("sim", help="run a simulator for outside tools (rig on a pty, phone over TCP)")
    sims = p.add_subparsers(dest="simulator", metavar="DEVICE", required=True)
    for name, (module_name, help_text) in SIMULATORS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        sp = sims.add_parser(name, help=help_text)
        module.add_arguments(sp)
        sp.set_defaults(func=module.run)
