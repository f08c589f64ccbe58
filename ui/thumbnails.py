"""Defect thumbnails as PNG bytes (no Qt): cut in the engine process from the evidence frames.

* card: what the Inspect tab's result card shows — for the screen, the overlay's crop round the
  first defect, circled; for the body, the face photo with every defect boxed (`defect_marks`).
* overlay: exactly the picture the overlay page shows (`station.overlay.thumbnail`), for the
  Broadcast tab's native preview.
"""

from __future__ import annotations


def wait_until_written(folder: str, timeout_s: float = 15.0, poll_s: float = 0.5) -> None:
    """The workflow saves evidence frames on a worker while grading goes on: wait until the
    folder's files stop growing, so a thumbnail is never cut from a half-written PNG."""
    import time
    from pathlib import Path

    def sizes() -> dict:
        return {p.name: p.stat().st_size for p in Path(folder).glob("*") if p.is_file()}

    deadline = time.monotonic() + timeout_s
    last = sizes()
    while time.monotonic() < deadline:
        time.sleep(poll_s)
        now = sizes()
        if now == last and now:
            return
        last = now


def card_thumbnail_png(part: str, frameset: dict) -> bytes | None:
    from station.overlay.thumbnail import defect_thumbnail_png

    if part == "cosmetic":
        from ui.defect_marks import cosmetic_marked_png

        try:
            return cosmetic_marked_png(frameset["folder"], frameset["defects"])
        except Exception:  # noqa: BLE001 - no outline found: the plain face photo instead
            pass
    return defect_thumbnail_png({part: frameset})


def overlay_thumbnail_png(framesets: dict) -> bytes | None:
    from station.overlay.thumbnail import defect_thumbnail_png

    return defect_thumbnail_png(framesets)
