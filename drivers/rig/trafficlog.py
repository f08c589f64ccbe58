"""Raw rig traffic, every byte both ways, in a rotating file (for disputes: "what did the rig say?").

Where: the ``log_dir`` the caller gives, else ``$STATION_HOME/logs`` (drivers cannot import
``station``; the environment variable is the contract), else the platform's user data dir, the
same rule as ``station.home``. Files: ``rig-traffic.log`` plus ``.1`` … ``.N`` older ones.
Format: ``<UTC time> <port> <'>' host->rig | '<' rig->host | '#' note> <bytes, escaped>``.
Written through a buffer flushed at least every 50 ms (and when the link is idle or closed), so
logging does not cost a system call per line.
"""

from __future__ import annotations

import os
import re
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

LOG_NAME = "rig-traffic.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
FLUSH_S = 0.05


def default_log_dir() -> Path:
    env = os.environ.get("STATION_HOME")
    if env:
        return Path(env).expanduser() / "logs"
    import platformdirs

    return Path(platformdirs.user_data_dir("phone-station", "station")) / "logs"


_PLAIN = re.compile(rb"[\x20-\x5b\x5d-\x7e\n]*\Z")     # printable (no backslash) and LF


def _escape(data: bytes) -> str:
    if _PLAIN.match(data):               # the usual case, cheaply
        return data.decode("ascii").replace("\n", "\\n")
    text = data.decode("latin-1")
    return text.encode("unicode_escape").decode("ascii")


class TrafficLog:
    def __init__(self, log_dir: str | Path | None = None, port_label: str = "rig",
                 max_bytes: int = MAX_BYTES, backups: int = BACKUPS) -> None:
        self.dir = Path(log_dir) if log_dir is not None else default_log_dir()
        self.dir.mkdir(parents=True, exist_ok=True)
        self.path = self.dir / LOG_NAME
        self.port_label = port_label.replace(" ", "_")
        self.max_bytes = max_bytes
        self.backups = backups
        self._lock = threading.Lock()
        self._stamp_second = -1
        self._stamp_prefix = ""
        self._file = open(self.path, "a", encoding="ascii")
        self._size = self._file.tell()
        self._last_flush = 0.0

    def _rotate(self) -> None:
        self._file.close()
        for index in range(self.backups - 1, 0, -1):
            older = self.path.with_name(f"{LOG_NAME}.{index}")
            if older.exists():
                older.replace(self.path.with_name(f"{LOG_NAME}.{index + 1}"))
        if self.path.exists():
            self.path.replace(self.path.with_name(f"{LOG_NAME}.1"))
        self._file = open(self.path, "a", encoding="ascii")
        self._size = 0

    def write(self, direction: str, data: bytes) -> None:
        now = time.time()
        second = int(now)
        if second != self._stamp_second:     # strftime once a second, not per line
            self._stamp_second = second
            self._stamp_prefix = datetime.fromtimestamp(second, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        stamp = f"{self._stamp_prefix}.{int((now - second) * 1e6):06d}Z"
        line = f"{stamp} {self.port_label} {direction} {_escape(data)}\n"
        with self._lock:
            if self._file.closed:
                return
            if self._size + len(line) > self.max_bytes:
                self._rotate()
            self._file.write(line)
            self._size += len(line)
            if now - self._last_flush > FLUSH_S:
                self._file.flush()
                self._last_flush = now

    def flush(self) -> None:
        with self._lock:
            if not self._file.closed:
                self._file.flush()
                self._last_flush = time.time()

    def note(self, text: str) -> None:
        self.write("#", text.encode("ascii", "replace"))

    def close(self) -> None:
        with self._lock:
            self._file.close()
