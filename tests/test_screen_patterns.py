"""The pattern page and the ADB helper that makes a phone show it (against the phone simulator)."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from drivers.phone import open_phone
from drivers.simworld import reset_worlds, world_for
from station.screen_patterns import PATTERN_CSS, pattern_page, pattern_routes, show_pattern


def test_pattern_page_is_a_full_screen_colour():
    html = pattern_page("red")
    assert "background:#ff0000" in html and "<script" in html
    with pytest.raises(ValueError, match="unknown pattern"):
        pattern_page("purple")


def test_pattern_routes_serve_every_pattern():
    client = TestClient(Starlette(routes=pattern_routes()))
    for name, css in PATTERN_CSS.items():
        r = client.get(f"/pattern/{name}")
        assert r.status_code == 200 and f"background:{css}" in r.text
    assert client.get("/pattern/nope").status_code == 404


def test_show_pattern_drives_the_simulated_phone_over_adb():
    reset_worlds()
    world = world_for("default")
    dev = open_phone("sim://default")
    try:
        for name in ("white", "green", "gray"):
            cmd = show_pattern(dev.shell, "http://127.0.0.1:8765", name)
            assert cmd.endswith(f"/pattern/{name}")
            assert world.screen == name
        show_pattern(dev.shell, "http://127.0.0.1:8765", "off")
        assert world.screen == "off"
        show_pattern(dev.shell, "http://127.0.0.1:8765", "blue")
        assert world.screen == "blue"
    finally:
        dev.close()
        reset_worlds()


def test_show_pattern_refuses_odd_urls():
    with pytest.raises(ValueError, match="base URL"):
        show_pattern(lambda cmd: "", "http://x; reboot", "white")
