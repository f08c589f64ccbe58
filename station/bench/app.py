"""`station bench app`: the worst GUI event-loop stall during a simulated inspection.

The measurement needs Qt, which the station layer must not import, so it runs as a child process
(`python -m ui.bench_stall`, offscreen platform) and this module only reads its JSON. Key
(contract): `gui_max_stall_ms` — the longest the event loop was late, over the whole inspection,
median of the runs; goal < 50 ms.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from station.errors import HardwareError

NAME = "app"


def run(quick: bool) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    cmd = [sys.executable, "-m", "ui.bench_stall", "--json"] + (["--quick"] if quick else [])
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise HardwareError(f"the GUI stall benchmark failed (exit {proc.returncode}): "
                            f"{proc.stderr.strip()[-400:]}", "run `python -m ui.bench_stall` to see why")
    return json.loads(proc.stdout)
