"""The wire codec: tables for the grammar, Hypothesis for arbitrary bytes and corruption."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

try:
    from drivers.rig import _fastlink
except ImportError:              # tests/rig/test_fastlink.py reports a missing build
    _fastlink = None
from drivers.rig.codec import (MAX_LINE, CorruptLine, Event, LineSplitter, Reply, Request, Resend,
                               crc16, decode_request, decode_rig_line, encode, encode_err,
                               encode_event, encode_ok, encode_request, encode_resend, frame)


def test_crc_is_ccitt_false():
    assert crc16(b"123456789") == 0x29B1      # the catalogue check value of CRC-16/CCITT-FALSE
    assert crc16(b"") == 0xFFFF


@pytest.mark.parametrize("item, line", [
    (Request(1, "ID"), b"N1 ID*AC43\n"),
    (Reply(5, {"port": "on", "settle_ms": "30"}), None),
    (Reply(None, {"top": "50"}), None),
    (Reply(31, {}, 2, "top must be 0-100"), None),
    (Resend(None), b"rs N-*CC6A\n"),
    (Resend(65535), None),
    (Event(0, "lid_opened"), None),
    (Event(12, "phone_placed", {"weight_g": "143.0"}), None),
])
def test_round_trip(item, line):
    raw = encode(item)
    if line is not None:
        assert raw == line
    decoder = decode_request if isinstance(item, Request) else decode_rig_line
    assert decoder(raw[:-1]) == item


@pytest.mark.parametrize("line, reason", [
    (b"ok N1*0000", "checksum"),
    (b"ok N1", "four upper-case hex"),
    (frame("ok N1 a=1")[:-1].lower(), "hex"),           # lower-case CRC is not canonical
    (frame("ok  N1")[:-1], "empty token"),
    (frame("ok N1 a=1 a=2")[:-1], "bad field"),
    (frame("ok N1 A=1")[:-1], "bad field"),
    (frame("ok N65536")[:-1], "sequence"),
    (frame("ok N01")[:-1], "sequence"),
    (frame("err N1 X2 boom")[:-1], "not a reply"),
    (frame("hello N1")[:-1], "not a reply"),
    (frame("ev x lid")[:-1], "not a reply"),
    (b"ok N1 a=\xff1*1234", "printable"),
    (b"ok N1 " + b"a=1 " * 40 + b"*0000", "longer"),
])
def test_rig_lines_refused(line, reason):
    with pytest.raises(CorruptLine) as info:
        decode_rig_line(line)
    assert reason in str(info.value)


@pytest.mark.parametrize("line, expected", [
    (b"id", Request(None, "ID")),
    (b"light top=50", Request(None, "LIGHT", ("top=50",))),
    (b"  port  read  ", Request(None, "PORT", ("read",))),
    (encode_request(7, "PORT", ["READ", "samples=4"])[:-1], Request(7, "PORT", ("READ", "samples=4"))),
    (b"junk" + encode_request(9, "TRAY")[:-1], Request(9, "TRAY")),   # resync past garbage
])
def test_requests_decoded(line, expected):
    assert decode_request(line) == expected


@pytest.mark.parametrize("line", [
    b"N5 ID",                          # numbered lines must be checksummed
    b"N5 ID*0000",
    b"N5 id*" + b"%04X" % crc16(b"N5 id"),       # verbs are upper-case on the wire
    b"\x00\x01",
    b"*",
])
def test_requests_refused(line):
    with pytest.raises(CorruptLine):
        decode_request(line)


@pytest.mark.parametrize("bad", [
    lambda: encode_request(1, "id"),
    lambda: encode_request(70000, "ID"),
    lambda: encode_request(1, "LIGHT", ["top =1"]),
    lambda: encode_ok(1, {"Bad": 1}),
    lambda: encode_ok(1, {"a": "x*y"}),
    lambda: encode_event(1, "Lid"),
    lambda: frame("x" * MAX_LINE),
])
def test_encoders_refuse_what_cannot_be_framed(bad):
    with pytest.raises(ValueError):
        bad()


# ----------------------------------------------------------------------------- Hypothesis

_words = st.builds(lambda head, tail: head + tail, st.sampled_from("abcdelpstwz"),
                   st.text("abcdefghijklmnopqrstuvwxyz0123456789_", max_size=6))
_values = st.text("ABCXYZabcxyz0123456789.,:;_+-", min_size=1, max_size=8)
good_items = st.one_of(
    st.builds(Reply, st.integers(0, 65535), st.dictionaries(_words, _values, max_size=5)),
    st.builds(Reply, st.integers(0, 65535), st.just({}), st.integers(1, 9),
              st.lists(st.text("abcdefgxyz0189", min_size=1, max_size=8), max_size=4).map(" ".join)),
    st.builds(Resend, st.one_of(st.none(), st.integers(0, 65535))),
    st.builds(Event, st.integers(0, 10**6), _words, st.dictionaries(_words, _values, max_size=3)),
)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash_and_only_canonical_lines_pass(data):
    for line in LineSplitter().feed(data + b"\n"):
        try:
            item = decode_rig_line(line)
        except CorruptLine:
            continue
        # Whatever is accepted is a whole, checksummed line at the end of what arrived.
        assert line.endswith(encode(item)[:-1])


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash_the_firmware_side(data):
    for line in LineSplitter().feed(data + b"\n"):
        try:
            decode_request(line)
        except CorruptLine:
            pass


@settings(max_examples=400, deadline=None)
@given(good_items, st.data())
def test_any_burst_of_up_to_16_bits_is_refused(item, data):
    """By the Python codec and by the driver's C decoder alike."""
    line = bytearray(encode(item)[:-1])
    bits = len(line) * 8
    start = data.draw(st.integers(0, bits - 1))
    length = data.draw(st.integers(1, min(16, bits - start)))
    pattern = data.draw(st.integers(0, (1 << length) - 1)) | 1 | (1 << (length - 1))  # both ends flipped
    for k in range(length):
        if pattern >> k & 1:
            bit = start + k
            line[bit // 8] ^= 0x80 >> (bit % 8)
    corrupted = bytes(line)
    if _fastlink is not None:        # the driver's C request path decodes `ok` lines too
        assert _fastlink.decode_ok_line(corrupted) is None, f"C path accepted {corrupted!r}"
    try:
        got = decode_rig_line(corrupted)
    except CorruptLine:
        return
    # A flip may turn the line into garbage + a shorter good line only if that line was really
    # sent; with one framed item per line that cannot happen, so nothing may be accepted.
    pytest.fail(f"accepted corrupt line {corrupted!r} as {got!r}")


@settings(max_examples=120, deadline=None)
@given(st.binary(max_size=400), good_items, good_items, st.integers(1, 64))
def test_resyncs_on_the_next_good_line(garbage, first, second, chunk):
    """Garbage (any bytes, no terminator guaranteed), then two good lines, fed in chunks:
    the second good line always comes through intact; nothing corrupt is accepted."""
    stream = garbage + encode(first) + encode(second)
    splitter = LineSplitter()
    decoded = []
    for i in range(0, len(stream), chunk):
        for line in splitter.feed(stream[i:i + chunk]):
            try:
                decoded.append(decode_rig_line(line))
            except CorruptLine:
                pass
    assert decoded and decoded[-1] == second
    for item in decoded[:-1]:
        assert encode(item)[:-1] in stream


@settings(max_examples=80, deadline=None)
@given(st.lists(good_items, min_size=1, max_size=6), st.integers(1, 40))
def test_splitter_is_independent_of_chunking(items, chunk):
    stream = b"".join(encode(i) for i in items)
    splitter = LineSplitter()
    lines = []
    for i in range(0, len(stream), chunk):
        lines.extend(splitter.feed(stream[i:i + chunk]))
    assert [decode_rig_line(line) for line in lines] == items


def test_splitter_accepts_cr_crlf_and_bounds_a_line_that_never_ends():
    splitter = LineSplitter()
    assert splitter.feed(b"a\rb\r\nc\n\n") == [b"a", b"b", b"c"]
    splitter.feed(b"x" * 10_000)
    assert len(splitter.pending) <= 2 * MAX_LINE
    good = encode_resend(3)
    assert decode_rig_line(splitter.feed(good)[0]) == Resend(3)


def test_err_text_round_trips_words():
    raw = encode_err(4, 2, "give  ON,   OFF")
    assert decode_rig_line(raw[:-1]) == Reply(4, {}, 2, "give ON, OFF")


good_requests = st.builds(
    Request, st.integers(0, 65535), st.sampled_from(["ID", "STATUS", "LIGHT", "PORT", "STROBE", "X9"]),
    st.lists(st.text("ABCONFabc019=_.-", min_size=1, max_size=10), max_size=4).map(tuple))


@settings(max_examples=300, deadline=None)
@given(good_requests, st.data())
def test_requests_round_trip_and_any_short_burst_is_refused(request, data):
    raw = encode(request)
    assert decode_request(raw[:-1]) == request
    line = bytearray(raw[:-1])
    bits = len(line) * 8
    start = data.draw(st.integers(0, bits - 1))
    length = data.draw(st.integers(1, min(16, bits - start)))
    pattern = data.draw(st.integers(0, (1 << length) - 1)) | 1 | (1 << (length - 1))
    for k in range(length):
        if pattern >> k & 1:
            bit = start + k
            line[bit // 8] ^= 0x80 >> (bit % 8)
    try:
        got = decode_request(bytes(line))
    except CorruptLine:
        return
    # Without a checksum a line is terminal mode (a person typing, seq None): a corrupted
    # numbered line may only ever be taken as that, never as a numbered request.
    assert got.seq is None and b"*" not in bytes(line)
