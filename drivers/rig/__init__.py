"""The inspection rig's controller over serial (spec: firmware_specs/rig-controller.md).

    from drivers.rig import open_rig
    with open_rig("rigsim://default?timing=fast") as rig:   # or /dev/ttyACM0, hwgrep://1209:0001
        rig.lights(top=80)
        grams = rig.weight_g()

Pieces: ``codec`` (pure framing), ``commands`` (verbs, limits, timing), ``transport`` (bytes via
``serial.serial_for_url``), ``client`` (typed calls, resend, events, reconnect), ``trafficlog``
(raw bytes for disputes), ``sim`` (the firmware twin; ``rigsim://`` is registered on import).
"""

from drivers.rig.client import RigClient, open_rig
from drivers.rig.errors import (CorruptLine, RigCommandError, RigConnectError, RigDisconnected,
                                RigError, RigProtocolError, RigTimeout)
from drivers.rig.models import (Calibration, Identity, PortReading, RigEvent, RigStats, RigStatus,
                                SelftestResult, StrobeResult, TrayState)
from drivers.rig.transport import register_url_handler

register_url_handler()

__all__ = [
    "open_rig", "RigClient", "RigError", "RigCommandError", "RigConnectError", "RigDisconnected",
    "RigProtocolError", "RigTimeout", "CorruptLine", "Calibration", "Identity", "PortReading",
    "RigEvent", "RigStats", "RigStatus", "SelftestResult", "StrobeResult", "TrayState",
]
