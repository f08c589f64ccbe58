"""Bad frame sets get errors that name the file and say what to do — and no grade."""

from __future__ import annotations

import json
import shutil

import cv2
import numpy as np
import pytest

from station.grading.screen import FrameSetError, grade_screen_frameset


def _manifest(folder):
    return json.loads((folder / "manifest.json").read_text())


def test_valid_set_grades(frameset_dir, shared_case):
    case, _ = shared_case
    result = grade_screen_frameset(frameset_dir)
    assert result["grade"] == "B"
    (d,) = result["defects"]
    truth = case.defects[0]
    assert d["kind"] == "dead_pixel" and abs(d["x"] - truth["x"]) <= 1 and abs(d["y"] - truth["y"]) <= 1
    assert result["patterns"] == {n: n for n in result["patterns"]}


def test_missing_manifest(tmp_path):
    with pytest.raises(FrameSetError, match="manifest.json is missing"):
        grade_screen_frameset(tmp_path)


def test_manifest_not_json(frameset_dir):
    (frameset_dir / "manifest.json").write_text("{nope")
    with pytest.raises(FrameSetError, match="not valid JSON"):
        grade_screen_frameset(frameset_dir)


def test_wrong_format(frameset_dir):
    m = _manifest(frameset_dir)
    m["format"] = "frameset/9"
    (frameset_dir / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(FrameSetError, match="frameset/9"):
        grade_screen_frameset(frameset_dir)


def test_missing_frame_entry_and_file(frameset_dir):
    m = _manifest(frameset_dir)
    del m["frames"]["blue"]
    (frameset_dir / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(FrameSetError, match="lacks frame.*blue"):
        grade_screen_frameset(frameset_dir)


def test_missing_frame_file_is_named(frameset_dir):
    (frameset_dir / "gray.png").unlink()
    with pytest.raises(FrameSetError, match="gray.png is missing") as exc:
        grade_screen_frameset(frameset_dir)
    assert "recapture" in exc.value.hint


def test_corrupt_frame_is_named(frameset_dir):
    data = (frameset_dir / "red.png").read_bytes()
    (frameset_dir / "red.png").write_bytes(data[:200])
    with pytest.raises(FrameSetError, match="red.png is not a readable PNG"):
        grade_screen_frameset(frameset_dir)


def test_frame_of_another_size_is_named(frameset_dir):
    img = cv2.imread(str(frameset_dir / "green.png"))
    cv2.imwrite(str(frameset_dir / "green.png"), img[:-10])
    with pytest.raises(FrameSetError, match="green.png"):
        grade_screen_frameset(frameset_dir)


def test_swapped_patterns_are_caught(frameset_dir):
    shutil.copy(frameset_dir / "green.png", frameset_dir / "red.png")
    with pytest.raises(FrameSetError, match=r"red\.png\) shows the green pattern, not red"):
        grade_screen_frameset(frameset_dir)


def test_order_does_not_matter_only_the_names(frameset_dir):
    # Files renamed consistently in the manifest: the grade is the same.
    m = _manifest(frameset_dir)
    for name in list(m["frames"]):
        (frameset_dir / m["frames"][name]).rename(frameset_dir / f"shot-{len(name)}-{name[::-1]}.png")
        m["frames"][name] = f"shot-{len(name)}-{name[::-1]}.png"
    m["frames"] = dict(reversed(list(m["frames"].items())))
    (frameset_dir / "manifest.json").write_text(json.dumps(m))
    assert grade_screen_frameset(frameset_dir)["grade"] == "B"


def test_black_and_off_told_apart_by_the_light(frameset_dir):
    shutil.copy(frameset_dir / "off.png", frameset_dir / "black.png")
    with pytest.raises(FrameSetError, match="shows the off pattern, not black") as exc:
        grade_screen_frameset(frameset_dir)
    assert "raking" in exc.value.hint


def test_lit_frame_without_phone_is_named(frameset_dir):
    img = cv2.imread(str(frameset_dir / "white.png"))
    tray = np.full_like(img, int(np.median(img[:20])))
    cv2.imwrite(str(frameset_dir / "white.png"), tray)
    with pytest.raises(FrameSetError, match=r"no lit phone screen found in frame 'white' \(.*white.png\)"):
        grade_screen_frameset(frameset_dir)


def test_off_frame_without_phone_is_named(frameset_dir):
    img = cv2.imread(str(frameset_dir / "off.png"))
    tray = np.full_like(img, int(np.median(img[:, :20])))
    cv2.imwrite(str(frameset_dir / "off.png"), tray)
    with pytest.raises(FrameSetError, match=r"off\.png"):
        grade_screen_frameset(frameset_dir)


def test_phone_moved_between_frames_is_caught(frameset_dir):
    img = cv2.imread(str(frameset_dir / "blue.png"))
    shifted = np.roll(img, 60, axis=1)
    cv2.imwrite(str(frameset_dir / "blue.png"), shifted)
    with pytest.raises(FrameSetError, match=r"blue\.png.*do not belong together"):
        grade_screen_frameset(frameset_dir)


def test_in_memory_frames_need_display(shared_case):
    _, frames = shared_case
    with pytest.raises(FrameSetError, match="display"):
        grade_screen_frameset(frames)
    partial = {k: v for k, v in frames.items() if k != "off"}
    with pytest.raises(FrameSetError, match="lacks off"):
        grade_screen_frameset(partial, display=(360, 780))
