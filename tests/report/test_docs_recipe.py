"""The docs' "verify without this software" shell recipe really verifies (and rejects) a report."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from station.report import default_keyring

DOC = Path(__file__).resolve().parents[2] / "docs" / "report-warranty.md"


def _recipe() -> str:
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"Verify without this software:\s*```sh\n(.*?)```", text, re.S).group(1)
    return "\n".join(line for line in block.splitlines() if not line.startswith("#"))


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI not installed")
def test_documented_openssl_recipe(token, tmp_path):
    (tmp_path / "station.pem").write_text(default_keyring().export("pem"))
    (tmp_path / "report.jws").write_text(token + "\n")
    ok = subprocess.run(["bash", "-c", "set -e\n" + _recipe()], cwd=tmp_path, capture_output=True, text=True)
    assert ok.returncode == 0 and "Signature Verified Successfully" in ok.stdout, ok.stdout + ok.stderr
    header, payload, sig = token.split(".")
    (tmp_path / "report.jws").write_text(f"{header}.{payload[:-1]}{'A' if payload[-1] != 'A' else 'Q'}.{sig}\n")
    bad = subprocess.run(["bash", "-c", "set -e\n" + _recipe()], cwd=tmp_path, capture_output=True, text=True)
    assert bad.returncode != 0
