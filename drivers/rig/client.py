"""The typed rig client: ``rig = open_rig(url)``; ``rig.lights(top=80)``; ``rig.weight_g()``; …

Stop-and-wait: one request in flight, numbered; the reply must echo the number. A reader thread
owns the port: it splits and decodes lines, hands replies to the waiting caller, queues events
for a dispatcher thread (callbacks never run on the reader, so they may call the rig), and
reopens the port when the cable comes back. A request is sent again after a timeout, a corrupt
line, or the rig's ``rs``; the rig replays (never re-executes) a request it already handled.
"""

from __future__ import annotations

import logging
import queue
import random
import threading
import time
from collections import deque
from typing import Callable

from serial.serialutil import SerialException

from drivers.rig import commands as cmd
from drivers.rig.codec import (SEQ_MODULO, Event, LineSplitter, Reply, Resend, decode_rig_line,
                               encode_request)
from drivers.rig.errors import (CorruptLine, RigCommandError, RigDisconnected, RigProtocolError,
                                RigTimeout)
from drivers.rig.models import (Calibration, Identity, PortReading, RigEvent, RigStats, RigStatus,
                                SelftestResult, StrobeResult, TrayState)
from drivers.rig.readturn import ReadTurn
from drivers.rig.trafficlog import TrafficLog
from drivers.rig.transport import SerialTransport

try:
    from drivers.rig import _fastlink      # the request path in C (drivers/rig/_fastlink.c)
except ImportError:                        # built without a C compiler: the Python path, slower
    _fastlink = None

log = logging.getLogger(__name__)

_BROKEN = object()        # reply-queue marker: the port failed
_TIMEOUT = object()       # no valid reply before the deadline
PROTOCOL_VERSION = 1      # firmware_specs/rig-controller.md


class RigClient:
    def __init__(self, url: str, *, timeout_s: float = 0.15, retries: int = 8,
                 reconnect_s: float = 3.0, log_dir=None, poll_s: float = 0.05,
                 handoff_timeout_s: float = 0.2, fast_path: bool = True) -> None:
        self.url = url
        # The C request path, for plain ttys while this thread holds the read turn; it handles
        # the common reply and hands everything else to the Python path below.
        self._fast = _fastlink if fast_path else None
        self.timeout_s = timeout_s
        # How long a request waits for the reader thread to hand over the port; the reader
        # normally answers within microseconds of being woken, so this only bounds a stall.
        self.handoff_timeout_s = handoff_timeout_s
        self.retries = retries
        self.reconnect_s = reconnect_s
        self.poll_s = poll_s
        self.stats = RigStats()
        self.identity: Identity | None = None
        self._physical_ms = 0
        self._seq = random.randrange(SEQ_MODULO)   # a fresh session never collides with the last
        self._request_lock = threading.Lock()
        self._replies: queue.SimpleQueue = queue.SimpleQueue()   # what the reader thread read
        self._host_items: deque = deque()       # what the requester read itself, not yet used
        self._events: queue.SimpleQueue = queue.SimpleQueue()
        self._callbacks: list[Callable[[RigEvent], None]] = []
        self._callbacks_lock = threading.Lock()
        self._connected = threading.Event()
        self._stop = threading.Event()
        self._broken_reason = ""
        self._last_event_count: int | None = None
        self._splitter = LineSplitter()
        self._turn = ReadTurn()
        self._log = TrafficLog(log_dir, port_label=url.split("?")[0])
        self._transport = SerialTransport(url, poll_s).open()
        self._log.note(f"opened {url}")
        self._connected.set()
        self._reader = threading.Thread(target=self._read_loop, name="rig-reader", daemon=True)
        self._dispatcher = threading.Thread(target=self._dispatch_loop, name="rig-events", daemon=True)
        self._reader.start()
        self._dispatcher.start()

    # ------------------------------------------------------------------ lifecycle
    def close(self) -> None:
        if self._stop.is_set():
            return
        self._stop.set()
        self._events.put(None)
        for thread in (self._reader, self._dispatcher):
            if thread is not threading.current_thread():     # close() from an event callback
                thread.join(timeout=2.0)
        if self._transport is not None:
            self._transport.close()
        self._log.note("closed")
        self._log.close()

    def __enter__(self) -> "RigClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def physical_wait_s(self) -> float:
        """Settle/sampling/exposure time the firmware reported, summed over every command so far."""
        return self._physical_ms / 1000.0

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def on_event(self, callback: Callable[[RigEvent], None]) -> Callable[[], None]:
        """Call ``callback(RigEvent)`` (on the driver's event thread) for each event; returns unsubscribe."""
        with self._callbacks_lock:
            self._callbacks.append(callback)

        def unsubscribe() -> None:
            with self._callbacks_lock:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)
        return unsubscribe

    # ------------------------------------------------------------------ reader thread
    def _read_loop(self) -> None:
        while not self._stop.is_set():
            transport = self._transport
            if transport is None:
                self._reconnect_loop()
                continue
            if not self._turn.reader_may_read(self._stop):
                continue
            transport = self._transport       # the requester may have dropped it meanwhile
            if transport is None:
                continue
            try:
                data = transport.read_some()
            except (SerialException, OSError, AttributeError, TypeError) as exc:
                # AttributeError/TypeError: pyserial internals after a port vanished under us.
                self._on_broken(exc)
                continue
            if not data:
                self._log.flush()        # idle link: make the traffic log durable
                continue
            for item in self._ingest(data):
                self._replies.put(item)

    def _ingest(self, data: bytes) -> list:
        """Bytes from the port -> events (to the event queue); replies, resends and corrupt
        lines returned in order, for whoever is reading (reader thread or requester)."""
        self._log.write("<", data)
        items = []
        for line in self._splitter.feed(data):
            try:
                item = decode_rig_line(line)
            except CorruptLine as exc:
                self.stats.corrupt_lines += 1
                items.append(exc)
                continue
            if type(item) is Event:
                self._events.put(item)
            else:
                items.append(item)
        return items

    def _on_broken(self, exc: BaseException) -> None:
        if self._stop.is_set():
            return
        self._broken_reason = str(exc) or type(exc).__name__
        self._connected.clear()
        transport, self._transport = self._transport, None
        if transport is not None:
            transport.close()
        self._log.note(f"port failed: {self._broken_reason}")
        self._replies.put(_BROKEN)
        self._turn.give_back()
        self._events.put(RigEvent("disconnected", {"reason": self._broken_reason}, at=time.time()))

    def _reconnect_loop(self) -> None:
        backoff = 0.05
        while not self._stop.wait(backoff):
            try:
                transport = SerialTransport(self.url, self.poll_s).open()
            except Exception:   # noqa: BLE001 - any failure means "not back yet"; keep trying
                backoff = min(backoff * 2, 0.5)
                continue
            self._splitter.clear()
            self._transport = transport
            self._last_event_count = None
            self.stats.reconnects += 1
            self._log.note(f"reopened {self.url}")
            self._connected.set()
            self._events.put(RigEvent("reconnected", at=time.time()))
            return

    # ------------------------------------------------------------------ event thread
    def _dispatch_loop(self) -> None:
        while True:
            item = self._events.get()
            if item is None:
                return
            if isinstance(item, Event):
                last = self._last_event_count
                if last is not None and item.count == last:
                    continue                      # the same event delivered twice
                if last is not None and item.count > last + 1:
                    missed = item.count - last - 1
                    self.stats.events_missed += missed
                    self._deliver(RigEvent("missed", {"count": str(missed)}, at=time.time()))
                self._last_event_count = item.count
                self.stats.events += 1
                item = RigEvent(item.name, dict(item.fields), item.count, time.time())
            self._deliver(item)

    def _deliver(self, event: RigEvent) -> None:
        with self._callbacks_lock:
            callbacks = list(self._callbacks)
        for callback in callbacks:
            try:
                callback(event)
            except Exception:   # noqa: BLE001 - a subscriber's bug must not stop the driver
                log.exception("rig event callback failed for %s", event.name)

    # ------------------------------------------------------------------ requests
    def _drain_replies(self) -> None:
        """Forget what arrived outside a request: late or duplicated replies are stale."""
        while True:
            try:
                item = self._replies.get_nowait()
            except queue.Empty:
                break
            if isinstance(item, Reply):
                self.stats.stale_replies += 1
        while self._host_items:
            if isinstance(self._host_items.popleft(), Reply):
                self.stats.stale_replies += 1

    def _wait_connected(self, verb: str) -> None:
        if self._connected.wait(self.reconnect_s):
            return
        raise RigDisconnected(
            f"the rig at {self.url} is gone ({self._broken_reason}) and did not come back within "
            f"{self.reconnect_s:g} s, so {verb} was not done",
            "check the rig's USB cable and power; when it is back, run the step again "
            f"(`station rig info --rig {self.url}` checks the link)")

    def request(self, verb: str, *args: str) -> Reply:
        """Send one command and return its ``ok`` reply (RigCommandError for an ``err`` reply)."""
        if self._stop.is_set():
            raise RigDisconnected(f"the rig client for {self.url} is closed", "open the rig again")
        with self._request_lock:
            self._seq = seq = (self._seq + 1) % SEQ_MODULO
            line = encode_request(seq, verb, args)
            timeout = self.timeout_s + cmd.max_duration_ms(verb, args) / 1000.0
            self.stats.requests += 1
            if self._host_items or not self._replies.empty():
                self._drain_replies()
            if not self._connected.is_set():
                self._wait_connected(verb)
            if not self._turn.host_begin(self._wake_reader, timeout=self.handoff_timeout_s):
                self.stats.handoff_timeouts += 1     # read via the reader thread this time
            try:
                reply = self._send_until_answered(verb, line, seq, timeout)
            finally:
                self._turn.host_end()
        if reply.error is not None:
            name, hint = cmd.ERRORS.get(reply.error, ("error", "see the rig's error code in the spec"))
            raise RigCommandError(reply.error, name,
                                  f"the rig refused {verb}: E{reply.error} {name}: {reply.message}",
                                  hint)
        fields = reply.fields
        if not fields.keys().isdisjoint(cmd.DURATION_FIELDS):
            for key in cmd.DURATION_FIELDS:
                if key in fields and fields[key].isdigit():
                    self._physical_ms += int(fields[key])
        return reply

    def _wake_reader(self) -> None:
        transport = self._transport
        if transport is not None:
            transport.wake()

    def _send_until_answered(self, verb: str, line: bytes, seq: int, timeout: float) -> Reply:
        attempts = 0
        while True:
            if not self._connected.is_set():
                self._wait_connected(verb)
            if attempts > self.retries:
                raise RigTimeout(
                    f"no valid reply from the rig at {self.url} to {verb} after "
                    f"{attempts} tries ({timeout:.2f} s each)",
                    "check that the URL is the rig (`station rig info`), that no other program "
                    "has the port open, and the cable; the traffic log is in the station's logs/")
            if attempts:
                self.stats.resends += 1
            attempts += 1
            reply = self._attempt(line, seq, timeout)
            if reply is not None:
                return reply

    def _next_item(self, transport, deadline: float):
        """The next reply, resend or corrupt line; None if nothing came yet; _TIMEOUT at the
        deadline. While we hold the read turn we read the port ourselves (no thread hand-off)."""
        if not self._turn.is_host():
            remaining = deadline - time.monotonic()
            try:
                return self._replies.get(timeout=remaining) if remaining > 0 else _TIMEOUT
            except queue.Empty:
                return _TIMEOUT
        if self._host_items:
            return self._host_items.popleft()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return _TIMEOUT
        try:
            data = transport.read_reply(remaining)
        except (SerialException, OSError) as exc:
            self._on_broken(exc)
            return _BROKEN
        if not data:
            return None
        items = self._ingest(data)
        if len(items) == 1:                      # the usual case: just our reply
            return items[0]
        self._host_items.extend(items)
        return self._host_items.popleft() if items else None

    def _attempt(self, line: bytes, seq: int, timeout: float) -> Reply | None:
        """Send once and wait; the matching reply, or None when it must be sent again."""
        transport = self._transport
        if transport is None:
            return None
        deadline = time.monotonic() + timeout
        fd = transport.fd if self._fast is not None else None
        if fd is not None and self._turn.is_host() and not self._host_items \
                and not self._splitter.pending:
            reply = self._exchange(transport, fd, line, seq, timeout)
            if reply is not None or self._transport is None:
                return reply
        else:
            try:
                self._log.write(">", line)
                transport.write(line)
            except (SerialException, OSError) as exc:
                if self._turn.is_host():
                    self._on_broken(exc)     # we hold the port: report it and hand it back
                return None                  # else the reader meets the same failure and reconnects
        while True:
            item = self._next_item(transport, deadline)
            if item is None:
                continue
            if type(item) is Reply:
                if item.seq == seq:
                    return item
                self.stats.stale_replies += 1
            elif item is _TIMEOUT:
                self.stats.timeouts += 1
                return None
            elif isinstance(item, Resend):
                self.stats.resend_requests += 1
                return None
            elif isinstance(item, CorruptLine) or item is _BROKEN:
                return None

    def _exchange(self, transport, fd: int, line: bytes, seq: int, timeout: float) -> Reply | None:
        """Send and wait in one C call. Our well-formed reply comes back decoded; whatever else
        arrived (event, resend, corrupt or partial line, nothing) is queued for ``_attempt``'s
        loop, which treats it exactly as bytes it read itself."""
        self._log.write(">", line)
        try:
            data, sent, fields = self._fast.exchange(fd, line, seq, timeout)
            if sent < len(line):          # a signal cut the write short
                transport.write(line[sent:])
        except (SerialException, OSError) as exc:
            self._on_broken(exc)          # we hold the turn: report it and hand the port back
            return None
        if fields is not None:
            self._log.write("<", data)
            self.stats.fast_replies += 1
            return Reply(seq, fields)
        if data:
            self._host_items.extend(self._ingest(data))
        return None

    # ------------------------------------------------------------------ typed commands
    def identify(self) -> Identity:
        self.identity = Identity.from_fields(self.request("ID").fields)
        return self.identity

    def status(self) -> RigStatus:
        return RigStatus.from_fields(self.request("STATUS").fields)

    def lights(self, top: int | None = None, n: int | None = None, e: int | None = None,
               s: int | None = None, w: int | None = None) -> dict[str, int]:
        """Set the given lights (percent 0-100), wait until they settle; all five levels back."""
        levels = {"top": top, "n": n, "e": e, "s": s, "w": w}
        args = []
        for name, level in levels.items():
            if level is None:
                continue
            if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= 100:
                raise ValueError(f"light {name}={level!r}: give a whole percent 0-100")
            args.append(f"{name}={level}")
        if not args:
            raise ValueError("lights(): give at least one of top, n, e, s, w (percent 0-100)")
        fields = self.request("LIGHT", *args).fields
        return {name: int(fields[name]) for name in cmd.LIGHT_CHANNELS}

    def lights_off(self) -> dict[str, int]:
        fields = self.request("LIGHT", "OFF").fields
        return {name: int(fields[name]) for name in cmd.LIGHT_CHANNELS}

    def tray(self) -> TrayState:
        return TrayState.from_fields(self.request("TRAY").fields)

    def weight_g(self) -> float:
        return self.tray().weight_g

    def port_power(self, on: bool) -> bool:
        reply = self.request("PORT", "ON" if on else "OFF")
        return reply.fields.get("port") == "on"

    def port_reading(self, samples: int = cmd.PORT_SAMPLES_DEFAULT) -> PortReading:
        if not 1 <= samples <= cmd.PORT_SAMPLES_MAX:
            raise ValueError(f"samples={samples}: give 1-{cmd.PORT_SAMPLES_MAX}")
        return PortReading.from_fields(self.request("PORT", "READ", f"samples={samples}").fields)

    def strobe(self, width_us: int = 2000, delay_us: int = 0, count: int = 1) -> StrobeResult:
        values = {"width_us": width_us, "delay_us": delay_us, "count": count}
        for key, value in values.items():
            low, high = cmd.STROBE_LIMITS[key]
            if not low <= value <= high:
                raise ValueError(f"strobe {key}={value}: give {low}-{high}")
        return StrobeResult.from_fields(
            self.request("STROBE", *(f"{k}={v}" for k, v in values.items())).fields)

    def calibration(self) -> Calibration:
        return Calibration.from_fields(self.request("CAL").fields)

    def selftest(self) -> SelftestResult:
        """The firmware's own self-test (lights, load cell, port switch, lid switch)."""
        return SelftestResult.from_fields(self.request("SELFTEST").fields)


def open_rig(url: str, *, check: bool = True, **options) -> RigClient:
    """Open the rig at any pyserial URL (or ``rigsim://SCENARIO?faults=...&timing=fast``).

    With ``check`` the rig must answer ID, so a wrong port fails here with a clear error.
    Options: timeout_s, retries, reconnect_s, log_dir (traffic log folder), poll_s,
    handoff_timeout_s (longest wait for the reader thread to hand over the port), fast_path
    (False: never the C request path, e.g. to compare the two).
    """
    rig = RigClient(url, **options)
    if check:
        try:
            identity = rig.identify()
            if identity.protocol != PROTOCOL_VERSION:
                raise RigProtocolError(
                    f"the rig at {url} speaks protocol {identity.protocol}, this driver speaks "
                    f"{PROTOCOL_VERSION} (firmware {identity.firmware})",
                    "update the station software or the rig firmware so that they match")
        except BaseException:
            rig.close()
            raise
    return rig
