"""Blocklist checks behind a small provider interface; the default is a local CSV file.

CSV columns: ``imei,reason,source,listed_at`` (header required). The default file is
$STATION_HOME/imei/blocklist.csv; a missing file is an empty list (the verdict notes it).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from station.errors import BadInput
from station.home import station_home
from station.imei.luhn import compact


@dataclass(frozen=True)
class BlocklistHit:
    imei: str
    reason: str
    source: str

    def to_dict(self) -> dict:
        return {"imei": self.imei, "reason": self.reason, "source": self.source}


class BlocklistProvider(Protocol):
    name: str

    def check(self, imei: str) -> BlocklistHit | None: ...


def default_blocklist_path() -> Path:
    return station_home() / "imei" / "blocklist.csv"


class CsvBlocklist:
    name = "local-csv"

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else default_blocklist_path()
        self.present = self.path.exists()
        self._rows: dict[str, BlocklistHit] = {}
        if self.present:
            with open(self.path, encoding="utf-8", newline="") as fh:
                reader = csv.DictReader(fh)
                if not reader.fieldnames or "imei" not in reader.fieldnames:
                    raise BadInput(f"blocklist {self.path} lacks an 'imei' column header",
                                   "the first line must be: imei,reason,source,listed_at")
                for row in reader:
                    imei = compact(row.get("imei") or "")
                    if imei:
                        self._rows[imei[:14]] = BlocklistHit(imei, row.get("reason") or "listed",
                                                             row.get("source") or self.name)

    def check(self, imei: str) -> BlocklistHit | None:
        # match on TAC+SNR so an IMEISV or a 14-digit form finds the listed IMEI too
        return self._rows.get(compact(imei)[:14])
