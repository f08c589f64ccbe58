"""Pure rule tables: command arguments, physical timing, fault strings, URL options."""

from __future__ import annotations

import pytest

from drivers.rig import commands as cmd
from drivers.rig.sim.faults import FaultInjector, FaultPlan
from drivers.rig.sim.port import parse_rigsim_url


@pytest.mark.parametrize("args, expected", [
    (("OFF",), {"top": 0, "n": 0, "e": 0, "s": 0, "w": 0}),
    (("off",), {"top": 0, "n": 0, "e": 0, "s": 0, "w": 0}),
    (("top=80",), {"top": 80}),
    (("n=0", "w=100"), {"n": 0, "w": 100}),
])
def test_light_args(args, expected):
    assert cmd.parse_light_args(args) == expected


@pytest.mark.parametrize("args, message", [
    ((), "at least one"),
    (("top=101",), "0-100"),
    (("top=-1",), "whole number"),
    (("top=8.5",), "whole number"),
    (("x=1",), "unknown argument"),
    (("top=1", "top=2"), "twice"),
    (("top",), "unknown argument"),
])
def test_light_args_refused(args, message):
    with pytest.raises(cmd.ArgumentError, match=message):
        cmd.parse_light_args(args)


@pytest.mark.parametrize("args, expected", [
    (("ON",), ("ON", 0)), (("off",), ("OFF", 0)), (("READ",), ("READ", 16)),
    (("READ", "samples=256"), ("READ", 256)),
])
def test_port_args(args, expected):
    assert cmd.parse_port_args(args) == expected


@pytest.mark.parametrize("args", [(), ("ON", "x"), ("READ", "samples=257"), ("UP",)])
def test_port_args_refused(args):
    with pytest.raises(cmd.ArgumentError):
        cmd.parse_port_args(args)


@pytest.mark.parametrize("before, after, ms", [
    (0, 0, 0), (0, 1, 16), (0, 50, 45), (0, 80, 63), (100, 0, 75),
])
def test_light_settle_time(before, after, ms):
    levels = dict.fromkeys(cmd.LIGHT_CHANNELS, 0)
    assert cmd.light_settle_ms({**levels, "n": before}, {**levels, "n": after}) == ms


@pytest.mark.parametrize("verb, args, ms", [
    ("ID", (), 0), ("LIGHT", ("top=1",), 75), ("TRAY", (), 100), ("PORT", ("ON",), 30),
    ("PORT", ("READ", "samples=100"), 100), ("STROBE", ("width_us=1500", "count=2"), 3),
    ("SELFTEST", (), 640), ("STROBE", ("width_us=0",), 0),
])
def test_worst_case_durations(verb, args, ms):
    assert cmd.max_duration_ms(verb, args) == ms


@pytest.mark.parametrize("text, plan", [
    ("", FaultPlan()),
    ("drop:0.05,corrupt:0.05", FaultPlan(drop=0.05, corrupt=0.05)),
    ("delay:20ms", FaultPlan(delay_s=0.02)),
    ("delay:1.5s, duplicate:1", FaultPlan(delay_s=1.5, duplicate=1.0)),
    ("garbage:0.5,disconnect:40,replug:2s", FaultPlan(garbage=0.5, disconnect_after=40, replug_s=2.0)),
])
def test_fault_strings(text, plan):
    assert FaultPlan.parse(text) == plan


@pytest.mark.parametrize("text", ["drop:1.5", "drop:x", "melt:0.1", "delay:fast", "disconnect:soon"])
def test_bad_fault_strings_say_what_is_allowed(text):
    with pytest.raises(ValueError) as info:
        FaultPlan.parse(text)
    assert text.split(",")[0] in str(info.value) and "drop:P" in str(info.value)


def test_injector_rates_are_roughly_as_asked_and_repeatable():
    plan = FaultPlan(drop=0.1, corrupt=0.1)
    line = b"ok N1 a=1*1234\n"
    runs = []
    for _ in range(2):
        injector = FaultInjector(plan, seed=42)
        out = [injector.outgoing(line) for _ in range(2000)]
        runs.append(out)
    assert runs[0] == runs[1]
    dropped = sum(1 for chunks in runs[0] if not chunks)
    corrupted = sum(1 for chunks in runs[0] if chunks and chunks[0] != line)
    assert 120 < dropped < 280 and 120 < corrupted < 280
    assert all(chunks[0].endswith(b"\n") for chunks in runs[0] if chunks)


@pytest.mark.parametrize("url, scenario, timing, seed", [
    ("rigsim://", "default", "real", 0),
    ("rigsim://pristine?timing=fast&seed=3", "pristine", "fast", 3),
    ("rigsim://?faults=drop:0.1", "default", "real", 0),
])
def test_rigsim_urls(url, scenario, timing, seed):
    name, plan, got_timing, got_seed = parse_rigsim_url(url)
    assert (name, got_timing, got_seed) == (scenario, timing, seed)


def test_rigsim_defaults_to_the_scenario_faults_and_empty_means_none():
    assert parse_rigsim_url("rigsim://rig-faults")[1] == FaultPlan(drop=0.05, corrupt=0.05)
    assert parse_rigsim_url("rigsim://rig-faults?faults=")[1] == FaultPlan()


@pytest.mark.parametrize("url", ["rigsim://?speed=9", "rigsim://nosuchphone"])
def test_bad_rigsim_urls(url):
    with pytest.raises(Exception) as info:
        parse_rigsim_url(url)
    assert "speed" in str(info.value) or "nosuchphone" in str(info.value)
