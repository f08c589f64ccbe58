"""The simulated rig on a real pseudo-terminal: the driver, a person's terminal, and `station sim rig`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import tty
from contextlib import contextmanager

import pytest

from drivers.rig import RigDisconnected, open_rig
from drivers.rig.checkout import run_checkout
from drivers.rig.codec import LineSplitter, decode_rig_line
from drivers.rig.sim.pty_server import PtyRig


@contextmanager
def station_sim_rig(*args):
    """`station sim rig --timing fast ARGS --json` in its own process: (process, the JSON it printed);
    stopped with SIGTERM at the end, as a supervisor would."""
    proc = subprocess.Popen([sys.executable, "-m", "station", "sim", "rig", "--timing", "fast", *args, "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield proc, json.loads(proc.stdout.readline())
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def pty_rig():
    server = PtyRig("default", "", timing="fast").start()
    yield server
    server.stop()


def test_driver_checkout_over_a_pty(pty_rig):
    with open_rig(pty_rig.path) as rig:
        assert rig._transport._fd is not None, "plain ttys take the descriptor fast path"
        result = run_checkout(rig)
    assert result["passed"], result["steps"]
    assert result["readings"]["weight_g"] == 143.0


# Both request paths: the C one (drivers/rig/_fastlink.c, the default on a tty) and Python's.
both_paths = pytest.mark.parametrize("fast_path", [True, False], ids=["c-path", "python-path"])


def check_path_used(rig, fast_path: bool) -> None:
    from drivers.rig import client

    if fast_path and client._fastlink is not None:
        assert rig.stats.fast_replies > 0, "the C request path was never taken"
    else:
        assert rig.stats.fast_replies == 0


@both_paths
def test_faults_over_a_pty(fast_path):
    server = PtyRig("default", "drop:0.05,corrupt:0.05,garbage:0.05", timing="fast", seed=5).start()
    try:
        with open_rig(server.path, fast_path=fast_path) as rig:
            for level in range(0, 101, 5):
                assert rig.lights(e=level)["e"] == level
                assert rig.weight_g() == 143.0
            assert rig.stats.resends > 0
            assert rig.stats.corrupt_lines > 0
            check_path_used(rig, fast_path)
    finally:
        server.stop()


def _terminal_exchange(path: str, typed: bytes) -> list[bytes]:
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)
    try:
        os.write(fd, typed)
        splitter, lines = LineSplitter(), []
        deadline = time.monotonic() + 3
        while len(lines) < typed.count(b"\r") and time.monotonic() < deadline:
            lines += splitter.feed(os.read(fd, 4096))
        return lines
    finally:
        os.close(fd)


def test_a_person_can_type_commands_in_a_terminal(pty_rig):
    # Terminals send CR on Enter; no numbers, no checksums, any case.
    lines = _terminal_exchange(pty_rig.path, b"id\rlight top=20\rtray\r")
    replies = [decode_rig_line(line) for line in lines]
    assert [r.seq for r in replies] == [None, None, None]
    assert replies[0].fields["model"] == "IR-1"
    assert replies[1].fields["top"] == "20"
    assert replies[2].fields["weight_g"] == "143.0"


@both_paths
def test_pty_hang_up_is_a_clear_error(fast_path):
    server = PtyRig("default", "disconnect:3", timing="fast").start()
    try:
        with open_rig(server.path, reconnect_s=0.5, fast_path=fast_path) as rig:
            with pytest.raises(RigDisconnected) as info:
                for _ in range(5):
                    rig.status()
        assert "gone" in str(info.value)
        assert server.hung_up
    finally:
        server.stop()


def test_station_sim_rig_serves_a_pty_for_other_tools():
    with station_sim_rig("--scenario", "pristine") as (_, info):
        assert info["path"].startswith("/dev/") and info["scenario"] == "pristine"
        out = subprocess.run([sys.executable, "-m", "station", "rig", "info", "--rig", info["path"],
                              "--json"], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        doc = json.loads(out.stdout)
        assert doc["status"]["weight_g"] == 172.0         # the pristine scenario's phone
        assert doc["identity"]["serial"] == "IR1-00042"


def test_a_replugged_pty_rig_comes_back_on_a_new_pty_behind_the_same_link(tmp_path):
    link = tmp_path / "inspection-rig"
    server = PtyRig("default", "disconnect:3,replug:0.3s", timing="fast", link=link).start()
    try:
        first_tty = server.tty_path
        assert server.path == str(link) and os.readlink(link) == first_tty
        events = []
        with open_rig(server.path, reconnect_s=5.0) as rig:
            rig.on_event(lambda event: events.append(event.name))
            for _ in range(6):             # the 3rd request pulls the cable; the rest wait for it
                assert rig.status().weight_g == 143.0
            assert rig.stats.reconnects == 1
        # The kernel may hand out the same /dev/pts number again, or another: the link follows.
        assert server.replugs == 1 and not server.hung_up
        assert os.readlink(link) == server.tty_path
        assert events[:2] == ["disconnected", "reconnected"]
    finally:
        server.stop()
    assert not link.exists(), "a stopped rig leaves no link behind"


def test_without_replug_the_link_goes_away_with_the_cable(tmp_path):
    link = tmp_path / "inspection-rig"
    server = PtyRig("default", "disconnect:2", timing="fast", link=link).start()
    try:
        with open_rig(server.path, reconnect_s=0.3) as rig:
            with pytest.raises(RigDisconnected):
                for _ in range(3):         # the cable is pulled after ID and one STATUS
                    rig.status()
        assert server.hung_up and server.replugs == 0
        assert not link.exists()
    finally:
        server.stop()


def test_station_sim_rig_with_replug_prints_a_link_that_follows_the_rig():
    with station_sim_rig("--faults", "disconnect:2,replug:0.2s") as (_, info):
        assert info["path"] != info["tty"] and os.readlink(info["path"]) == info["tty"]
        with open_rig(info["path"], reconnect_s=5.0) as rig:     # ID is request 1
            for _ in range(3):
                rig.status()
            assert rig.stats.reconnects == 1


def test_station_sim_rig_stopped_by_sigterm_removes_its_link(tmp_path):
    link = tmp_path / "rig-link"
    with station_sim_rig("--faults", "", "--link", str(link)) as (proc, info):
        assert info["path"] == str(link) and os.readlink(link) == info["tty"]
    assert proc.returncode == 0                # it ended on the SIGTERM, cleanly
    assert not os.path.lexists(link), "SIGTERM leaves no stale link to a pty someone else may get"


@both_paths
def test_duplicated_and_glued_lines_over_a_pty_are_sorted_out_by_the_requesting_thread(fast_path):
    """The requester reads its own replies: a chunk may hold a duplicate, garbage or an event
    besides its reply; leftovers must count as stale, never answer the next request."""
    from drivers.simworld import world_for

    server = PtyRig("default", "duplicate:0.3,garbage:0.1", timing="fast", seed=3).start()
    lid_opened = threading.Event()
    try:
        with open_rig(server.path, fast_path=fast_path) as rig:
            rig.on_event(lambda event: lid_opened.set() if event.name == "lid_opened" else None)
            for level in range(0, 101, 4):
                assert rig.lights(n=level)["n"] == level          # each reply is its own
                assert rig.status().lights["n"] == level
                if level == 48:
                    world = world_for("default")
                    with world.lock:
                        world.lid_closed = False
            assert rig.status().lid_closed is False
            assert rig.stats.stale_replies > 0                    # duplicates were seen
            assert lid_opened.wait(5.0), "the lid event was lost among the replies"
            check_path_used(rig, fast_path)
    finally:
        server.stop()


@both_paths
def test_the_traffic_log_holds_every_request_and_its_reply(pty_rig, tmp_path, fast_path):
    """Disputes read this file: the C path must log exactly what the Python path logs."""
    with open_rig(pty_rig.path, log_dir=tmp_path, fast_path=fast_path) as rig:
        levels = [rig.lights(top=level)["top"] for level in (10, 20, 30)]
        check_path_used(rig, fast_path)
    lines = (tmp_path / "rig-traffic.log").read_text().splitlines()
    sent = [line.split(" > ", 1)[1] for line in lines if " > " in line]
    received = [line.split(" < ", 1)[1] for line in lines if " < " in line]
    assert levels == [10, 20, 30]
    assert [s.split(" ", 1)[1].split("*")[0] for s in sent] == ["ID", "LIGHT top=10", "LIGHT top=20", "LIGHT top=30"]
    assert len(received) == 4 and all(r.startswith("ok N") and r.endswith("\\n") for r in received)
    assert [r.split(" ", 2)[1] for r in received] == [s.split(" ", 1)[0] for s in sent]   # numbers match
