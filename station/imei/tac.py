"""TAC (first 8 digits of an IMEI) → brand and model, from the shipped Osmocom TAC database."""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from station.imei.luhn import compact

TACDB_PATH = Path(__file__).with_name("data") / "tacdb.csv"


@dataclass(frozen=True)
class TacEntry:
    tac: str
    brand: str
    model: str
    aka: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"tac": self.tac, "brand": self.brand, "model": self.model, "aka": list(self.aka)}


def load_tacdb(path: str | Path = TACDB_PATH) -> dict[str, TacEntry]:
    """TAC -> entry for the database at `path`; parsed once per process (per path)."""
    return _load(str(path))


@functools.lru_cache(maxsize=4)
def _load(path: str) -> dict[str, TacEntry]:
    entries: dict[str, TacEntry] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        rows = csv.reader(line for line in fh if not line.startswith("#"))
        next(rows, None)
        for row in rows:
            if len(row) < 3:
                continue
            aka = tuple(a.strip() for a in row[3].split(",") if a.strip()) if len(row) > 3 else ()
            entries[row[0]] = TacEntry(row[0], row[1], row[2], aka)
    return entries


def lookup(imei_or_tac: str, path: str | Path = TACDB_PATH) -> TacEntry | None:
    tac = compact(imei_or_tac)[:8]
    return load_tacdb(path).get(tac) if len(tac) == 8 and tac.isdigit() else None


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def model_matches(entry: TacEntry, brand: str | None, model: str | None) -> bool:
    """Does the phone's reported brand/model fit the TAC's? Lenient on spelling, strict on identity:
    'SM-A515F' fits 'SM-A515F/DSN'; 'Pixel 2' fits 'Pixel 2' but not 'Pixel 4a'."""
    if not model:
        return False
    reported = _norm(model)
    if brand and _norm(brand) and _norm(entry.brand) and _norm(brand) != _norm(entry.brand):
        return False
    names = [entry.model, *entry.aka]
    for name in names:
        known = _norm(name)
        if not known:
            continue
        if known == reported:
            return True
        # region/variant suffixes after '/' or ' (' : 'SM-A515F/DSN', 'Pixel 2 (with 64 GB storage)'
        base = _norm(re.split(r"[/(]", name)[0])
        if base and base == reported:
            return True
    return False
