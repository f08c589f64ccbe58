"""The inspection's steps in order, each with its time limit, retries and the devices it needs,
and `build_inspection` — the one call the CLI, the demo and the app use to set an inspection up.
"""

from __future__ import annotations

from station.inspection import steps_capture, steps_device, steps_finish
from station.inspection.devices import DeviceSet
from station.inspection.events import EventBus
from station.inspection.machine import Inspection, InspectionOptions, StepSpec
from station.inspection.operator import Operator, Prompt
from station.inspection.record import InspectionRecord

# Retries only where the hardware allows one: rig commands and USB reads are idempotent; the
# capture steps re-shoot from the first frame. Signing is never retried blindly (it stores).
STEP_SPECS: list[StepSpec] = [
    StepSpec("connect_rig", steps_device.connect_rig, timeout_s=30, attempts=3, needs=("rig",)),
    StepSpec("phone_placed", steps_device.phone_placed, timeout_s=300, attempts=2, needs=("rig",),
             requires=("connect_rig",)),
    StepSpec("identify", steps_device.identify, timeout_s=90, attempts=3, needs=("phone",)),
    StepSpec("imei", steps_capture.imei, timeout_s=60, attempts=2, needs=("rig", "phone"),
             needs_tray=True, requires=("connect_rig", "identify"), still_valid=steps_capture.imei_evidence_saved),
    StepSpec("battery", steps_device.battery, timeout_s=30, attempts=2, needs=("phone",),
             requires=("identify",)),
    StepSpec("screen", steps_capture.screen, timeout_s=120, attempts=2, needs=("rig", "phone"),
             needs_tray=True, requires=("connect_rig", "identify"),
             still_valid=steps_capture.frames_usable("screen")),
    StepSpec("cosmetic", steps_capture.cosmetic, timeout_s=300, attempts=2, needs=("rig", "phone"),
             needs_tray=True, requires=("connect_rig",), still_valid=steps_capture.frames_usable("cosmetic")),
    StepSpec("verdict", steps_finish.verdict, timeout_s=120),
    StepSpec("sign", steps_finish.sign, timeout_s=30),
    StepSpec("warranty", steps_finish.warranty, timeout_s=10),
]


def build_inspection(rig: str, phone: str, camera: str, operator: Operator, *,
                     bus: EventBus | None = None, options: InspectionOptions | None = None,
                     resume_id: str | None = None) -> Inspection:
    """An inspection over the devices at these URLs; `resume_id` continues a saved one."""
    bus = bus or EventBus()
    holder: dict[str, Inspection] = {}

    def on_auth_prompt(*_args) -> None:
        # The driver waits for the phone's "allow USB debugging" dialog; tell the operator.
        inspection = holder.get("inspection")
        if inspection is not None:
            inspection._ask("identify", Prompt("accept_usb_debugging", blocking=False))

    devices = DeviceSet(rig, phone, camera, on_auth_prompt=on_auth_prompt)
    record = InspectionRecord.load(resume_id) if resume_id else None
    inspection = Inspection(devices, operator, list(STEP_SPECS), bus=bus, record=record, options=options)
    holder["inspection"] = inspection
    return inspection
