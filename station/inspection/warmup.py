"""Loading the inspection's later parts while the rig runs its self-test.

The first inspection in a process paid ~0.5–0.7 s at the sign step just importing the report
renderers (fpdf2, fontTools, segno, Pillow), and smaller amounts at each grader's first use: on air
that is the first phone of the stream waiting at "signing". The rig's self-test is ~0.64 s of
physical waiting with the CPU idle, so those imports happen then, on a background thread, and
the data they load once per process (the TAC database) is loaded too.
A part that is not installed is simply skipped: its step reports it when it runs.

The camera is opened in that window too, and warmed up if it can be (`warm_up()`): a USB camera
takes a while to open; the camera simulator builds the phone's scene then (its body faces are
~0.5 s of CPU that otherwise landed mid-inspection, when both cores are grading and encoding).
"""

from __future__ import annotations

import importlib
import logging
import threading
from typing import Any

log = logging.getLogger(__name__)

LATER_PARTS = (
    "station.imei", "station.imei.screen",                 # *#06# decode, TAC database
    "station.grading.screen", "station.grading.cosmetic",  # screen and body graders
    "station.report", "station.report.render",             # signing, the PDF/PNG/HTML renderings
    "station.warranty",                                     # the registry
)


def import_parts(modules: tuple[str, ...] = LATER_PARTS) -> list[str]:
    """Import `modules`; the names that imported. A missing or broken part is skipped, not raised:
    its own step imports it again and reports what is wrong to the operator."""
    loaded = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - see above: the step says it, with a hint
            log.debug("warm-up: %s not loaded (%s)", name, exc)
            continue
        loaded.append(name)
    return loaded


# Data the later parts load once per process on first use, loaded here instead: the TAC
# database (22,500 rows, ~0.2 s) was parsed inside the first phone's IMEI step, and the station's
# ADB key (its RSA consistency check, ~50 ms) inside the first phone's identify step.
LATER_LOADS = (("station.imei.tac", "load_tacdb"), ("drivers.phone.auth", "preload_adb_key"))


def preload(loads: tuple[tuple[str, str], ...] = LATER_LOADS) -> list[str]:
    """Call each (module, function) loader; the ones that ran. Failures are skipped, as above."""
    done = []
    for module, function in loads:
        try:
            getattr(importlib.import_module(module), function)()
        except Exception as exc:  # noqa: BLE001 - the step that needs it reports it
            log.debug("warm-up: %s.%s not loaded (%s)", module, function, exc)
            continue
        done.append(f"{module}.{function}")
    return done


def _warm_up(modules: tuple[str, ...], loads: tuple[tuple[str, str], ...]) -> None:
    import_parts(modules)
    preload(loads)


def start_warm_up(modules: tuple[str, ...] = LATER_PARTS,
                  loads: tuple[tuple[str, str], ...] = LATER_LOADS) -> threading.Thread:
    """Import the later parts and load their data on a daemon thread (never delays a step, nor
    the process's exit)."""
    thread = threading.Thread(target=_warm_up, args=(modules, loads), name="inspection-warm-up", daemon=True)
    thread.start()
    return thread


def warm_up_camera(devices: Any) -> bool:
    """Open the inspection's camera and let it prepare (`warm_up()`, when it has one). True when
    it warmed up. Failures are logged, not raised: the first step that needs the camera opens it
    again and tells the operator what is wrong."""
    try:
        camera = devices.camera
        warm_up = getattr(camera, "warm_up", None)
        if warm_up is None:
            return False
        warm_up()
        return True
    except Exception as exc:  # noqa: BLE001 - see above
        log.debug("warm-up: camera not ready (%s)", exc)
        return False


def start_camera_warm_up(devices: Any) -> threading.Thread:
    """`warm_up_camera` on a daemon thread, alongside the imports."""
    thread = threading.Thread(target=warm_up_camera, args=(devices,), name="camera-warm-up", daemon=True)
    thread.start()
    return thread
