"""CSV export of the warranties sold in a date range (bound as WarrantyRegistry.export_csv).

Buyer contact is left out unless asked for: an export file travels further than the database.
"""

from __future__ import annotations

import csv

COLUMNS = ["warranty_id", "report_id", "status", "sale_date", "start", "end", "imeis", "serial",
           "brand", "model", "overall_grade", "order_id", "created_at"]


def export_csv(self, stream, *, date_from: str | None = None, date_to: str | None = None,
               include_private: bool = False) -> int:
    """Write the CSV (header + one row per warranty) to a text stream; returns the row count."""
    columns = COLUMNS + (["buyer_contact"] if include_private else [])
    writer = csv.DictWriter(stream, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    count = 0
    for record in self.iter_range(date_from=date_from, date_to=date_to, include_private=include_private):
        writer.writerow({**record, "imeis": " ".join(record["imeis"])})
        count += 1
    return count
