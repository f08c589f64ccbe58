"""The adbd twin's protocol engine: ADB messages in, ADB messages out, no I/O of its own.

The TCP server (`sim_server`) and the pyusb backend (`sim_usb`) both feed it the host's messages
and send what it queues, so one engine gives the same phone over every transport. It behaves
like a real adbd with ``ro.adb.secure=1``: CNXN is answered with AUTH TOKEN; a SIGNATURE from a
key the phone trusts gets CNXN; otherwise another TOKEN, then the host's RSAPUBLICKEY makes the
phone show "Allow USB debugging?" (`usb_debugging`: ``authorized`` = the user taps Allow at once,
``prompt`` = nobody taps unless ``allow_after_s`` is set, ``refuse`` = the user taps Deny).
"""

from __future__ import annotations

import os
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from drivers.phone import message as m
from drivers.phone.auth import decode_android_pubkey, default_key_path, read_public_keys, verify_token
from drivers.phone.errors import PhoneError
from drivers.phone.sim_shell import SimShell
from drivers.scenario import Scenario
from drivers.simworld import SimWorld

DEVICE_FEATURES = ("shell_v2", "cmd")
SHELL_V2_STDOUT, SHELL_V2_STDERR, SHELL_V2_EXIT = 1, 2, 3
SYNC_DATA_MAX = 64 * 1024

# Keys each simulated phone has accepted with "Always allow" (per scenario, per process).
_trusted: dict[str, list] = {}
_trusted_lock = threading.Lock()


def forget_trusted_keys() -> None:
    with _trusted_lock:
        _trusted.clear()


@dataclass
class SimOptions:
    usb_debugging: str = "authorized"     # authorized | prompt | refuse | off
    allow_after_s: float | None = None    # prompt: the user taps Allow after this long
    deny_after_s: float = 0.2             # refuse: the user taps Deny after this long
    unplug_on: str | None = None          # a shell command containing this unplugs the phone mid-output
    # With stay_unplugged the pulled cable stays out (world.phone_cable) until someone plugs it back,
    # and unplug_on pulls it only once per world: the phone drop-out a workflow must ride out.
    stay_unplugged: bool = False
    # The phone's /data/misc/adb/adb_keys when `authorized`: the station's key was accepted earlier.
    adb_keys_files: list = field(default_factory=lambda: [f"{default_key_path()}.pub"])

    @classmethod
    def for_scenario(cls, scenario: Scenario, **overrides) -> "SimOptions":
        opts = cls(usb_debugging=str(scenario.phone.get("usb_debugging", "authorized")))
        for key, value in overrides.items():
            if value is not None:
                setattr(opts, key, value)
        if opts.usb_debugging not in ("authorized", "prompt", "refuse", "off"):
            raise PhoneError(f"usb_debugging={opts.usb_debugging!r} is not a simulated state",
                             "use authorized, prompt, refuse or off")
        return opts


@dataclass
class _Stream:
    local_id: int
    remote_id: int
    outbox: deque = field(default_factory=deque)   # payload chunks waiting for the host's OKAY
    waiting_okay: bool = False
    close_after: bool = False
    sync_buf: bytearray | None = None


class AdbdEngine:
    """One connection's adbd state machine."""

    def __init__(self, scenario: Scenario, world: SimWorld, options: SimOptions | None = None,
                 clock=time.monotonic) -> None:
        self.scenario = scenario
        self.world = world
        self.options = options or SimOptions.for_scenario(scenario)
        self.shell = SimShell(scenario, world)
        self.clock = clock
        self.out: deque[m.Message] = deque()
        self.connected = False
        self.dropped = False          # the phone closed the connection (Deny)
        self.unplugged = False        # the phone went away
        self.host_max_payload = m.MAX_PAYLOAD_LEGACY
        self.host_version = m.A_VERSION_MIN
        self.prompt_since: float | None = None
        self._prompt_key = None
        self._token = b""
        self._streams: dict[int, _Stream] = {}
        self._next_id = 1
        self.lock = threading.Lock()

    # -- feeding -----------------------------------------------------------------------------
    def receive(self, msg: m.Message) -> None:
        with self.lock:
            if not self.world.phone_cable:
                self.unplugged = True     # the cable is out: this connection is gone
            if self.dropped or self.unplugged:
                return
            handler = getattr(self, f"_on_{msg.name.lower()}", None)
            if handler is not None:
                handler(msg)

    def poll(self) -> list[m.Message]:
        """Messages to send now (time-based events such as a late tap on Allow happen here)."""
        with self.lock:
            if self.prompt_since is not None:
                waited = self.clock() - self.prompt_since
                if self.options.usb_debugging == "refuse" and waited >= self.options.deny_after_s:
                    self.prompt_since, self.dropped = None, True
                elif self.options.usb_debugging == "prompt" and self.options.allow_after_s is not None \
                        and waited >= self.options.allow_after_s:
                    self._trust(self._prompt_key)
            out = list(self.out)
            self.out.clear()
            return out

    # -- connection and auth -------------------------------------------------------------------
    def _on_cnxn(self, msg: m.Message) -> None:
        self.host_version, self.host_max_payload = msg.arg0, max(m.MAX_PAYLOAD_LEGACY, msg.arg1)
        self.connected = False
        self._streams.clear()
        self._send_token()

    def _send_token(self) -> None:
        self._token = os.urandom(20)
        self.out.append(m.make("AUTH", m.AUTH_TOKEN, 0, self._token))

    def _on_auth(self, msg: m.Message) -> None:
        if self.connected or not self._token:
            return
        if msg.arg0 == m.AUTH_SIGNATURE:
            with _trusted_lock:
                keys = list(_trusted.get(self.scenario.name, []))
            if self.options.usb_debugging == "authorized":
                keys += [k for path in self.options.adb_keys_files for k in read_public_keys(path)]
            if any(verify_token(key, self._token, msg.data) for key in keys):
                self._accept()
            else:
                self._send_token()
        elif msg.arg0 == m.AUTH_RSAPUBLICKEY:
            try:
                key = decode_android_pubkey(msg.data)
            except PhoneError:
                return                       # adbd ignores a key it cannot parse
            if self.options.usb_debugging == "authorized":
                self._trust(key)
            else:
                self._prompt_key, self.prompt_since = key, self.clock()

    def _trust(self, key) -> None:
        with _trusted_lock:
            _trusted.setdefault(self.scenario.name, []).append(key)
        self.prompt_since = None
        self._accept()

    def _accept(self) -> None:
        p = self.scenario.phone
        banner = m.make_banner("device", {"ro.product.name": p.get("product", ""),
                                          "ro.product.model": p.get("model", ""),
                                          "ro.product.device": p.get("device", "")}, DEVICE_FEATURES)
        self.connected = True
        self.out.append(m.make("CNXN", m.A_VERSION, m.MAX_PAYLOAD, banner))

    # -- streams -------------------------------------------------------------------------------
    def _on_open(self, msg: m.Message) -> None:
        if not self.connected:
            return
        service = msg.data.rstrip(b"\0").decode("utf-8", "replace")
        local_id, self._next_id = self._next_id, self._next_id + 1
        stream = _Stream(local_id, msg.arg0)
        if service.startswith("sync:"):
            stream.sync_buf = bytearray()
            self._streams[local_id] = stream
            self.out.append(m.make("OKAY", local_id, msg.arg0))
            return
        payload = self._run_service(service)
        if payload is None:
            self.out.append(m.make("CLSE", 0, msg.arg0))
            return
        self._streams[local_id] = stream
        self.out.append(m.make("OKAY", local_id, msg.arg0))
        self._queue(stream, payload, close=True)
        if self.options.unplug_on and self.options.unplug_on in service:
            # The first chunk goes out, then the cable is pulled.
            if not self.options.stay_unplugged or self.world.pull_phone_cable_once(self.options.unplug_on):
                self.unplugged = True

    def _run_service(self, service: str) -> bytes | None:
        name, _, command = service.partition(":")
        if name == "shell" or name == "exec":
            result = self.shell.run(command)
            return (result.stdout + result.stderr).encode()
        if name.startswith("shell,"):
            if "v2" not in name.split(",")[1:]:
                return None
            result = self.shell.run(command)
            return (_v2_packet(SHELL_V2_STDOUT, result.stdout.encode())
                    + _v2_packet(SHELL_V2_STDERR, result.stderr.encode())
                    + _v2_packet(SHELL_V2_EXIT, bytes([result.exit_code & 0xFF])))
        return None

    def _queue(self, stream: _Stream, payload: bytes, close: bool) -> None:
        size = self.host_max_payload
        for off in range(0, len(payload), size):
            stream.outbox.append(payload[off:off + size])
        stream.close_after = stream.close_after or close
        if not stream.waiting_okay:
            self._pump(stream)

    def _pump(self, stream: _Stream) -> None:
        if stream.outbox:
            self.out.append(m.make("WRTE", stream.local_id, stream.remote_id, stream.outbox.popleft()))
            stream.waiting_okay = True
        elif stream.close_after:
            self.out.append(m.make("CLSE", stream.local_id, stream.remote_id))
            self._streams.pop(stream.local_id, None)

    def _on_okay(self, msg: m.Message) -> None:
        stream = self._streams.get(msg.arg1)
        if stream is not None and stream.waiting_okay:
            stream.waiting_okay = False
            self._pump(stream)

    def _on_clse(self, msg: m.Message) -> None:
        stream = self._streams.pop(msg.arg1, None)
        if stream is not None:
            self.out.append(m.make("CLSE", stream.local_id, stream.remote_id))

    def _on_wrte(self, msg: m.Message) -> None:
        stream = self._streams.get(msg.arg1)
        if stream is None:
            self.out.append(m.make("CLSE", 0, msg.arg0))
            return
        self.out.append(m.make("OKAY", stream.local_id, stream.remote_id))
        if stream.sync_buf is not None:
            stream.sync_buf += msg.data
            self._sync_step(stream)

    # -- sync service (file pull) --------------------------------------------------------------
    def _sync_step(self, stream: _Stream) -> None:
        buf = stream.sync_buf
        while len(buf) >= 8:
            ident, length = buf[:4].decode("latin-1"), struct.unpack("<I", buf[4:8])[0]
            body_len = 0 if ident in ("QUIT", "DONE") else length
            if len(buf) < 8 + body_len:
                return
            body = bytes(buf[8:8 + body_len])
            del buf[:8 + body_len]
            if ident == "QUIT":
                stream.close_after = True
                self._queue(stream, b"", close=True)
                return
            content = self.shell.read_file(body.decode("utf-8", "replace"))
            if ident == "STAT":
                mode, size = (0o100444, len(content)) if content is not None else (0, 0)
                self._queue(stream, b"STAT" + struct.pack("<III", mode, size, 0), close=False)
            elif ident == "RECV" and content is not None:
                reply = b"".join(b"DATA" + struct.pack("<I", len(content[o:o + SYNC_DATA_MAX]))
                                 + content[o:o + SYNC_DATA_MAX] for o in range(0, len(content), SYNC_DATA_MAX))
                self._queue(stream, reply + b"DONE" + struct.pack("<I", 0), close=False)
            else:
                reason = b"No such file or directory" if ident == "RECV" else b"unsupported sync request"
                self._queue(stream, b"FAIL" + struct.pack("<I", len(reason)) + reason, close=False)


def _v2_packet(kind: int, data: bytes) -> bytes:
    if kind in (SHELL_V2_STDOUT, SHELL_V2_STDERR) and not data:
        return b""
    return struct.pack("<BI", kind, len(data)) + data
