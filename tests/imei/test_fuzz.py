"""Hypothesis on the remaining text/byte parsers: TAC CSV normalisation, barcode texts, adb public
keys, saved battery dumps. Each either parses or raises the documented error — never anything else."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from drivers.phone.auth import decode_android_pubkey
from drivers.phone.errors import PhoneError
from station.errors import BadInput
from station.imei.luhn import is_valid_imei
from station.imei.screen import imeis_from_texts
from station.imei.tacdb_build import normalise, render


@given(st.text(max_size=500))
@settings(max_examples=200, deadline=None)
def test_tacdb_normalise_never_crashes_and_output_reparses(text):
    attribution, rows = normalise(text)
    assert all(len(r[0]) == 8 and r[0].isdigit() for r in rows)
    again = normalise("x\n" + render(attribution, rows).split("\n", 1)[1])[1]
    assert [r[0] for r in again] == [r[0] for r in rows]


@given(st.lists(st.text(max_size=20), max_size=6))
@settings(max_examples=200, deadline=None)
def test_barcode_texts_only_ever_yield_valid_imeis(texts):
    assert all(is_valid_imei(i) for i in imeis_from_texts(texts))


@given(st.binary(max_size=800))
@settings(max_examples=200, deadline=None)
def test_public_key_decoder_raises_only_phone_error(data):
    try:
        decode_android_pubkey(data)
    except PhoneError:
        pass


@given(st.text(max_size=400))
@settings(max_examples=200, deadline=None)
def test_battery_dump_grader_parses_or_says_bad_input(text):
    from station.cli._grade_battery import grade_text

    try:
        result = grade_text(text)
    except BadInput as exc:
        assert exc.hint
        return
    assert result["grade"] in (None, "A", "B", "C", "D")
