"""Files written so that a crash or power cut leaves them whole or as they were: the inspection
record, evidence frames and their manifests, signed reports.

`write_synced` returns once the bytes are on the disk (fsync); `replace_synced` writes beside the
target, syncs, then renames over it, so a reader sees the old file or the new one, never a torn
one. (A rename's own durability rides on the filesystem's journal commit, which the next fsync of
any file forces on ext4.)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_synced(path: Path, data: bytes) -> None:
    """Create (or truncate) `path`, write `data`, and return once it is on the disk."""
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def replace_synced(path: Path, data: bytes) -> None:
    """Make `path` hold `data`, atomically and durably; a failure leaves `path` as it was and no
    temporary file behind."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        write_synced(tmp, data)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)
