"""Errors the station reports to people, each mapped to the CLI's exit status.

Exit status (contract): 0 success, 1 negative verdict, 2 bad input or usage, 3 hardware/IO failure.
Every error carries a message saying what was wrong and a hint saying what to do.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_VERDICT = 1
EXIT_USAGE = 2
EXIT_HARDWARE = 3


class StationError(Exception):
    """Base: something the user must be told about. Subclasses fix the exit status."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message


class BadInput(StationError):
    """A file, argument or data item the user gave cannot be used."""

    exit_code = EXIT_USAGE


class HardwareError(StationError):
    """A device or I/O failure (rig, phone, camera, disk)."""

    exit_code = EXIT_HARDWARE


class VerdictFailed(StationError):
    """A check ran and said no (e.g. a report's signature does not verify)."""

    exit_code = EXIT_VERDICT
