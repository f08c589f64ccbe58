"""The rig's wire codec: pure functions, no I/O (spec: firmware_specs/rig-controller.md).

Every line is ``BODY*CCCC\\n`` where CCCC is the CRC-16/CCITT-FALSE of BODY in upper-case hex.
Host -> rig: ``N<seq> VERB arg...``. Rig -> host: ``ok N<seq> key=value...``,
``err N<seq> E<code> text``, ``rs N<last>`` (resend), ``ev <count> <name> key=value...``.
A technician may type ``VERB arg...`` with no number and no checksum (terminal mode).

Both ends use this module: the driver decodes replies and events, the simulator decodes requests.
Decoding is strict (canonical spacing, upper-case CRC, printable ASCII) so that anything accepted
re-encodes to the exact bytes received.
"""

from __future__ import annotations

import binascii
import functools
import re
from dataclasses import dataclass, field

from drivers.rig.errors import CorruptLine

MAX_LINE = 120          # bytes including "*CCCC", excluding the terminator
SEQ_MODULO = 65536      # sequence numbers are 0..65535 and wrap
EOL = b"\n"

_HEX4 = re.compile(rb"[0-9A-F]{4}\Z")
_PRINTABLE = re.compile(rb"[\x20-\x29\x2b-\x7e]+\Z")     # printable ASCII except '*'
_KEY = re.compile(r"[a-z][a-z0-9_]*\Z")
_VALUE = re.compile(r"[\x21-\x29\x2b-\x3c\x3e-\x7e]+\Z")  # printable, no space, '*' or '='
_SEQ = re.compile(r"N(0|[1-9][0-9]{0,4})\Z")
_VERB = re.compile(r"[A-Z][A-Z0-9]*\Z")
_ARG = re.compile(r"[\x21-\x29\x2b-\x7e]+\Z")
# Where a reply/event may start inside a line that has garbage in front of it.
_REPLY_START = re.compile(rb"(?:ok N|err N|rs N)[0-9-]|ev [0-9]")
_REQUEST_START = re.compile(rb"N[0-9]")


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF): check value of b'123456789' is 0x29B1."""
    return binascii.crc_hqx(data, 0xFFFF)


def frame(body: str) -> bytes:
    """``BODY*CCCC\\n`` for a body of printable ASCII without '*'."""
    raw = body.encode("ascii")
    if not _PRINTABLE.match(raw):
        raise ValueError(f"line body must be printable ASCII without '*': {body!r}")
    if len(raw) + 5 > MAX_LINE:
        raise ValueError(f"line body too long ({len(raw) + 5} > {MAX_LINE} bytes): {body!r}")
    return raw + b"*%04X\n" % crc16(raw)


# --------------------------------------------------------------------------- decoded items

@dataclass(frozen=True)
class Request:
    """Host -> rig. ``seq`` is None for a terminal-mode line (typed by a person, unchecked)."""

    seq: int | None
    verb: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reply:
    """Rig -> host answer to one request. ``error`` is the E-code, None when the reply is ``ok``."""

    seq: int | None
    fields: dict[str, str] = field(default_factory=dict)
    error: int | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class Resend:
    """Rig -> host: the last line was corrupt, send it again. ``last_seq`` = last one executed."""

    last_seq: int | None


@dataclass(frozen=True)
class Event:
    """Rig -> host, unsolicited. ``count`` increases by one per event since power-up."""

    count: int
    name: str
    fields: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- encoding

def _seq_text(seq: int | None) -> str:
    if seq is None:
        return "N-"
    if not 0 <= seq < SEQ_MODULO:
        raise ValueError(f"sequence number {seq} outside 0..{SEQ_MODULO - 1}")
    return f"N{seq}"


_FIELDS_TEXT = re.compile(r"(?: [a-z][a-z0-9_]*=[\x21-\x29\x2b-\x3c\x3e-\x7e]+)*\Z")


class EncodedFields(bytes):
    """`` key=value key=value`` already checked against the grammar (see ``encode_fields``).

    A reply whose fields do not change between requests (the simulator's STATUS) encodes them
    once and only adds the number and the CRC per reply.
    """


def _fields_text(fields: dict[str, object]) -> str:
    text = "".join([f" {key}={value}" for key, value in fields.items()])
    if not _FIELDS_TEXT.match(text):     # one check for all fields
        bad = [f"{k}={v!r}" for k, v in fields.items() if not _FIELDS_TEXT.match(f" {k}={v}")]
        raise ValueError(f"field(s) {', '.join(bad)} not valid key=value tokens")
    return text


def encode_fields(fields: dict[str, object]) -> EncodedFields:
    """Check and encode reply/event fields once; ValueError names the bad ones."""
    return EncodedFields(_fields_text(fields).encode("ascii"))


@functools.lru_cache(maxsize=512)
def _request_tail(verb: str, args: tuple[str, ...]) -> bytes:
    """`` VERB arg ...`` checked against the grammar (cached: a client repeats a few commands)."""
    if not _VERB.match(verb):
        raise ValueError(f"verb must be upper-case letters/digits: {verb!r}")
    for arg in args:
        if not _ARG.match(arg):
            raise ValueError(f"argument {arg!r} must be printable ASCII without spaces or '*'")
    return "".join([" " + verb, *(" " + a for a in args)]).encode("ascii")


def _with_crc(body: bytes) -> bytes:
    """``BODY*CCCC\\n`` for a body already known to be printable ASCII without '*'."""
    if len(body) + 5 > MAX_LINE:
        raise ValueError(f"line body too long ({len(body) + 5} > {MAX_LINE} bytes): {body!r}")
    return body + b"*%04X\n" % binascii.crc_hqx(body, 0xFFFF)


def encode_request(seq: int | None, verb: str, args: tuple[str, ...] | list[str] = ()) -> bytes:
    tail = _request_tail(verb, tuple(args))
    if seq is None:      # terminal mode: what a person types, no checksum
        return tail[1:] + b"\n"
    if not 0 <= seq < SEQ_MODULO:
        raise ValueError(f"sequence number {seq} outside 0..{SEQ_MODULO - 1}")
    return _with_crc(b"N%d%s" % (seq, tail))


def encode_ok(seq: int | None, fields: dict[str, object] | EncodedFields | None = None) -> bytes:
    if not isinstance(fields, EncodedFields):
        fields = encode_fields(fields or {})
    if seq is None:
        return _with_crc(b"ok N-" + fields)
    if not 0 <= seq < SEQ_MODULO:
        raise ValueError(f"sequence number {seq} outside 0..{SEQ_MODULO - 1}")
    return _with_crc(b"ok N%d%s" % (seq, fields))


def encode_err(seq: int | None, code: int, message: str) -> bytes:
    words = message.split()
    return frame(f"err {_seq_text(seq)} E{int(code)}" + "".join(" " + w for w in words))


def encode_resend(last_seq: int | None) -> bytes:
    return frame(f"rs {_seq_text(last_seq)}")


def encode_event(count: int, name: str, fields: dict[str, object] | None = None) -> bytes:
    if not _KEY.match(name):
        raise ValueError(f"event name must be lower-case word: {name!r}")
    return frame(f"ev {int(count)} {name}{_fields_text(fields or {})}")


def encode(item: Request | Reply | Resend | Event) -> bytes:
    """The exact bytes of a decoded item (decode(encode(x)) == x)."""
    if isinstance(item, Request):
        return encode_request(item.seq, item.verb, item.args)
    if isinstance(item, Reply):
        if item.ok:
            return encode_ok(item.seq, item.fields)
        return encode_err(item.seq, item.error, item.message)
    if isinstance(item, Resend):
        return encode_resend(item.last_seq)
    return encode_event(item.count, item.name, item.fields)


# --------------------------------------------------------------------------- decoding

def checked_body(line: bytes) -> str:
    """The body of ``BODY*CCCC`` if the CRC matches; else CorruptLine."""
    if len(line) > MAX_LINE:
        raise CorruptLine(f"line longer than {MAX_LINE} bytes")
    if len(line) < 5 or line[-5] != 0x2A or not _HEX4.match(line, len(line) - 4):
        raise CorruptLine("line does not end in '*' and four upper-case hex digits")
    body = line[:-5]
    if not _PRINTABLE.match(body):
        raise CorruptLine("line holds bytes other than printable ASCII")
    if int(line[-4:], 16) != crc16(body):
        raise CorruptLine("checksum mismatch")
    return body.decode("ascii")


def _parse_seq(token: str) -> int | None:
    if token == "N-":
        return None
    if not _SEQ.match(token) or int(token[1:]) >= SEQ_MODULO:
        raise CorruptLine(f"bad sequence token {token!r}")
    return int(token[1:])


def _parse_fields(tokens: list[str]) -> dict[str, str]:
    if not tokens:
        return {}
    if _FIELDS_TEXT.match(" " + " ".join(tokens)):       # fast path: one check for all fields
        fields = dict(token.split("=", 1) for token in tokens)
        if len(fields) == len(tokens):
            return fields
    fields = {}
    for token in tokens:
        key, eq, value = token.partition("=")
        if not eq or not _KEY.match(key) or not _VALUE.match(value) or key in fields:
            raise CorruptLine(f"bad field {token!r}")
        fields[key] = value
    return fields


def _parse_rig_body(body: str) -> Reply | Resend | Event:
    tokens = body.split(" ")
    if "" in tokens:
        raise CorruptLine("empty token (double or trailing space)")
    kind = tokens[0]
    if kind == "ok" and len(tokens) >= 2:
        return Reply(_parse_seq(tokens[1]), _parse_fields(tokens[2:]))
    if kind == "err" and len(tokens) >= 3 and re.fullmatch(r"E[1-9][0-9]{0,2}", tokens[2]):
        return Reply(_parse_seq(tokens[1]), {}, int(tokens[2][1:]), " ".join(tokens[3:]))
    if kind == "rs" and len(tokens) == 2:
        return Resend(_parse_seq(tokens[1]))
    if kind == "ev" and len(tokens) >= 3 and re.fullmatch(r"0|[1-9][0-9]{0,8}", tokens[1]) \
            and _KEY.match(tokens[2]):
        return Event(int(tokens[1]), tokens[2], _parse_fields(tokens[3:]))
    raise CorruptLine(f"not a reply, resend or event: {body[:40]!r}")


def _decode_with_resync(line: bytes, decode_one, starts: re.Pattern):
    try:
        return decode_one(line)
    except CorruptLine as first:
        # Garbage glued in front of a good line: try each place a line could start.
        for match in starts.finditer(line, 1):
            try:
                return decode_one(line[match.start():])
            except CorruptLine:
                continue
        raise first


_OK_LINE = re.compile(
    rb"ok N(0|[1-9][0-9]{0,4})((?: [a-z][a-z0-9_]*=[\x21-\x29\x2b-\x3c\x3e-\x7e]+)*)\*([0-9A-F]{4})\Z")


def _decode_ok_line(line: bytes) -> Reply | None:
    """The common case, a well-formed ``ok`` line, checked in one regex (hot path); else None.

    The regex admits only the grammar's bytes, so this accepts exactly what the general path
    would; anything else (err, rs, ev, garbage, a repeated key) goes the general way.
    """
    match = _OK_LINE.match(line)
    if match is None or len(line) > MAX_LINE \
            or int(match[3], 16) != binascii.crc_hqx(line[:-5], 0xFFFF):
        return None
    seq = int(match[1])
    if seq >= SEQ_MODULO:
        return None
    rest = match[2]
    if not rest:
        return Reply(seq, {})
    # Values hold no '=' or space, so the fields alternate key, value once '=' becomes a space.
    flat = rest[1:].decode("ascii").replace("=", " ").split(" ")
    fields = dict(zip(flat[::2], flat[1::2]))
    if len(fields) * 2 != len(flat):
        return None                        # a key twice: the general path says why
    return Reply(seq, fields)


def decode_rig_line(line: bytes) -> Reply | Resend | Event:
    """Decode one line the rig sent (without terminator). CorruptLine if it fails any check."""
    reply = _decode_ok_line(line)
    if reply is not None:
        return reply
    return _decode_with_resync(line, lambda raw: _parse_rig_body(checked_body(raw)), _REPLY_START)


def _decode_request_strict(line: bytes) -> Request:
    body = checked_body(line)
    tokens = body.split(" ")
    if len(tokens) < 2 or "" in tokens or tokens[0] == "N-":
        raise CorruptLine(f"request must be 'N<seq> VERB args': {body[:40]!r}")
    seq = _parse_seq(tokens[0])
    if not _VERB.match(tokens[1]):
        raise CorruptLine(f"bad verb {tokens[1]!r}")
    return Request(seq, tokens[1], tuple(tokens[2:]))


_REQUEST_LINE = re.compile(
    rb"N(0|[1-9][0-9]{0,4}) ([A-Z][A-Z0-9]*)((?: [\x21-\x29\x2b-\x7e]+)*)\*([0-9A-F]{4})\Z")


def decode_request(line: bytes) -> Request:
    """Decode one host line (without terminator). Terminal mode: no N, no '*', verb any case."""
    fast = _REQUEST_LINE.match(line)     # a well-formed numbered line, in one regex (hot path)
    if fast and len(line) <= MAX_LINE and int(fast[4], 16) == binascii.crc_hqx(line[:-5], 0xFFFF):
        seq, args = int(fast[1]), fast[3]
        if seq < SEQ_MODULO:
            return Request(seq, fast[2].decode("ascii"),
                           tuple(args[1:].decode("ascii").split(" ")) if args else ())
    stripped = line.strip(b" ")
    if b"*" not in stripped and not _REQUEST_START.match(stripped):
        if not stripped or not _PRINTABLE.match(stripped) or len(stripped) > MAX_LINE:
            raise CorruptLine("terminal line holds bytes other than printable ASCII")
        tokens = stripped.decode("ascii").split()
        verb = tokens[0].upper()
        if not _VERB.match(verb):
            raise CorruptLine(f"bad verb {tokens[0]!r}")
        return Request(None, verb, tuple(tokens[1:]))
    return _decode_with_resync(line, _decode_request_strict, _REQUEST_START)


class LineSplitter:
    """Bytes in, complete lines out. CR, LF or CRLF end a line; empty lines are skipped.

    A line that never ends cannot grow without bound: only its last 2*MAX_LINE bytes are kept,
    so a good line after a flood of garbage still comes through.
    """

    def __init__(self) -> None:
        self._pending = b""

    def feed(self, data: bytes) -> list[bytes]:
        if not self._pending and data.find(b"\n") == len(data) - 1 and b"\r" not in data:
            return [data[:-1]] if len(data) > 1 else []     # exactly one whole line (hot path)
        buf = self._pending + data
        if b"\r" in buf:
            buf = buf.replace(b"\r", b"\n")
        parts = buf.split(b"\n")
        self._pending = parts.pop()[-2 * MAX_LINE:]
        return [p for p in parts if p]

    @property
    def pending(self) -> bytes:
        return self._pending

    def clear(self) -> None:
        self._pending = b""
