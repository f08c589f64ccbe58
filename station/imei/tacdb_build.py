"""Normalise the Osmocom TAC database CSV into the copy shipped in station/imei/data/tacdb.csv.

Normalisation: TACs stripped and left-padded to 8 digits, rows without a numeric TAC dropped,
duplicates keep their first row, columns reduced to tac,brand,model,aka, sorted by TAC. The first
line of the source (its CC-BY-SA attribution) is kept as a comment line.
Run: python -m station.imei.tacdb_build SOURCE.csv [DEST.csv]
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

DEST = Path(__file__).with_name("data") / "tacdb.csv"


def normalise(text: str) -> tuple[str, list[tuple[str, str, str, str]]]:
    """(attribution line, rows) from the source CSV text."""
    lines = text.splitlines()
    attribution = lines[0].strip().lstrip("#").strip() if lines else ""
    reader = csv.reader(io.StringIO("\n".join(lines[2:])))
    rows: dict[str, tuple[str, str, str, str]] = {}
    for cols in reader:
        if len(cols) < 3:
            continue
        tac = cols[0].strip()
        if not tac.isdigit() or len(tac) > 8:
            continue
        tac = tac.zfill(8)
        if tac not in rows:
            aka = cols[7].strip() if len(cols) > 7 else ""
            rows[tac] = (tac, cols[1].strip(), cols[2].strip(), aka)
    return attribution, [rows[k] for k in sorted(rows)]


def render(attribution: str, rows: list[tuple[str, str, str, str]]) -> str:
    out = io.StringIO()
    out.write(f"# {attribution} -- normalised copy, see README.md\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["tac", "brand", "model", "aka"])
    writer.writerows(rows)
    return out.getvalue()


def main(argv: list[str]) -> int:
    src = Path(argv[0])
    dest = Path(argv[1]) if len(argv) > 1 else DEST
    dest.write_text(render(*normalise(src.read_text(encoding="utf-8"))), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
