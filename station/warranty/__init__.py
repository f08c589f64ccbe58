"""The 180-day warranty registry (SQLite via sqlite-utils) and the issuing call the workflow uses.

  issue_report_and_warranty(inspection, *, sale_date=None, order_id=None, buyer_contact=None)
  WarrantyRegistry(path=None): issue, get, lookup(imei=|serial=|report_id=|order_id=), list,
      open_claim, resolve_claim, void, export_csv, report_jws, audit_log, claims
  report_path(report_id): the stored report's .jws file (for the overlay's /r/<id> page)
"""

from station.warranty.issue import IssuedReport, issue_report_and_warranty, report_path
from station.warranty.registry import STATUSES, WarrantyRegistry, effective_status
from station.warranty.schema import SCHEMA_VERSION

__all__ = ["IssuedReport", "SCHEMA_VERSION", "STATUSES", "WarrantyRegistry", "effective_status",
           "issue_report_and_warranty", "report_path"]
