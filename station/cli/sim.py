"""`station sim rig|phone`: serve a simulator so outside tools (serial terminals, `adb`) can talk to it.

Each simulator's CLI lives in its own private module (`_sim_rig`, `_sim_phone`).
"""

from __future__ import annotations

from station.cli._dispatch import register_group

SIMULATORS = {
    "rig": ("station.cli._sim_rig", "serve the simulated rig controller on a pty and print its path"),
    "phone": ("station.cli._sim_phone", "serve the simulated phone's adbd over TCP (adb connect HOST:PORT)"),
}


def register(sub) -> None:
    register_group(sub, "sim", "run a simulator for outside tools (rig on a pty, phone over TCP)",
                   "simulator", "DEVICE", SIMULATORS)
