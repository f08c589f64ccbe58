"""The spec's worked examples run against the driver's codec AND the simulated firmware."""

from __future__ import annotations

import time

import pytest
import serial

from drivers.rig import commands
from drivers.rig.codec import (CorruptLine, LineSplitter, Reply, Resend, decode_request,
                               decode_rig_line, encode)
from drivers.rig.sim.port import reset_cables
from drivers.simworld import reset_worlds, world_for
from tests.rig.spec_examples import load_examples, markdown_table_rows, world_change

EXAMPLES = load_examples()


def test_spec_has_examples_for_every_command():
    sent = " ".join(step.text for ex in EXAMPLES for step in ex.steps if step.kind == ">")
    for verb in commands.VERBS:
        assert f" {verb}" in sent, f"no worked example sends {verb}"
    assert len(EXAMPLES) >= 15


def test_error_table_matches_the_driver():
    rows = markdown_table_rows("4. Errors")
    table = {int(cells[0].lstrip("E")): cells[1] for cells in rows}
    assert table == {code: name for code, (name, _hint) in commands.ERRORS.items()}


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_example_against_codec(example):
    steps = [s for s in example.steps if s.kind != "="]
    for i, step in enumerate(steps):
        raw = step.text.encode("ascii")
        if step.kind == "<":
            item = decode_rig_line(raw)
            assert encode(item) == raw + b"\n", "a rig line must re-encode byte for byte"
            continue
        answer = next((s for s in steps[i + 1:] if s.kind == "<"), None)
        answer_item = decode_rig_line(answer.text.encode("ascii")) if answer else None
        if isinstance(answer_item, Resend):
            with pytest.raises(CorruptLine):
                decode_request(raw)
            continue
        request = decode_request(raw)
        if raw[:1] == b"N":                 # canonical line: exact round trip
            assert encode(request) == raw + b"\n"
        assert isinstance(answer_item, Reply) and answer_item.seq == request.seq, \
            "the rig's reply must echo the request's sequence number"


def _read_line(port, splitter: LineSplitter, pending: list[bytes], timeout: float = 3.0) -> bytes:
    deadline = time.monotonic() + timeout
    while not pending:
        if time.monotonic() > deadline:
            raise AssertionError("the simulated rig sent nothing")
        pending.extend(splitter.feed(port.read(max(1, port.in_waiting))))
    return pending.pop(0)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_example_against_simulator(example):
    reset_worlds()
    reset_cables()
    port = serial.serial_for_url("rigsim://default?timing=fast&faults=", timeout=0.05)
    splitter, pending = LineSplitter(), []
    try:
        for step in example.steps:
            if step.kind == ">":
                port.write(step.text.encode("ascii") + b"\n")
            elif step.kind == "=":
                key, value = world_change(step.text)
                world = world_for("default")
                with world.lock:
                    setattr(world, key, value)
            else:
                assert _read_line(port, splitter, pending).decode("ascii") == step.text
        time.sleep(0.05)
        assert not splitter.feed(port.read(port.in_waiting)) and not pending, \
            "the rig sent more than the example shows"
    finally:
        port.close()
