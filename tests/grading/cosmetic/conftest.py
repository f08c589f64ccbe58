"""Shared generated material for the cosmetic tests (rendered once per session)."""

from __future__ import annotations

import pytest

from tests.grading.cosmetic.generator import make_case, render_case, write_frameset


@pytest.fixture(scope="session")
def case_folder(tmp_path_factory):
    """A frameset/1 folder for one generated phone (a scuff and five light scratches: grade C)."""
    case = make_case(1018)
    folder = write_frameset(tmp_path_factory.mktemp("cosmetic") / "set", render_case(case, mm_per_px=0.1), 0.1, case.truth)
    return folder, case
