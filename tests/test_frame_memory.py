"""The allocator tuning for camera frames: a frame freed on one thread is memory the next frame,
on another thread, gets without the kernel mapping and zeroing it again."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the tuning is glibc's mallopt")

# A 12 MP BGR frame, allocated and written on one thread, freed, then another frame of the same
# size written on a second thread; prints the page faults the second write cost.
CHILD = r"""
import json, resource, sys, threading
import numpy as np
from station.frame_memory import keep_frame_memory
applied = keep_frame_memory()
assert keep_frame_memory() is applied      # once per process
SHAPE = (3000, 4000, 3)
def first():
    frame = np.empty(SHAPE, np.uint8); frame.fill(1); del frame
def second(out):
    frame = np.empty(SHAPE, np.uint8)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    frame.fill(2)
    out.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
for target, args in ((first, ()), (second, (faults := [],))):
    t = threading.Thread(target=target, args=args); t.start(); t.join()
print(json.dumps({"applied": applied, "faults": faults[0]}))
"""


def _second_frame(malloc_env: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "STATION_MALLOC"}
    if malloc_env is not None:
        env["STATION_MALLOC"] = malloc_env
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True,
                         timeout=120, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_second_frame_reuses_the_first_frames_memory():
    tuned = _second_frame(None)
    default = _second_frame("default")
    assert tuned["applied"] == {"arena_max": 1, "mmap_threshold": 256 << 20, "trim_threshold": 1 << 30}
    assert default["applied"] == {}
    # glibc's default maps a 36 MB block afresh: the kernel faults (and zeroes) it page by page.
    assert default["faults"] >= 9, default
    assert tuned["faults"] <= default["faults"] // 4, (tuned, default)

