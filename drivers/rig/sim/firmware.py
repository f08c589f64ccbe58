"""The rig controller's firmware logic, simulated: one request line in, reply lines out.

It implements firmware_specs/rig-controller.md against the shared simulated world: the lights and
the USB port power it sets are written to ``drivers.simworld``; the tray (phone present, lid,
weight) and the port's voltage/current come from the world and its scenario. Physical time is
not slept here — each reply says how long the hardware would take (``wait_ms``), and the device
loop (sim/device.py) decides whether to really wait.
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.rig import commands as cmd
from drivers.rig.codec import (CorruptLine, EncodedFields, Request, decode_request, encode_err,
                               encode_event, encode_fields, encode_ok, encode_resend)
from drivers.simworld import TOP_CAMERA_MM_PER_PX, SimWorld

MODEL = "IR-1"
FIRMWARE_VERSION = "1.4.0"
PROTOCOL_VERSION = 1
DEFAULT_SERIAL = "IR1-00042"
# Factory calibration stored in the controller's EEPROM: scale of the top camera at the tray plane
# and the four fiducial markers printed on the tray (mm from the tray's top-left corner).
CALIBRATION = {
    "mm_per_px": f"{TOP_CAMERA_MM_PER_PX:.4f}",    # what the sim camera renders at
    "markers": "A:10.0,10.0;B:190.0,10.0;C:190.0,140.0;D:10.0,140.0",
    "date": "2026-01-15",
}


@dataclass(slots=True)
class Outcome:
    lines: list[bytes]
    wait_ms: int = 0                                        # physical time before the reply
    events: list[bytes] | tuple[()] = ()                    # sent after the reply


class Firmware:
    def __init__(self, world: SimWorld, serial: str = DEFAULT_SERIAL) -> None:
        self.world = world
        self.serial = serial
        self.last_seq: int | None = None
        self._last_request: Request | None = None
        self._last_reply: list[bytes] = []
        self.event_count = 0
        self.port_tripped = False
        with world.lock:
            self._seen = (world.phone_present, world.lid_closed)
        self.executed = 0
        self._handlers = {verb: getattr(self, f"_cmd_{verb.lower()}") for verb in cmd.VERBS}
        self._weight_g = float(world.scenario.body.get("weight_g", 0.0))
        # STATUS fields encoded once per state of the rig (the host polls STATUS far more often
        # than anything changes): (lid, phone, port, lights) -> the fields' bytes.
        self._status_fields: dict[tuple, EncodedFields] = {}

    # ------------------------------------------------------------------ line handling
    def handle_line(self, line: bytes) -> Outcome:
        try:
            request = decode_request(line)
        except CorruptLine:
            return Outcome([encode_resend(self.last_seq)])
        if request.seq is not None and request.seq == self.last_seq and request == self._last_request:
            # Duplicate rule: the host lost our reply and sent the same line again. Replay the
            # reply; never execute twice.
            return Outcome(list(self._last_reply))
        outcome = self._execute(request)
        self.executed += 1
        if request.seq is not None:
            self.last_seq = request.seq
            self._last_request = request
            self._last_reply = outcome.lines      # replayed as a copy; never changed in place
        return outcome

    def _execute(self, req: Request) -> Outcome:
        handler = self._handlers.get(req.verb)
        if handler is None:
            return self._err(req, cmd.E_UNKNOWN, f"unknown command {req.verb}")
        try:
            return handler(req)
        except cmd.ArgumentError as exc:
            return self._err(req, cmd.E_BAD_ARG, str(exc))

    def _ok(self, req: Request, fields: dict[str, object] | EncodedFields, wait_ms: int = 0,
            events: list[bytes] | None = None) -> Outcome:
        return Outcome([encode_ok(req.seq, fields)], wait_ms, events or ())

    def _err(self, req: Request, code: int, message: str, events: list[bytes] | None = None) -> Outcome:
        text = "".join(ch if ch.isprintable() and ch != "*" else "?" for ch in message)[:60]
        return Outcome([encode_err(req.seq, code, text)], 0, events or ())

    @staticmethod
    def _no_args(req: Request) -> None:
        if req.args:
            raise cmd.ArgumentError(f"{req.verb} takes no arguments")

    # ------------------------------------------------------------------ readings
    def _weight_text(self) -> str:
        with self.world.lock:
            present = self.world.phone_present
        return f"{self._weight_g if present else 0.0:.1f}"

    def _light_fields(self) -> dict[str, object]:
        with self.world.lock:
            return {name: int(self.world.lights[name]) for name in cmd.LIGHT_CHANNELS}

    def _event(self, name: str, fields: dict[str, object] | None = None) -> bytes:
        line = encode_event(self.event_count, name, fields)
        self.event_count += 1
        return line

    # ------------------------------------------------------------------ commands
    def _cmd_id(self, req: Request) -> Outcome:
        self._no_args(req)
        return self._ok(req, {"model": MODEL, "fw": FIRMWARE_VERSION, "serial": self.serial,
                              "proto": PROTOCOL_VERSION})

    def _cmd_status(self, req: Request) -> Outcome:
        if req.args:
            self._no_args(req)
        world = self.world
        with world.lock:
            lights = world.lights
            state = (world.lid_closed, world.phone_present, world.port_power,
                     lights["top"], lights["n"], lights["e"], lights["s"], lights["w"])
        fields = self._status_fields.get(state)
        if fields is None:
            fields = self._status_fields_for(*state)
        return Outcome([encode_ok(req.seq, fields)])

    def _status_fields_for(self, lid_closed: bool, present: bool, port_on: bool,
                           *lights: int) -> EncodedFields:
        if len(self._status_fields) >= 64:       # lights swept through many levels: start over
            self._status_fields.clear()
        fields = encode_fields({"lid": "closed" if lid_closed else "open",
                                "phone": int(present),
                                "weight_g": f"{self._weight_g if present else 0.0:.1f}",
                                "port": "on" if port_on else "off",
                                **{name: int(level) for name, level in zip(cmd.LIGHT_CHANNELS, lights)}})
        self._status_fields[(lid_closed, present, port_on, *lights)] = fields
        return fields

    def _cmd_light(self, req: Request) -> Outcome:
        changes = cmd.parse_light_args(req.args)
        before = self._light_fields()
        after = {**before, **changes}
        self.world.set_lights(**after)
        settle = cmd.light_settle_ms(before, after)
        return self._ok(req, {**after, "settle_ms": settle}, settle)

    def _cmd_tray(self, req: Request) -> Outcome:
        self._no_args(req)
        with self.world.lock:
            fields = {"phone": int(self.world.phone_present),
                      "lid": "closed" if self.world.lid_closed else "open"}
        fields.update(weight_g=self._weight_text(), sample_ms=cmd.TRAY_SAMPLE_MS)
        return self._ok(req, fields, cmd.TRAY_SAMPLE_MS)

    def _phone_draw(self) -> tuple[int, int]:
        power = self.world.scenario.power
        with self.world.lock:
            if not self.world.port_power:
                return 0, 0
            present = self.world.phone_present
        return int(power.get("vbus_mv", 5000)), (int(power.get("current_ma", 0)) if present else 0)

    def _cmd_port(self, req: Request) -> Outcome:
        action, samples = cmd.parse_port_args(req.args)
        with self.world.lock:
            was_on = self.world.port_power
        if action == "READ":
            mv, ma = self._phone_draw()
            return self._ok(req, {"port": "on" if was_on else "off", "mv": mv, "ma": ma,
                                  "samples": samples, "sample_ms": samples}, samples)
        if action == "OFF":
            self.port_tripped = False
            with self.world.lock:
                self.world.port_power = False
            settle = cmd.PORT_SWITCH_MS if was_on else 0
            return self._ok(req, {"port": "off", "settle_ms": settle}, settle)
        if self.port_tripped:
            return self._err(req, cmd.E_PORT_TRIPPED, "port tripped; send PORT OFF first")
        draw = int(self.world.scenario.power.get("current_ma", 0))
        if draw > cmd.OVERCURRENT_MA:
            self.port_tripped = True
            with self.world.lock:
                self.world.port_power = False
            return self._err(req, cmd.E_OVERCURRENT, f"overcurrent {draw} mA",
                             [self._event("overcurrent", {"ma": draw})])
        with self.world.lock:
            self.world.port_power = True
        settle = 0 if was_on else cmd.PORT_SWITCH_MS
        return self._ok(req, {"port": "on", "settle_ms": settle}, settle)

    def _cmd_strobe(self, req: Request) -> Outcome:
        values = cmd.parse_strobe_args(req.args)
        with self.world.lock:
            lid_closed = self.world.lid_closed
        if not lid_closed:
            return self._err(req, cmd.E_LID_OPEN, "lid open; strobe refused")
        exposure = cmd.strobe_ms(**values)
        return self._ok(req, {**values, "exposure_ms": exposure}, exposure)

    def _cmd_cal(self, req: Request) -> Outcome:
        self._no_args(req)
        return self._ok(req, dict(CALIBRATION))

    def _cmd_selftest(self, req: Request) -> Outcome:
        self._no_args(req)
        with self.world.lock:
            lid_closed = self.world.lid_closed
        if not lid_closed:
            return self._err(req, cmd.E_LID_OPEN, "lid open; self-test flashes the lights")
        parts = {"lights": "pass", "load_cell": "pass", "port": "pass", "lid": "pass"}
        return self._ok(req, {"result": "pass", **parts, "duration_ms": cmd.SELFTEST_MS},
                        cmd.SELFTEST_MS)

    # ------------------------------------------------------------------ unsolicited events
    def poll_events(self) -> list[bytes]:
        """Events for changes in the world since the last poll (lid, phone placed/removed)."""
        with self.world.lock:
            now = (self.world.phone_present, self.world.lid_closed)
        if now == self._seen:
            return []
        events = []
        if now[1] != self._seen[1]:
            events.append(self._event("lid_closed" if now[1] else "lid_opened"))
        if now[0] != self._seen[0]:
            events.append(self._event("phone_placed", {"weight_g": self._weight_text()})
                          if now[0] else self._event("phone_removed"))
        self._seen = now
        return events
