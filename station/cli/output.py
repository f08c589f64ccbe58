"""Output helpers: one JSON document on stdout with --json, human text otherwise, logs on stderr."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any, Callable

from drivers.errors import DriverError
from station.errors import EXIT_HARDWARE, EXIT_USAGE, StationError

log = logging.getLogger("station")


def emit(result: Any, as_json: bool, human: Callable[[Any], str] | None = None) -> None:
    """Print `result`: as exactly one JSON document, or through `human` as text."""
    if as_json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        text = human(result) if human else json.dumps(result, ensure_ascii=False, indent=2, default=str)
        print(text)
    sys.stdout.flush()


def error_exit_code(exc: BaseException) -> int:
    if isinstance(exc, StationError):
        return exc.exit_code
    if isinstance(exc, DriverError):
        # A driver error is a hardware failure unless it says otherwise (a bad scenario name is usage).
        return getattr(exc, "exit_code", EXIT_HARDWARE)
    if isinstance(exc, (FileNotFoundError, IsADirectoryError, NotADirectoryError, ValueError)):
        return EXIT_USAGE
    if isinstance(exc, OSError):
        return EXIT_HARDWARE
    return EXIT_USAGE


def report_error(exc: BaseException, as_json: bool = False) -> int:
    """Tell the user what went wrong (and what to do); return the exit status."""
    code = error_exit_code(exc)
    hint = getattr(exc, "hint", "") or ""
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    if not isinstance(exc, (StationError, DriverError, OSError, ValueError)):
        log.debug("unexpected error", exc_info=exc)
        message = f"{type(exc).__name__}: {message}"
    if as_json:
        emit({"error": {"type": type(exc).__name__, "message": message, "hint": hint,
                        "exit_code": code}}, as_json=True)
    print(f"station: error: {message}", file=sys.stderr)
    if hint:
        print(f"station: what to do: {hint}", file=sys.stderr)
    return code


def add_json_flag(parser) -> None:
    parser.add_argument("--json", action="store_true", help="print exactly one JSON document on stdout")
