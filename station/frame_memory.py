"""Let the station's process reuse the memory of camera frames instead of asking the kernel anew.

Why: an inspection moves ~40 frames of up to 36 MB (12 MP BGR) plus their grey copies and
encodings between the capture, encoding and grading threads. With glibc's defaults every frame
is a fresh `mmap` — each worker thread has its own arena, whose heaps cannot hold two frames —
and the kernel zeroes every page of it again on first touch: perf showed 13 % of the process's
CPU in `clear_page_erms`, ~1 s of system time per inspection on the station's two cores.
One arena, with frame-sized blocks served from it and kept after `free`, hands the next frame
memory that is already mapped: system time per inspection fell to ~0.4 s (`station bench e2e`).

The cost is that the process keeps its peak heap (a few frames) after an inspection instead of
returning it; the station holds its simulator caches anyway. Other C libraries (musl, macOS)
are left as they are: this is a tuning, not a requirement.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import platform

log = logging.getLogger(__name__)

# mallopt(3) parameter numbers from glibc's <malloc.h>.
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8

# Blocks below this come from the heap, not a private mmap: above the largest frame (36 MB) and
# the simulator's float32 scenes (144 MB for a 12 MP RGB frame).
MMAP_THRESHOLD = 256 << 20
# Free memory kept at the heap's top before it is given back: several frames' worth.
TRIM_THRESHOLD = 1 << 30

_applied: dict[str, int] | None = None


def keep_frame_memory() -> dict[str, int]:
    """Tune glibc's allocator for frame-sized blocks (once per process; later calls are no-ops).

    Call it at process start, before worker threads exist: threads started earlier keep their
    own arenas. Returns the settings that took effect ({} when not glibc or
    ``STATION_MALLOC=default``)."""
    global _applied
    if _applied is not None:
        return _applied
    _applied = {}
    if os.environ.get("STATION_MALLOC", "").strip().lower() == "default":
        return _applied
    if platform.libc_ver()[0] != "glibc":
        return _applied
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return _applied
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    for name, param, value in (("arena_max", M_ARENA_MAX, 1),
                               ("mmap_threshold", M_MMAP_THRESHOLD, MMAP_THRESHOLD),
                               ("trim_threshold", M_TRIM_THRESHOLD, TRIM_THRESHOLD)):
        if mallopt(param, value) == 1:
            _applied[name] = value
        else:
            log.debug("mallopt(%s) refused; the allocator keeps its default", name)
    return _applied
