"""The registry: one-transaction issuing, lookups by every key, statuses, claims, audit, export."""

from __future__ import annotations

import csv
import hashlib
import io
import sqlite3
from datetime import date

import pytest

from station.errors import BadInput, HardwareError
from station.report import verify_report
from station.warranty import SCHEMA_VERSION, WarrantyRegistry, effective_status, report_path
from tests.report.sample import make_inspection


def test_issue_stores_report_verbatim_with_its_warranty(registry, issue):
    issued = issue(1, sale_date="2026-11-01", order_id="ORD-9", buyer_contact="13800000000")
    assert (issued.start, issued.end) == ("2026-11-01", "2027-04-30")
    jws = registry.report_jws(issued.report_id)
    assert jws == issued.jws_path.read_text().rstrip("\n")
    assert verify_report(jws).payload["warranty"] == {"id": issued.warranty_id, "start": "2026-11-01",
                                                      "end": "2027-04-30", "days": 180}
    assert issued.public_key_path.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert registry.counts() == {"reports": 1, "warranties": 1, "claims": 0, "audit": 1}


def test_lookup_by_either_imei_serial_report_and_order(registry, issue):
    issued = issue(2, order_id="ORD-2")
    issue(3, order_id="ORD-3")
    phone = issued.report["phone"]
    for key in ({"imei": phone["imeis"][0]}, {"imei": phone["imeis"][1]}, {"serial": phone["serial"]},
                {"report_id": issued.report_id}, {"order_id": "ORD-2"}, {"warranty_id": issued.warranty_id}):
        found = registry.lookup(**key)
        assert [w["warranty_id"] for w in found] == [issued.warranty_id], key
    assert registry.lookup(imei="356938030000000") == []
    spaced = phone["imeis"][0]
    spaced = f"{spaced[:2]}-{spaced[2:8]}-{spaced[8:14]}-{spaced[14]}"
    assert [w["warranty_id"] for w in registry.lookup(imei=spaced)] == [issued.warranty_id]


def test_lookup_needs_exactly_one_key(registry):
    with pytest.raises(BadInput, match="exactly one"):
        registry.lookup()
    with pytest.raises(BadInput, match="exactly one"):
        registry.lookup(imei="1", serial="2")


def test_buyer_contact_is_private_unless_asked(registry, issue):
    issued = issue(4, buyer_contact="wechat:buyer42")
    public = registry.lookup(report_id=issued.report_id)[0]
    assert "buyer_contact" not in public and "buyer42" not in repr(public)
    assert registry.get(issued.warranty_id, include_private=True)["buyer_contact"] == "wechat:buyer42"
    assert "buyer42" not in repr(registry.audit_log())
    assert "buyer42" not in registry.report_jws(issued.report_id)


@pytest.mark.parametrize("stored, today, expected", [
    ("active", date(2027, 5, 23), "active"),
    ("active", date(2027, 5, 24), "expired"),
    ("claimed", date(2028, 1, 1), "claimed"),
    ("void", date(2026, 12, 1), "void"),
])
def test_effective_status(stored, today, expected):
    assert effective_status(stored, "2027-05-23", today) == expected


@pytest.mark.parametrize("outcome, status_after", [("repaired", "active"), ("replaced", "active"),
                                                   ("rejected", "active"), ("refunded", "void")])
def test_claim_lifecycle(registry, issue, tmp_path, outcome, status_after):
    photo = tmp_path / "crack.jpg"
    photo.write_bytes(b"\xff\xd8 photo")
    issued = issue(5)
    claim = registry.open_claim(issued.warranty_id, "screen cracked by itself", [photo], actor="desk-1")
    assert claim["status"] == "open" and len(claim["photos"]) == 1
    kept = claim["photos"][0]
    assert kept.startswith(str(registry.path.parent / "claims" / claim["claim_id"]))
    photo.unlink()  # the original can go: the registry kept its own copy
    assert open(kept, "rb").read() == b"\xff\xd8 photo"
    assert registry.audit_log(claim["claim_id"])[0]["detail"]["photos_sha256"] == [
        hashlib.sha256(b"\xff\xd8 photo").hexdigest()]
    assert registry.get(issued.warranty_id)["status"] == "claimed"
    done = registry.resolve_claim(claim["claim_id"], outcome, "checked", actor="desk-2")
    assert (done["resolution"], done["resolved_by"]) == (outcome, "desk-2")
    assert registry.get(issued.warranty_id)["status"] == status_after
    with pytest.raises(BadInput, match="already resolved"):
        registry.resolve_claim(claim["claim_id"], "repaired")
    actions = [(a["actor"], a["action"]) for a in registry.audit_log()]
    assert actions[-2:] == [("desk-1", "claim_open"), ("desk-2", "claim_resolve")]


def test_claims_refused_on_void_and_expired(registry, issue):
    old = issue(6, sale_date="2020-01-01")
    with pytest.raises(BadInput, match="expired"):
        registry.open_claim(old.warranty_id, "battery")
    assert registry.open_claim(old.warranty_id, "battery", allow_expired=True)["status"] == "open"
    voided = issue(7)
    registry.void(voided.warranty_id, "order cancelled", actor="desk")
    with pytest.raises(BadInput, match="void"):
        registry.open_claim(voided.warranty_id, "battery")
    with pytest.raises(BadInput, match="unknown resolution"):
        registry.resolve_claim("C1", "ignored")


def test_audit_log_and_stored_reports_cannot_be_rewritten(registry, issue):
    issued = issue(8)
    for sql in ("UPDATE audit SET actor = 'mallory'", "DELETE FROM audit",
                "UPDATE reports SET jws = 'x'", "DELETE FROM reports",
                f"DELETE FROM warranties WHERE warranty_id = '{issued.warranty_id}'"):
        with pytest.raises(sqlite3.DatabaseError):
            registry.conn.execute(sql)
    assert registry.report_jws(issued.report_id).count(".") == 2


def test_schema_refuses_a_warranty_without_its_report(registry):
    with pytest.raises(sqlite3.IntegrityError):
        with registry.transaction() as conn:
            conn.execute("INSERT INTO warranties (warranty_id, report_id, sale_date, start_date, end_date,"
                         " status, created_at, updated_at) VALUES ('W1', 'R-none', '2026-01-01', '2026-01-01',"
                         " '2026-06-30', 'active', 'now', 'now')")
    assert registry.counts()["warranties"] == 0


def test_a_failed_store_leaves_nothing_behind(registry, issue, monkeypatch):
    import station.warranty.registry as reg_module

    def broken_audit(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error (simulated in the audit insert)")

    monkeypatch.setattr(reg_module.WarrantyRegistry, "audit", staticmethod(broken_audit))
    with pytest.raises(HardwareError) as info:
        issue(9)
    assert "nothing was saved" in info.value.message and "disk space" in info.value.hint
    assert registry.counts() == {"reports": 0, "warranties": 0, "claims": 0, "audit": 0}


def test_list_and_csv_export_for_a_date_range(registry, issue):
    for seed, day in [(10, "2026-01-05"), (11, "2026-02-10"), (12, "2026-03-15")]:
        issue(seed, sale_date=day, buyer_contact="secret-phone")
    rows = registry.list(date_from="2026-02-01", date_to="2026-03-15")
    assert [r["sale_date"] for r in rows] == ["2026-02-10", "2026-03-15"]
    out = io.StringIO()
    assert registry.export_csv(out, date_from="2026-01-01", date_to="2026-01-31") == 1
    parsed = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert parsed[0]["sale_date"] == "2026-01-05" and "buyer_contact" not in parsed[0]
    assert "secret-phone" not in out.getvalue()
    private = io.StringIO()
    registry.export_csv(private, include_private=True)
    assert private.getvalue().count("secret-phone") == 3
    with pytest.raises(BadInput, match="YYYY-MM-DD"):
        registry.list(date_from="last week")


def test_schema_is_versioned_and_newer_databases_are_refused(tmp_path):
    path = tmp_path / "w.db"
    WarrantyRegistry(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(BadInput, match="newer"):
        WarrantyRegistry(path)


def test_report_path_rewrites_a_missing_file_from_the_registry(registry, issue):
    issued = issue(13)
    issued.jws_path.unlink()
    path = report_path(issued.report_id, registry)
    assert path == issued.jws_path and verify_report(path.read_bytes()).payload["report_id"] == issued.report_id
    assert report_path("R20990101-NOSUCHREPO", registry) is None


def test_incomplete_inspection_issues_nothing(registry):
    from station.warranty import issue_report_and_warranty

    broken = make_inspection(14)
    del broken["screen"]
    with pytest.raises(BadInput, match="screen"):
        issue_report_and_warranty(broken, registry=registry, render=False)
    assert registry.counts()["reports"] == 0


def test_a_corrupt_database_file_is_a_clear_error(tmp_path):
    from station.errors import HardwareError

    path = tmp_path / "warranty.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(HardwareError) as info:
        WarrantyRegistry(path)
    assert "not a usable warranty database" in info.value.message and "backup" in info.value.hint


def test_threads_sharing_one_registry_issue_safely(registry):
    import threading

    from station.warranty import issue_report_and_warranty

    errors = []

    def work(seed):
        try:
            issue_report_and_warranty(make_inspection(seed), registry=registry, render=False)
            registry.lookup(serial=make_inspection(seed)["phone"]["serial"])
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(100 + i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and registry.counts()["warranties"] == 8


def test_verified_report_catches_a_tampered_stored_copy(registry, issue):
    from station.report import VerificationFailed

    issued = issue(30)
    assert registry.verified_report(issued.report_id).payload["report_id"] == issued.report_id
    # Someone with raw database access drops the guard trigger and edits the stored text.
    registry.conn.execute("DROP TRIGGER reports_verbatim")
    jws = registry.report_jws(issued.report_id)
    header, payload, sig = jws.split(".")
    forged = f"{header}.{payload[:40]}{'B' if payload[40] != 'B' else 'C'}{payload[41:]}.{sig}"
    registry.conn.execute("UPDATE reports SET jws = ? WHERE report_id = ?", (forged, issued.report_id))
    with pytest.raises(VerificationFailed):
        registry.verified_report(issued.report_id)
    with pytest.raises(BadInput, match="no report"):
        registry.verified_report("R20990101-0000000000")


def test_an_unwritable_report_file_does_not_undo_or_repeat_the_issue(registry, monkeypatch):
    import station.warranty.issue as issue_module

    def disk_full(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(issue_module, "replace_synced", disk_full)
    issued = issue_module.issue_report_and_warranty(make_inspection(31), registry=registry, render=False)
    assert registry.counts()["warranties"] == 1 and not issued.jws_path.exists()
    monkeypatch.undo()
    assert report_path(issued.report_id, registry).read_text().startswith(registry.report_jws(issued.report_id))


def test_the_copies_render_per_format_and_on_two_threads_at_once(registry, issue):
    """The inspection renders the PDF and the other copies on two workers (steps_finish.sign)."""
    import threading

    from station.warranty.issue import render_copies

    issued = issue(7)
    assert render_copies(issued, ("pdf",)) == {"pdf": issued.jws_path.parent / f"{issued.report_id}.pdf"}
    issued.renderings.clear()
    threads = [threading.Thread(target=render_copies, args=(issued, formats))
               for formats in (("pdf",), ("html", "png"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(issued.renderings) == ["html", "pdf", "png"]
    for fmt, path in issued.renderings.items():
        data = path.read_bytes()
        assert data.startswith({"pdf": b"%PDF", "png": b"\x89PNG", "html": b"<!DOCTYPE html"}[fmt]), fmt
