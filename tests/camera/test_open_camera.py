"""open_camera: every source kind gives BGR uint8 frames; bad sources get errors with hints."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from drivers.camera import CameraError, open_camera
from drivers.simworld import reset_worlds, world_for


@pytest.fixture(autouse=True)
def fresh_worlds():
    reset_worlds()
    yield
    reset_worlds()


def test_image_folder_replays_in_name_order_and_loops(tmp_path):
    for i, level in enumerate((10, 200)):
        cv2.imwrite(str(tmp_path / f"f{i}.png"), np.full((40, 30), level, np.uint8))
    cam = open_camera(str(tmp_path))
    levels = [int(cam.read()[0, 0, 0]) for _ in range(3)]
    assert levels == [10, 200, 10]
    frame = cam.read()
    assert frame.shape == (40, 30, 3) and frame.dtype == np.uint8
    cam.close()


def test_image_folder_with_corrupt_file_names_it(tmp_path):
    (tmp_path / "a.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    cam = open_camera(str(tmp_path))
    with pytest.raises(CameraError, match="a.png") as exc:
        cam.read()
    assert exc.value.hint


def test_empty_folder_and_missing_path_are_refused(tmp_path):
    with pytest.raises(CameraError, match="no images"):
        open_camera(str(tmp_path))
    with pytest.raises(CameraError, match="no camera") as exc:
        open_camera(str(tmp_path / "nope"))
    assert "sim://" in exc.value.hint


def test_video_file_plays_through_videocapture(tmp_path):
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 5, (64, 48))
    if not writer.isOpened():
        pytest.fail("this OpenCV build cannot write MJPG AVI; the test needs a video file")
    for level in (20, 120, 220):
        writer.write(np.full((48, 64, 3), level, np.uint8))
    writer.release()
    cam = open_camera(str(path))
    levels = [int(cam.read().mean()) for _ in range(3)]
    assert levels[0] < levels[1] < levels[2]
    with pytest.raises(CameraError, match="no frame"):
        cam.read()
    cam.close()


def test_missing_device_index_is_a_camera_error():
    with pytest.raises(CameraError, match="cannot open camera"):
        open_camera("57")


def test_sim_camera_follows_the_shared_world(tmp_path):
    cam = open_camera("sim://default?size=600x800&seed=3")
    world = world_for("default")
    world.set_lights(top=10)
    world.screen = "white"
    lit = cam.read()
    world.screen = "black"
    dark = cam.read()
    assert lit.shape == (800, 600, 3) and lit.dtype == np.uint8
    centre = (slice(350, 450), slice(250, 350))
    assert lit[centre].mean() > 150 > 20 > dark[centre].mean()
    world.phone_present = False
    world.screen = "white"
    empty = cam.read()
    assert abs(float(empty[centre].mean()) - float(empty[:40].mean())) < 8   # just tray
    assert cam.preview().shape[:2] == (1920, 1440)


def test_sim_camera_frames_are_twelve_megapixels_by_default():
    from drivers.camera.sim import default_camera
    from drivers.scenario import load_scenario

    cam = default_camera(load_scenario("default"))
    assert cam.size[0] * cam.size[1] == 12_000_000


def test_bad_sim_option_is_explained():
    with pytest.raises(CameraError, match="bad sim camera option"):
        open_camera("sim://default?size=big")
