"""Edges: over-current, partial lines, lost events over a raw socket://, traffic log rotation."""

from __future__ import annotations

import json
import queue
import socket
import threading

import pytest

from drivers.rig import RigCommandError, RigProtocolError, open_rig
from drivers.rig.codec import decode_rig_line, encode_event, encode_ok, encode_request
from drivers.rig.sim.device import PARTIAL_LINE_TIMEOUT_S, SimDevice
from drivers.rig.sim.faults import FaultPlan
from drivers.rig.trafficlog import LOG_NAME, TrafficLog
from drivers.scenario import load_scenario


@pytest.fixture
def power_hungry_scenario(tmp_path):
    data = load_scenario("default").raw
    data["power"] = {"vbus_mv": 4900, "current_ma": 3500}
    path = tmp_path / "hungry.json"
    path.write_text(json.dumps(data))
    return path


def test_overcurrent_trips_the_port_until_it_is_switched_off(power_hungry_scenario):
    events: queue.Queue = queue.Queue()
    with open_rig(f"rigsim://{power_hungry_scenario}?timing=fast&faults=") as rig:
        rig.on_event(lambda e: events.put(e))
        with pytest.raises(RigCommandError) as info:
            rig.port_power(True)
        assert info.value.name == "overcurrent" and info.value.code == 5
        event = events.get(timeout=3)
        assert (event.name, event.fields) == ("overcurrent", {"ma": "3500"})
        with pytest.raises(RigCommandError) as info:
            rig.port_power(True)
        assert info.value.name == "port_tripped" and "PORT OFF" in info.value.hint
        assert rig.port_power(False) is False
        assert rig.status().port_on is False


def test_a_line_left_unfinished_for_a_second_is_discarded():
    device = SimDevice("default", FaultPlan(), timing="fast")
    line = encode_request(4, "STATUS")
    assert device.receive(line[:6], now=10.0) == []
    late = device.receive(line[6:], now=10.0 + PARTIAL_LINE_TIMEOUT_S + 0.1)
    assert [decode_rig_line(chunk[:-1]).__class__.__name__ for _, chunk in late] == ["Resend"]
    on_time = device.receive(line[:6], now=20.0) + device.receive(line[6:], now=20.5)
    assert decode_rig_line(on_time[0][1][:-1]).seq == 4


class ScriptedSocketRig:
    """A TCP peer speaking raw protocol bytes: answers each request with a canned ok line
    and sends whatever event lines the test pushes. Exercises socket:// and the reader."""

    def __init__(self, proto: int = 1) -> None:
        self.proto = proto
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.conn: socket.socket | None = None
        self.ready = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self.conn, _ = self.server.accept()
        self.ready.set()
        pending = b""
        while True:
            try:
                data = self.conn.recv(4096)
            except OSError:
                return
            if not data:
                return
            pending += data
            while b"\n" in pending:
                line, _, pending = pending.partition(b"\n")
                seq = int(line.split(b" ")[0][1:])
                self.conn.sendall(encode_ok(seq, {"model": "IR-1", "fw": "1.4.0", "serial": "S1",
                                                  "proto": self.proto}))

    def push(self, data: bytes) -> None:
        self.ready.wait(3)
        self.conn.sendall(data)

    def close(self) -> None:
        for sock in (self.conn, self.server):
            if sock is not None:
                sock.close()


def test_a_rig_speaking_another_protocol_version_is_refused():
    peer = ScriptedSocketRig(proto=2)
    try:
        with pytest.raises(RigProtocolError) as info:
            open_rig(f"socket://127.0.0.1:{peer.port}")
        assert "protocol 2" in info.value.message and "update" in info.value.hint
    finally:
        peer.close()


def test_lost_events_are_reported_as_missed_and_repeats_dropped():
    peer = ScriptedSocketRig()
    got: queue.Queue = queue.Queue()
    try:
        with open_rig(f"socket://127.0.0.1:{peer.port}") as rig:
            rig.on_event(lambda e: got.put((e.name, e.fields, e.count)))
            peer.push(encode_event(0, "lid_opened") + encode_event(0, "lid_opened")
                      + encode_event(3, "phone_removed"))
            seen = [got.get(timeout=3) for _ in range(3)]
            assert seen == [("lid_opened", {}, 0), ("missed", {"count": "2"}, None),
                            ("phone_removed", {}, 3)]
            with pytest.raises(queue.Empty):
                got.get(timeout=0.2)
            assert rig.stats.events == 2 and rig.stats.events_missed == 2
    finally:
        peer.close()


def test_traffic_log_rotates_and_keeps_a_bounded_number_of_files(tmp_path):
    log = TrafficLog(tmp_path, max_bytes=400, backups=3)
    for seq in range(60):
        log.write(">", encode_request(seq, "STATUS"))
    log.write("<", b"\x00\xff garbage\r\n")
    log.close()
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == [LOG_NAME, f"{LOG_NAME}.1", f"{LOG_NAME}.2", f"{LOG_NAME}.3"]
    assert all((tmp_path / name).stat().st_size <= 400 for name in files)
    newest = (tmp_path / LOG_NAME).read_text()
    assert "N59 STATUS" in newest and "\\x00\\xff garbage\\r\\n" in newest
