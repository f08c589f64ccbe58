"""The adbd twin's engine under arbitrary host messages, and usb_debugging states set in scenario files."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from drivers.phone import message as m
from drivers.phone import open_phone
from drivers.phone.errors import AuthPending, AuthRefused, DebuggingOff
from drivers.phone.sim_adbd import AdbdEngine, SimOptions
from drivers.phone.sim_server import SimAdbServer
from drivers.scenario import load_scenario
from drivers.simworld import world_for
from tests.phone.conftest import derived_scenario

SCENARIO = load_scenario("default")

host_messages = st.builds(
    lambda name, a0, a1, data: m.make(name, a0, a1, data),
    st.sampled_from(["CNXN", "AUTH", "OPEN", "OKAY", "WRTE", "CLSE", "SYNC"]),
    st.integers(0, 5), st.integers(0, 5),
    st.one_of(st.binary(max_size=60), st.sampled_from([b"shell:getprop\0", b"shell,v2,raw:exit 2\0", b"sync:\0",
                                                       b"RECV\x05\x00\x00\x00/nope", b"QUIT\0\0\0\0"])))


@given(st.lists(host_messages, max_size=25))
@settings(max_examples=150, deadline=None)
def test_engine_never_crashes_and_only_sends_valid_messages(msgs):
    engine = AdbdEngine(SCENARIO, world_for(SCENARIO), SimOptions())
    engine.receive(m.make("CNXN", m.A_VERSION, 4096, b"host::\0"))
    engine._accept()                                     # as if authenticated: streams are reachable
    assert [x.name for x in engine.poll()] == ["AUTH", "CNXN"]
    for msg in msgs:
        engine.receive(msg)
        for out in engine.poll():
            assert m.unpack(m.pack(out)) == out
            assert len(out.data) <= max(engine.host_max_payload, m.MAX_PAYLOAD)


@pytest.mark.parametrize("state, error", [("prompt", AuthPending), ("refuse", AuthRefused), ("off", DebuggingOff)])
def test_usb_debugging_state_in_the_scenario_file(state, error):
    scenario = derived_scenario(name=f"state-{state}", phone={"usb_debugging": state})
    with SimAdbServer(scenario) as server:
        with pytest.raises(error) as info:
            open_phone(server.url, auth_timeout_s=0.5)
    assert info.value.hint
