"""`station grade cosmetic DIR --json` on a generated frameset/1 folder: one JSON document, exit codes."""

from __future__ import annotations

import json

from station.cli import main


def test_grade_cosmetic_json(case_folder, capsys):
    folder, case = case_folder
    assert main(["grade", "cosmetic", str(folder), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["grade"] == case.grade and doc["label_zh"]
    assert doc["defects"] and all({"kind", "face", "x", "y", "w", "h"} <= d.keys() for d in doc["defects"])
    assert {d["kind"] for d in doc["defects"]} == {t["kind"] for t in case.truth}


def test_grade_cosmetic_human_text(case_folder, capsys):
    assert main(["grade", "cosmetic", str(case_folder[0])]) == 0
    out = capsys.readouterr().out
    assert out.startswith("cosmetic grade ") and "scratch" in out and "mm" in out


def test_bad_folder_exits_2_with_a_json_error(tmp_path, capsys):
    assert main(["grade", "cosmetic", str(tmp_path), "--json"]) == 2
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert doc["error"]["type"] == "BadInput" and doc["error"]["hint"]
    assert "what to do" in captured.err
