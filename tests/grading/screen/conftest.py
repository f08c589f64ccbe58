"""One rendered frame set shared by the screen-grading tests that need a valid set to break."""

from __future__ import annotations

import shutil

import pytest

from drivers.camera.frameset import write_frameset
from tests.grading.screen.framegen import make_case

# A seed from neither the tuning nor the evaluation range: one dead pixel, rotated 9 degrees.
SHARED_SEED = 90_000


@pytest.fixture(scope="session")
def shared_case():
    case = make_case(SHARED_SEED, panel=(360, 780))
    return case, case.render()


@pytest.fixture(scope="session")
def shared_frameset(tmp_path_factory, shared_case):
    case, frames = shared_case
    return write_frameset(tmp_path_factory.mktemp("screen") / "set", frames,
                          {"width": case.display[0], "height": case.display[1]})


@pytest.fixture
def frameset_dir(tmp_path, shared_frameset):
    """A private copy of the shared set (tests break it in different ways)."""
    return shutil.copytree(shared_frameset, tmp_path / "set")
