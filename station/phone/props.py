"""Pure parsers for `getprop`, `df`, `dumpsys account` and `which su`, and the lock/root facts
derived from them."""

from __future__ import annotations

import re

_PROP_LINE = re.compile(r"^\[(?P<key>[^\]]*)\]:\s*\[(?P<value>.*)\]\s*$")
MARKETED_GB = (8, 16, 32, 64, 128, 256, 512, 1024, 2048)


def parse_getprop(text: str) -> dict[str, str]:
    """``[key]: [value]`` lines → dict. Values may span lines (rare); other lines are ignored."""
    props: dict[str, str] = {}
    pending: tuple[str, list[str]] | None = None
    for raw in text.replace("\r\n", "\n").split("\n"):
        if pending is not None:
            key, parts = pending
            if raw.endswith("]"):
                props[key] = "\n".join(parts + [raw[:-1]])
                pending = None
            else:
                parts.append(raw)
            continue
        match = _PROP_LINE.match(raw)
        if match:
            props[match["key"]] = match["value"]
        elif raw.startswith("[") and "]: [" in raw:
            key, _, rest = raw[1:].partition("]: [")
            pending = (key, [rest])
    return props


def bootloader_locked(props: dict[str, str]) -> bool | None:
    """From ro.boot.flash.locked (1/0) or ro.boot.vbmeta.device_state (locked/unlocked)."""
    flash = props.get("ro.boot.flash.locked")
    if flash in ("0", "1"):
        return flash == "1"
    state = props.get("ro.boot.vbmeta.device_state")
    if state in ("locked", "unlocked"):
        return state == "locked"
    return None


def verified_boot_state(props: dict[str, str]) -> str | None:
    state = props.get("ro.boot.verifiedbootstate", "").strip().lower()
    return state if state in ("green", "yellow", "orange", "red") else None


def root_indicators(props: dict[str, str], which_su: str) -> list[str]:
    """Signs of a rooted or non-production build (each is a reason a buyer should know)."""
    found = []
    if which_su.strip():
        found.append(f"su binary at {which_su.strip().splitlines()[0]}")
    if props.get("ro.debuggable") == "1":
        found.append("ro.debuggable=1")
    if props.get("ro.secure") == "0":
        found.append("ro.secure=0")
    if "test-keys" in props.get("ro.build.tags", ""):
        found.append("build signed with test-keys")
    if verified_boot_state(props) == "orange":
        found.append("verified boot state orange (unlocked bootloader)")
    return found


def parse_df_total_bytes(text: str, mount: str = "/data") -> int | None:
    """Total size of `mount` from `df` (1K-blocks column); None if absent."""
    lines = text.replace("\r\n", "\n").strip().split("\n")
    if not lines:
        return None
    header = lines[0].split()
    scale = 1024
    if header and header[1:2] and header[1].lower().startswith("1k"):
        scale = 1024
    elif header[1:2] and header[1].lower().startswith("512"):
        scale = 512
    for line in lines[1:]:
        cols = line.split()
        if len(cols) >= 6 and cols[-1] == mount and cols[1].isdigit():
            return int(cols[1]) * scale
    return None


def marketed_storage_gb(data_bytes: int | None) -> int | None:
    """The advertised size: the smallest standard size the data partition fits in."""
    if not data_bytes or data_bytes <= 0:
        return None
    for size in MARKETED_GB:
        if data_bytes <= size * 1_000_000_000:
            return size
    return None


def parse_account_types(text: str) -> list[str]:
    """Account types listed by `dumpsys account` (``Account {name=..., type=com.google}``)."""
    return re.findall(r"Account \{name=[^,]*, type=([\w.]+)\}", text)


def frp_armed(account_types: list[str]) -> bool:
    """Factory-reset protection is armed when a Google account is on the phone."""
    return "com.google" in account_types


def parse_wm_size(text: str) -> dict[str, int] | None:
    """`wm size` → {"width", "height"} in native portrait pixels; an ``Override size`` is ignored."""
    match = re.search(r"Physical size:\s*(\d+)\s*x\s*(\d+)", text)
    if not match:
        return None
    a, b = int(match.group(1)), int(match.group(2))
    return {"width": min(a, b), "height": max(a, b)}
