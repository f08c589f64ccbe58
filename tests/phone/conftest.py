"""Phone-test helpers: scenarios derived from the shipped ones, fresh sim state per test."""

from __future__ import annotations

import copy
import subprocess
import sys

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


@pytest.fixture
def station_sim_phone():
    """start(scenario) -> "127.0.0.1:PORT": the documented `station sim phone --tcp 127.0.0.1:0
    --scenario S` in its own process, stopped after the test."""
    servers = []

    def start(scenario: str) -> str:
        server = subprocess.Popen([sys.executable, "-m", "station", "sim", "phone", "--tcp", "127.0.0.1:0",
                                   "--scenario", scenario], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        servers.append(server)
        address = server.stdout.readline().strip()
        assert address.startswith("127.0.0.1:"), server.stderr.read()
        return address

    yield start
    for server in servers:
        server.terminate()
        server.wait(timeout=10)


def derived_scenario(base: str = "default", name: str = "derived", **sections) -> Scenario:
    """A copy of scenario `base` with `phone=`/`battery=` keys overridden (ground truth for a test)."""
    data = copy.deepcopy(load_scenario(base).raw)
    for section, overrides in sections.items():
        data.setdefault(section, {}).update(overrides)
    data["name"] = name
    return Scenario.from_dict(data, name=name)
