from __future__ import annotations

import pytest

from station.warranty import WarrantyRegistry, issue_report_and_warranty
from tests.report.sample import make_inspection


@pytest.fixture
def registry():
    with WarrantyRegistry(synchronous="NORMAL") as reg:
        yield reg


@pytest.fixture
def issue(registry):
    """issue(seed, **kw) -> IssuedReport, without renderings (they are tested in tests/report)."""
    def _issue(seed: int = 1, **kwargs):
        return issue_report_and_warranty(make_inspection(seed), registry=registry, render=False, **kwargs)
    return _issue
