"""Any manifest.json content gets either a loaded set or a FrameSetError — never a crash."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station.grading.screen.frames import FrameSetError, load_frameset

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)
manifests = st.fixed_dictionaries({}, optional={
    "format": st.sampled_from(["frameset/1", "frameset/2"]) | json_values,
    "display": st.fixed_dictionaries({"width": json_values, "height": json_values}) | json_values,
    "frames": st.dictionaries(st.sampled_from(["white", "black", "red", "green", "blue", "gray", "off"]),
                              json_values, max_size=7) | json_values,
})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(manifest=manifests | json_values)
def test_arbitrary_manifest_is_an_error_not_a_crash(tmp_path, manifest):
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    try:
        load_frameset(tmp_path)
    except FrameSetError as exc:
        assert exc.message and exc.hint
    else:
        raise AssertionError("a manifest without frame files cannot load")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=64))
def test_arbitrary_bytes_as_manifest(tmp_path, raw):
    (tmp_path / "manifest.json").write_bytes(raw)
    try:
        load_frameset(tmp_path)
    except FrameSetError as exc:
        assert exc.hint
