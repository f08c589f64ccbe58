"""The rig checkout behind ``station rig selftest``: every command once, with results, checks and timings.

Each step calls the typed client and checks what can be checked from the rig's own answers
(a light level read back equals the one set, the port shows VBUS when on and none when off, the
tray's weight equals the status weight, …). It leaves the lights and the USB port off.
"""

from __future__ import annotations

import time
from typing import Any, Callable

from drivers.rig.client import RigClient
from drivers.rig.errors import RigCommandError

LIGHT_TEST = {"top": 80, "n": 40, "e": 40, "s": 40, "w": 40}
VBUS_RANGE_MV = (4500, 5500)


def _plain(value: Any) -> Any:
    return value.to_dict() if hasattr(value, "to_dict") else value


def run_checkout(rig: RigClient) -> dict:
    steps: list[dict] = []
    seen: dict[str, Any] = {}
    started = time.perf_counter()

    def step(name: str, call: Callable[[], Any], check: Callable[[Any], str | None] | None = None):
        t0 = time.perf_counter()
        record: dict[str, Any] = {"command": name}
        try:
            result = call()
        except RigCommandError as exc:   # the rig refused: a failed step, not a broken link
            record.update(ok=False, error=exc.message, hint=exc.hint)
            result = None
        else:
            problem = check(result) if check else None
            record.update(ok=problem is None, result=_plain(result))
            if problem:
                record["problem"] = problem
        record["ms"] = round((time.perf_counter() - t0) * 1000.0, 2)
        steps.append(record)
        seen[name] = result
        return result

    step("identify", rig.identify)
    step("status", rig.status)
    step("lights", lambda: rig.lights(**LIGHT_TEST),
         lambda got: None if got == LIGHT_TEST else f"lights came back as {got}, not {LIGHT_TEST}")
    step("status_after_lights", rig.status,
         lambda st: None if st.lights == LIGHT_TEST else f"status shows lights {st.lights}")
    step("lights_off", rig.lights_off,
         lambda got: None if not any(got.values()) else f"lights still on: {got}")
    step("tray", rig.tray, lambda tray: _tray_problem(tray, seen.get("status")))
    step("port_on", lambda: rig.port_power(True), lambda on: None if on else "port did not switch on")
    step("port_reading_on", rig.port_reading, _vbus_on_problem)
    step("port_off", lambda: rig.port_power(False), lambda on: None if not on else "port still on")
    step("port_reading_off", rig.port_reading,
         lambda r: None if not r.on and r.voltage_mv < 500 else f"VBUS {r.voltage_mv} mV with port off")
    step("strobe", lambda: rig.strobe(width_us=2000, delay_us=0, count=1),
         lambda s: None if s.exposure_ms == 2 else f"strobe took {s.exposure_ms} ms, expected 2")
    step("calibration", rig.calibration,
         lambda c: None if c.mm_per_px > 0 and len(c.markers) >= 3
         else "calibration lacks a scale or at least three markers")
    step("selftest", rig.selftest,
         lambda r: None if r.passed else f"firmware self-test failed: {r.parts}")
    return {
        "rig": rig.url,
        "identity": _plain(rig.identity),
        "passed": all(s["ok"] for s in steps),
        "steps": steps,
        "readings": {
            "weight_g": getattr(seen.get("tray"), "weight_g", None),
            "phone_present": getattr(seen.get("tray"), "present", None),
            "lid_closed": getattr(seen.get("tray"), "lid_closed", None),
            "voltage_mv": getattr(seen.get("port_reading_on"), "voltage_mv", None),
            "current_ma": getattr(seen.get("port_reading_on"), "current_ma", None),
            "mm_per_px": getattr(seen.get("calibration"), "mm_per_px", None),
        },
        "stats": rig.stats.to_dict(),
        "physical_wait_s": round(rig.physical_wait_s, 3),
        "wall_s": round(time.perf_counter() - started, 3),
    }


def _tray_problem(tray, status) -> str | None:
    if status is not None and abs(tray.weight_g - status.weight_g) > 0.5:
        return f"tray weight {tray.weight_g} g differs from status weight {status.weight_g} g"
    if tray.present and tray.weight_g <= 0:
        return "phone present but the load cell reads nothing"
    return None


def _vbus_on_problem(reading) -> str | None:
    low, high = VBUS_RANGE_MV
    if not reading.on:
        return "port reports off after switching on"
    if not low <= reading.voltage_mv <= high:
        return f"VBUS {reading.voltage_mv} mV outside {low}-{high} mV"
    return None
