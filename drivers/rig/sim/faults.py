"""Fault injection for the simulated rig: ``drop:0.05,corrupt:0.05,delay:20ms,duplicate:0.02,
garbage:0.02,disconnect:40,replug:1s`` (the ``faults=`` query of ``rigsim://`` and ``station sim rig``).

Probabilities apply to every line in each direction (host->rig and rig->host) independently; a
seeded RNG makes a run repeatable. ``delay`` holds every reply back; ``disconnect:N`` pulls the
cable after the rig has handled N requests, and ``replug:T`` plugs it back in T later (never
when absent).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s)?\Z")
PROBABILITY_FAULTS = ("drop", "corrupt", "duplicate", "garbage")


def parse_duration_s(text: str) -> float:
    match = _DURATION.match(text.strip())
    if not match:
        raise ValueError(f"bad duration {text!r}: write e.g. 20ms or 1.5s")
    value = float(match.group(1))
    return value / 1000.0 if match.group(2) == "ms" else value


@dataclass(frozen=True)
class FaultPlan:
    drop: float = 0.0
    corrupt: float = 0.0
    duplicate: float = 0.0
    garbage: float = 0.0
    delay_s: float = 0.0
    disconnect_after: int | None = None
    replug_s: float | None = None

    @classmethod
    def parse(cls, text: str | None) -> "FaultPlan":
        """Parse a fault string; ValueError says which item is wrong and what is allowed."""
        values: dict[str, object] = {}
        for item in (text or "").split(","):
            item = item.strip()
            if not item:
                continue
            name, _, arg = item.partition(":")
            name = name.strip().lower()
            try:
                if name in PROBABILITY_FAULTS:
                    prob = float(arg)
                    if not 0.0 <= prob <= 1.0:
                        raise ValueError("probability must be 0-1")
                    values[name] = prob
                elif name == "delay":
                    values["delay_s"] = parse_duration_s(arg)
                elif name == "disconnect":
                    values["disconnect_after"] = int(arg or 0)
                elif name == "replug":
                    values["replug_s"] = parse_duration_s(arg)
                else:
                    raise ValueError("unknown fault")
            except ValueError as exc:
                raise ValueError(
                    f"bad fault {item!r} ({exc}); use drop:P, corrupt:P, duplicate:P, garbage:P "
                    f"(P in 0-1), delay:20ms, disconnect:N (after N requests), replug:1s") from None
        return cls(**values)

    def without_disconnect(self) -> "FaultPlan":
        return FaultPlan(self.drop, self.corrupt, self.duplicate, self.garbage, self.delay_s)


class FaultInjector:
    """Applies a FaultPlan to lines going in and out of the simulated firmware."""

    def __init__(self, plan: FaultPlan, seed: int = 0) -> None:
        self.plan = plan
        # No line faults at all: the device passes lines straight through (no RNG draws).
        self.idle = not (plan.drop or plan.corrupt or plan.duplicate or plan.garbage)
        self.rng = random.Random(seed)
        self.counts = {"dropped": 0, "corrupted": 0, "duplicated": 0, "garbage": 0}

    def _corrupt(self, data: bytes) -> bytes:
        body_len = len(data) - 1 if data.endswith(b"\n") else len(data)
        if body_len <= 0:
            return data
        buf = bytearray(data)
        pos = self.rng.randrange(body_len)
        buf[pos] ^= 1 << self.rng.randrange(8)
        self.counts["corrupted"] += 1
        return bytes(buf)

    def incoming(self, line: bytes) -> bytes | None:
        """A request line on its way to the firmware: None when the fault drops it."""
        plan = self.plan
        if plan.drop and self.rng.random() < plan.drop:
            self.counts["dropped"] += 1
            return None
        if plan.corrupt and self.rng.random() < plan.corrupt:
            return self._corrupt(line)
        return line

    def outgoing(self, data: bytes) -> list[bytes]:
        """A line the firmware sends: zero, one or more chunks actually put on the wire."""
        plan = self.plan
        chunks: list[bytes] = []
        if plan.garbage and self.rng.random() < plan.garbage:
            junk = bytes(self.rng.choice([b for b in range(256) if b not in (10, 13)])
                         for _ in range(self.rng.randint(1, 16)))
            chunks.append(junk + (b"\n" if self.rng.random() < 0.5 else b""))
            self.counts["garbage"] += 1
        if plan.drop and self.rng.random() < plan.drop:
            self.counts["dropped"] += 1
            return chunks
        if plan.corrupt and self.rng.random() < plan.corrupt:
            data = self._corrupt(data)
        chunks.append(data)
        if plan.duplicate and self.rng.random() < plan.duplicate:
            chunks.append(data)
            self.counts["duplicated"] += 1
        return chunks
