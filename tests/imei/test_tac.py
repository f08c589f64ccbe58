"""The shipped TAC database: normalised from the Osmocom source, attributed, and looked up right."""

from __future__ import annotations

from pathlib import Path

import pytest

from station.imei import lookup, model_matches
from station.imei.tac import TACDB_PATH, TacEntry, load_tacdb
from station.imei.tacdb_build import normalise, render

SOURCE = Path("/work/shared/data/tacdb/tacdb.csv")


def test_pixel_2():
    entry = lookup("35753708")
    assert (entry.brand, entry.model) == ("Google", "Pixel 2")
    assert lookup("357537080123458") == entry


def test_unknown_and_malformed_tacs():
    assert lookup("00000000") is None
    assert lookup("12") is None and lookup("abcdefgh") is None


def test_attribution_is_shipped_with_the_data():
    first_line = TACDB_PATH.read_text(encoding="utf-8").splitlines()[0]
    assert "CC-BY-SA" in first_line and "Harald Welte" in first_line
    readme = (TACDB_PATH.parent / "README.md").read_text(encoding="utf-8")
    assert "CC-BY-SA 3.0" in readme and "Osmocom" in readme and "creativecommons.org" in readme


def test_every_tac_is_eight_digits_and_unique():
    db = load_tacdb(str(TACDB_PATH))
    assert len(db) > 20000
    assert all(len(tac) == 8 and tac.isdigit() for tac in db)


@pytest.mark.skipif(not SOURCE.exists(), reason="the Osmocom source CSV is not on this machine")
def test_shipped_copy_is_the_normalised_source():
    assert TACDB_PATH.read_text(encoding="utf-8") == render(*normalise(SOURCE.read_text(encoding="utf-8")))


def test_normalise_strips_and_pads_tacs():
    text = ("Osmocom TAC database under CC-BY-SA v3.0\ntac,name,name,contributor,comment,gsmarena,gsmarena,aka\n"
            " 1234567,Acme,Phone 1,,,,,\n35753708,Google,Pixel 2,,,,,\n35753708,Dup,Dup,,,,,\nxx,Bad,Row,,,,,\n")
    attribution, rows = normalise(text)
    assert attribution.startswith("Osmocom")
    assert rows == [("01234567", "Acme", "Phone 1", ""), ("35753708", "Google", "Pixel 2", "")]


@pytest.mark.parametrize("entry, brand, model, ok", [
    (TacEntry("1", "Google", "Pixel 2"), "google", "Pixel 2", True),
    (TacEntry("1", "Google", "Pixel 2"), "Google", "Pixel 4a", False),
    (TacEntry("1", "Samsung", "SM-A515F/DSN", ("Galaxy A51",)), "samsung", "SM-A515F", True),
    (TacEntry("1", "Samsung", "SM-A515F/DSN", ("Galaxy A51",)), "samsung", "Galaxy A51", True),
    (TacEntry("1", "Samsung", "SM-A515F/DSN"), "google", "SM-A515F", False),
    (TacEntry("1", "Google", "Pixel 2", ("Pixel 2 (with 64 GB storage)",)), None, "Pixel 2", True),
    (TacEntry("1", "Google", "Pixel 2"), "Google", None, False),
    (TacEntry("1", "Google", "Pixel 2"), "Google", "Pixel 2 XL", False),
])
def test_model_matching(entry, brand, model, ok):
    assert model_matches(entry, brand, model) is ok
