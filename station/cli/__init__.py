"""The `station` command line: one entry point, subcommands discovered from this package.

Each module in `station.cli` that defines ``register(subparsers)`` adds its subcommand(s); the
parser it adds sets ``func`` to a callable taking the parsed args and returning an exit status.
Modules are discovered rather than listed so that each capability owns its own CLI module.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys

from station import __version__
from station.cli.output import report_error
from station.errors import EXIT_USAGE
from station.frame_memory import keep_frame_memory


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="station",
        description="Phone inspection station: inspect, grade, sign reports, manage warranties.",
    )
    parser.add_argument("--version", action="version", version=f"station {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name == "output":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    keep_frame_memory()        # before any worker thread: camera frames reuse mapped memory
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(func(args) or 0)
    except KeyboardInterrupt:
        print("station: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence turns errors into messages
        return report_error(exc, as_json=getattr(args, "json", False))
