"""The simulated rig as a device: firmware + faults + physical timing, independent of the wire.

`SimDevice.receive(data, now)` takes bytes from the host and returns what the device sends back,
each chunk with the time to wait before sending it (physical settle/sampling unless
``timing="fast"``, plus any injected delay). The rigsim:// port and the pty server both drive it.
"""

from __future__ import annotations

from drivers.rig.codec import LineSplitter
from drivers.rig.sim.faults import FaultInjector, FaultPlan
from drivers.rig.sim.firmware import Firmware
from drivers.scenario import Scenario
from drivers.simworld import world_for

PARTIAL_LINE_TIMEOUT_S = 1.0    # spec: a line not finished within 1 s is discarded
TIMINGS = ("real", "fast")


class SimDevice:
    def __init__(self, scenario: str | Scenario | None = None, faults: FaultPlan | None = None,
                 timing: str = "real", seed: int = 0) -> None:
        if timing not in TIMINGS:
            raise ValueError(f"timing must be one of {', '.join(TIMINGS)}, not {timing!r}")
        self.world = world_for(scenario)
        self.firmware = Firmware(self.world)
        self.faults = faults or FaultPlan()
        self._delay_s = self.faults.delay_s
        self._disconnect_after = self.faults.disconnect_after
        self.injector = FaultInjector(self.faults, seed)
        self.fast = timing == "fast"
        self.splitter = LineSplitter()
        self.requests = 0
        self.unplugged = False
        self._last_rx = 0.0
        self._delayed: list[tuple[float, bytes]] = []     # (due time, chunk), in order

    def due(self, now: float) -> list[bytes]:
        """Delayed chunks whose time has come."""
        ready = []
        while self._delayed and self._delayed[0][0] <= now:
            ready.append(self._delayed.pop(0)[1])
        return ready

    def next_due_in(self, now: float, default: float) -> float:
        return max(0.0, min(default, self._delayed[0][0] - now)) if self._delayed else default

    def receive(self, data: bytes, now: float) -> list[tuple[float, bytes]]:
        """Bytes from the host -> [(seconds to wait first, bytes to send)]."""
        if self.unplugged:
            return []
        if now - self._last_rx > PARTIAL_LINE_TIMEOUT_S and self.splitter.pending:
            self.splitter.clear()
        self._last_rx = now
        out: list[tuple[float, bytes]] = []
        injector = self.injector
        for line in self.splitter.feed(data):
            if not injector.idle:
                line = injector.incoming(line)
                if line is None:
                    continue
            outcome = self.firmware.handle_line(line)
            self.requests += 1
            busy = 0.0 if self.fast else outcome.wait_ms / 1000.0     # the firmware is busy
            replies = [*outcome.lines, *outcome.events] if outcome.events else outcome.lines
            for reply in replies:
                for chunk in ((reply,) if injector.idle else injector.outgoing(reply)):
                    if self._delay_s:
                        # Latency on the way, not work: the firmware goes on with the next line.
                        self._delayed.append((now + busy + self._delay_s, chunk))
                    else:
                        out.append((busy, chunk))
                        busy = 0.0
            if self._disconnect_after is not None and self.requests >= self._disconnect_after:
                self.unplugged = True
                break
        return out

    @property
    def has_delayed(self) -> bool:
        return bool(self._delayed)

    def poll(self) -> list[bytes]:
        """Unsolicited events for world changes, through the fault injector."""
        if self.unplugged:
            return []
        chunks: list[bytes] = []
        for event in self.firmware.poll_events():
            chunks.extend(self.injector.outgoing(event))
        return chunks
