"""Find a font that can draw Chinese: $STATION_CJK_FONT, known Debian paths, then fontconfig.

Returns (path, face index) — Noto CJK ships as a .ttc collection whose faces are JP/KR/SC/TC/HK;
we pick the Simplified Chinese face. None when the machine has no CJK font (renderings then fall
back to English-only text rather than printing boxes).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
]


def _simplified_chinese_face(path: str) -> int:
    """Index of the face whose family name marks Simplified Chinese (SC / GB), else 0."""
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    try:
        from fontTools.ttLib import TTCollection

        collection = TTCollection(path, lazy=True)
        for index, font in enumerate(collection.fonts):
            family = font["name"].getDebugName(1) or ""
            if family.endswith(" SC") or "GB" in family:
                return index
    except Exception:  # noqa: BLE001 - an unreadable collection still has a usable first face
        return 0
    return 0


def _fontconfig_match() -> str | None:
    # fc-list (not fc-match, which always answers something) lists only fonts covering Chinese.
    if not shutil.which("fc-list"):
        return None
    try:
        out = subprocess.run(["fc-list", ":lang=zh-cn", "file"], capture_output=True, text=True,
                             timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    files = sorted(line.strip().rstrip(":") for line in out.splitlines() if line.strip())
    usable = [f for f in files if f.lower().endswith((".ttc", ".otc", ".ttf", ".otf")) and Path(f).exists()]
    return usable[0] if usable else None


@lru_cache(maxsize=1)
def cjk_font() -> tuple[str, int] | None:
    env = os.environ.get("STATION_CJK_FONT")
    paths = ([env] if env else []) + CANDIDATES
    for path in paths:
        if path and Path(path).is_file():
            return path, _simplified_chinese_face(path)
    found = _fontconfig_match()
    if found:
        return found, _simplified_chinese_face(found)
    return None
