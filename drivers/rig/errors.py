"""What can go wrong talking to the rig. Every error says what happened and (hint) what to do."""

from __future__ import annotations

from drivers.errors import DriverError


class RigError(DriverError):
    """Base of every rig failure."""


class RigProtocolError(RigError):
    """The rig sent something the protocol does not allow (a driver/firmware version mismatch)."""


class CorruptLine(RigProtocolError):
    """One received line failed its checksum or syntax. The driver recovers by asking again."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "the driver resends automatically; persistent corruption means "
                                  "a bad cable or wrong port")


class RigConnectError(RigError):
    """The serial port could not be opened."""


class RigDisconnected(RigError):
    """The port went away (cable pulled, rig powered off) and did not come back in time."""


class RigTimeout(RigError):
    """No valid reply after every resend."""


class RigCommandError(RigError):
    """The rig understood the request and refused it (an ``err`` reply with an E-code)."""

    def __init__(self, code: int, name: str, message: str, hint: str = "") -> None:
        super().__init__(message, hint)
        self.code = code
        self.name = name
