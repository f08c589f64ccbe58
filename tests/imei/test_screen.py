"""Reading IMEIs from photos of the *#06# screen: generated photos with known IMEIs, then the
whole chain — phone sim dials *#06#, camera sim photographs it, barcodes are decoded."""

from __future__ import annotations

import json
import subprocess
import sys

import cv2
import numpy as np
import pytest
import zxingcpp

from station.imei import add_check_digit, cross_check
from station.imei.screen import imeis_from_texts, read_imeis_from_image


def random_imeis(rng: np.random.Generator, count: int) -> list[str]:
    return [add_check_digit("35" + "".join(str(d) for d in rng.integers(0, 10, 12))) for _ in range(count)]


def photo_of_imei_screen(imeis: list[str], seed: int) -> np.ndarray:
    """A grey photo: white screen with Code 128 barcodes, rotated a few degrees, blurred, noisy."""
    rng = np.random.default_rng(seed)
    screen = np.full((1400, 900), 255, np.uint8)
    y = 200
    for imei in imeis:
        code = np.asarray(zxingcpp.create_barcode(imei, zxingcpp.BarcodeFormat.Code128).to_image(scale=3))
        code = cv2.resize(code, (700, 160), interpolation=cv2.INTER_NEAREST)
        screen[y:y + 160, 100:800] = code
        cv2.putText(screen, imei, (120, y + 220), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 0, 3)
        y += 420
    photo = np.full((1800, 1400), int(rng.integers(20, 60)), np.uint8)
    photo[200:1600, 250:1150] = screen
    angle = float(rng.uniform(-6, 6))
    matrix = cv2.getRotationMatrix2D((700, 900), angle, 1.0)
    photo = cv2.warpAffine(photo, matrix, (1400, 1800), borderValue=30)
    photo = cv2.GaussianBlur(photo, (3, 3), 0.8)
    noise = rng.normal(0, 6, photo.shape)
    return np.clip(photo.astype(np.float32) + noise, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("seed", range(8))
def test_generated_photos_give_back_their_imeis(seed):
    rng = np.random.default_rng(1000 + seed)
    imeis = random_imeis(rng, 1 + seed % 2)
    result = read_imeis_from_image(photo_of_imei_screen(imeis, seed))
    assert result["imeis"] == imeis


def test_texts_filter_keeps_only_valid_imeis():
    assert imeis_from_texts(["357537080123458", "357537080123459", "hello", "3575370801234501",
                             "357537080123458"]) == ["357537080123458"]


def test_cli_read(tmp_path):
    path = tmp_path / "imei.png"
    cv2.imwrite(str(path), photo_of_imei_screen(["357537080123458"], 3))
    proc = subprocess.run([sys.executable, "-m", "station", "imei", "read", str(path), "--json"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["imeis"] == ["357537080123458"] and doc["numbers"][0]["tac_entry"]["model"] == "Pixel 2"


def test_cli_read_blank_photo_is_a_negative_verdict(tmp_path):
    path = tmp_path / "blank.png"
    cv2.imwrite(str(path), np.full((300, 300), 255, np.uint8))
    proc = subprocess.run([sys.executable, "-m", "station", "imei", "read", str(path), "--json"],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "*#06#" in json.loads(proc.stdout)["error"]["hint"]


@pytest.mark.parametrize("scenario, verdict", [("default", "pass"), ("imei-mismatch", "fail")])
def test_phone_sim_dials_star_hash_06_and_camera_sim_photographs_it(scenario, verdict):
    camera_module = pytest.importorskip("drivers.camera")
    from drivers.phone import open_phone
    from drivers.scenario import load_scenario
    from drivers.simworld import reset_worlds, world_for
    from station.phone import read_facts

    reset_worlds()
    truth = load_scenario(scenario)
    with open_phone(f"sim://{scenario}") as phone:
        facts = read_facts(phone)
        code, _, err = phone.shell_v2("am start -a android.intent.action.DIAL -d 'tel:*%2306%23'")
        assert code == 0, err
    assert world_for(scenario).screen == "imei"
    camera = camera_module.open_camera(f"sim://{scenario}")
    try:
        frame = camera.read()
    finally:
        camera.close()
    screen = read_imeis_from_image(frame)
    assert screen["imeis"] == truth.imeis_on_screen
    result = cross_check(facts.imeis, screen["imeis"], brand=facts.brand, model=facts.model)
    assert result["verdict"] == verdict == truth.expected["imei"]


def test_a_qr_code_imei_is_found_by_the_thorough_pass():
    code = np.asarray(zxingcpp.create_barcode("357537080123458", zxingcpp.BarcodeFormat.QRCode).to_image(scale=8))
    photo = np.full((900, 900), 255, np.uint8)
    photo[200:200 + code.shape[0], 200:200 + code.shape[1]] = code
    assert read_imeis_from_image(photo)["imeis"] == ["357537080123458"]


def test_bgr_photos_are_accepted():
    gray = photo_of_imei_screen(["357537080123458"], 5)
    assert read_imeis_from_image(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR))["imeis"] == ["357537080123458"]
