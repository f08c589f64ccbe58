"""`station app [--sim]`: start the desktop app.

The app lives in the `ui` package, which the station layer must not import (import-linter
contract `ui -> station -> drivers`; no Qt in station/). So this command starts it as a child
process, `python -m ui ...`, with the same interpreter: the layers stay one-way, a Qt crash cannot
take the CLI with it, and the exit status passes straight through.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

from station.errors import BadInput, HardwareError


def register(sub) -> None:
    p = sub.add_parser("app", help="the desktop app (--sim: simulated rig, phone and camera)")
    p.add_argument("--sim", action="store_true",
                   help="use the simulators and run a whole inspection at once (no hardware needed)")
    p.add_argument("--scenario", default="default", help="simulated phone for --sim")
    p.add_argument("--lang", choices=["zh_CN", "en"], help="UI language (default zh_CN)")
    p.add_argument("--manual", action="store_true",
                   help="with --sim: answer each operator prompt yourself (Space) instead of simulated hands")
    p.add_argument("--overlay", action="store_true", help="start the broadcast overlay at once")
    p.set_defaults(func=run)


def app_command(args) -> list[str]:
    """The child process's command line (pure, tested)."""
    cmd = [sys.executable, "-m", "ui"]
    if args.sim:
        cmd += ["--sim", "--scenario", args.scenario]
    if getattr(args, "lang", None):
        cmd += ["--lang", args.lang]
    if getattr(args, "manual", False):
        cmd.append("--manual")
    if getattr(args, "overlay", False):
        cmd.append("--overlay")
    return cmd


def _check_can_start(env: dict[str, str]) -> None:
    if importlib.util.find_spec("PySide6") is None:
        raise BadInput("the desktop app needs PySide6, which is not installed in this Python",
                       "run `make setup` (or pip install -e .) in the project folder")
    platform = env.get("QT_QPA_PLATFORM", "")
    if sys.platform.startswith("linux") and not platform and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        raise HardwareError("no display to show the app on (neither DISPLAY nor WAYLAND_DISPLAY is set)",
                            "run it in a desktop session, or headless with `xvfb-run -a station app --sim`")


def run(args) -> int:
    env = dict(os.environ)
    _check_can_start(env)
    if args.sim:
        from drivers.scenario import load_scenario

        load_scenario(args.scenario)        # a wrong name fails here, with the list of names
    return subprocess.call(app_command(args), env=env)
