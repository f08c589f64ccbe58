"""RFC 8785 (JSON Canonicalization Scheme) for float-free payloads.

The signed report carries no floats (percent as permille, times as RFC 3339 strings), so the one
hard part of JCS — ECMAScript number formatting — reduces to integers within the IEEE-754 safe
range. What remains: object keys sorted by their UTF-16 code units, no whitespace, strings escaped
exactly as ECMAScript's JSON.stringify does, UTF-8 output.
"""

from __future__ import annotations

import json
import re
from json.encoder import encode_basestring as _encode_basestring

import orjson

from station.errors import BadInput

# Integers beyond 2**53 cannot round-trip through an IEEE double, which JCS numbers are.
MAX_SAFE_INTEGER = 2**53 - 1

_SURROGATE = re.compile("[\ud800-\udfff]")


_BELOW_F0 = bytes(range(0xF0))


def _has_astral(data: bytes) -> bool:
    """Any character beyond U+FFFF, i.e. a 4-byte UTF-8 sequence (lead byte 0xF0-0xF4)?"""
    return not data.isascii() and bool(data.translate(None, _BELOW_F0))


class _NotPlain(Exception):
    """The slow path met a number only the exact walker can judge."""


def _reject_float(text: str):
    raise _NotPlain(text)


def _check_int(text: str) -> int:
    number = int(text)
    if abs(number) > MAX_SAFE_INTEGER:
        raise _NotPlain(text)
    return number


def _is_plain(value: object) -> bool:
    """Only exact dict (str keys) / list / tuple / str / bool / None / safe int inside?

    For such a value orjson's sorted output IS the JCS text (same escapes as ECMAScript; code-point
    key order equals UTF-16 order when no key is beyond U+FFFF, checked on the bytes). Subclasses,
    floats and big ints go to the exact walker, which converts or refuses them with a field name.
    Leaves are checked inline: this walk is a third of a report's canonicalisation time.
    """
    kind = type(value)
    if kind is dict:
        for key in value:
            if type(key) is not str:
                return False
        items = value.values()
    elif kind is list or kind is tuple:
        items = value
    elif kind is str or kind is bool or value is None:
        return True
    elif kind is int:
        return -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER
    else:
        return False
    for item in items:
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is int:
            if -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
                continue
            return False
        if not _is_plain(item):
            return False
    return True


_SORTED = orjson.OPT_SORT_KEYS | orjson.OPT_STRICT_INTEGER


def _fast_bytes(value: object) -> bytes | None:
    """The JCS bytes via orjson when the value is plain and holds no 4-byte UTF-8; else None."""
    try:
        if not _is_plain(value):
            return None
        data = orjson.dumps(value, option=_SORTED)
    except (orjson.JSONEncodeError, RecursionError):
        return None  # lone surrogates, nesting too deep: the exact walker says what is wrong
    return None if _has_astral(data) else data


def canonical_json(value: object) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of `value` (dict/list/str/int/bool/None only).

    Fast path (the C/Rust encoder, ~20x the walker) for plain values; anything else takes the exact
    walker, which also names the offending field. Tests hold the two paths to the same bytes.
    """
    data = _fast_bytes(value)
    return data if data is not None else canonical_json_exact(value)


def parse_canonical(raw: bytes) -> object:
    """Parse JSON bytes that must already be in RFC 8785 form; ValueError says why not."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _parse_canonical_slowly(raw)
    # Re-encoding must give back the very bytes: that proves key order, spacing and escapes.
    return value if _fast_bytes(value) == raw else _parse_canonical_slowly(raw)


def _parse_canonical_slowly(raw: bytes) -> object:
    # The exact route, and the one that explains a refusal (floats, big ints, order, escapes).
    try:
        value = json.loads(raw, parse_float=_reject_float, parse_int=_check_int, parse_constant=_reject_float)
    except _NotPlain as exc:
        raise ValueError(f"number {exc} is a float or too large for a report") from exc
    canonical = canonical_json_exact(value)
    if canonical != raw:
        raise ValueError("not in RFC 8785 canonical form (key order, spacing or escapes differ)")
    return value


def canonical_json_exact(value: object) -> bytes:
    """RFC 8785 by walking the value: the reference the fast path is tested against."""
    parts: list[str] = []
    _write(value, parts, "$")
    return "".join(parts).encode("utf-8")


def _write(value: object, out: list[str], path: str) -> None:
    # bool before int: True is an int in Python but a literal in JSON.
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise BadInput(f"integer at {path} is outside the JSON-safe range (|n| > 2**53-1)",
                           "store such values as strings")
        out.append(str(int(value)))
    elif isinstance(value, float):
        raise BadInput(f"float {value!r} at {path}: the signed report carries no floats",
                       "express it as an integer (percent as permille, mm as micrometres) or a string")
    elif isinstance(value, str):
        out.append(_string(value, path))
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _write(item, out, f"{path}[{index}]")
        out.append("]")
    elif isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise BadInput(f"object key {key!r} at {path} is not a string", "use string keys only")
        out.append("{")
        for index, key in enumerate(sorted(value, key=_utf16_sort_key)):
            if index:
                out.append(",")
            out.append(_string(key, path))
            out.append(":")
            _write(value[key], out, f"{path}.{key}")
        out.append("}")
    else:
        raise BadInput(f"value of type {type(value).__name__} at {path} cannot go in a report",
                       "use dict, list, str, int, bool or None")


def _utf16_sort_key(key: str) -> bytes:
    # Big-endian UTF-16 bytes compare in the same order as UTF-16 code units.
    return key.encode("utf-16-be", "surrogatepass")


def _string(text: str, path: str) -> str:
    # Python's JSON string encoder escapes exactly what ECMAScript's JSON.stringify does
    # (quote, backslash, \b \f \n \r \t short forms, other C0 controls as lowercase \u00xx),
    # but lets lone surrogates through, which JCS forbids.
    if _SURROGATE.search(text):
        raise BadInput(f"string at {path} holds a lone surrogate", "pass well-formed Unicode text")
    return _encode_basestring(text)
