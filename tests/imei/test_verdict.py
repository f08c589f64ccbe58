"""The IMEI cross-check verdict, from a table of source combinations, and its blocklist provider."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from station.errors import BadInput
from station.imei import CsvBlocklist, cross_check

PIXEL2 = "357537080123458"
PIXEL2_B = "357537080123466"
SAMSUNG = "350678893007772"          # TAC 35067889: Samsung SM-A515F/DSN
PIXEL3 = "358276095552224"


@pytest.mark.parametrize("usb, screen, model, verdict, reason_words", [
    ([PIXEL2], [PIXEL2], "Pixel 2", "pass", []),
    ([PIXEL2, PIXEL2_B], [PIXEL2_B, PIXEL2], "Pixel 2", "pass", []),
    ([PIXEL2], None, "Pixel 2", "pass", []),
    (None, [PIXEL2], "Pixel 2", "pass", []),
    ([SAMSUNG], [PIXEL3], "Pixel 2", "fail", ["differ", "TAC 35067889", "TAC 35827609"]),   # imei-mismatch scenario
    ([PIXEL2], [PIXEL2_B], "Pixel 2", "fail", ["differ"]),
    ([SAMSUNG], [SAMSUNG], "Pixel 2", "fail", ["Samsung SM-A515F/DSN"]),
    ([PIXEL2[:-1] + "9"], None, "Pixel 2", "fail", ["not a valid", "no valid IMEI"]),
    (None, None, "Pixel 2", "fail", ["no valid IMEI"]),
    ([PIXEL2], ["3575370801234501"], "Pixel 2", "pass", []),      # the screen's IMEISV of the same phone
])
def test_cross_check(usb, screen, model, verdict, reason_words):
    result = cross_check(usb, screen, brand="google", model=model)
    assert result["verdict"] == verdict, result["reasons"]
    text = " ".join(result["reasons"])
    for words in reason_words:
        assert words in text
    for tac in result["sources"]["tac"]:
        assert "*" in tac["imei_masked"]


def test_blocklist_hit_fails_the_check(tmp_path):
    path = tmp_path / "blocklist.csv"
    path.write_text(f"imei,reason,source,listed_at\n{PIXEL2},reported stolen,police,2026-01-02\n")
    result = cross_check([PIXEL2], [PIXEL2], brand="google", model="Pixel 2", blocklist=CsvBlocklist(path))
    assert result["verdict"] == "fail" and "reported stolen" in result["reasons"][0]
    assert result["sources"]["blocklist"] == "local-csv"


def test_missing_blocklist_is_noted_not_failed(tmp_path):
    result = cross_check([PIXEL2], None, brand="google", model="Pixel 2",
                         blocklist=CsvBlocklist(tmp_path / "none.csv"))
    assert result["verdict"] == "pass" and any("no blocklist check" in n for n in result["notes"])


def test_blocklist_without_header_is_bad_input(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text(f"{PIXEL2},stolen\n")
    with pytest.raises(BadInput) as info:
        CsvBlocklist(path)
    assert "imei,reason" in info.value.hint


def test_default_blocklist_lives_under_station_home(station_home):
    assert str(CsvBlocklist().path).startswith(str(station_home))


def station(*args):
    return subprocess.run([sys.executable, "-m", "station", *args], capture_output=True, text=True)


def test_cli_check_pixel2():
    proc = station("imei", "check", "35-753708-012345-8", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    number = doc["numbers"][0]
    assert number["valid"] and number["tac_entry"]["model"] == "Pixel 2" and doc["verdict"] == "pass"


def test_cli_check_bad_digit_and_model_mismatch_exit_1():
    bad = station("imei", "check", PIXEL2[:-1] + "0", "--json")
    assert bad.returncode == 1
    assert json.loads(bad.stdout)["numbers"][0]["valid"] is False
    mismatch = station("imei", "check", SAMSUNG, "--brand", "google", "--model", "Pixel 2", "--json")
    assert mismatch.returncode == 1
    assert "Samsung" in json.loads(mismatch.stdout)["reasons"][0]


# ---- properties: generated IMEIs with their ground truth --------------------------------------
from hypothesis import given, settings, strategies as st  # noqa: E402

from station.imei import add_check_digit, lookup  # noqa: E402

unknown_tac_imeis = st.text(alphabet="0123456789", min_size=6, max_size=6).map(
    lambda snr: add_check_digit("99999998" + snr))


@given(st.lists(unknown_tac_imeis, min_size=1, max_size=2, unique=True), st.randoms(use_true_random=False))
@settings(max_examples=100, deadline=None)
def test_same_imeis_in_any_order_pass_and_a_changed_digit_fails(imeis, rnd):
    assert lookup(imeis[0]) is None                      # the TAC check cannot decide: only sources count
    shuffled = list(imeis)
    rnd.shuffle(shuffled)
    assert cross_check(imeis, shuffled, brand="x", model="y")["verdict"] == "pass"
    victim = imeis[0]
    position = rnd.randrange(8, 14)
    changed = victim[:position] + str((int(victim[position]) + 1) % 10) + victim[position + 1:14]
    changed = add_check_digit(changed)
    result = cross_check(imeis, [changed] + imeis[1:], brand="x", model="y")
    assert result["verdict"] == "fail" and any("differ" in r for r in result["reasons"])
