"""Developing one simulated frame on two threads: its rows are independent (each band is formed,
noised and written on its own), so the top and bottom halves run at once — numpy and OpenCV release
the GIL. A frame develops in about half the time when the other core is free (the *#06# frame the
IMEI step waits for, the screen frames while the body is being shot) and in the same CPU time when
it is not. The pixels are the same as one thread's (tests/camera/test_render_caches.py).
"""

from __future__ import annotations

import threading
from functools import lru_cache

BAND_THREADS = 2              # threads developing one frame (1: both halves on the caller's thread)
_POOL_PREFIX = "sim-camera-bands"


def in_two_halves(first, second) -> None:
    """Run `second` on the simulator's band pool while `first` runs here; return when both are
    done (re-raising either's error). With BAND_THREADS 1, both run here, one after the other."""
    # On a pool thread itself (a render started there), waiting on the pool could deadlock it.
    if BAND_THREADS < 2 or threading.current_thread().name.startswith(_POOL_PREFIX):
        first()
        second()
        return
    other = band_pool().submit(second)
    try:
        first()
    finally:
        other.result()


@lru_cache(maxsize=1)
def band_pool():
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(max_workers=2, thread_name_prefix=_POOL_PREFIX)
