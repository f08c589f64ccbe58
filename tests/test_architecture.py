"""The layers hold: ui -> station -> drivers, and Qt only in ui/ (import-linter contracts)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(lint), "--config", str(ROOT / "pyproject.toml")],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Contracts: 2 kept, 0 broken" in proc.stdout or "0 broken" in proc.stdout


def test_modules_stay_small():
    # One job per module: flag anything far past the ~500-line guideline.
    too_long = []
    for folder in ("station", "drivers", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            lines = path.read_text(encoding="utf-8").count("\n")
            if lines > 600:
                too_long.append(f"{path.relative_to(ROOT)}: {lines} lines")
    assert not too_long, too_long
