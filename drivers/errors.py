"""Base of every driver exception. Each device folder subclasses it with specific failures."""

from __future__ import annotations


class DriverError(Exception):
    """A hardware or protocol failure. ``hint`` tells the user what to do about it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message
