"""Rig tests start from a fresh simulated world and plugged-in simulated cables."""

from __future__ import annotations

import pytest

from drivers.rig.sim.port import reset_cables
from drivers.simworld import reset_worlds


@pytest.fixture(autouse=True)
def fresh_rig_world():
    reset_worlds()
    reset_cables()
    yield
    reset_worlds()
    reset_cables()
