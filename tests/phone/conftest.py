"""Phone-test helpers: scenarios derived from the shipped ones, fresh sim state per test."""

from __future__ import annotations

import copy

import pytest

from drivers.phone.sim_adbd import forget_trusted_keys
from drivers.scenario import Scenario, load_scenario
from drivers.simworld import reset_worlds


@pytest.fixture(autouse=True)
def fresh_sim_state():
    forget_trusted_keys()
    reset_worlds()
    yield
    forget_trusted_keys()
    reset_worlds()


def derived_scenario(base: str = "default", name: str = "derived", **sections) -> Scenario:
    """A copy of scenario `base` with `phone=`/`battery=` keys overridden (ground truth for a test)."""
    data = copy.deepcopy(load_scenario(base).raw)
    for section, overrides in sections.items():
        data.setdefault(section, {}).update(overrides)
    data["name"] = name
    return Scenario.from_dict(data, name=name)
