"""firmware_specs/adb-phone.md's worked examples, run against the codec and the simulated phone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from drivers.phone import message as m
from drivers.phone.sim_adbd import AdbdEngine, SimOptions
from drivers.scenario import load_scenario
from drivers.simworld import world_for

SPEC = Path(__file__).resolve().parents[2] / "firmware_specs" / "adb-phone.md"


def spec_blocks() -> list[list[str]]:
    blocks = re.findall(r"```adb\n(.*?)```", SPEC.read_text(encoding="utf-8"), re.S)
    return [[line.strip() for line in block.splitlines() if line.strip() and not line.startswith("#")]
            for block in blocks]


def hex_of(line: str) -> str:
    return line[1:].replace(" ", "").lower()


BLOCKS = spec_blocks()


def test_spec_has_the_worked_examples():
    assert len(BLOCKS) >= 5
    assert sum(line.startswith(("<", ">")) for block in BLOCKS for line in block) >= 25


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_codec_decodes_and_reencodes_every_line(index):
    for line in BLOCKS[index]:
        if line[0] not in "<>" or "?" in line:
            continue
        raw = bytes.fromhex(hex_of(line))
        msg = m.unpack(raw)
        assert m.pack(msg) == raw, line


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_simulated_phone_answers_exactly_as_written(index):
    scenario = load_scenario("default")
    engine = AdbdEngine(scenario, world_for(scenario), SimOptions(adb_keys_files=[]))
    expected: list[str] = []
    got: list[str] = []
    for line in BLOCKS[index]:
        if line == "= connected":
            engine.receive(m.make("CNXN", m.A_VERSION, m.MAX_PAYLOAD, b"host::\0"))
            engine._accept()
            engine.poll()
        elif line.startswith(">"):
            got += [m.pack(x).hex() for x in engine.poll()]
            engine.receive(m.unpack(bytes.fromhex(hex_of(line))))
        elif line.startswith("<"):
            expected.append(hex_of(line))
        else:
            raise AssertionError(f"unknown spec line {line!r}")
    got += [m.pack(x).hex() for x in engine.poll()]
    assert len(got) == len(expected), (got, expected)
    for want, have in zip(expected, got):
        assert re.fullmatch(want.replace("?", "[0-9a-f]"), have), (want, have)
