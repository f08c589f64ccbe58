from __future__ import annotations

import pytest

from station.report import build_report, default_keyring, sign_report, station_id
from station.report.model import new_id
from tests.report.sample import make_inspection


@pytest.fixture
def inspection():
    return make_inspection(seed=7)


@pytest.fixture
def report(inspection):
    key = default_keyring().signing_key()
    return build_report(inspection, report_id=new_id("R"), station_id=station_id(), key_id=key.kid,
                        warranty_id="W20261124-0000000001", warranty_start="2026-11-24",
                        warranty_end="2027-05-23")


@pytest.fixture
def token(report):
    return sign_report(report)
