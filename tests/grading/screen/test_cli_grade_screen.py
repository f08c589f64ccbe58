"""`station grade screen DIR --json`: one JSON document, exit codes as in DESIGN.md."""

from __future__ import annotations

import json

from station.cli import main


def test_grade_screen_json(frameset_dir, tmp_path, capsys):
    evidence = tmp_path / "evidence"
    code = main(["grade", "screen", str(frameset_dir), "--json", "--evidence", str(evidence)])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["grade"] == "B"
    (d,) = out["defects"]
    assert {"kind", "x", "y", "w", "h", "severity", "evidence"} <= set(d)
    assert (evidence / d["evidence"]["file"]).exists()


def test_grade_screen_human(frameset_dir, capsys):
    assert main(["grade", "screen", str(frameset_dir)]) == 0
    assert "screen grade B" in capsys.readouterr().out


def test_grade_screen_bad_folder_exit_2(tmp_path, capsys):
    code = main(["grade", "screen", str(tmp_path), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 2
    assert "manifest.json" in out["error"]["message"] and out["error"]["hint"]
