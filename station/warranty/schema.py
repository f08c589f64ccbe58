"""The warranty database schema, versioned (PRAGMA user_version) and migrated forward in place.

Invariants the schema itself enforces, so no code path can break them:
- a report never exists without its warranty, nor a warranty without its report: each row points
  at the other through a DEFERRABLE foreign key, checked when the issuing transaction commits;
- stored reports are verbatim: no UPDATE or DELETE on `reports`;
- warranties are voided, never deleted;
- the audit log is append-only (triggers abort UPDATE and DELETE).
"""

from __future__ import annotations

import sqlite3

# Each entry migrates from version i to i+1; append, never edit a shipped one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE reports (
        report_id    TEXT PRIMARY KEY,
        warranty_id  TEXT NOT NULL UNIQUE
                     REFERENCES warranties(warranty_id) DEFERRABLE INITIALLY DEFERRED,
        jws          TEXT NOT NULL,
        key_id       TEXT NOT NULL,
        sha256       TEXT NOT NULL,
        inspected_at TEXT NOT NULL,
        issued_at    TEXT NOT NULL
    );
    CREATE TABLE warranties (
        warranty_id   TEXT PRIMARY KEY,
        report_id     TEXT NOT NULL UNIQUE
                      REFERENCES reports(report_id) DEFERRABLE INITIALLY DEFERRED,
        serial        TEXT,
        brand         TEXT,
        model         TEXT,
        overall_grade TEXT,
        sale_date     TEXT NOT NULL,
        start_date    TEXT NOT NULL,
        end_date      TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('active', 'claimed', 'void')),
        order_id      TEXT,
        buyer_contact TEXT,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
    );
    CREATE TABLE warranty_imeis (
        imei        TEXT NOT NULL,
        warranty_id TEXT NOT NULL REFERENCES warranties(warranty_id),
        PRIMARY KEY (imei, warranty_id)
    ) WITHOUT ROWID;
    CREATE INDEX warranties_serial ON warranties(serial);
    CREATE INDEX warranties_order ON warranties(order_id) WHERE order_id IS NOT NULL;
    CREATE INDEX warranties_sale_date ON warranties(sale_date);
    CREATE INDEX warranty_imeis_warranty ON warranty_imeis(warranty_id);
    CREATE TABLE claims (
        claim_id    TEXT PRIMARY KEY,
        warranty_id TEXT NOT NULL REFERENCES warranties(warranty_id),
        opened_at   TEXT NOT NULL,
        opened_by   TEXT NOT NULL,
        reason      TEXT NOT NULL,
        photos      TEXT NOT NULL DEFAULT '[]',
        status      TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
        resolution  TEXT CHECK (resolution IN ('repaired', 'replaced', 'refunded', 'rejected')),
        resolved_at TEXT,
        resolved_by TEXT,
        note        TEXT
    );
    CREATE INDEX claims_warranty ON claims(warranty_id);
    CREATE TABLE audit (
        seq       INTEGER PRIMARY KEY AUTOINCREMENT,
        at        TEXT NOT NULL,
        actor     TEXT NOT NULL,
        action    TEXT NOT NULL,
        entity    TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        detail    TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX audit_entity ON audit(entity_id);
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER reports_verbatim BEFORE UPDATE ON reports
        BEGIN SELECT RAISE(ABORT, 'stored reports are kept verbatim'); END;
    CREATE TRIGGER reports_kept BEFORE DELETE ON reports
        BEGIN SELECT RAISE(ABORT, 'stored reports are never deleted'); END;
    CREATE TRIGGER warranties_kept BEFORE DELETE ON warranties
        BEGIN SELECT RAISE(ABORT, 'warranties are voided, never deleted'); END;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database to SCHEMA_VERSION, one transaction per step; returns the version found."""
    found = schema_version(conn)
    if found > SCHEMA_VERSION:
        from station.errors import BadInput

        raise BadInput(f"the warranty database is schema version {found}, newer than this station "
                       f"({SCHEMA_VERSION})", "update the station software before opening it")
    for version in range(found, SCHEMA_VERSION):
        # executescript would COMMIT on its own; run statements inside one explicit transaction.
        conn.execute("BEGIN IMMEDIATE")
        try:
            if schema_version(conn) != version:  # another process migrated meanwhile
                conn.execute("ROLLBACK")
                continue
            for statement in _statements(MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return found


def _statements(script: str) -> list[str]:
    """Split a migration into statements (complete_statement keeps trigger bodies whole)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements
