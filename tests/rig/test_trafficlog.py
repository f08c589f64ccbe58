"""The traffic log queues lines and writes them in batches: nothing queued may be lost.

Writes only queue (time, direction, bytes); formatting and file writes happen on a timer, when
the link is idle, and on close. These tests check what ends up in the file, never timing.
"""

from __future__ import annotations

import re
import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.rig import open_rig
from drivers.rig.trafficlog import LOG_NAME, MAX_QUEUED, TrafficLog, _escape, _escape_all

_LINE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z (\S+) ([<>#]) (.*)\Z")


def _entries(path) -> list[tuple[str, str, str]]:
    out = []
    for text in path.read_text(encoding="ascii").splitlines():
        match = _LINE.match(text)
        assert match, f"malformed log line {text!r}"
        out.append(match.groups())
    return out


def test_every_queued_line_from_every_thread_is_in_the_file_after_close(tmp_path):
    log = TrafficLog(tmp_path, port_label="test")
    per_thread = 3 * MAX_QUEUED + 17          # several size-triggered flushes plus a remainder

    def writer(direction: str) -> None:
        for index in range(per_thread):
            log.write(direction, b"line %d\n" % index)

    threads = [threading.Thread(target=writer, args=(d,)) for d in "<>"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    log.write("<", b"last before close")
    log.close()
    entries = _entries(tmp_path / LOG_NAME)
    for direction in "<>":
        mine = [payload for _label, d, payload in entries if d == direction]
        expected = [f"line {i}\\n" for i in range(per_thread)]
        if direction == "<":
            expected.append("last before close")
        assert mine == expected, "a queued line was lost or reordered"


def test_flush_writes_the_queue_and_a_write_after_close_is_ignored(tmp_path):
    log = TrafficLog(tmp_path)
    log.write(">", b"N1 ID*AC43\n")
    log.flush()
    assert [e[1:] for e in _entries(tmp_path / LOG_NAME)] == [(">", "N1 ID*AC43\\n")]
    log.close()
    log.write(">", b"too late")               # e.g. a reader thread racing close(): no error
    log.flush()
    assert len(_entries(tmp_path / LOG_NAME)) == 1


def test_a_rig_session_logs_every_request_and_its_reply_in_order(tmp_path):
    with open_rig("rigsim://default?timing=fast&faults=", log_dir=tmp_path) as rig:
        for _ in range(300):
            rig.status()
        requests = rig.stats.requests
    entries = _entries(tmp_path / LOG_NAME)
    traffic = [(d, payload) for _label, d, payload in entries if d in "<>"]
    sent = [payload for d, payload in traffic if d == ">"]
    assert len(sent) == requests == 301                     # ID on open + 300 STATUS
    for index, (direction, payload) in enumerate(traffic):
        if direction == ">":
            seq = re.match(r"N(\d+) ", payload).group(1)
            received = "".join(p for d, p in traffic[index + 1:index + 3] if d == "<")
            assert received.startswith(f"ok N{seq} "), f"no reply logged after {payload!r}"
    assert entries[-1][1:] == ("#", "closed")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.binary(max_size=40),
                          st.text("ok N1 a=b*\n\x1f", max_size=40).map(str.encode)), max_size=12))
def test_batch_escaping_equals_escaping_each_chunk(chunks):
    """The one-pass escape of a batch must give exactly what escaping each chunk gives."""
    assert _escape_all(chunks) == [_escape(chunk) for chunk in chunks]
