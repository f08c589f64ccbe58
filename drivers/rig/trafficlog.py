"""Raw rig traffic, every byte both ways, in a rotating file (for disputes: "what did the rig say?").

Where: the ``log_dir`` the caller gives, else ``$STATION_HOME/logs`` (drivers cannot import
``station``; the environment variable is the contract), else the platform's user data dir, the
same rule as ``station.home``. Files: ``rig-traffic.log`` plus ``.1`` … ``.N`` older ones.
Format: ``<UTC time> <port> <'>' host->rig | '<' rig->host | '#' note> <bytes, escaped>``.
A write only queues (time, direction, bytes); the lines are formatted and written in batches at
least every 50 ms, when the link is idle and on close, so logging costs neither a system call
nor string formatting per line on the request path. Nothing queued is lost by ``close()``.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections import deque
from datetime import datetime, timezone
from pathlib import Path

LOG_NAME = "rig-traffic.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
FLUSH_S = 0.05
MAX_QUEUED = 256          # lines; flushed sooner if the clock stalls or jumps back


def default_log_dir() -> Path:
    env = os.environ.get("STATION_HOME")
    if env:
        return Path(env).expanduser() / "logs"
    import platformdirs

    return Path(platformdirs.user_data_dir("phone-station", "station")) / "logs"


_PLAIN = re.compile(rb"[\x20-\x5b\x5d-\x7e\n]*\Z")     # printable (no backslash) and LF
_PLAIN_JOINED = re.compile(rb"[\x1f\x20-\x5b\x5d-\x7e\n]*\Z")   # ... joined by 0x1F


def _escape(data: bytes) -> str:
    if _PLAIN.match(data):               # the usual case, cheaply
        return data.decode("ascii").replace("\n", "\\n")
    text = data.decode("latin-1")
    return text.encode("unicode_escape").decode("ascii")


def _escape_all(chunks: list[bytes]) -> list[str]:
    """``_escape`` of each chunk; a batch of plain chunks in one pass (0x1F, which no plain
    chunk holds, separates them; a chunk holding one makes the count differ: one by one)."""
    joined = b"\x1f".join(chunks)
    if _PLAIN_JOINED.match(joined):
        texts = joined.decode("ascii").replace("\n", "\\n").split("\x1f")
        if len(texts) == len(chunks):
            return texts
    return [_escape(chunk) for chunk in chunks]


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
        self._queue: deque[tuple[float, str, bytes]] = deque()
        self._last_flush = time.time()

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
        """Queue one chunk (``>`` host->rig, ``<`` rig->host, ``#`` note); any thread may call it."""
        now = time.time()
        self._queue.append((now, direction, data))     # deque.append: atomic, no lock needed
        if now - self._last_flush > FLUSH_S or len(self._queue) > MAX_QUEUED:
            self.flush()

    def _stamp(self, now: float) -> str:
        second = int(now)
        if second != self._stamp_second:     # strftime once a second, not per line
            self._stamp_second = second
            self._stamp_prefix = datetime.fromtimestamp(second, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        return f"{self._stamp_prefix}.{int((now - second) * 1e6):06d}Z"

    def flush(self) -> None:
        """Format and write everything queued, in order, and flush the file."""
        with self._lock:
            self._last_flush = time.time()
            queue = self._queue
            if self._file.closed:
                queue.clear()
                return
            entries = [queue.popleft() for _ in range(len(queue))]   # others may append meanwhile
            texts = _escape_all([data for _now, _direction, data in entries])
            label = self.port_label
            lines: list[str] = []
            size = self._size
            for (now, direction, _data), text in zip(entries, texts):
                line = f"{self._stamp(now)} {label} {direction} {text}\n"
                if size + len(line) > self.max_bytes:
                    self._file.write("".join(lines))
                    lines.clear()
                    self._rotate()
                    size = 0
                lines.append(line)
                size += len(line)
            self._file.write("".join(lines))
            self._size = size
            self._file.flush()

    def note(self, text: str) -> None:
        self.write("#", text.encode("ascii", "replace"))

    def close(self) -> None:
        self.flush()
        with self._lock:
            self._file.close()
