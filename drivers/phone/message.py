"""The ADB message codec: 24-byte header + payload, as AOSP adb/protocol.txt defines it.

Header: command, arg0, arg1, data_length, data_check, magic — six little-endian uint32.
``data_check`` is the byte sum of the payload (hosts/devices at version >= 0x01000001 may send 0
and skip the check); ``magic`` is ``command ^ 0xFFFFFFFF``. Pure functions, no I/O.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from drivers.phone.errors import ProtocolError

HEADER = struct.Struct("<6I")
HEADER_SIZE = HEADER.size

A_SYNC = 0x434E5953
A_CNXN = 0x4E584E43
A_AUTH = 0x48545541
A_OPEN = 0x4E45504F
A_OKAY = 0x59414B4F
A_CLSE = 0x45534C43
A_WRTE = 0x45545257
A_STLS = 0x534C5453

COMMANDS = {A_SYNC: "SYNC", A_CNXN: "CNXN", A_AUTH: "AUTH", A_OPEN: "OPEN",
            A_OKAY: "OKAY", A_CLSE: "CLSE", A_WRTE: "WRTE", A_STLS: "STLS"}
BY_NAME = {name: code for code, name in COMMANDS.items()}

A_VERSION_MIN = 0x01000000
A_VERSION_SKIP_CHECKSUM = 0x01000001
A_VERSION = A_VERSION_SKIP_CHECKSUM
MAX_PAYLOAD = 256 * 1024          # what we offer; the peer's CNXN says what it accepts
MAX_PAYLOAD_LEGACY = 4096

AUTH_TOKEN = 1
AUTH_SIGNATURE = 2
AUTH_RSAPUBLICKEY = 3


def checksum(data: bytes) -> int:
    return sum(data) & 0xFFFFFFFF


@dataclass(frozen=True)
class Message:
    command: int
    arg0: int
    arg1: int
    data: bytes = b""

    @property
    def name(self) -> str:
        return COMMANDS.get(self.command, f"0x{self.command:08x}")

    def __repr__(self) -> str:
        shown = self.data[:40]
        return f"Message({self.name}, {self.arg0:#x}, {self.arg1:#x}, {shown!r}{'...' if len(self.data) > 40 else ''})"


def make(name: str, arg0: int, arg1: int, data: bytes = b"") -> Message:
    return Message(BY_NAME[name], arg0 & 0xFFFFFFFF, arg1 & 0xFFFFFFFF, bytes(data))


def pack_header(msg: Message, with_checksum: bool = True) -> bytes:
    return HEADER.pack(msg.command, msg.arg0, msg.arg1, len(msg.data),
                       checksum(msg.data) if with_checksum else 0, msg.command ^ 0xFFFFFFFF)


def pack(msg: Message, with_checksum: bool = True) -> bytes:
    return pack_header(msg, with_checksum) + msg.data


@dataclass(frozen=True)
class Header:
    command: int
    arg0: int
    arg1: int
    data_length: int
    data_check: int


def unpack_header(raw: bytes, max_payload: int = 1024 * 1024) -> Header:
    """Validate and decode a 24-byte header; raise ProtocolError saying what is wrong."""
    if len(raw) != HEADER_SIZE:
        raise ProtocolError(f"ADB header must be {HEADER_SIZE} bytes, got {len(raw)}",
                            "the stream lost sync: reconnect the phone")
    command, arg0, arg1, length, check, magic = HEADER.unpack(raw)
    if magic != command ^ 0xFFFFFFFF:
        raise ProtocolError(f"ADB header magic {magic:#010x} does not match command {command:#010x}",
                            "the stream lost sync or this is not an ADB endpoint: reconnect the phone")
    if command not in COMMANDS:
        raise ProtocolError(f"unknown ADB command {command:#010x}", "this is not an ADB peer we understand")
    if length > max_payload:
        raise ProtocolError(f"ADB payload of {length} bytes exceeds the limit of {max_payload}",
                            "the stream lost sync: reconnect the phone")
    return Header(command, arg0, arg1, length, check)


def attach_payload(header: Header, data: bytes, verify_checksum: bool = True) -> Message:
    """Join a header and its payload, checking length and (unless the peer skips it) the byte sum."""
    if len(data) != header.data_length:
        raise ProtocolError(f"ADB payload is {len(data)} bytes, header said {header.data_length}",
                            "the transfer was cut short: reconnect the phone")
    if verify_checksum and header.data_check and checksum(data) != header.data_check:
        raise ProtocolError(f"ADB payload checksum {checksum(data):#x} != header {header.data_check:#x}",
                            "data was corrupted on the cable: try another cable or port")
    return Message(header.command, header.arg0, header.arg1, bytes(data))


def unpack(raw: bytes, verify_checksum: bool = True) -> Message:
    """Decode one whole message (header followed by exactly its payload)."""
    header = unpack_header(raw[:HEADER_SIZE])
    return attach_payload(header, raw[HEADER_SIZE:], verify_checksum)


class MessageReader:
    """Incremental decoder: feed bytes as they arrive, take whole messages out."""

    def __init__(self, verify_checksum: bool = True) -> None:
        self._buf = bytearray()
        self._header: Header | None = None
        self.verify_checksum = verify_checksum

    def feed(self, data: bytes) -> list[Message]:
        self._buf += data
        out: list[Message] = []
        while True:
            if self._header is None:
                if len(self._buf) < HEADER_SIZE:
                    return out
                self._header = unpack_header(bytes(self._buf[:HEADER_SIZE]))
                del self._buf[:HEADER_SIZE]
            if len(self._buf) < self._header.data_length:
                return out
            n = self._header.data_length
            out.append(attach_payload(self._header, bytes(self._buf[:n]), self.verify_checksum))
            del self._buf[:n]
            self._header = None


@dataclass(frozen=True)
class Banner:
    """The CNXN payload: ``device::ro.product.name=x;ro.product.model=y;...;features=a,b``."""

    system_type: str
    serial: str
    props: dict[str, str]
    features: frozenset[str]


def parse_banner(data: bytes) -> Banner:
    text = data.rstrip(b"\0").decode("utf-8", "replace")
    parts = text.split(":", 2)
    if len(parts) < 2:
        raise ProtocolError(f"CNXN banner {text[:60]!r} lacks 'type:serial:props'",
                            "the peer is not an adbd we understand")
    system_type, serial = parts[0], parts[1]
    props: dict[str, str] = {}
    features: frozenset[str] = frozenset()
    for item in (parts[2] if len(parts) > 2 else "").split(";"):
        key, sep, value = item.partition("=")
        if not sep:
            continue
        if key == "features":
            features = frozenset(f for f in value.split(",") if f)
        else:
            props[key] = value
    return Banner(system_type, serial, props, features)


def make_banner(system_type: str, props: dict[str, str], features: list[str] | frozenset[str],
                serial: str = "") -> bytes:
    items = [f"{k}={v}" for k, v in props.items()] + [f"features={','.join(sorted(features))}"]
    return f"{system_type}:{serial}:{';'.join(items)}".encode()
