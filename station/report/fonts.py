"""Find a font that can draw Chinese: $STATION_CJK_FONT, known Debian paths, then fontconfig.

Returns (path, face index) — Noto CJK ships as a .ttc collection whose faces are JP/KR/SC/TC/HK;
we pick the Simplified Chinese face. None when the machine has no CJK font (renderings then fall
back to English-only text rather than printing boxes).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import secrets
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from station.home import subdir

log = logging.getLogger(__name__)

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


# Characters every PDF may draw whatever the report says: printable ASCII and Latin-1. The
# labels' own characters are added by the caller (it knows what it draws).
# Bump when _write_subset's options change, so cached cuts are rebuilt.
SUBSET_RECIPE = 3
BASE_CHARS = frozenset(chr(c) for c in (*range(0x20, 0x7F), *range(0xA0, 0x100)))


def font_subset(chars: set[str] | frozenset[str]) -> tuple[str, int] | None:
    """The CJK font cut down to `chars`, as (path, 0), built once per character set and kept under
    ``station_home()/cache/fonts``; None when there is no CJK font.

    Why: Noto CJK holds 65,000 glyphs; parsing and subsetting it for every PDF took ~0.55 s, most
    of issuing a report. A subset of the ~300 characters a report uses loads in milliseconds, and
    the PDF writer subsets it again to what the page really shows. A failed cut falls back to the
    whole font (slower, same page).
    """
    source = cjk_font()
    if source is None:
        return None
    path, index = source
    try:
        stat = os.stat(path)
    except OSError:
        return source
    wanted = "".join(sorted(set(chars) | BASE_CHARS))
    key = hashlib.sha256(f"{SUBSET_RECIPE}\0{path}\0{index}\0{stat.st_size}\0{stat.st_mtime_ns}\0{wanted}".encode()).hexdigest()[:20]
    cached = _subset_paths.get(key)
    if cached and Path(cached).is_file():
        return cached, 0
    target = subdir("cache") / "fonts" / f"cjk-{key}.ttf"
    if not target.is_file():
        try:
            _write_subset(path, index, wanted, target)
        except Exception as exc:  # noqa: BLE001 - a font the subsetter cannot cut still renders whole
            log.warning("could not cut a subset of %s (%s); PDFs embed from the whole font", path, exc)
            return source
    _subset_paths[key] = str(target)
    return str(target), 0


_subset_paths: dict[str, str] = {}


def _write_subset(path: str, index: int, chars: str, target: Path) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=index, lazy=True)
    options = subset.Options()
    options.layout_features = []     # the PDF writer does no shaping: no alternates, fewer glyphs
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)
    if "CFF " in font:
        try:
            _to_truetype_outlines(font)
        except Exception as exc:  # noqa: BLE001 - the cubic cut is a correct font, only slower
            log.warning("kept the font cut's cubic outlines (%s): PDFs take longer to write", exc)
    buffer = io.BytesIO()
    font.save(buffer)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    tmp.write_bytes(buffer.getvalue())
    os.replace(tmp, target)   # atomic: a concurrent builder writes the same bytes


def _to_truetype_outlines(font) -> None:
    """Replace a font's cubic (CFF) outlines with quadratic TrueType ones, in place.

    Why: the PDF writer subsets the font again for every page. For CFF that means decompiling,
    running and recompiling each glyph's charstring program in Python (~55 ms of the PDF's ~95 ms
    of CPU); glyf outlines are copied as they are (PDF in ~40 ms). The curves are approximated to
    within 1 font unit (1/1000 em: well under a printer dot at any size the report uses); pages
    rasterise the same (compared at 110 dpi) and their text is still extractable."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        # TrueType winds outer contours clockwise, PostScript counter-clockwise.
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    maxp = font["maxp"]       # version 1.0 (TrueType) carries hinting limits: none here
    maxp.tableVersion = 0x00010000
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    post = font["post"]       # format 2 keeps the glyph names CFF carried
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    font.sfntVersion = "\0\1\0\0"
