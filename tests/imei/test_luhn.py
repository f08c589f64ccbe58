"""IMEI forms against python-stdnum's documented cases (run as doctests on OUR functions) and
the 3GPP TS 23.003 Annex B example; stdnum is used only as an oracle."""

from __future__ import annotations

import doctest

import pytest
import stdnum.imei
import stdnum.luhn
from hypothesis import given, settings, strategies as st

from station import imei as ours
from station.imei import luhn as our_luhn


def run_doctests_against_ours(module, globs):
    parser = doctest.DocTestParser()
    test = parser.get_doctest(module.__doc__, globs, module.__name__, None, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.IGNORE_EXCEPTION_DETAIL)
    runner.run(test, out=lambda text: None)
    return runner.summarize(verbose=False), len(test.examples)


def test_every_stdnum_imei_doctest_passes_with_our_functions():
    globs = {name: getattr(our_luhn, name) for name in ("compact", "validate", "format", "imei_type", "split",
                                                         "is_valid")}
    result, examples = run_doctests_against_ours(stdnum.imei, globs)
    assert examples >= 7
    assert result.failed == 0, result


def test_every_stdnum_luhn_doctest_with_base10_alphabet():
    # our Luhn is decimal only; the doctests with another alphabet do not apply
    examples = [e for e in doctest.DocTestParser().get_examples(stdnum.luhn.__doc__) if "alphabet" not in e.source]
    globs = {"validate": lambda n: n if our_luhn.luhn_checksum(n) == 0 else (_ for _ in ()).throw(
        our_luhn.InvalidChecksum("bad")), "checksum": our_luhn.luhn_checksum,
        "calc_check_digit": our_luhn.calc_check_digit}
    test = doctest.DocTest(examples, globs, "luhn", None, 0, None)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.IGNORE_EXCEPTION_DETAIL)
    runner.run(test, out=lambda text: None)
    assert len(examples) >= 3 and runner.summarize(verbose=False).failed == 0


def test_3gpp_ts_23003_annex_b_example():
    # TS 23.003 Annex B: TAC 49015420, SNR 323751 -> check digit 8
    assert ours.calc_check_digit("49015420323751") == "8"
    assert ours.add_check_digit("49015420323751") == "490154203237518"
    assert ours.split("490154203237518") == ("49015420", "323751", "8")
    assert ours.is_valid_imei("490154203237518")
    assert ours.imei_type("4901542032375101") == "IMEISV"          # TAC + SNR + SVN 01
    assert ours.to_imei("4901542032375101") == "490154203237518"


@pytest.mark.parametrize("bad, error", [
    ("35753708012345", None),                      # 14 digits is a valid (check-digit-less) form
    ("357537080123459", ours.InvalidChecksum),
    ("3575370801234", ours.InvalidLength),
    ("35753708012345678", ours.InvalidLength),
    ("35753708O123458", ours.InvalidFormat),
    ("３５７５３７０８０１２３４５８", ours.InvalidFormat),       # full-width digits are not ASCII digits
])
def test_errors_name_the_problem(bad, error):
    if error is None:
        assert ours.validate(bad) == bad
        return
    with pytest.raises(error) as info:
        ours.validate(bad)
    assert info.value.hint


def test_mask_keeps_tac_and_last_three():
    assert ours.mask("357537080123458") == "35753708****458"


digits = st.text(alphabet="0123456789", min_size=0, max_size=18)
separated = st.lists(st.sampled_from(list("0123456789- ")), max_size=22).map("".join)


@given(st.one_of(digits, separated))
@settings(max_examples=500, deadline=None)
def test_agrees_with_stdnum_oracle(number):
    assert ours.is_valid(number) == stdnum.imei.is_valid(number)
    assert ours.imei_type(number) == stdnum.imei.imei_type(number)
    if ours.is_valid(number):
        assert ours.validate(number) == stdnum.imei.validate(number)
        assert our_luhn.format(number) == stdnum.imei.format(number)


@given(st.text(alphabet="0123456789", min_size=14, max_size=14))
@settings(max_examples=300, deadline=None)
def test_added_check_digit_always_validates(body):
    full = ours.add_check_digit(body)
    assert ours.is_valid_imei(full) and stdnum.luhn.is_valid(full)
    assert full[:14] == body


# The cases of python-stdnum's tests/test_imei.doctest (its detailed doctests, not shipped in the
# wheel), as a table: (function, input, kwargs, expected).
STDNUM_DETAILED_CASES = [
    ("validate", "49-015420-323751", {}, "49015420323751"),
    ("validate", "35-209900-176148-1", {}, "352099001761481"),
    ("validate", "35-209900-176148-23", {}, "3520990017614823"),
    ("validate", "350077-52-323751-3", {}, "350077523237513"),
    ("validate", "354178036859789", {}, "354178036859789"),
    ("imei_type", "35686800-004141-20", {}, "IMEISV"),
    ("imei_type", "35-417803-685978-9", {}, "IMEI"),
    ("imei_type", "35-417803-685978-2", {}, None),
    ("imei_type", "3568680000414120", {}, "IMEISV"),
    ("format", "354178036859789", {}, "35-417803-685978-9"),
    ("format", "35417803685978", {}, "35-417803-685978"),
    ("format", "354178036859786", {"add_check_digit": True}, "35-417803-685978-6"),
    ("format", "35417803685978", {"add_check_digit": True}, "35-417803-685978-9"),
    ("format", "35686800-004141", {"add_check_digit": True}, "35-686800-004141-8"),
    ("format", "35686800-004141-20", {"add_check_digit": True}, "35-686800-004141-20"),
]


@pytest.mark.parametrize("function, number, kwargs, expected", STDNUM_DETAILED_CASES)
def test_stdnum_detailed_doctest_cases(function, number, kwargs, expected):
    assert getattr(our_luhn, function)(number, **kwargs) == expected
    assert getattr(stdnum.imei, function)(number, **kwargs) == expected      # the oracle agrees
