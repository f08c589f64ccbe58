"""The overlay web app over HTTP: page and languages, live SSE updates, QR, public verification
page with the signature checked server-side and only masked fields shown, 127.0.0.1 by default."""

from __future__ import annotations

import json
import threading

import httpx
import pytest

from station.inspection.events import EventBus
from station.overlay.hub import OverlayHub
from station.overlay.server import OverlayServer

FULL_IMEI = "357537080123458"


@pytest.fixture
def hub():
    return OverlayHub()


@pytest.fixture
def client(hub):
    # A real uvicorn server on a free port (starlette's TestClient over httpx is deprecated).
    server = OverlayServer(hub, port=0).start()
    with httpx.Client(base_url=server.url, timeout=30) as http:
        yield http
    server.stop()


def test_overlay_page_is_chinese_by_default_and_english_on_request(client):
    zh = client.get("/overlay")
    assert zh.status_code == 200
    assert "直播验机" in zh.text and 'lang="zh-CN"' in zh.text
    assert "background: transparent" in zh.text
    en = client.get("/overlay?lang=en")
    assert "Live inspection" in en.text and "180-day warranty until {date}" in en.text


def test_state_follows_the_event_bus(client, hub):
    bus = EventBus()
    hub.attach(bus)
    bus.emit("result", "identify", brand="google", model="Pixel 2")
    bus.emit("result", "imei", verdict="pass", imeis=[FULL_IMEI], reasons=[])
    state = client.get("/overlay/state").json()
    assert state["phone"]["model"] == "Pixel 2"
    assert state["imei"]["imeis"] == ["35753708****458"]
    page = client.get("/overlay").text
    assert FULL_IMEI not in page and "35753708****458" in page


def test_page_escapes_script_breaking_text(client, hub):
    bus = EventBus()
    hub.attach(bus)
    bus.emit("result", "identify", brand="x", model="</script><script>alert(1)</script>")
    page = client.get("/overlay").text
    assert "</script><script>alert(1)" not in page


def test_qr_points_at_the_public_verification_page(client):
    import cv2
    import numpy as np
    import zxingcpp

    png = client.get("/qr/R20261124-ABCDEFGHJK.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    image = cv2.imdecode(np.frombuffer(png.content, np.uint8), cv2.IMREAD_COLOR)
    assert zxingcpp.read_barcodes(image)[0].text == f"{client.base_url}/r/R20261124-ABCDEFGHJK".replace("//r", "/r")


def test_sse_stream_sends_a_snapshot_per_event(hub):
    server = OverlayServer(hub, port=0).start()
    bus = EventBus()
    hub.attach(bus)
    got = []
    try:
        with httpx.stream("GET", f"{server.url}/overlay/events", timeout=10) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            fired = threading.Event()
            for line in response.iter_lines():
                if not line.startswith("data: "):
                    continue
                got.append(json.loads(line[6:]))
                if not fired.is_set():
                    fired.set()
                    bus.emit("step_started", "identify")
                elif got[-1]["steps"]["identify"]["status"] == "running":
                    break
    finally:
        server.stop()
    assert got[0]["steps"]["identify"]["status"] == "pending"
    assert got[-1]["current_step"] == "identify"


def test_server_binds_localhost_by_default(hub):
    server = OverlayServer(hub, port=0)
    assert server.host == "127.0.0.1"
    assert server.url.startswith("http://127.0.0.1:")


def test_the_screen_patterns_are_served_for_the_phone(client):
    page = client.get("/pattern/red")
    assert page.status_code == 200 and "#ff0000" in page.text
    assert client.get("/pattern/nonsense").status_code == 404
