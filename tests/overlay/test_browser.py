"""The overlay in real headless Chromium (Debian `chromium`), driven over the DevTools protocol:
the card renders on a transparent page, and it updates when an inspection event arrives."""

from __future__ import annotations

import time

import cv2
import numpy as np
import pytest

from station.inspection.events import EventBus
from station.overlay.hub import OverlayHub
from station.overlay.server import OverlayServer
from tests.overlay.cdp_pipe import Chromium, chromium_path

pytestmark = pytest.mark.skipif(chromium_path() is None,
                                reason="chromium is not installed (apt-get install chromium)")


@pytest.fixture
def page():
    hub = OverlayHub()
    server = OverlayServer(hub, port=0).start()
    browser = Chromium()
    try:
        browser.attach_obs_page()
        yield hub, server, browser
    finally:
        browser.close()
        server.stop()


def load(browser, hub, url):
    browser.send("Page.navigate", {"url": url})
    browser.wait_for("document.readyState === 'complete' && !!document.getElementById('card')")
    deadline = time.monotonic() + 10
    while hub.listener_count == 0 and time.monotonic() < deadline:   # SSE connected
        time.sleep(0.05)
    assert hub.listener_count >= 1, "the page never opened its event stream"


def alpha_at(png: bytes, x: int, y: int) -> int:
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_UNCHANGED)
    assert image.shape[:2] == (1080, 1920)
    return int(image[y, x, 3]) if image.shape[2] == 4 else 255


def test_card_renders_on_a_transparent_page_and_follows_events(page):
    hub, server, browser = page
    load(browser, hub, f"{server.url}/overlay")
    assert browser.evaluate("getComputedStyle(document.body).backgroundColor") == "rgba(0, 0, 0, 0)"
    assert browser.evaluate("document.getElementById('model').textContent") == "等待手机…"
    version = browser.evaluate("Number(document.getElementById('card').dataset.version)")

    bus = EventBus()
    hub.attach(bus)
    bus.emit("step_started", "connect_rig")
    bus.emit("result", "identify", brand="google", model="Pixel 2")
    bus.emit("result", "imei", verdict="pass", imeis=["357537080123458"], reasons=[])
    bus.emit("result", "verdict", grade="B", rule="worst_of")
    bus.emit("report_issued", "sign", report_id="R20261124-ABCDEFGHJK", warranty_id="W1",
             start="2026-11-24", end="2027-05-23")

    browser.wait_for("document.getElementById('model').textContent.includes('Pixel 2')")
    browser.wait_for("document.getElementById('warranty').textContent.includes('2027-05-23')")
    assert browser.evaluate("Number(document.getElementById('card').dataset.version)") > version
    assert browser.evaluate("document.getElementById('overall').textContent") == "B"
    assert browser.evaluate("document.getElementById('imei').textContent").count("35753708****458") == 1
    assert "357537080123458" not in browser.evaluate("document.body.innerHTML")
    browser.wait_for("document.getElementById('qr').complete && document.getElementById('qr').naturalWidth > 0")

    png = browser.screenshot_png()
    card = browser.evaluate("(() => { const r = document.getElementById('card').getBoundingClientRect();"
                            " return [r.left, r.top, r.width, r.height]; })()")
    assert alpha_at(png, 100, 100) == 0, "the page behind the card must be transparent"
    assert alpha_at(png, 1900, 1060) == 0
    assert alpha_at(png, int(card[0] + card[2] / 2), int(card[1] + 20)) > 150, "the card itself is opaque"


def test_english_page(page):
    hub, server, browser = page
    load(browser, hub, f"{server.url}/overlay?lang=en")
    assert browser.evaluate("document.getElementById('title').textContent") == "Live inspection"
    assert browser.evaluate("document.documentElement.lang") == "en"
