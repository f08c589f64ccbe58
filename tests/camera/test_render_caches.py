"""The camera simulator's caches and fast paths change its cost, never what a frame shows:

* sensor noise done in cache-sized passes equals the whole-frame formula, bank wrap-around included;
* a frame rendered with warm caches (after other world states) equals the same state rendered cold,
  so no cache hands out a frame of another screen, light, pose or seed;
* a body photo is the same whether its face's placement was cached or not.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from drivers.camera import bands, body_render, face_store, optics, sensor
from drivers.camera.sim import default_camera, render_world_frame
from drivers.scenario import load_scenario

SMALL = {"size": "600x800"}           # 0.25 mm/px: same code paths, 1/25 of the pixels
OFF = {"top": 0, "n": 0, "e": 0, "s": 0, "w": 0}


def _clear_render_caches() -> None:
    for fn in (optics._lit_scene, optics._front_reflectance, optics._moire_cached, optics._emission_gain,
               optics._vignette_cached, body_render._tray_full, body_render._vignette_full,
               body_render._background_small):
        fn.cache_clear()
    face_store.clear()


def _shot(scenario, screen, pose, lights, seed=0, count=1, opts=SMALL):
    cam = default_camera(scenario, dict(opts))
    rng = np.random.default_rng([seed, count])
    return render_world_frame(scenario, cam, screen, pose, True, {**OFF, **lights}, rng, seed)


@pytest.mark.parametrize("shape, offset", [((800, 600, 3), 17), ((900, 700, 3), sensor.NOISE_BANK - 5),
                                          ((5, 7), 3), ((1500, 1000, 3), sensor.NOISE_BANK // 2)])
def test_noise_in_passes_equals_the_whole_frame_formula(shape, offset):
    cam = optics.CameraModel(size=(shape[1], shape[0]))
    radiance = np.random.default_rng(1).uniform(0, 300, shape).astype(np.float32)
    n = radiance.size
    bank = sensor._noise_bank()
    noise = np.tile(bank, -(-(n + offset) // sensor.NOISE_BANK))[offset:offset + n].reshape(shape)
    sigma = np.sqrt(radiance * np.float32(cam.shot_noise) + np.float32(cam.read_noise ** 2))
    expected = cv2.convertScaleAbs(radiance + sigma * noise)
    got = sensor.noisy_uint8(cam, radiance.copy(), offset)
    assert got.dtype == np.uint8 and got.shape == shape
    assert np.array_equal(got, expected)


def test_each_frame_still_gets_fresh_noise():
    scenario = load_scenario("default")
    a = _shot(scenario, "gray", "front", {"top": 10}, count=1)
    b = _shot(scenario, "gray", "front", {"top": 10}, count=2)
    diff = np.abs(a.astype(int) - b)
    assert diff.mean() > 0.5          # independent noise on every pixel, not one pattern reused


@pytest.mark.parametrize("state", [
    ("white", "front", {"top": 10}), ("red", "front", {"top": 10}), ("imei", "front", {"top": 20}),
    ("off", "front", {"n": 70, "w": 70}), ("off", "back", {"e": 100}), ("off", "left", {"top": 100}),
    ("off", "front", {"s": 100}),
])
def test_a_warm_cache_gives_the_frame_a_cold_one_gives(state):
    scenario = load_scenario("cracked-screen")      # screen and body defects in every frame
    _clear_render_caches()
    cold = _shot(scenario, *state)
    # Warm every cache with other states of the world, then shoot the same state again.
    for other in (("black", "front", {"top": 10}), ("off", "back", {"n": 100}),
                  ("off", "left", {"w": 100}), ("green", "front", {"top": 10}),
                  ("off", "front", {"n": 100, "e": 100})):
        _shot(scenario, *other)
    warm = _shot(scenario, *state)
    assert np.array_equal(warm, cold)


def test_frames_differ_when_only_the_screen_or_the_light_changes():
    scenario = load_scenario("default")
    white = _shot(scenario, "white", "front", {"top": 10})
    red = _shot(scenario, "red", "front", {"top": 10})
    assert np.abs(white.astype(int) - red).mean() > 5
    north = _shot(scenario, "off", "back", {"n": 100})
    east = _shot(scenario, "off", "back", {"e": 100})
    assert np.abs(north.astype(int) - east).mean() > 2


def test_a_face_placement_belongs_to_its_seed():
    scenario = load_scenario("default")
    layers = body_render.face_layers(scenario, "back", mm_per_px=0.25)
    a = body_render.render_with_layers(layers, "back", "top", seed=0)
    b = body_render.render_with_layers(layers, "back", "top", seed=1)       # same layers, other pose
    fresh = body_render.render_with_layers(body_render.face_layers(scenario, "back", mm_per_px=0.25),
                                           "back", "top", seed=1)
    assert set(layers.views) == {("basis", "back", 0), ("basis", "back", 1)}
    assert np.array_equal(b, fresh)
    assert not np.array_equal(a, b)


def test_emission_gain_is_cached_per_camera_geometry_not_exposure():
    cam = default_camera(load_scenario("default"), dict(SMALL))
    roi = (10, 20, 110, 220)
    g1 = optics._emission_gain(replace(cam, gain=1.0), 1.5, roi)
    g2 = optics._emission_gain(replace(cam, gain=1.0, rotation_deg=3.0), 1.5, roi)
    assert g1.shape == (200, 100, 3) and not g1.flags.writeable
    assert not np.array_equal(g1, g2)      # the moiré follows the phone's rotation


def test_a_grabbed_frame_shows_the_world_at_exposure_even_when_developed_later():
    from drivers.camera.sim import SimCamera
    from drivers.simworld import SimWorld

    scenario = load_scenario("default")
    world = SimWorld(scenario=scenario)
    world.screen, world.lights = "red", {**OFF, "top": 10}
    cam = SimCamera("sim://default?size=600x800", world=world)
    grabbed = cam.grab()
    world.screen, world.lights = "white", {**OFF, "n": 100}       # the rig moves on at once
    world.set_pose("back")
    late = grabbed.retrieve()
    assert grabbed.retrieve() is late                                   # developed once
    same_moment = SimWorld(scenario=scenario)
    same_moment.screen, same_moment.lights = "red", {**OFF, "top": 10}
    now = SimCamera("sim://default?size=600x800", world=same_moment).read()   # first frame, same seed
    assert np.array_equal(late, now)
    assert grabbed.state == {"screen": "red", "pose": "front", "present": True, "lights": {**OFF, "top": 10}}


@pytest.mark.parametrize("scenario_name, face", [("default", "back"), ("cracked-screen", "back"),
                                                 ("default", "right"), ("cracked-screen", "front"),
                                                 ("worn-battery", "top")])
def test_composed_body_photos_match_the_straightforward_render(scenario_name, face):
    """Warped basis planes vs shading the face and warping it: the same frame except where the
    0..255 clip falls inside one interpolation footprint (steep relief: buttons, dents)."""
    scenario = load_scenario(scenario_name)
    layers = body_render.face_layers(scenario, face, mm_per_px=0.1)
    for light in body_render.LIGHTS:
        composed = body_render.render_with_layers(layers, face, light, seed=3)
        reference = body_render.render_reference(layers, face, light, seed=3)
        diff = np.abs(composed.astype(int) - reference)
        assert diff.max() <= 10, (light, diff.max())
        assert (diff > 1).mean() < 1e-3, (light, (diff > 1).mean())
        assert (diff > 0).mean() < 2e-3, (light, (diff > 0).mean())


def test_albedo_is_a_colour_times_one_grey_scale():
    """What the composition relies on: every albedo feature dims all channels alike."""
    from drivers.camera.body_compose import _albedo_scale

    for name in ("default", "cracked-screen"):
        scenario = load_scenario(name)
        for face in body_render.FACES:
            layers = body_render.face_layers(scenario, face, mm_per_px=0.2)
            scale, color = _albedo_scale(layers)
            rebuilt = scale[..., None] * np.float32(color)
            assert np.allclose(rebuilt, layers.albedo, rtol=1e-5, atol=1e-4), (name, face)


@pytest.mark.parametrize("state", [("white", "front", {"top": 10}), ("off", "front", {"n": 70, "w": 70}),
                                   ("off", "back", {"e": 100}), ("off", "top", {"s": 100})])
def test_a_frame_developed_in_two_halves_equals_one_developed_on_one_thread(state, monkeypatch):
    scenario = load_scenario("cracked-screen")
    monkeypatch.setattr(bands, "BAND_THREADS", 1)
    one = _shot(scenario, *state, opts={"size": "1200x1600"})
    monkeypatch.setattr(bands, "BAND_THREADS", 2)
    two = _shot(scenario, *state, opts={"size": "1200x1600"})
    assert np.array_equal(one, two)


def test_an_error_in_the_other_half_reaches_the_caller():
    done = []

    def second():
        raise RuntimeError("band failed")

    with pytest.raises(RuntimeError, match="band failed"):
        bands.in_two_halves(lambda: done.append("first"), second)
    assert done == ["first"]                   # the caller's half ran; the pool's error is not lost


def test_a_frame_developed_on_a_band_pool_thread_does_not_wait_on_its_own_pool():
    """A render started on the pool itself runs both halves there instead of deadlocking it."""
    scenario = load_scenario("default")
    futures = [bands.band_pool().submit(_shot, scenario, "white", "front", {"top": 10}, count=n)
               for n in (1, 2, 3)]                      # more renders than the pool has threads
    frames = [f.result(timeout=120) for f in futures]
    assert np.array_equal(frames[0], _shot(scenario, "white", "front", {"top": 10}, count=1))
