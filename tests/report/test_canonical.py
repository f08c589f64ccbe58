"""RFC 8785 canonical JSON: worked examples from the RFC, escapes, refusals, fast path == walker."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station.errors import BadInput
from station.report.canonical import canonical_json, canonical_json_exact, parse_canonical


def test_rfc8785_sorting_example_orders_keys_by_utf16_code_units():
    # RFC 8785 §3.2.3: the property names below sort in this order under UTF-16 comparison;
    # code-point order would put the emoji (U+1F600) after U+FB33.
    keys = ["\u20ac", "\r", "\ufb33", "1", "\U0001F600", "\u0080", "\u00f6"]
    value = {k: i for i, k in enumerate(keys)}
    out = canonical_json(value).decode("utf-8")
    order = [k for k, _ in json.loads(out, object_pairs_hook=list)]
    assert order == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001F600", "\ufb33"]


@pytest.mark.parametrize("value, expected", [
    ({"b": 1, "a": [True, False, None]}, b'{"a":[true,false,null],"b":1}'),
    ({"s": "\u20ac$\u000f\nA'B\"\\\\\"/"}, '{"s":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'.encode("utf-8")),
    ({"c": "\x7f\u2028"}, '{"c":"\x7f\u2028"}'.encode("utf-8")),   # JCS leaves DEL and U+2028 as is
    ({"n": -9007199254740991}, b'{"n":-9007199254740991}'),
    ({"nested": {"z": {}, "y": []}}, b'{"nested":{"y":[],"z":{}}}'),
    ([], b"[]"),
])
def test_canonical_bytes(value, expected):
    assert canonical_json(value) == expected
    assert canonical_json_exact(value) == expected


@pytest.mark.parametrize("value, where", [
    ({"battery": {"health": 91.5}}, "$.battery.health"),
    ({"a": [1, 2.0]}, "$.a[1]"),
    ({"big": 2**53}, "$.big"),
    ({"bad": "\ud800"}, "$.bad"),
    ({1: "int key"}, "$"),
    ({"set": {1, 2}}, "$.set"),
])
def test_refuses_what_is_not_plain_json_and_names_the_field(value, where):
    with pytest.raises(BadInput) as info:
        canonical_json(value)
    assert where in info.value.message


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_fast_path_matches_the_exact_walker(value):
    assert canonical_json(value) == canonical_json_exact(value)
    assert parse_canonical(canonical_json(value)) == value


@pytest.mark.parametrize("raw", [b'{"b":1,"a":2}', b'{"a": 1}', b'{"a":1.0}', b'{"a":"\\u00e9"}',
                                 b'{"a":9007199254740993}', b'{"a":NaN}', b'{"a":-Infinity}', b'{"a":1,"a":1}',
                                 b'{"a":1e2}', b'{"a":18446744073709551615}', b'\xef\xbb\xbf{}', b'{"a":-0}'])
def test_parse_canonical_rejects_non_canonical_bytes(raw):
    with pytest.raises(ValueError):
        parse_canonical(raw)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=40) | json_values.map(lambda v: json.dumps(v, ensure_ascii=False).encode("utf-8")))
def test_parse_canonical_accepts_exactly_canonical_bytes(raw):
    # Whatever the bytes, parsing either refuses them or returns a value whose canonical form IS
    # those bytes: no two different files can parse to one signed meaning.
    try:
        value = parse_canonical(raw)
    except (ValueError, BadInput):
        return
    assert canonical_json_exact(value) == raw


class _Label(str):
    pass


@pytest.mark.parametrize("value", [{"t": (1, "a")}, {"s": _Label("x")}, {"k": True, "n": None}])
def test_subclasses_and_tuples_take_the_walker_and_agree(value):
    assert canonical_json(value) == canonical_json_exact(value)
