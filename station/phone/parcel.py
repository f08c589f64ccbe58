"""IMEIs over `service call iphonesubinfo`: the Parcel dump parser and which transaction codes to try.

`service call` prints the reply Parcel as hex words (each a little-endian uint32):
``Result: Parcel(0x00000000: 00000000 0000000f 00350033 ... '........3.5.7.5.')``. The reply is
an int32 exception code (0 = none), then a String16: int32 length (-1 = null) and UTF-16LE chars.
The method's transaction code is its position in IPhoneSubInfo.aidl, which changed between
Android versions, so each version has its own list of commands to try, in order.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

_WORD_LINE = re.compile(r"0x[0-9a-fA-F]+:\s+((?:[0-9a-fA-F]{8}\s*)+)")


@dataclass(frozen=True)
class ParcelReply:
    exception: int
    text: str | None          # the String16 (or the exception message when exception != 0)


def parcel_bytes(dump: str) -> bytes:
    """The raw bytes of a `service call` Parcel dump ('' if it is not one)."""
    out = bytearray()
    for line in dump.replace("\r\n", "\n").split("\n"):
        match = _WORD_LINE.search(line)
        if not match:
            continue
        for word in match.group(1).split():
            out += struct.pack("<I", int(word, 16))
    return bytes(out)


def _string16(raw: bytes, pos: int) -> str | None:
    if pos + 4 > len(raw):
        return None
    (length,) = struct.unpack_from("<i", raw, pos)
    if length < 0:
        return None
    body = raw[pos + 4:pos + 4 + 2 * length]
    if len(body) < 2 * length:
        return None
    return body.decode("utf-16-le", "replace")


def parse_parcel_string(dump: str) -> ParcelReply | None:
    """Decode a String16 reply; None when the text holds no parcel."""
    raw = parcel_bytes(dump)
    if len(raw) < 4:
        return None
    (exception,) = struct.unpack_from("<i", raw, 0)
    if exception != 0:
        # a Java exception: optional header size word, then the message String16
        return ParcelReply(exception, _string16(raw, 4))
    return ParcelReply(0, _string16(raw, 4))


def imei_from_parcel(dump: str) -> str | None:
    """The 14–16 digit identifier in a reply, or None (null, exception, garbage)."""
    reply = parse_parcel_string(dump)
    if reply is None or reply.exception != 0 or not reply.text:
        return None
    digits = reply.text.strip()
    return digits if re.fullmatch(r"\d{14,16}", digits) else None


PKG = "s16 com.android.shell"

# (first SDK, commands for slot 0, commands for slot 1). Later entries win for newer SDKs.
# Codes are method positions in IPhoneSubInfo.aidl of that release (checked against AOSP's file
# for 11+; older orders as documented for 5.1–10):
#   5.1–10: 1 getDeviceId(pkg), 2 getNaiForSubscriber, 3 getDeviceIdForPhone(phoneId, pkg),
#           4 getImeiForSubscriber(subId, pkg)
#   11+:    1 getDeviceId(pkg), 2 getDeviceIdWithFeature, 3 getNaiForSubscriber,
#           4 getDeviceIdForPhone(phoneId, pkg, feature), 5 getImeiForSubscriber(subId, pkg, feature)
# Per-slot reads prefer getDeviceIdForPhone (phoneId = slot); subIds are not always slot + 1.
IPHONESUBINFO_COMMANDS: list[tuple[int, list[str], list[str]]] = [
    (0, [f"service call iphonesubinfo 1 {PKG}", f"service call iphonesubinfo 3 i32 0 {PKG}"],
        [f"service call iphonesubinfo 3 i32 1 {PKG}", f"service call iphonesubinfo 4 i32 2 {PKG}"]),
    (30, [f"service call iphonesubinfo 4 i32 0 {PKG}", f"service call iphonesubinfo 1 {PKG}"],
         [f"service call iphonesubinfo 4 i32 1 {PKG}", f"service call iphonesubinfo 5 i32 2 {PKG}"]),
]
# Every command any version uses: the fallbacks when the version's own list finds nothing.
ALL_SLOT_COMMANDS = [sorted({c for _, s0, _ in IPHONESUBINFO_COMMANDS for c in s0}),
                     sorted({c for _, _, s1 in IPHONESUBINFO_COMMANDS for c in s1})]


def commands_for(sdk: int | None, slot: int) -> list[str]:
    """Commands to try for `slot` (0 or 1) on this SDK: its own first, then all others."""
    chosen: list[str] = []
    for first_sdk, slot0, slot1 in IPHONESUBINFO_COMMANDS:
        if sdk is None or sdk >= first_sdk:
            chosen = list(slot0 if slot == 0 else slot1)
    return chosen + [c for c in ALL_SLOT_COMMANDS[slot] if c not in chosen]


def parse_dumpsys_iphonesubinfo(text: str) -> str | None:
    """Android ≤ 4.4 printed ``Device ID = 35...`` in `dumpsys iphonesubinfo`."""
    match = re.search(r"Device ID\s*=\s*(\d{14,16})", text)
    return match.group(1) if match else None
