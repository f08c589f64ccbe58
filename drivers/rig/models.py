"""Typed results of rig commands, built from reply fields (pure; RigProtocolError if a field is bad)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Callable

from drivers.rig.commands import LIGHT_CHANNELS
from drivers.rig.errors import RigProtocolError


def _get(fields: dict[str, str], key: str, convert: Callable[[str], object]):
    try:
        return convert(fields[key])
    except (KeyError, ValueError) as exc:
        raise RigProtocolError(
            f"rig reply lacks a valid {key!r} field (got {fields.get(key)!r})",
            "the firmware speaks another protocol version: update the station software or the rig "
            "firmware (see `station rig info`)") from exc


def _word(true_word: str, false_word: str) -> Callable[[str], bool]:
    """A two-word field -> bool (KeyError, reported as a bad field, for any other word)."""
    return {true_word: True, false_word: False}.__getitem__


_flag = _word("1", "0")
_lid = _word("closed", "open")
_port = _word("on", "off")


def _all(f: dict[str, str], spec: tuple[tuple[str, Callable[[str], object]], ...]) -> list:
    """Every field of ``spec`` converted, in order (one try for all); a missing or bad one raises
    the same RigProtocolError as ``_get``."""
    try:
        return [convert(f[key]) for key, convert in spec]
    except (KeyError, ValueError):
        for key, convert in spec:
            _get(f, key, convert)
        raise


class _Dict:
    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Identity(_Dict):
    model: str
    firmware: str
    serial: str
    protocol: int

    @classmethod
    def from_fields(cls, f: dict[str, str]) -> "Identity":
        return cls(_get(f, "model", str), _get(f, "fw", str), _get(f, "serial", str),
                   _get(f, "proto", int))


_LIGHTS = tuple((name, int) for name in LIGHT_CHANNELS)
_STATUS = (("lid", _lid), ("phone", _flag), ("weight_g", float), ("port", _port), *_LIGHTS)
_TRAY = (("phone", _flag), ("lid", _lid), ("weight_g", float))


assert LIGHT_CHANNELS == ("top", "n", "e", "s", "w"), "RigStatus.from_fields spells them out"


@dataclass(frozen=True)
class RigStatus(_Dict):
    lid_closed: bool
    phone_present: bool
    weight_g: float
    port_on: bool
    lights: dict[str, int]

    @classmethod
    def from_fields(cls, f: dict[str, str]) -> "RigStatus":
        try:        # spelled out: STATUS is what a station polls, this is its hot path
            return cls(_lid(f["lid"]), _flag(f["phone"]), float(f["weight_g"]), _port(f["port"]),
                       {"top": int(f["top"]), "n": int(f["n"]), "e": int(f["e"]),
                        "s": int(f["s"]), "w": int(f["w"])})
        except (KeyError, ValueError):
            _all(f, _STATUS)        # raises the RigProtocolError that names the bad field
            raise


@dataclass(frozen=True)
class TrayState(_Dict):
    present: bool
    lid_closed: bool
    weight_g: float

    @classmethod
    def from_fields(cls, f: dict[str, str]) -> "TrayState":
        return cls(*_all(f, _TRAY))


@dataclass(frozen=True)
class PortReading(_Dict):
    on: bool
    voltage_mv: int
    current_ma: int
    samples: int

    @classmethod
    def from_fields(cls, f: dict[str, str]) -> "PortReading":
        return cls(_get(f, "port", _port), _get(f, "mv", int), _get(f, "ma", int),
                   _get(f, "samples", int))


@dataclass(frozen=True)
class StrobeResult(_Dict):
    width_us: int
    delay_us: int
    count: int
    exposure_ms: int

    @classmethod
    def from_fields(cls, f: dict[str, str]) -> "StrobeResult":
        return cls(_get(f, "width_us", int), _get(f, "delay_us", int), _get(f, "count", int),
                   _get(f, "exposure_ms", int))


def _markers(text: str) -> dict[str, tuple[float, float]]:
    markers = {}
    for item in text.split(";"):
        name, _, xy = item.partition(":")
        x, y = xy.split(",")
        if not name:
            raise ValueError(item)
        markers[name] = (float(x), float(y))
    return markers


@dataclass(frozen=True)
class Calibration(_Dict):
    mm_per_px: float
    markers: dict[str, tuple[float, float]]
    date: str

    @classmethod
    def from_fields(cls, f: dict[str, str]) -> "Calibration":
        return cls(_get(f, "mm_per_px", float), _get(f, "markers", _markers), _get(f, "date", str))


@dataclass(frozen=True)
class SelftestResult(_Dict):
    passed: bool
    parts: dict[str, str]
    duration_ms: int

    @classmethod
    def from_fields(cls, f: dict[str, str]) -> "SelftestResult":
        parts = {k: v for k, v in f.items() if k not in ("result", "duration_ms")}
        return cls(_get(f, "result", _word("pass", "fail")), parts, _get(f, "duration_ms", int))


@dataclass(frozen=True)
class RigEvent(_Dict):
    """Unsolicited news from the rig, or from the driver about the link.

    Rig: lid_opened, lid_closed, phone_placed (weight_g), phone_removed, overcurrent (ma).
    Driver: missed (count: events lost to line noise — ask status()), disconnected, reconnected.
    """

    name: str
    fields: dict[str, str] = field(default_factory=dict)
    count: int | None = None
    at: float = 0.0


@dataclass
class RigStats(_Dict):
    requests: int = 0
    resends: int = 0           # lines sent again (after a timeout, a corrupt line or an 'rs')
    timeouts: int = 0
    corrupt_lines: int = 0     # received lines that failed checksum/syntax
    resend_requests: int = 0   # 'rs' lines from the rig (it got a corrupt request)
    stale_replies: int = 0     # replies to an earlier request (late or duplicated), ignored
    events: int = 0
    events_missed: int = 0
    reconnects: int = 0
    handoff_timeouts: int = 0  # requests the reader thread did not hand the port to in time
    fast_replies: int = 0      # replies taken whole by the C request path (drivers/rig/_fastlink.c)
