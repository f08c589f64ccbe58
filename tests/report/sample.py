"""A complete inspection dict, generated (fixed seed) with valid Luhn IMEIs, for report tests."""

from __future__ import annotations

import hashlib
import random


def luhn_complete(body14: str) -> str:
    total = 0
    for index, ch in enumerate(reversed(body14)):
        digit = int(ch)
        if index % 2 == 0:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return body14 + str((10 - total % 10) % 10)


def make_imei(rng: random.Random, tac: str = "35693803") -> str:
    return luhn_complete(tac + "".join(rng.choice("0123456789") for _ in range(6)))


def make_inspection(seed: int = 1, *, imeis=None, serial=None) -> dict:
    rng = random.Random(seed)
    imeis = imeis or [make_imei(rng), make_imei(rng)]
    serial = serial or "SN" + "".join(rng.choice("0123456789ABCDEFGHJK") for _ in range(10))
    frames = ["white", "black", "red", "green", "blue", "gray", "off", "back"]
    return {
        "inspected_at": "2026-11-24T21:00:00Z",
        "phone": {"brand": "Xiaomi", "model": "Redmi Note 12", "device": "tapas", "serial": serial,
                  "imeis": imeis, "android_release": "14", "security_patch": "2026-10-01"},
        "battery": {"health_permille": rng.randint(800, 1000), "cycle_count": rng.randint(10, 900),
                    "source": "sysfs", "grade": "A"},
        "screen": {"grade": "B", "defects": [{"kind": "dead_pixel", "x": 512, "y": 1033, "w": 1, "h": 1}]},
        "cosmetic": {"grade": "B", "label_zh": "轻微划痕", "defects": [
            {"kind": "scratch", "x_um": 12500, "y_um": 40200, "length_um": 8300}]},
        "imei": {"verdict": "pass", "reasons": [], "sources": ["dumpsys", "screen_ocr"]},
        "overall": {"grade": "B", "rule": "overall = worst of battery, screen, cosmetic"},
        "evidence": [{"name": f"{f}.png", "sha256": hashlib.sha256(f"{seed}:{f}".encode()).hexdigest()}
                     for f in frames],
    }
