"""``rigsim://`` for ``serial.serial_for_url``: pyserial imports ``protocol_<scheme>`` and uses ``Serial``."""

from drivers.rig.sim.port import RigSimSerial as Serial

__all__ = ["Serial"]
