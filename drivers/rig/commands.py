"""The rig's command set as data: verbs, error codes, argument rules and physical durations.

Pure and shared by the driver (timeouts, validation before sending) and the simulator (the same
rules the firmware applies), so the two cannot drift apart. Spec: firmware_specs/rig-controller.md.
"""

from __future__ import annotations

import math

VERBS = ("ID", "STATUS", "LIGHT", "TRAY", "PORT", "STROBE", "CAL", "SELFTEST")
LIGHT_CHANNELS = ("top", "n", "e", "s", "w")

# E-code -> (name, what the operator should do)
ERRORS: dict[int, tuple[str, str]] = {
    1: ("unknown_command", "use one of: " + ", ".join(VERBS)),
    2: ("bad_argument", "see firmware_specs/rig-controller.md for the command's arguments"),
    3: ("lid_open", "close the rig's lid and try again"),
    4: ("port_tripped", "the USB port tripped on over-current: unplug the phone, send PORT OFF, retry"),
    5: ("overcurrent", "the phone draws more than the port allows; check the cable and the phone"),
    6: ("hardware_fault", "the rig failed its own check; power-cycle it, then contact service"),
}
E_UNKNOWN, E_BAD_ARG, E_LID_OPEN, E_PORT_TRIPPED, E_OVERCURRENT, E_HARDWARE = 1, 2, 3, 4, 5, 6

# Physical timing (nominal, milliseconds) — the firmware reports these in its replies.
LIGHT_SETTLE_BASE_MS = 15          # LED driver soft-start
LIGHT_SETTLE_PER_PERCENT_MS = 0.6  # diffuser/thermal settle grows with the size of the step
TRAY_SAMPLE_MS = 100               # load cell: 8 samples at 80 SPS, averaged
PORT_SWITCH_MS = 30                # load switch on/off plus in-rush settle
PORT_SAMPLES_DEFAULT = 16          # INA-style meter sampled at 1 kHz
PORT_SAMPLES_MAX = 256
SELFTEST_MS = 640
OVERCURRENT_MA = 3000
STROBE_LIMITS = {"width_us": (10, 100_000), "delay_us": (0, 100_000), "count": (1, 10)}
STROBE_DEFAULTS = {"width_us": 2000, "delay_us": 0, "count": 1}


class ArgumentError(ValueError):
    """A request argument breaks the command's rules (the rig answers E2)."""


def parse_int_args(args: tuple[str, ...] | list[str], limits: dict[str, tuple[int, int]]) -> dict[str, int]:
    """``key=123`` tokens -> dict, each key known and within its inclusive limits."""
    values: dict[str, int] = {}
    for token in args:
        key, eq, text = token.partition("=")
        if not eq or key not in limits:
            raise ArgumentError(f"unknown argument {token}; allowed: {', '.join(limits)}")
        if key in values:
            raise ArgumentError(f"{key} given twice")
        if not text.isdigit() or len(text) > 7:
            raise ArgumentError(f"{key} must be a whole number")
        low, high = limits[key]
        value = int(text)
        if not low <= value <= high:
            raise ArgumentError(f"{key} must be {low}-{high}")
        values[key] = value
    return values


def parse_light_args(args: tuple[str, ...] | list[str]) -> dict[str, int]:
    """``LIGHT OFF`` or ``LIGHT top=80 n=0 ...`` (at least one channel) -> channel levels."""
    if [a.upper() for a in args] == ["OFF"]:
        return {name: 0 for name in LIGHT_CHANNELS}
    if not args:
        raise ArgumentError("give OFF or at least one of top= n= e= s= w= (0-100)")
    return parse_int_args(args, {name: (0, 100) for name in LIGHT_CHANNELS})


def parse_strobe_args(args: tuple[str, ...] | list[str]) -> dict[str, int]:
    values = dict(STROBE_DEFAULTS)
    values.update(parse_int_args(args, STROBE_LIMITS))
    return values


def parse_port_args(args: tuple[str, ...] | list[str]) -> tuple[str, int]:
    """``PORT ON`` / ``PORT OFF`` / ``PORT READ [samples=K]`` -> (action, samples)."""
    if not args:
        raise ArgumentError("give ON, OFF or READ [samples=1-256]")
    action = args[0].upper()
    if action in ("ON", "OFF") and len(args) == 1:
        return action, 0
    if action == "READ":
        samples = parse_int_args(args[1:], {"samples": (1, PORT_SAMPLES_MAX)})
        return action, samples.get("samples", PORT_SAMPLES_DEFAULT)
    raise ArgumentError("give ON, OFF or READ [samples=1-256]")


def light_settle_ms(before: dict[str, int], after: dict[str, int]) -> int:
    step = max(abs(after[name] - before[name]) for name in LIGHT_CHANNELS)
    if step == 0:
        return 0
    return LIGHT_SETTLE_BASE_MS + math.ceil(LIGHT_SETTLE_PER_PERCENT_MS * step)


def strobe_ms(width_us: int, delay_us: int, count: int) -> int:
    return math.ceil(count * (width_us + delay_us) / 1000)


def max_duration_ms(verb: str, args: tuple[str, ...] | list[str]) -> int:
    """Worst-case physical time a command takes before its reply (the host adds it to its timeout)."""
    verb = verb.upper()
    try:
        if verb == "LIGHT":
            return LIGHT_SETTLE_BASE_MS + math.ceil(LIGHT_SETTLE_PER_PERCENT_MS * 100)
        if verb == "TRAY":
            return TRAY_SAMPLE_MS
        if verb == "PORT":
            action, samples = parse_port_args(args)
            return samples if action == "READ" else PORT_SWITCH_MS
        if verb == "STROBE":
            return strobe_ms(**parse_strobe_args(args))
        if verb == "SELFTEST":
            return SELFTEST_MS
    except ArgumentError:
        return 0
    return 0


# Reply fields that report physical time spent (summed into the client's physical_wait_s).
DURATION_FIELDS = ("settle_ms", "sample_ms", "exposure_ms", "duration_ms")
