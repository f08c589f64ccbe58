"""The inspection imports its later parts while the rig self-tests; a part that is not installed
is skipped there (its own step reports it), never raised from the warm-up."""

from __future__ import annotations

import sys

from station.inspection.warmup import LATER_PARTS, import_parts, start_warm_up


def test_the_later_parts_import_and_a_missing_one_is_skipped():
    loaded = import_parts(("station.report.render", "station.no_such_part", "json"))
    assert loaded == ["station.report.render", "json"]
    assert "station.report.render" in sys.modules


def test_every_named_part_exists_so_the_warm_up_does_not_silently_do_nothing():
    assert import_parts() == list(LATER_PARTS)


def test_the_warm_up_runs_on_a_daemon_thread_and_goes_past_a_broken_part(monkeypatch, tmp_path):
    (tmp_path / "warmup_broken_part.py").write_text("raise RuntimeError('broken at import')\n", encoding="utf-8")
    (tmp_path / "warmup_next_part.py").write_text("LOADED = True\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    escaped = []
    monkeypatch.setattr("threading.excepthook", escaped.append)
    thread = start_warm_up(("warmup_broken_part", "warmup_next_part"))
    thread.join(timeout=10)
    assert thread.daemon and not thread.is_alive()
    assert escaped == [] and sys.modules["warmup_next_part"].LOADED
    assert "warmup_broken_part" not in sys.modules
