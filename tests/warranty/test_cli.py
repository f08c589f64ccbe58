"""`station warranty ...` and `station report ...` from the command line, with --json and exit codes."""

from __future__ import annotations

import json

import pytest

from station.cli import main
from tests.report.sample import make_inspection


def _run(capsys, *argv) -> tuple[int, dict | str]:
    code = main(list(argv))
    out = capsys.readouterr().out
    try:
        return code, json.loads(out)
    except json.JSONDecodeError:
        return code, out


@pytest.fixture
def issued(capsys, tmp_path):
    path = tmp_path / "inspection.json"
    path.write_text(json.dumps(make_inspection(21), ensure_ascii=False), encoding="utf-8")
    code, doc = _run(capsys, "warranty", "issue", str(path), "--order-id", "ORD-21", "--sale-date",
                     "2026-10-01", "--buyer-contact", "13900000000", "--actor", "streamer", "--json")
    assert code == 0, doc
    return doc


def test_issue_then_lookup_every_way(capsys, issued):
    assert set(issued) >= {"report_id", "warranty_id", "start", "end", "jws_path", "public_key_path"}
    assert set(issued["renderings"]) == {"html", "pdf", "png"}
    imeis = make_inspection(21)["phone"]["imeis"]
    for flag, value in (("--imei", imeis[1]), ("--report", issued["report_id"]), ("--order", "ORD-21"),
                        ("--serial", make_inspection(21)["phone"]["serial"])):
        code, doc = _run(capsys, "warranty", "lookup", flag, value, "--json")
        assert code == 0 and doc["count"] == 1 and doc["warranties"][0]["warranty_id"] == issued["warranty_id"]
        assert "buyer_contact" not in doc["warranties"][0]
    code, doc = _run(capsys, "warranty", "lookup", "--imei", "356938030000000", "--json")
    assert (code, doc["count"]) == (1, 0)


def test_claim_open_resolve_list_export(capsys, issued, tmp_path):
    code, claim = _run(capsys, "warranty", "claim", "open", issued["warranty_id"], "--reason", "no sound",
                       "--actor", "desk", "--json")
    assert code == 0 and claim["status"] == "open"
    code, done = _run(capsys, "warranty", "claim", "resolve", claim["claim_id"], "--outcome", "repaired", "--json")
    assert code == 0 and done["resolution"] == "repaired"
    code, listed = _run(capsys, "warranty", "list", "--from", "2026-10-01", "--to", "2026-10-31", "--json")
    assert code == 0 and [w["warranty_id"] for w in listed["warranties"]] == [issued["warranty_id"]]
    assert listed["truncated"] is False
    code, capped = _run(capsys, "warranty", "list", "--limit", "0", "--json")
    assert (code, capped["count"], capped["truncated"]) == (0, 0, True)
    out = tmp_path / "w.csv"
    code, summary = _run(capsys, "warranty", "export", "--from", "2026-10-01", "--out", str(out), "--json")
    assert (code, summary["rows"]) == (0, 1)
    assert "13900000000" not in out.read_text()
    code, log = _run(capsys, "warranty", "audit", "--id", issued["warranty_id"], "--json")
    assert code == 0 and [(e["actor"], e["action"]) for e in log["entries"]] == [
        ("streamer", "issue"), ("desk", "claim_open"), (log["entries"][2]["actor"], "claim_resolve")]


def test_report_verify_exit_codes(capsys, issued, tmp_path):
    code, doc = _run(capsys, "report", "verify", issued["jws_path"], "--json")
    assert code == 0 and doc["valid"] is True and doc["report_id"] == issued["report_id"]
    text = open(issued["jws_path"]).read()
    tampered = tmp_path / "tampered.jws"
    header, payload, sig = text.strip().split(".")
    tampered.write_text(f"{header}.{payload[:10]}{'A' if payload[10] != 'A' else 'B'}{payload[11:]}.{sig}\n")
    code, doc = _run(capsys, "report", "verify", str(tampered), "--json")
    assert code == 1 and doc["valid"] is False and doc["reason"]
    code, _ = _run(capsys, "report", "verify", str(tmp_path / "missing.jws"), "--json")
    assert code == 2


def test_report_show_public_masks_and_export_key(capsys, issued, tmp_path):
    code, view = _run(capsys, "report", "show", issued["jws_path"], "--public", "--json")
    imei = make_inspection(21)["phone"]["imeis"][0]
    assert code == 0 and imei not in json.dumps(view) and view["phone"]["imeis"][0].endswith(imei[-3:])
    code, key = _run(capsys, "report", "export-key", "--format", "jwk", "--json")
    assert code == 0 and json.loads(key["key"])["kid"] == key["kid"]
    pem = tmp_path / "station.pem"
    assert main(["report", "export-key", "--out", str(pem)]) == 0
    assert pem.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    code, rotated = _run(capsys, "report", "rotate-key", "--json")
    assert code == 0 and rotated["old_kid"] in rotated["public_keys"]
    code, doc = _run(capsys, "report", "verify", issued["jws_path"], "--json")
    assert code == 0 and doc["key_id"] == rotated["old_kid"]


def test_bad_inspection_file_is_a_usage_error(capsys, tmp_path):
    path = tmp_path / "partial.json"
    inspection = make_inspection(22)
    del inspection["battery"]
    path.write_text(json.dumps(inspection))
    code, doc = _run(capsys, "warranty", "issue", str(path), "--json")
    assert code == 2 and "battery" in doc["error"]["message"] and doc["error"]["hint"]


def test_report_render_writes_all_three(capsys, issued, tmp_path):
    code, written = _run(capsys, "report", "render", issued["jws_path"], "--out", str(tmp_path / "r"),
                         "--base-url", "https://shop.example", "--json")
    assert code == 0 and sorted(written) == ["html", "pdf", "png"]
    assert "https://shop.example/r/" + issued["report_id"] in open(written["html"], encoding="utf-8").read()
