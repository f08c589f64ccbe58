"""The ADB message codec against a real capture, by construction, and fuzzed."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from drivers.phone import message as m
from drivers.phone.errors import ProtocolError

CAPTURE = Path("/work/shared/data/adb/mibox3-device-to-host.hex")
if not CAPTURE.exists():                                     # a copy beside the tests when shared data moves
    CAPTURE = Path(__file__).with_name("data") / "mibox3-device-to-host.hex"


def capture_transfers() -> list[bytes]:
    out = []
    for line in CAPTURE.read_text().splitlines():
        text = line.split("#", 1)[0].strip()
        if text:
            out.append(bytes.fromhex(text))
    return out


def test_every_message_of_the_real_capture_decodes():
    transfers = capture_transfers()
    messages = []
    i = 0
    while i < len(transfers):
        header = m.unpack_header(transfers[i])
        payload = transfers[i + 1] if header.data_length else b""
        messages.append(m.attach_payload(header, payload))
        i += 2 if header.data_length else 1
    names = [msg.name for msg in messages]
    assert names.count("AUTH") == 2 and names.count("CNXN") == 2
    assert {"OKAY", "WRTE", "CLSE"} <= set(names)
    assert len(messages) == 15
    auth = messages[0]
    assert auth.arg0 == m.AUTH_TOKEN and len(auth.data) == 20
    cnxn = messages[1]
    assert cnxn.arg0 == 0x01000000 and cnxn.arg1 == 4096
    banner = m.parse_banner(cnxn.data)
    assert banner.system_type == "device"
    assert banner.props == {"ro.product.name": "once", "ro.product.model": "MIBOX3", "ro.product.device": "once"}
    assert banner.features == {"stat_v2", "cmd", "shell_v2"}
    writes = b"".join(msg.data for msg in messages if msg.name == "WRTE")
    assert b"Wake Locks: size=0" in writes and b"com.google.android.youtube.tv" in writes


def test_the_capture_streamed_through_the_incremental_reader_gives_the_same_messages():
    stream = b"".join(capture_transfers())
    reader = m.MessageReader()
    got = []
    for off in range(0, len(stream), 7):       # awkward chunk size: headers split across reads
        got += reader.feed(stream[off:off + 7])
    assert len(got) == 15
    assert [g.name for g in got][:3] == ["AUTH", "CNXN", "OKAY"]


def test_pack_then_unpack_round_trips():
    msg = m.make("WRTE", 5, 9, b"hello")
    raw = m.pack(msg)
    assert raw[:4] == b"WRTE" and len(raw) == 24 + 5
    assert m.unpack(raw) == msg


@pytest.mark.parametrize("mutate, words", [
    (lambda h: h[:20] + b"\0\0\0\0", "magic"),                                   # magic broken
    (lambda h: b"XXXX" + h[4:20] + struct.pack("<I", 0x58585858 ^ 0xFFFFFFFF), "unknown ADB command"),
    (lambda h: h[:12] + struct.pack("<I", 10 ** 8) + h[16:], "exceeds"),          # absurd length
])
def test_bad_headers_say_what_is_wrong(mutate, words):
    header = m.pack_header(m.make("OKAY", 1, 2))
    with pytest.raises(ProtocolError) as info:
        m.unpack_header(mutate(header))
    assert words in info.value.message and info.value.hint


def test_checksum_mismatch_is_detected_and_zero_checksum_is_accepted():
    raw = bytearray(m.pack(m.make("WRTE", 1, 2, b"abc")))
    raw[-1] ^= 0x01
    with pytest.raises(ProtocolError, match="checksum"):
        m.unpack(bytes(raw))
    unchecked = m.pack(m.make("WRTE", 1, 2, b"abc"), with_checksum=False)
    assert m.unpack(unchecked).data == b"abc"


def test_short_payload_is_an_error():
    raw = m.pack(m.make("WRTE", 1, 2, b"abcdef"))
    with pytest.raises(ProtocolError, match="header said 6"):
        m.unpack(raw[:-2])


messages = st.builds(lambda name, a0, a1, data: m.make(name, a0, a1, data),
                     st.sampled_from(sorted(m.BY_NAME)), st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1),
                     st.binary(max_size=300))


@given(st.lists(messages, max_size=8), st.integers(1, 64))
@settings(max_examples=150, deadline=None)
def test_any_message_sequence_survives_any_chunking(msgs, chunk):
    stream = b"".join(m.pack(x) for x in msgs)
    reader = m.MessageReader()
    got = []
    for off in range(0, len(stream), chunk):
        got += reader.feed(stream[off:off + chunk])
    assert got == msgs


@given(st.binary(max_size=200))
@settings(max_examples=300, deadline=None)
def test_garbage_only_ever_raises_protocol_error(data):
    reader = m.MessageReader()
    try:
        reader.feed(data)
    except ProtocolError as exc:
        assert exc.hint


@given(st.dictionaries(st.text("abcdefghij.", min_size=1, max_size=12), st.text("xyz019 _-", max_size=10),
                       max_size=5), st.sets(st.text("abcdefg_", min_size=1, max_size=8), max_size=4))
@settings(max_examples=100, deadline=None)
def test_banner_round_trips(props, features):
    banner = m.parse_banner(m.make_banner("device", props, features))
    assert banner.props == props and banner.features == features


@given(st.binary(max_size=120))
@settings(max_examples=200, deadline=None)
def test_banner_parser_never_crashes(data):
    try:
        m.parse_banner(data)
    except ProtocolError:
        pass
