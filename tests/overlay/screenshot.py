"""Make docs/overlay.png: a real simulated inspection with the overlay served, photographed in
headless Chromium when it has finished, composited over the rig camera's preview (what a viewer
sees in OBS). Run: `.venv/bin/python -m tests.overlay.screenshot docs/overlay.png [SCENARIO] [--lang en]`.
"""

from __future__ import annotations

import os
import sys
import tempfile

import cv2
import numpy as np


def main(out: str, scenario: str = "default", lang: str = "zh") -> None:
    os.environ.setdefault("STATION_HOME", tempfile.mkdtemp(prefix="overlay-shot-"))
    from drivers.camera import open_camera
    from drivers.simworld import world_for
    from station.inspection.events import EventBus
    from station.inspection.machine import InspectionOptions
    from station.inspection.operator import SimulatedOperator
    from station.inspection.steps import build_inspection
    from station.overlay.server import OverlayServer
    from tests.overlay.cdp_pipe import Chromium

    bus = EventBus()
    server = OverlayServer(port=0).start()
    server.hub.attach(bus)
    inspection = build_inspection(f"rigsim://{scenario}?timing=fast", f"sim://{scenario}", f"sim://{scenario}",
                                  SimulatedOperator(world_for(scenario)), bus=bus,
                                  options=InspectionOptions(pattern_base_url=server.url))
    inspection.run()
    inspection.devices.close()
    world = world_for(scenario)
    world.set_pose("front")
    world.screen = "home"
    world.set_lights(top=60, n=0, e=0, s=0, w=0)
    camera = open_camera(f"sim://{scenario}")
    preview = camera.preview()                      # portrait, as the rig's camera sees the tray
    height = 1080
    width = int(preview.shape[1] * height / preview.shape[0])
    backdrop = np.full((1080, 1920, 3), 40, np.uint8)
    backdrop[:, 420:420 + width] = cv2.resize(preview, (width, height), interpolation=cv2.INTER_AREA)
    browser = Chromium()
    try:
        browser.attach_obs_page()
        browser.send("Page.navigate", {"url": f"{server.url}/overlay?lang={lang}"})
        browser.wait_for("document.readyState === 'complete' && document.getElementById('qr').complete"
                         " && document.getElementById('qr').naturalWidth > 0"
                         " && (document.getElementById('thumb').style.display === 'none'"
                         "     || (document.getElementById('thumb').complete && document.getElementById('thumb').naturalWidth > 0))",
                         timeout_s=30)
        png = browser.screenshot_png()
    finally:
        browser.close()
        server.stop()
    shot = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_UNCHANGED)
    alpha = shot[..., 3:4].astype(np.float32) / 255.0
    composite = (shot[..., :3].astype(np.float32) * alpha + backdrop.astype(np.float32) * (1 - alpha)).astype(np.uint8)
    cv2.imwrite(out, composite)
    print(f"wrote {out} ({inspection.state.value}, overall {inspection.record.results.get('overall')})")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(args[0] if args else "docs/overlay.png", args[1] if len(args) > 1 else "default",
         "en" if "--lang" in sys.argv and sys.argv[-1] == "en" else "zh")
