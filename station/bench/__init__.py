"""Benchmarks behind `station bench NAME`.

Each module here defines ``NAME`` (the subcommand word) and ``run(quick: bool) -> dict`` returning
the figures (JSON-able, keys as in DESIGN.md). Times are medians of several runs; a ratio compares
against a baseline measured in the same run. ``quick`` shrinks the work for smoke tests.
"""

from __future__ import annotations

import importlib
import pkgutil
import statistics
import time
from typing import Callable

# The order `station bench all` runs them in (also the contract's list of names).
ORDER = ["rig", "phone", "screen", "cosmetic", "warranty", "report", "e2e", "app"]


def available() -> dict[str, Callable[[bool], dict]]:
    """Bench name -> run function, for every bench module present."""
    found: dict[str, Callable[[bool], dict]] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        name = getattr(module, "NAME", None)
        if name:
            found[name] = module.run
    return dict(sorted(found.items(), key=lambda kv: ORDER.index(kv[0]) if kv[0] in ORDER else 99))


def median_time(func: Callable[[], object], runs: int = 5, warmup: int = 1) -> float:
    """Median wall time of `func` in seconds over `runs` calls, after `warmup` unmeasured calls."""
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux ru_maxrss is in KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
