"""Step progress on a terminal: one line per step, prompts and results as they arrive."""

from __future__ import annotations

import sys
import threading
from typing import TextIO

from station.inspection.events import InspectionEvent

STEP_LABELS = {
    "connect_rig": "connect rig", "phone_placed": "phone placed", "identify": "identify (USB)",
    "imei": "IMEI check", "battery": "battery", "screen": "screen patterns",
    "cosmetic": "cosmetic faces", "verdict": "verdict", "sign": "sign report", "warranty": "warranty",
}


class ConsoleProgress:
    """An EventBus subscriber that prints progress lines to `stream` (stderr by default)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self._lock = threading.Lock()
        self._last_fraction: dict[str, float] = {}

    def __call__(self, event: InspectionEvent) -> None:
        line = self.format(event)
        if line:
            with self._lock:
                print(line, file=self.stream, flush=True)

    def format(self, event: InspectionEvent) -> str | None:
        d, step = event.data, event.step
        label = STEP_LABELS.get(step or "", step or "")
        if event.kind == "step_started":
            retry = f" (attempt {d['attempt']})" if d.get("attempt", 1) > 1 else ""
            return f"[ .. ] {label}{retry}"
        if event.kind == "step_progress":
            if "retry" in d:
                return f"[ !! ] {label}: retrying ({d.get('error')})"
            fraction = float(d.get("fraction", 0.0))
            # A line per quarter, so a 30-frame capture does not flood the terminal.
            if int(fraction * 4) <= int(self._last_fraction.get(step or "", 0.0) * 4) and fraction < 1:
                return None
            self._last_fraction[step or ""] = fraction
            extra = ", ".join(f"{k}={v}" for k, v in d.items() if k != "fraction")
            return f"       {label} {fraction:4.0%} {extra}".rstrip()
        if event.kind == "step_done":
            extra = ", ".join(f"{k}={v}" for k, v in d.items())
            return f"[ ok ] {label} {extra}".rstrip()
        if event.kind == "step_failed":
            tag = "skip" if d.get("skipped") else "FAIL"
            hint = f" — {d['hint']}" if d.get("hint") else ""
            return f"[{tag}] {label}: {d.get('error')}{hint}"
        if event.kind == "prompt":
            return f"  >> operator: {d.get('message_en')} / {d.get('message_zh')}"
        if event.kind == "paused":
            return f"[PAUSE] {label}: {d.get('message')}"
        if event.kind == "resumed":
            return f"[ GO ] {label}: {d.get('device')} is back after {d.get('paused_s')} s"
        if event.kind == "result":
            shown = {k: v for k, v in d.items() if k not in ("defects",) and v not in (None, [], "")}
            defects = d.get("defects")
            if defects:
                shown["defects"] = len(defects)
            return f"       = {step}: " + ", ".join(f"{k}={v}" for k, v in shown.items())
        if event.kind == "report_issued":
            return f"       report {d.get('report_id')} signed, warranty {d.get('warranty_id')} until {d.get('end')}"
        if event.kind == "cancelled":
            return "[STOP] inspection cancelled"
        if event.kind == "finished":
            return f"== inspection {d.get('inspection_id')} {d.get('state')}" + (
                f": overall {d['overall']}" if d.get("overall") else "")
        return None
