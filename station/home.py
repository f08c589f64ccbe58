"""Where state lives: one data directory for the warranty database, keys, reports, frames, logs.

`$STATION_HOME` when set (tests and tools point it at a temporary folder), else the platform's
user data directory.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def station_home() -> Path:
    """The data directory, created on first use with owner-only permissions."""
    env = os.environ.get("STATION_HOME")
    home = Path(env).expanduser() if env else Path(platformdirs.user_data_dir("phone-station", "station"))
    if not home.exists():
        home.mkdir(parents=True, exist_ok=True)
        os.chmod(home, 0o700)
    return home


def subdir(name: str) -> Path:
    """A named folder under the data directory (``reports``, ``frames``, ``keys``, ``logs``...)."""
    path = station_home() / name
    path.mkdir(parents=True, exist_ok=True)
    return path
