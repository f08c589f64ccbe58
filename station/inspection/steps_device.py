"""Steps over the rig and the phone: connect the rig, wait for the phone, identify it over USB,
check its IMEIs, read its battery. Each is `run(ctx) -> summary dict` for the state machine.
"""

from __future__ import annotations

import time
from typing import Any

from station.inspection.devices import field_of, import_part
from station.inspection.machine import StepContext
from station.inspection.warmup import start_camera_warm_up, start_warm_up

TRAY_POLL_S = 0.2


def connect_rig(ctx: StepContext) -> dict[str, Any]:
    start_warm_up()                 # later steps' imports load during the rig's self-test,
    start_camera_warm_up(ctx.devices)   # and the camera opens and prepares
    rig = ctx.devices.rig
    ctx.progress(0.2, message="rig connected")
    ident = rig.identify()
    ctx.progress(0.4, rig=str(field_of(ident, "model", ident)))
    selftest = rig.selftest()
    passed = bool(field_of(selftest, "ok", field_of(selftest, "passed", True)))
    ctx.progress(0.8, selftest="pass" if passed else "fail")
    if not passed:
        from station.errors import HardwareError

        raise HardwareError(f"rig self-test failed: {selftest}", "service the rig (lights, scale, USB port)")
    calibration = rig.calibration()
    info = {"identify": _plain(ident), "selftest": _plain(selftest),
            "mm_per_px": field_of(calibration, "mm_per_px")}
    ctx.keep_result("rig", info)
    return {"selftest": "pass"}


def phone_placed(ctx: StepContext) -> dict[str, Any]:
    rig = ctx.devices.rig
    asked: set[str] = set()
    while True:
        tray = rig.tray()
        present, lid_closed = bool(field_of(tray, "present")), bool(field_of(tray, "lid_closed"))
        if present and lid_closed:
            break
        need = "place_phone" if not present else "close_lid"
        if need not in asked:
            asked.add(need)
            ctx.prompt(need)
            continue
        ctx.check()
        time.sleep(TRAY_POLL_S)
    weight = field_of(tray, "weight_g")
    ctx.progress(0.5, weight_g=weight)
    rig.port_power(True)
    reading = rig.port_reading()
    power = {"voltage_mv": field_of(reading, "voltage_mv"), "current_ma": field_of(reading, "current_ma")}
    ctx.keep_result("tray", {"weight_g": weight, "power": power})
    return {"weight_g": weight, **power}


def identify(ctx: StepContext) -> dict[str, Any]:
    read_facts = import_part("station.phone", "read_facts")
    errors = import_part("drivers.phone.errors")
    try:
        dev = ctx.devices.phone
    except (errors.AuthRefused, errors.DebuggingOff, errors.AuthPending):
        # The phone needs a person: allow debugging / accept the key, then the retry reconnects.
        ctx.prompt("accept_usb_debugging")
        ctx.devices.drop("phone")
        dev = ctx.devices.phone
    ctx.progress(0.3, message="USB connected")
    facts = read_facts(dev)
    phone = facts.to_dict() if hasattr(facts, "to_dict") else dict(facts)
    ctx.keep_result("phone", phone)
    ctx.result(model=phone.get("model"), brand=phone.get("brand"), serial=phone.get("serial"))
    return {"model": phone.get("model"), "brand": phone.get("brand")}


def battery(ctx: StepContext) -> dict[str, Any]:
    """The battery as `read_facts` graded it (health = full / design; unit errors flagged, not graded)."""
    grade_facts = import_part("station.phone.battery", "grade")
    facts_cls = import_part("station.phone.battery", "BatteryFacts")
    raw = dict((ctx.record.results.get("phone") or {}).get("battery") or {})
    graded = grade_facts(facts_cls(**raw)).to_dict() if raw else {}
    out = {"health_permille": graded.get("health_permille"), "cycle_count": graded.get("cycle_count"),
           "source": graded.get("source"), "grade": graded.get("grade"), "flags": graded.get("flags") or []}
    if out["grade"] is None:
        out["flag"] = "battery not graded: " + (", ".join(out["flags"]) or "no capacity data from the phone")
    ctx.keep_result("battery", out)
    ctx.result(grade=out["grade"], health_permille=out["health_permille"], flags=out["flags"])
    return {"grade": out["grade"], "health_permille": out["health_permille"]}


def _plain(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if hasattr(value, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(value)
    return value if isinstance(value, (dict, list, str, int, float, bool, type(None))) else str(value)
