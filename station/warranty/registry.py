"""The warranty registry: SQLite (WAL) through sqlite-utils; one writer transaction per change.

Every change appends to the audit log in the same transaction. Buyer contact is private: it is
returned only when asked for (`include_private=True`) and never written to the audit log.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path

import sqlite_utils

from station.errors import BadInput, HardwareError
from station.home import station_home
from station.warranty.schema import migrate

DB_FILE = "warranty.db"
STATUSES = ("active", "expired", "claimed", "void")


def default_actor() -> str:
    """Who is making a change: $STATION_ACTOR, else the login name."""
    env = os.environ.get("STATION_ACTOR")
    if env:
        return env
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def now_utc() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def effective_status(stored: str, end_date: str, today: date | None = None) -> str:
    """Stored status plus the calendar: an active warranty past its end date is expired."""
    if stored in ("void", "claimed"):
        return stored
    today = today or date.today()
    return "expired" if today.isoformat() > end_date else "active"


def _check_date(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise BadInput(f"{name} {value!r} is not a date", "use YYYY-MM-DD") from exc


class WarrantyRegistry:
    """Open (and migrate) the warranty database; `path` defaults to station_home()/warranty.db."""

    def __init__(self, path: str | Path | None = None, *, synchronous: str = "FULL") -> None:
        self.path = Path(path) if path else station_home() / DB_FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One registry may serve a GUI's worker threads: one statement or transaction at a time.
        self._lock = threading.RLock()
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=10.0, check_same_thread=False)
        self.db = sqlite_utils.Database(conn)
        self.conn = conn
        try:
            self._configure(conn, synchronous)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise HardwareError(f"{self.path} is not a usable warranty database ({exc})",
                                "restore it from a backup, or move it aside to start an empty registry "
                                "(the signed .jws files under reports/ remain valid)") from exc
        if os.name == "posix":
            os.chmod(self.path, 0o600)  # buyer contacts live here

    @staticmethod
    def _configure(conn: sqlite3.Connection, synchronous: str) -> None:
        conn.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed warranty survives power loss, not only a killed process.
        conn.execute(f"PRAGMA synchronous={synchronous}")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=10000")
        # Lookups read a few random pages of a large file: map it and keep a bigger page cache
        # rather than paying a read() per page.
        conn.execute("PRAGMA mmap_size=268435456")
        conn.execute("PRAGMA cache_size=-32768")
        migrate(conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "WarrantyRegistry":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- transactions and audit -------------------------------------------------------------
    @contextmanager
    def transaction(self):
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error (sqlite-utils' helpers would
        commit on their own, so writes here use plain SQL on its connection)."""
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
                # Deferred foreign keys are checked here; a failed COMMIT leaves the transaction
                # open, so it must be rolled back like any other failure.
                self.conn.execute("COMMIT")
            except BaseException as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.OperationalError):
                    raise HardwareError(f"the warranty database refused the change ({exc}); nothing was saved",
                                        "check free disk space, close other programs holding "
                                        f"{self.path.name}, then retry") from exc
                raise

    @staticmethod
    def audit(conn, actor: str, action: str, entity: str, entity_id: str, detail: dict) -> None:
        conn.execute("INSERT INTO audit (at, actor, action, entity, entity_id, detail) VALUES (?,?,?,?,?,?)",
                     (now_utc(), actor, action, entity, entity_id,
                      json.dumps(detail, ensure_ascii=False, sort_keys=True)))

    # -- issuing ----------------------------------------------------------------------------
    def issue(self, *, jws: str, report: dict, sale_date: str, order_id: str | None = None,
              buyer_contact: str | None = None, actor: str | None = None) -> dict:
        """Store the signed report and its warranty together (one transaction, or neither)."""
        warranty = report["warranty"]
        phone = report["phone"]
        stamp = now_utc()
        try:
            with self.transaction() as conn:
                conn.execute(
                    "INSERT INTO reports (report_id, warranty_id, jws, key_id, sha256, inspected_at, issued_at)"
                    " VALUES (?,?,?,?,?,?,?)",
                    (report["report_id"], warranty["id"], jws, report["station"]["key_id"],
                     hashlib.sha256(jws.encode("ascii")).hexdigest(), report["inspected_at"],
                     report["issued_at"]))
                conn.execute(
                    "INSERT INTO warranties (warranty_id, report_id, serial, brand, model, overall_grade,"
                    " sale_date, start_date, end_date, status, order_id, buyer_contact, created_at, updated_at)"
                    " VALUES (?,?,?,?,?,?,?,?,?,'active',?,?,?,?)",
                    (warranty["id"], report["report_id"], phone.get("serial"), phone.get("brand"),
                     phone.get("model"), report["overall"].get("grade"), sale_date, warranty["start"],
                     warranty["end"], order_id, buyer_contact, stamp, stamp))
                conn.executemany("INSERT INTO warranty_imeis (imei, warranty_id) VALUES (?,?)",
                                 [(imei, warranty["id"]) for imei in dict.fromkeys(phone["imeis"])])
                self.audit(conn, actor or default_actor(), "issue", "warranty", warranty["id"],
                           {"report_id": report["report_id"], "start": warranty["start"],
                            "end": warranty["end"], "order_id": order_id,
                            "buyer_contact": "recorded" if buyer_contact else None})
        except sqlite3.IntegrityError as exc:
            raise BadInput(f"cannot store report {report['report_id']}: {exc}",
                           "each report and warranty id is issued once; issue a new report") from exc
        return self.get(warranty["id"])

    # -- reading ----------------------------------------------------------------------------
    _SELECT = ("SELECT w.*, (SELECT group_concat(imei, ' ') FROM warranty_imeis i"
               " WHERE i.warranty_id = w.warranty_id) AS imeis FROM warranties w")

    def _rows(self, where: str, params, *, include_private: bool, today: date | None,
              with_claims: bool = True, order: str = "") -> list[dict]:
        today = today or date.today()
        return [self._shape(row, include_private=include_private, today=today, with_claims=with_claims)
                for row in self._query(f"{self._SELECT} WHERE {where} {order}", params)]

    def _query(self, sql: str, params) -> list[dict]:
        # The lookup hot path: plain cursor rows as dicts (sqlite-utils' query() re-parses the SQL
        # on every call, which is a third of a lookup's time).
        with self._lock:
            cursor = self.conn.execute(sql, params)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]

    def _shape(self, row: dict, *, include_private: bool, today: date | None, with_claims: bool) -> dict:
        record = {
            "warranty_id": row["warranty_id"], "report_id": row["report_id"],
            "status": effective_status(row["status"], row["end_date"], today),
            "imeis": sorted((row.get("imeis") or "").split()),
            "serial": row["serial"], "brand": row["brand"], "model": row["model"],
            "overall_grade": row["overall_grade"], "sale_date": row["sale_date"],
            "start": row["start_date"], "end": row["end_date"], "order_id": row["order_id"],
            "created_at": row["created_at"], "updated_at": row["updated_at"],
        }
        if include_private:
            record["buyer_contact"] = row["buyer_contact"]
        if with_claims:
            record["claims"] = self.claims(row["warranty_id"])
        return record

    def get(self, warranty_id: str, *, include_private: bool = False, today: date | None = None) -> dict:
        rows = self._rows("w.warranty_id = ?", [warranty_id], include_private=include_private, today=today)
        if not rows:
            raise BadInput(f"no warranty {warranty_id}", "look it up by IMEI, serial, report or order id")
        return rows[0]

    def lookup(self, *, imei: str | None = None, serial: str | None = None, report_id: str | None = None,
               order_id: str | None = None, warranty_id: str | None = None,
               include_private: bool = False, today: date | None = None) -> list[dict]:
        """Warranties matching exactly one key (IMEI matches either of a phone's IMEIs)."""
        given = {k: v for k, v in (("imei", imei), ("serial", serial), ("report_id", report_id),
                                   ("order_id", order_id), ("warranty_id", warranty_id)) if v}
        if len(given) != 1:
            raise BadInput("look up by exactly one of IMEI, serial, report id, order id or warranty id",
                           "e.g. station warranty lookup --imei 356938035643809")
        (key, value), = given.items()
        value = value.strip()
        if key == "imei":
            value = value.replace(" ", "").replace("-", "")  # as printed on boxes: 35-693803-564380-9
        where = {
            "imei": "w.warranty_id IN (SELECT warranty_id FROM warranty_imeis WHERE imei = ?)",
            "serial": "w.serial = ?", "report_id": "w.report_id = ?", "order_id": "w.order_id = ?",
            "warranty_id": "w.warranty_id = ?",
        }[key]
        rows = self._rows(where, [value], include_private=include_private, today=today)
        # newest first; sorted here (usually one row) because ORDER BY costs a sorter per query
        return sorted(rows, key=lambda r: r["created_at"], reverse=True)

    def list(self, *, date_from: str | None = None, date_to: str | None = None, status: str | None = None,
             include_private: bool = False, today: date | None = None, limit: int | None = None) -> list[dict]:
        """Warranties whose sale date is within [date_from, date_to] (inclusive), oldest first."""
        rows = []
        for row in self.iter_range(date_from=date_from, date_to=date_to, status=status,
                                   include_private=include_private, today=today):
            if limit is not None and len(rows) >= limit:
                break
            rows.append(row)
        return rows

    def iter_range(self, *, date_from: str | None = None, date_to: str | None = None, status: str | None = None,
                   include_private: bool = False, today: date | None = None):
        """Like list() but streamed row by row (a CSV export of a million rows stays small)."""
        date_from, date_to = _check_date(date_from, "from date"), _check_date(date_to, "to date")
        if status is not None and status not in STATUSES:
            raise BadInput(f"unknown status {status!r}", f"use one of {', '.join(STATUSES)}")
        where, params = ["1=1"], []
        if date_from:
            where.append("w.sale_date >= ?")
            params.append(date_from)
        if date_to:
            where.append("w.sale_date <= ?")
            params.append(date_to)
        today = today or date.today()
        # A second connection: the stream must not hold this one (or its lock) while the caller
        # works between rows; WAL gives it a consistent snapshot.
        reader = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            cursor = reader.execute(f"{self._SELECT} WHERE {' AND '.join(where)} "
                                    "ORDER BY w.sale_date, w.created_at", params)
            names = [d[0] for d in cursor.description]
            for values in cursor:
                row = self._shape(dict(zip(names, values)), include_private=include_private, today=today,
                                  with_claims=False)
                if status is None or row["status"] == status:
                    yield row
        finally:
            reader.close()

    def report_jws(self, report_id: str) -> str | None:
        rows = self._query("SELECT jws FROM reports WHERE report_id = ?", [report_id])
        return rows[0]["jws"] if rows else None

    def verified_report(self, report_id: str):
        """The stored report, signature checked (station.report.Verified); raises VerificationFailed
        if the stored text was tampered with, BadInput if there is no such report."""
        from station.report import verify_report

        jws = self.report_jws(report_id)
        if jws is None:
            raise BadInput(f"no report {report_id} in the registry", "check the id on the report or QR code")
        return verify_report(jws)

    def claims(self, warranty_id: str) -> list[dict]:
        rows = self._query("SELECT * FROM claims WHERE warranty_id = ? ORDER BY opened_at, claim_id",
                           [warranty_id])
        return [{**row, "photos": json.loads(row["photos"])} for row in rows]

    def audit_log(self, entity_id: str | None = None) -> list[dict]:
        sql, params = "SELECT * FROM audit", []
        if entity_id:
            sql, params = sql + " WHERE entity_id = ?", [entity_id]
        return [{**row, "detail": json.loads(row["detail"])} for row in self.db.query(sql + " ORDER BY seq", params)]

    def counts(self) -> dict:
        with self._lock:
            return {table: self.db[table].count for table in ("reports", "warranties", "claims", "audit")}

    def integrity(self) -> str:
        with self._lock:
            return self.conn.execute("PRAGMA integrity_check").fetchone()[0]

    # claims, void and export live in their own modules; bound here for one object to pass around
    from station.warranty.claims import open_claim, resolve_claim, void  # noqa: E402
    from station.warranty.export import export_csv  # noqa: E402
