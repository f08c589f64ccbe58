"""``rigsim://SCENARIO?faults=...&timing=fast&seed=N``: a pyserial port wired to a SimDevice.

The host's bytes go to the simulated firmware running on its own thread (like a microcontroller
beside the host), and its replies come back through a byte buffer, so the driver under test runs
its real serial code path. Scenario empty = ``default``; ``faults`` absent = the scenario's
``rig_faults``; ``timing=fast`` skips the physical waits (replies still report them).

A ``disconnect`` fault pulls the simulated cable: reads and writes raise SerialException and the
URL cannot be opened again until ``replug`` time has passed (then the rig is back, rebooted,
without the disconnect fault).
"""

from __future__ import annotations

import queue
import threading
import time
from urllib.parse import parse_qs, unquote, urlsplit

from serial.serialutil import PortNotOpenError, SerialBase, SerialException

from drivers.rig.sim.device import SimDevice
from drivers.rig.sim.faults import FaultPlan
from drivers.scenario import load_scenario

_cables: dict[str, dict] = {}      # url -> {"replug_at": float, "fired": bool}
_cables_lock = threading.Lock()


def reset_cables() -> None:
    """Plug every simulated cable back in (tests)."""
    with _cables_lock:
        _cables.clear()


def parse_rigsim_url(url: str) -> tuple[str, FaultPlan, str, int]:
    """-> (scenario name or path, fault plan, timing, seed). ValueError says what is wrong."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "rigsim":
        raise ValueError(f"not a rigsim:// URL: {url!r}")
    scenario = unquote(parts.netloc + parts.path)     # a name, or a path to a scenario .json
    if not scenario.endswith(".json"):
        scenario = scenario.strip("/")
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = set(query) - {"faults", "timing", "seed"}
    if unknown:
        raise ValueError(f"unknown rigsim option(s) {', '.join(sorted(unknown))}; use faults=, timing=, seed=")
    scen = load_scenario(scenario or None)
    faults_text = query["faults"][-1] if "faults" in query else scen.rig_faults
    timing = query.get("timing", ["real"])[-1]
    seed = int(query.get("seed", ["0"])[-1])
    return scenario or scen.name, FaultPlan.parse(faults_text), timing, seed


class RigSimSerial(SerialBase):
    """pyserial port class for rigsim:// (see module docstring)."""

    def __init__(self, *args, **kwargs) -> None:
        self._rx = bytearray()
        self._rx_cond = threading.Condition()
        self._inbox: queue.SimpleQueue = queue.SimpleQueue()
        self._device: SimDevice | None = None
        self._thread: threading.Thread | None = None
        self._running = False
        self._broken: str | None = None
        self._cancel = False
        super().__init__(*args, **kwargs)

    # ------------------------------------------------------------------ open/close
    def open(self) -> None:
        if self.is_open:
            raise SerialException("Port is already open.")
        if self._port is None:
            raise SerialException("Port must be configured before it can be used.")
        try:
            scenario, plan, timing, seed = parse_rigsim_url(self._port)
            with _cables_lock:
                cable = _cables.get(self._port)
                if cable is not None:
                    if time.monotonic() < cable["replug_at"]:
                        raise SerialException(
                            f"could not open port {self._port}: no such device (the simulated "
                            f"rig's cable is pulled)")
                    plan = plan.without_disconnect()
            self._device = SimDevice(scenario, plan, timing, seed)
        except SerialException:
            raise
        except Exception as exc:   # bad options, unknown scenario (ScenarioError), bad file
            raise SerialException(f"could not open port {self._port}: {exc}") from exc
        self._broken = None
        self._rx.clear()
        self._running = True
        self.is_open = True
        self._thread = threading.Thread(target=self._run_device, name="rigsim-device", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._running = False
        self._inbox.put(None)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2.0)
        self._thread = None
        self.is_open = False
        with self._rx_cond:
            self._rx_cond.notify_all()

    def _reconfigure_port(self, *args, **kwargs) -> None:
        pass   # baud rate and framing mean nothing on a virtual wire

    # ------------------------------------------------------------------ the device's thread
    def _deliver(self, data: bytes) -> None:
        with self._rx_cond:
            self._rx += data
            self._rx_cond.notify_all()

    def _pull_cable(self) -> None:
        plan = self._device.faults
        with _cables_lock:
            _cables[self._port] = {"replug_at": time.monotonic() + plan.replug_s
                                   if plan.replug_s is not None else float("inf")}
        self._broken = "the simulated rig's cable was pulled (disconnect fault)"
        with self._rx_cond:
            self._rx_cond.notify_all()

    def _run_device(self) -> None:
        device = self._device
        while self._running:
            try:
                data = self._inbox.get(timeout=device.next_due_in(time.monotonic(), 0.02))
            except queue.Empty:
                data = b""
            if data is None:
                break
            if data:
                for wait, chunk in device.receive(data, time.monotonic()):
                    if wait:
                        time.sleep(wait)
                    self._deliver(chunk)
            for chunk in device.due(time.monotonic()):
                self._deliver(chunk)
            for chunk in device.poll():
                self._deliver(chunk)
            if device.unplugged:
                self._pull_cable()
                break

    # ------------------------------------------------------------------ pyserial API
    def _check(self) -> None:
        if not self.is_open:
            raise PortNotOpenError()
        if self._broken:
            raise SerialException(f"device disconnected: {self._broken}")

    @property
    def in_waiting(self) -> int:
        self._check()
        return len(self._rx)

    def read(self, size: int = 1) -> bytes:
        self._check()
        deadline = None if self._timeout is None else time.monotonic() + self._timeout
        with self._rx_cond:
            while len(self._rx) < size and self.is_open and not self._broken and not self._cancel:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    break
                self._rx_cond.wait(remaining)
            self._cancel = False
            data = bytes(self._rx[:size])
            del self._rx[:size]
        if not data:
            self._check()
        return data

    def write(self, data: bytes) -> int:
        self._check()
        data = bytes(data)
        self._inbox.put(data)
        return len(data)

    def reset_input_buffer(self) -> None:
        self._check()
        with self._rx_cond:
            self._rx.clear()

    def reset_output_buffer(self) -> None:
        self._check()

    def cancel_read(self) -> None:
        with self._rx_cond:
            self._cancel = True
            self._rx_cond.notify_all()

    @property
    def out_waiting(self) -> int:
        return 0

    @property
    def cts(self) -> bool:
        return True

    @property
    def dsr(self) -> bool:
        return True

    @property
    def ri(self) -> bool:
        return False

    @property
    def cd(self) -> bool:
        return True

    def _update_break_state(self) -> None:
        pass

    def _update_rts_state(self) -> None:
        pass

    def _update_dtr_state(self) -> None:
        pass
