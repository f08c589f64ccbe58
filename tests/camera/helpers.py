"""Small scenario files for fast camera tests (a small panel keeps frames a few megapixels)."""

from __future__ import annotations

import json
from pathlib import Path

from drivers.scenario import load_scenario


def small_scenario(tmp_path: Path, defects: list[dict], name: str = "small", width: int = 360,
                   height: int = 760) -> Path:
    """The default phone with a 360x760 panel (0.18 mm pitch) and the given screen defects."""
    data = dict(load_scenario("default").raw)
    pitch = 0.18
    data["name"] = name
    data["display"] = {"width": width, "height": height, "active_mm": [width * pitch, height * pitch],
                       "offset_mm": [3.0, 8.0]}
    data["body"] = dict(data["body"], size_mm=[width * pitch + 6.0, height * pitch + 16.0, 7.8])
    data["screen_defects"] = defects
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
