"""Defect thumbnails as PNG bytes (no Qt): cut in the engine process from the evidence frames.

* card: what the Inspect tab's result card shows — for the screen, the overlay's crop round the
  first defect, circled; for the body, the face photo with every defect boxed (`defect_marks`).
* overlay: exactly the picture the overlay page shows (`station.overlay.thumbnail`), for the
  Broadcast tab's native preview.
"""

from __future__ import annotations


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
