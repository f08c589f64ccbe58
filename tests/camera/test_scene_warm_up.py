"""The camera simulator's warm-up (`SimCamera.warm_up`) prepares the phone's scene beforehand;
it changes when the work is done, never what a frame shows:

* every frame after a warm-up equals the same exposure rendered cold (screen patterns, the
  *#06# screen, body photos under each light);
* a warmed-up camera keeps all six faces until it closes, then only the on-demand two;
* a face asked for while another thread builds it is built once, not twice;
* closing the camera ends a warm-up between faces.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

from drivers.camera import body_render, face_store, optics, sensor
from drivers.camera.sim import SimCamera
from drivers.simworld import FACES, SimWorld
from drivers.scenario import load_scenario

URL = "sim://cracked-screen?size=600x800"       # screen and body defects; 1/25 of the pixels
OFF = {"top": 0, "n": 0, "e": 0, "s": 0, "w": 0}
STATES = [("white", "front", {"top": 10}), ("imei", "front", {"top": 20}), ("off", "front", {"n": 70, "w": 70}),
          ("off", "back", {"e": 100}), ("off", "front", {"s": 100}), (None, "left", {"top": 100}),
          (None, "bottom", {"w": 100})]


def _clear_caches() -> None:
    for fn in (optics._lit_scene, optics._front_reflectance, optics._moire_cached, optics._emission_gain):
        fn.cache_clear()
    face_store.clear()


def _frames(warm: bool) -> list[np.ndarray]:
    """The STATES shot in order by a fresh camera (same seed, so the same exposures)."""
    _clear_caches()
    world = SimWorld(scenario=load_scenario("cracked-screen"))
    camera = SimCamera(URL, world=world)
    if warm:
        camera.warm_up()
    frames = []
    for screen, pose, lights in STATES:
        world.screen, world.pose, world.lights = screen, pose, {**OFF, **lights}
        frames.append(camera.read())
    camera.close()
    return frames


def test_a_warmed_up_camera_gives_the_frames_a_cold_one_gives():
    cold, warm = _frames(False), _frames(True)
    for state, a, b in zip(STATES, cold, warm):
        assert np.array_equal(a, b), state


def test_warm_up_builds_every_face_and_keeps_them_until_close():
    _clear_caches()
    world = SimWorld(scenario=load_scenario("default"))
    camera = SimCamera("sim://default?size=600x800", world=world)
    camera.warm_up()
    kept = [entry for entry in face_store.kept() if entry[0] is world.scenario]
    assert sorted(entry[1] for entry in kept) == sorted(FACES)
    assert all(("basis", entry[1], camera.seed) in face_store.layers_for(*entry).views for entry in kept)
    # Shooting another phone meanwhile does not push the prepared faces out.
    other = load_scenario("worn-battery")
    for face in ("back", "front", "left"):
        body_render.render_face(other, face, "top", mm_per_px=camera.camera.mm_per_px)
    assert len([e for e in face_store.kept() if e[0] is world.scenario]) == len(FACES)
    camera.close()
    assert len(face_store.kept()) == face_store.ON_DEMAND_KEPT       # back to the on-demand pair


def test_a_face_wanted_while_it_is_being_built_is_built_once(monkeypatch):
    _clear_caches()
    scenario = load_scenario("default")
    started, release = threading.Event(), threading.Event()
    builds = []
    real = face_store.face_layers

    def slow_layers(*args, **kwargs):
        builds.append(args[1])
        started.set()
        assert release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(face_store, "face_layers", slow_layers)
    first = {}
    builder = threading.Thread(target=lambda: first.update(layers=face_store.layers_for(scenario, "back", 0.25, 0)))
    builder.start()
    assert started.wait(10)
    second = {}
    waiter = threading.Thread(target=lambda: second.update(layers=face_store.layers_for(scenario, "back", 0.25, 0)))
    waiter.start()
    waiter.join(0.2)
    assert waiter.is_alive()                  # waits for the build under way instead of starting its own
    release.set()
    builder.join(10)
    waiter.join(10)
    assert builds == ["back"]
    assert second["layers"] is first["layers"]


def test_closing_the_camera_ends_a_warm_up_between_faces(monkeypatch):
    _clear_caches()
    world = SimWorld(scenario=load_scenario("default"))
    camera = SimCamera("sim://default?size=600x800", world=world)
    real = face_store.face_layers
    built = []

    def layers_then_close(scenario, face, **kwargs):
        built.append(face)
        if len(built) == 2:
            camera.close()                    # the inspection ended while the camera warmed up
        return real(scenario, face, **kwargs)

    monkeypatch.setattr(face_store, "face_layers", layers_then_close)
    camera.warm_up()
    assert built == list(FACES[:2])
    assert len(face_store.kept()) <= face_store.ON_DEMAND_KEPT   # nothing left pinned


@pytest.mark.parametrize("face", ["back", "top"])
def test_a_prepared_face_renders_as_a_face_built_on_demand(face):
    scenario = load_scenario("cracked-screen")
    face_store.clear()
    on_demand = body_render.render_face(scenario, face, "n", mm_per_px=0.25, seed=2)
    face_store.clear()
    face_store.prepare_faces(scenario, 0.25, 2)
    prepared = body_render.render_face(scenario, face, "n", mm_per_px=0.25, seed=2)
    face_store.release(scenario)
    assert np.array_equal(on_demand, prepared)


def test_warm_up_also_fills_the_process_wide_caches_the_first_frames_read():
    _clear_caches()
    for fn in (sensor._noise_bank_twice, body_render._tray_full, body_render._noise_bank,
               body_render._vignette_full):
        fn.cache_clear()
    camera = SimCamera("sim://default?size=600x800", world=SimWorld(scenario=load_scenario("default")))
    camera.warm_up()
    try:
        assert sensor._noise_bank_twice.cache_info().currsize == 1
        sizes = {layers.views[("basis", face, camera.seed)].frame
                 for (_s, face, _m, _seed) in [e for e in face_store.kept()]
                 for layers in [face_store.layers_for(_s, face, _m, _seed)]}
        assert body_render._noise_bank.cache_info().currsize == len(sizes) >= 2   # face and edge frames
        assert body_render._tray_full.cache_info().currsize == len(sizes) * len(body_render.LIGHTS)
        before = body_render._tray_full.cache_info().misses
        world = camera.world
        world.screen, world.pose, world.lights = None, "left", {**OFF, "n": 100}
        camera.read()
        assert body_render._tray_full.cache_info().misses == before     # the first body photo hit
    finally:
        camera.close()


def test_after_the_warm_up_no_face_up_frame_lights_its_scene_itself():
    """The *#06# frame (the IMEI step waits for it) and the pattern frames read lit scenes the
    warm-up prepared: the first phone's IMEI step used to build its own (~0.3 s on the step thread)."""
    from drivers.camera.frameset import IMEI_LIGHTS, SCREEN_PATTERNS, lights_for

    _clear_caches()
    world = SimWorld(scenario=load_scenario("cracked-screen"))
    camera = SimCamera(URL, world=world)
    try:
        camera.warm_up()
        built = optics._lit_scene.cache_info().misses
        for screen, lights in [("imei", IMEI_LIGHTS)] + [(p, lights_for(p)) for p in SCREEN_PATTERNS]:
            world.screen, world.pose, world.lights = screen, "front", {**OFF, **lights}
            camera.read()
        assert optics._lit_scene.cache_info().misses == built
    finally:
        camera.close()
