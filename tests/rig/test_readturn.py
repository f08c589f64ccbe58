"""The read turn after an idle spell: a request must get the port from the reader thread at once.

Regression: the reader granted the turn and, on its very next pass (before the requester had
woken), measured the hold-on linger from the *previous* request's end — long past after any
idle spell — so it took the turn straight back; every request after ≥ 0.1 s of quiet then
waited out host_begin's whole 0.2 s timeout before reading its reply via the reader thread.
"""

from __future__ import annotations

import threading
import time

from drivers.rig import open_rig
from drivers.rig.readturn import ReadTurn
from drivers.simworld import world_for


def test_a_request_after_an_idle_spell_gets_the_port_from_the_reader():
    # A generous hand-off timeout: only a missed hand-off (the bug) can use it up, not a slow
    # machine; the count, not the clock, is what the test checks.
    rig = open_rig("rigsim://default?timing=fast", handoff_timeout_s=2.0)
    try:
        for _ in range(3):
            time.sleep(0.3)               # idle: the reader thread has the port back by now
            status = rig.status()
            assert status.lid_closed in (True, False)
        assert rig.stats.requests == 4    # ID on open + three STATUS
        assert rig.stats.handoff_timeouts == 0
        assert rig.stats.resends == 0 and rig.stats.timeouts == 0
    finally:
        rig.close()


def test_events_still_arrive_while_the_link_is_idle():
    """The reader must get the turn back after the linger, or idle-time events would stall."""
    rig = open_rig("rigsim://default?timing=fast", handoff_timeout_s=2.0)
    got = threading.Event()
    rig.on_event(lambda event: got.set() if event.name == "lid_opened" else None)
    try:
        rig.status()
        time.sleep(0.1)                   # past the linger: the reader reads again
        world = world_for("default")
        with world.lock:
            world.lid_closed = False
        assert got.wait(5.0), "no lid_opened event while the link was idle"
        rig.status()
        assert rig.stats.handoff_timeouts == 0
    finally:
        rig.close()


def test_a_granted_turn_stays_with_the_requester_until_it_has_used_it():
    """State machine, no port: the reader's next pass right after a grant must not reclaim it."""
    turn = ReadTurn(linger_s=0.01)        # fresh: the last request ended "long ago" (idle)
    stop = threading.Event()
    order: list[str] = []
    second_pass = threading.Thread(
        target=lambda: order.append(f"reader may read: {turn.reader_may_read(stop)}"))

    def wake_reader() -> None:
        # The reader thread wakes, grants, and loops straight back before the requester runs.
        order.append(f"reader may read: {turn.reader_may_read(stop)}")
        second_pass.start()
        second_pass.join(0.2)             # time enough for the bug to take the turn back

    granted = turn.host_begin(wake_reader, timeout=2.0)
    order.append(f"requester holds the turn: {granted}")
    order.append("request ended")
    turn.host_end()
    second_pass.join(5.0)
    assert not second_pass.is_alive()
    assert order == ["reader may read: False",          # the grant
                     "requester holds the turn: True",
                     "request ended",
                     "reader may read: True"]           # back to the reader after the linger
