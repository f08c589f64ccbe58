"""The one call the inspection workflow makes: build, sign and store report + warranty together.

Order of work: validate the inspection (no report from incomplete data), choose ids and the
180-day period, build and sign the report, then store report and warranty in ONE transaction.
Only after the commit are files written (the .jws copy and the public renderings); they can
always be re-created from the registry, which holds every signed report verbatim.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from station.durable import replace_synced
from station.home import subdir
from station.report import default_keyring, sign_report, station_id, verify_url
from station.report.keys import Keyring
from station.report.model import build_report, new_id, validate_inspection, warranty_period
from station.errors import BadInput

log = logging.getLogger(__name__)


@dataclass
class IssuedReport:
    report_id: str
    warranty_id: str
    start: str
    end: str
    jws_path: Path
    public_key_path: Path
    key_id: str
    verify_url: str
    report: dict = field(repr=False)
    renderings: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"report_id": self.report_id, "warranty_id": self.warranty_id, "start": self.start,
                "end": self.end, "jws_path": str(self.jws_path), "public_key_path": str(self.public_key_path),
                "key_id": self.key_id, "verify_url": self.verify_url,
                "renderings": {k: str(v) for k, v in self.renderings.items()}}


def issue_report_and_warranty(inspection: dict, *, sale_date: date | str | None = None,
                              order_id: str | None = None, buyer_contact: str | None = None,
                              actor: str | None = None, registry=None, keyring: Keyring | None = None,
                              render: bool = True) -> IssuedReport:
    """Sign the report and register its 180-day warranty atomically; write the .jws and renderings."""
    from station.warranty.registry import WarrantyRegistry

    problems = validate_inspection(inspection)
    if problems:
        raise BadInput("inspection data is incomplete or malformed: " + "; ".join(problems),
                       "re-run the failed inspection steps; a report is never issued from partial data")
    ring = keyring or default_keyring()
    key = ring.signing_key()
    start, end = warranty_period(sale_date)
    report_id = new_id("R")
    warranty_id = "W" + report_id[1:]  # same suffix: staff can tell which report a warranty belongs to
    report = build_report(inspection, report_id=report_id, station_id=station_id(), key_id=key.kid,
                          warranty_id=warranty_id, warranty_start=start, warranty_end=end)
    jws = sign_report(report, ring)
    own = registry is None
    registry = registry or WarrantyRegistry()
    try:
        registry.issue(jws=jws, report=report, sale_date=start, order_id=order_id,
                       buyer_contact=buyer_contact, actor=actor)
    finally:
        if own:
            registry.close()
    jws_path = subdir("reports") / f"{report_id}.jws"
    try:
        replace_synced(jws_path, (jws + "\n").encode("ascii"))
    except OSError as exc:
        # The warranty is committed: raising now would invite a second issue for the same phone.
        # The registry holds the report verbatim; report_path() writes the file again later.
        log.error("report %s issued but %s could not be written (%s); free disk space: the file is "
                  "re-written from the registry when the report is next asked for", report_id, jws_path, exc)
    issued = IssuedReport(report_id=report_id, warranty_id=warranty_id, start=start, end=end,
                          jws_path=jws_path, public_key_path=ring.public_key_path(key.kid), key_id=key.kid,
                          verify_url=verify_url(report_id), report=report)
    if render:
        render_copies(issued)
    return issued


def render_copies(issued: IssuedReport, formats: tuple[str, ...] | None = None) -> dict:
    """Write the HTML/PDF/PNG copies (or only `formats`) of an issued report next to its .jws; a
    failure is logged with the command that redoes it (the warranty stands: the copies are made
    from the signed report). Calls for different formats may run at once on different threads."""
    try:
        from station.report.render import FORMATS, render_all

        written = render_all(issued.report, issued.jws_path.parent, verify_url=issued.verify_url,
                             formats=formats or FORMATS)
        issued.renderings.update(written)          # one dict update: safe beside another thread's
    except Exception as exc:  # noqa: BLE001 - the warranty stands; renderings can be redone
        log.warning("report %s issued but rendering failed (%s); run: station report render %s",
                    issued.report_id, exc, issued.jws_path)
    return issued.renderings


def report_path(report_id: str, registry=None) -> Path | None:
    """The .jws file of a stored report, re-written from the registry if the file went missing."""
    from station.warranty.registry import WarrantyRegistry

    path = subdir("reports") / f"{report_id}.jws"
    if path.is_file():
        return path
    own = registry is None
    registry = registry or WarrantyRegistry()
    try:
        jws = registry.report_jws(report_id)
    finally:
        if own:
            registry.close()
    if jws is None:
        return None
    replace_synced(path, (jws + "\n").encode("ascii"))
    return path
