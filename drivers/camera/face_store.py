"""The camera simulator's prepared faces: each face's light-independent layers and warped basis
planes, built once per phone and kept while the camera photographs it.

Building a face (its layers, then its planes warped into the frame: `body_compose.face_basis`)
is most of a body photo's cost — 0.1–0.45 s for the back or front against ~20 ms per frame after
it. Built when the first frame of the face is developed, that cost lands in the middle of the
inspection, when the station's two cores are already grading and encoding. `prepare_faces` builds
them beforehand (the station calls the camera's `warm_up()` while the rig runs its self-test and
the CPU is idle); a frame of a face being prepared waits for that build instead of repeating it.

Faces are keyed on the scenario object (its geometry and defects), the scale and the seed — all
that determines their pixels. A prepared scenario keeps all six faces (~0.6 GB at 12 MP) until
`release` (the camera closes) or another scenario is prepared; faces built on demand for other
scenarios are kept for the two most recent only, as before.
"""

from __future__ import annotations

import threading

from drivers.camera.body_layers import FACES, FaceLayers, face_layers

ON_DEMAND_KEPT = 2           # faces kept for scenarios nobody prepared: the one being shot, the one before


class _Slot:
    """One face being built or built: later callers wait on `lock` for the first one's build."""

    def __init__(self, scenario, key: tuple) -> None:
        self.scenario, self.key = scenario, key
        self.lock = threading.Lock()
        self.layers: FaceLayers | None = None


_lock = threading.Lock()
_slots: list[_Slot] = []          # newest last
_pinned: object | None = None     # the prepared scenario: its faces are never evicted


def layers_for(scenario, face: str, mm_per_px: float, seed: int) -> FaceLayers:
    """The face's layers with its basis planes built (waits if another thread is building them)."""
    key = (face, float(mm_per_px), int(seed))
    with _lock:
        slot = next((s for s in _slots if s.scenario is scenario and s.key == key), None)
        if slot is None:
            slot = _Slot(scenario, key)
            _slots.append(slot)
            _evict()
    with slot.lock:
        if slot.layers is None:
            slot.layers = _build(scenario, face, float(mm_per_px), int(seed))
        return slot.layers


def _build(scenario, face: str, mm_per_px: float, seed: int) -> FaceLayers:
    from drivers.camera.body_compose import face_basis   # body_compose imports body_render, which imports us

    layers = face_layers(scenario, face, mm_per_px=mm_per_px, seed=seed)
    face_basis(layers, face, seed)        # cached on the layers: every frame of the face reads it
    return layers


def _evict() -> None:
    """Drop on-demand faces beyond the newest ON_DEMAND_KEPT (callers hold _lock)."""
    loose = [s for s in _slots if s.scenario is not _pinned]
    for slot in loose[:-ON_DEMAND_KEPT]:
        _slots.remove(slot)


def prepare_faces(scenario, mm_per_px: float, seed: int, faces=FACES, stop: threading.Event | None = None) -> int:
    """Build every face of `scenario` now and keep them (see module doc); the number built.
    `stop` set ends the preparation between faces (the camera closed). The frames' tray, vignetting
    and noise caches are filled too (kept for the process: they do not depend on the phone)."""
    global _pinned
    with _lock:
        _pinned = scenario
        _evict()                          # the previously prepared phone's faces become on-demand ones
    from drivers.camera.body_render import prepare_backgrounds   # body_render imports this module

    built = 0
    for face in faces:
        if stop is not None and stop.is_set():
            break
        layers = layers_for(scenario, face, mm_per_px, seed)
        built += 1
        prepare_backgrounds([layers.views[("basis", face, int(seed))].frame])
    return built


def release(scenario) -> None:
    """Forget the prepared faces of `scenario` (its camera closed); on-demand rules apply again."""
    global _pinned
    with _lock:
        if _pinned is scenario:
            _pinned = None
        _evict()


def clear() -> None:
    """Forget every face (tests)."""
    global _pinned
    with _lock:
        _slots.clear()
        _pinned = None


def kept() -> list[tuple]:
    """(scenario, face, mm_per_px, seed) of every face held (tests)."""
    with _lock:
        return [(s.scenario,) + s.key for s in _slots]
