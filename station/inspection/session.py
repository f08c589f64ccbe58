"""One inspection from a command line: overlay up, progress on the terminal, summary at the end.
Shared by `station demo` (simulators) and `station inspect` (any device URLs).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import Any

from station.errors import EXIT_HARDWARE, EXIT_OK, EXIT_VERDICT
from station.inspection.console import ConsoleProgress
from station.inspection.events import EventBus
from station.inspection.machine import InspectionOptions, State
from station.inspection.operator import Operator
from station.inspection.steps import build_inspection
from station.inspection.summary import run_summary

log = logging.getLogger(__name__)


def start_overlay(bus: EventBus, host: str, port: int):
    """The overlay server following `bus`, or None (with a note) if it cannot start."""
    try:
        from station.overlay.server import OverlayServer
    except ImportError as exc:
        print(f"overlay: not available ({exc})", file=sys.stderr)
        return None
    server = OverlayServer(host=host, port=port).start()
    server.hub.attach(bus)
    return server


def run_session(rig: str, phone: str, camera: str, operator: Operator, *, out_dir: str | None,
                as_json: bool, overlay: bool = True, host: str = "127.0.0.1", port: int = 8765,
                resume_id: str | None = None, hold_s: float = 0.0) -> tuple[dict[str, Any], int]:
    bus = EventBus()
    progress_stream = sys.stderr if as_json else sys.stdout
    bus.subscribe(ConsoleProgress(progress_stream))
    server = start_overlay(bus, host, port) if overlay else None
    options = InspectionOptions()
    if server is not None:
        options.pattern_base_url = server.url
        # The report's own QR (HTML/PDF/PNG renderings) should point at this overlay's /r/<id>.
        os.environ.setdefault("STATION_VERIFY_BASE_URL", server.url)
        print(f"overlay: {server.overlay_url}   (OBS browser source, 1920×1080; English: ?lang=en)",
              file=progress_stream, flush=True)
    inspection = build_inspection(rig, phone, camera, operator, bus=bus, options=options, resume_id=resume_id)
    try:
        record = inspection.run()
        inspection.devices.close()
        if server is not None and hold_s > 0:
            # Keep the finished card on air (and /r/<id> reachable) for a while.
            print(f"overlay: holding the result on air for {hold_s:g} s (Ctrl-C to stop)",
                  file=progress_stream, flush=True)
            try:
                time.sleep(hold_s)
            except KeyboardInterrupt:
                pass
    finally:
        inspection.devices.close()
        if server is not None:
            server.stop()
    doc = run_summary(record, state=inspection.state.value, out_dir=out_dir,
                      overlay_url=server.overlay_url if server is not None else None,
                      missing=inspection.missing, error=inspection.error)
    if inspection.state == State.FAILED:
        code = getattr(inspection.error, "exit_code", EXIT_HARDWARE)
    elif inspection.state == State.CANCELLED:
        code = EXIT_HARDWARE
    elif doc["report"] and doc["verified"] is False:
        code = EXIT_VERDICT
    else:
        code = EXIT_OK          # completed, or ran every part installed so far (see "missing")
    return doc, code
