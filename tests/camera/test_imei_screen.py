"""The simulated *#06# screen carries the scenario's on-screen IMEIs as decodable barcodes."""

from __future__ import annotations

import zxingcpp

from drivers.camera import open_camera
from drivers.scenario import load_scenario
from drivers.simworld import reset_worlds, world_for


def test_imei_screen_barcodes_decode_to_the_on_screen_imeis():
    reset_worlds()
    scenario = load_scenario("imei-mismatch")
    world = world_for(scenario)
    world.screen = "imei"
    world.set_lights(top=20)
    frame = open_camera("sim://imei-mismatch?seed=5").read()
    decoded = sorted(r.text for r in zxingcpp.read_barcodes(frame))
    assert decoded == sorted(scenario.imeis_on_screen)
    assert scenario.imeis_on_screen != scenario.imeis     # the scenario's point: the screen disagrees
    reset_worlds()
