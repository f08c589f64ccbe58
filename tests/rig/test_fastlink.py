"""The driver's request path in C (drivers/rig/_fastlink.c): it must accept exactly the `ok` lines
the Python codec accepts, and on a real pty hand back everything else untouched."""

from __future__ import annotations

import os
import threading
import time
import tty

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.rig.codec import MAX_LINE, _decode_ok_line, crc16, encode_event, encode_resend

try:
    from drivers.rig import _fastlink
except ImportError:         # reported by test_the_c_request_path_is_built; the rest cannot run
    _fastlink = None

needs_fastlink = pytest.mark.skipif(_fastlink is None, reason="drivers.rig._fastlink is not built")


def test_the_c_request_path_is_built():
    """`make setup` builds it (gcc and python3-dev come from scripts/setup-system.sh); without it
    the driver still works, on its slower Python path — which must not happen unnoticed here."""
    assert _fastlink is not None, (
        "drivers/rig/_fastlink.c was not compiled: install gcc and python3-dev "
        "(scripts/setup-system.sh) and run `pip install -e .` again")


def python_decode(line: bytes):
    reply = _decode_ok_line(line)
    return None if reply is None else (reply.seq, reply.fields)


def with_crc(body: bytes) -> bytes:
    return body + b"*%04X" % crc16(body)


STATUS = with_crc(b"ok N101 lid=closed phone=1 weight_g=143.0 port=off top=0 n=0 e=0 s=0 w=0")


@needs_fastlink
@pytest.mark.parametrize("line, expected", [
    (STATUS, (101, {"lid": "closed", "phone": "1", "weight_g": "143.0", "port": "off",
                    "top": "0", "n": "0", "e": "0", "s": "0", "w": "0"})),
    (with_crc(b"ok N0"), (0, {})),
    (with_crc(b"ok N65535 a=1"), (65535, {"a": "1"})),
    (with_crc(b"ok N7 k_2=x!~<>"), (7, {"k_2": "x!~<>"})),
    (with_crc(b"ok N65536 a=1"), None),              # beyond the sequence range
    (with_crc(b"ok N012 a=1"), None),                # leading zero
    (with_crc(b"ok N123456 a=1"), None),             # six digits
    (with_crc(b"ok N1 a=1 a=2"), None),              # a key twice
    (with_crc(b"ok N1 a="), None),                   # empty value
    (with_crc(b"ok N1 A=1"), None),                  # upper-case key
    (with_crc(b"ok N1 1a=1"), None),                 # key starts with a digit
    (with_crc(b"ok N1  a=1"), None),                 # double space
    (with_crc(b"ok N1 a=1 "), None),                 # trailing space
    (with_crc(b"ok N1 a=b=c"), None),                # '=' in a value
    (with_crc(b"ok N1 a=\xe9"), None),               # not ASCII
    (with_crc(b"ok N- a=1"), None),                  # terminal mode goes the general way
    (with_crc(b"err N1 E2 bad"), None),
    (STATUS[:-4] + STATUS[-4:].lower(), None),       # lower-case check digits
    (STATUS[:-1] + (b"0" if STATUS[-1:] != b"0" else b"1"), None),   # wrong CRC
    (STATUS + b"\n", None),                          # the terminator is not part of a line
    (with_crc(b"ok N1 a=" + b"x" * (MAX_LINE - 13)), (1, {"a": "x" * (MAX_LINE - 13)})),
    (with_crc(b"ok N1 a=" + b"x" * (MAX_LINE - 12)), None),                       # one byte too long
])
def test_decode_ok_line_table(line, expected):
    assert _fastlink.decode_ok_line(line) == expected
    assert python_decode(line) == expected


KEYS = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True)
VALUES = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="*="),
                 min_size=1, max_size=8)
NEAR_VALID = st.builds(
    lambda seq, fields, dup: with_crc(
        b"ok N%d" % seq + b"".join(b" %s=%s" % (k.encode(), v.encode()) for k, v in fields)
        + (b" %s=%s" % (fields[0][0].encode(), fields[0][1].encode()) if dup and fields else b"")),
    st.integers(0, 70000), st.lists(st.tuples(KEYS, VALUES), max_size=8), st.booleans())


@needs_fastlink
@settings(max_examples=400, deadline=None)
@given(st.one_of(st.binary(max_size=140), NEAR_VALID),
       st.lists(st.tuples(st.integers(0, 139), st.integers(0, 255)), max_size=3))
def test_c_and_python_accept_exactly_the_same_lines(line, edits):
    """Arbitrary bytes, and well-formed lines with up to three bytes changed: both decoders agree
    on every one (accept with the same fields, or refuse)."""
    mutated = bytearray(line)
    for at, byte in edits:
        if at < len(mutated):
            mutated[at] = byte
    for candidate in (line, bytes(mutated)):
        assert _fastlink.decode_ok_line(candidate) == python_decode(candidate)


# --------------------------------------------------------------------------- exchange on a pty

@pytest.fixture
def pty_pair():
    """(host fd, device fd): the host end opened as pyserial does (raw, non-blocking)."""
    device, host_end = os.openpty()
    tty.setraw(host_end)
    host = os.open(os.ttyname(host_end), os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    os.close(host_end)
    yield host, device
    for fd in (host, device):
        try:
            os.close(fd)
        except OSError:
            pass


def device_answers(device: int, *chunks: bytes, pause_s: float = 0.0) -> threading.Thread:
    """A device thread: read the request line, then write the chunks (pausing between them)."""
    def run():
        got = b""
        while not got.endswith(b"\n"):
            got += os.read(device, 4096)
        received.append(got)
        for chunk in chunks:
            os.write(device, chunk)
            time.sleep(pause_s)
    received: list[bytes] = []
    thread = threading.Thread(target=run, daemon=True)
    thread.received = received
    thread.start()
    return thread


REQUEST = b"N101 STATUS*1234\n"     # exchange does not check what it sends: the codec made it


@needs_fastlink
def test_exchange_returns_our_reply_decoded(pty_pair):
    host, device = pty_pair
    reply = STATUS + b"\n"
    thread = device_answers(device, reply)
    data, sent, fields = _fastlink.exchange(host, REQUEST, 101, 2.0)
    thread.join(2)
    assert thread.received == [REQUEST] and sent == len(REQUEST)
    assert data == reply and fields == python_decode(STATUS)[1]


@needs_fastlink
def test_a_reply_in_pieces_is_read_to_its_end(pty_pair):
    host, device = pty_pair
    reply = STATUS + b"\n"
    thread = device_answers(device, reply[:20], reply[20:50], reply[50:], pause_s=0.02)
    data, _, fields = _fastlink.exchange(host, REQUEST, 101, 2.0)
    thread.join(2)
    assert data == reply and fields is not None


@needs_fastlink
@pytest.mark.parametrize("answer", [
    STATUS + b"\n",                                                   # N101: an earlier request's
    encode_event(4, "lid_opened") + STATUS.replace(b"N101", b"N102", 1) + b"\n",
    encode_resend(100),
    b"\x00garbage" + STATUS.replace(b"N101", b"N102", 1) + b"\n",
    STATUS.replace(b"N101", b"N102", 1) + b"\r\n",                    # CRLF: the splitter's job
], ids=["other-seq", "event-first", "resend", "garbage-glued", "crlf"])
def test_anything_but_our_one_reply_comes_back_undecoded(pty_pair, answer):
    """The Python driver decides about events, resends, garbage and stale replies."""
    host, device = pty_pair
    thread = device_answers(device, answer)
    data, _, fields = _fastlink.exchange(host, REQUEST, 102, 2.0)
    thread.join(2)
    assert data == answer and fields is None


@needs_fastlink
def test_a_rig_that_stays_silent_times_out_with_nothing(pty_pair):
    host, device = pty_pair
    thread = device_answers(device)
    started = time.monotonic()
    data, sent, fields = _fastlink.exchange(host, REQUEST, 101, 0.05)
    assert (data, sent, fields) == (b"", len(REQUEST), None)
    assert time.monotonic() - started >= 0.04        # it waited, it did not give up at once
    thread.join(2)


@needs_fastlink
def test_a_partial_line_at_the_deadline_is_handed_back(pty_pair):
    host, device = pty_pair
    thread = device_answers(device, STATUS[:30])
    data, _, fields = _fastlink.exchange(host, REQUEST, 101, 0.2)
    thread.join(2)
    assert data == STATUS[:30] and fields is None


@needs_fastlink
def test_a_hung_up_port_raises(pty_pair):
    host, device = pty_pair
    os.close(device)                   # the cable is pulled: the pty's other end is gone
    with pytest.raises(OSError):
        _fastlink.exchange(host, REQUEST, 101, 1.0)


@needs_fastlink
def test_other_threads_run_while_it_waits(pty_pair):
    """The GIL is released during the wait (the rig's reader and event threads, the GUI …)."""
    host, device = pty_pair
    counted = []
    stop = threading.Event()

    def count():
        while not stop.is_set():
            counted.append(1)
            time.sleep(0.001)
    counter = threading.Thread(target=count, daemon=True)
    counter.start()
    thread = device_answers(device)
    _fastlink.exchange(host, REQUEST, 101, 0.2)
    stop.set()
    counter.join(2)
    thread.join(2)
    assert len(counted) >= 10
