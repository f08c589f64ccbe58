"""Suite-wide fixtures: every test gets its own STATION_HOME, so nothing is written elsewhere."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def station_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("station-home")
    monkeypatch.setenv("STATION_HOME", str(home))
    return home
