"""`sim://SCENARIO`: a camera that photographs the simulated phone in the shared world.

Each `read()` renders what the rig's top-down camera would see right now: the scenario's phone on
the tray (or the empty tray), under the lights the rig simulator set, showing whatever the phone
simulator put on its screen, with the scenario's screen defects, through `optics.CameraModel`.
A body photo — a face other than the front, or the front with the screen off under exactly one
light (how the cosmetic step shoots) — is drawn by the cosmetic renderer
`drivers.camera.body_render.render_face`; without it, a plain silhouette. The screen's `off` shot
uses two raking lights at once (`drivers.camera.frameset.lights_for`) and is drawn here, with
screen cracks glowing.

URL options: ``sim://NAME?seed=N&size=WxH&rotation=DEG&glare=AMP&drift=FRAC`` (NAME may be a
path to a scenario .json, e.g. ``sim:///tmp/phone.json``).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import numpy as np

from drivers.camera import face_store, optics, sensor
from drivers.camera.errors import CameraError
from drivers.camera.screen_content import crack_mask, render_screen
from drivers.scenario import Scenario, load_scenario
from drivers.simworld import FACES, TOP_CAMERA_MM_PER_PX, TOP_CAMERA_WIDTH_PX, SimWorld, world_for

log = logging.getLogger(__name__)

PREVIEW_SIZE = (1440, 1920)


def parse_sim_url(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    name = parts.netloc + parts.path
    if not name.endswith(".json"):          # a scenario name; a .json path is kept as given
        name = name.strip("/")
    name = name or "default"
    opts = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    return name, opts


def default_camera(scenario: Scenario, opts: dict[str, str] | None = None) -> optics.CameraModel:
    """The rig's camera for a scenario: 12 MP portrait at the rig's calibrated scale, mild nuisances."""
    opts = opts or {}
    try:
        size = tuple(int(v) for v in opts.get("size", "3000x4000").lower().split("x"))
        if len(size) != 2 or min(size) <= 0:
            raise ValueError(f"size must be WIDTHxHEIGHT in pixels, got {opts['size']!r}")
        cam = optics.CameraModel(
            size=size,  # type: ignore[arg-type]
            mm_per_px=rig_mm_per_px(size),  # type: ignore[arg-type]
            rotation_deg=float(opts.get("rotation", 1.5)),
            perspective=(0.01, -0.015),
            glare=(0.7, 0.25, 0.3, float(opts.get("glare", 0.03))),
            moire=float(opts.get("moire", 0.05)),
            display_corner_px=float(opts.get("corner", 0)),
        )
    except ValueError as exc:
        raise CameraError(f"bad sim camera option in {opts}: {exc}",
                          "use sim://NAME?seed=1&size=3000x4000&rotation=1.5&glare=0.03") from exc
    return replace(cam, extra={"drift": float(opts.get("drift", 0.04))})


def rig_mm_per_px(size: tuple[int, int]) -> float:
    """The simulated rig's top-camera scale for a frame `size` wide: the rig sim's factory
    calibration is for the 12 MP frame, a smaller `?size=` sees the same tray with fewer pixels.
    Fixed, as on a real rig (the camera does not zoom to the phone), so it matches what
    `rig.calibration()` reports and the workflow writes into the cosmetic manifest."""
    return TOP_CAMERA_MM_PER_PX * TOP_CAMERA_WIDTH_PX / size[0]


class SimCamera:
    """Frame source rendering the shared simulated world (thread-safe; one frame at a time)."""

    def __init__(self, url: str = "sim://default", world: SimWorld | None = None,
                 camera: optics.CameraModel | None = None) -> None:
        name, opts = parse_sim_url(url)
        self.url = url
        self.world = world or world_for(load_scenario(name))
        self.camera = camera or default_camera(self.world.scenario, opts)
        self.seed = int(opts.get("seed", 0))
        self._count = 0
        self._lock = threading.Lock()
        self._closed = threading.Event()        # set by close(): also ends a warm-up between faces

    @property
    def frame_size(self) -> tuple[int, int]:
        return self.camera.size

    def read(self) -> np.ndarray:
        """A full-resolution (12 MP) frame of the rig right now."""
        return self.grab().retrieve()

    def grab(self) -> "GrabbedFrame":
        """Expose a full-resolution frame now; develop (render) it later with `.retrieve()`.

        Like OpenCV's grab/retrieve split: the exposure latches what the rig shows at this moment
        (lights, screen, pose, the frame's noise and exposure drift), so the world may change
        right after — the station sets the next light while this frame is still being rendered.
        """
        return self._grab(self.camera)

    def preview(self) -> np.ndarray:
        """A 1920-line preview frame (rendered directly at that size)."""
        w, h = self.camera.size
        size = PREVIEW_SIZE if h >= w else PREVIEW_SIZE[::-1]
        return self._grab(self.camera.scaled(size)).retrieve()

    def warm_up(self) -> None:
        """Prepare the phone's scene now, so frames later cost only their own work: every body
        face's layers and warped planes (drivers/camera/face_store.py) and, face up, the lit scene
        under each lighting of the frame set and the *#06# screen, and the panel's gain. Pure
        preparation — frames are the same with or without it (tested). The station calls it on a
        background thread while the rig self-tests; `close()` ends it between faces. A hardware
        camera has nothing to prepare."""
        from drivers.camera.frameset import face_up_lights

        scenario = self.world.scenario
        scene = {"body": scenario.body, "display": scenario.display}
        if not self._closed.is_set():
            # What the first face-up frame (the *#06# screen, which the IMEI step waits for) reads
            # comes first: its lit scene, the panel gain, the noise bank; then the patterns' scenes.
            first, *rest = face_up_lights()
            optics.prepare_front(self.camera, scene, [first])
            sensor.prepare_noise()
            optics.prepare_front(self.camera, scene, rest)
        # In the order the rig shows them (front first: the phone comes in face up).
        face_store.prepare_faces(scenario, self.camera.mm_per_px, self.seed, faces=FACES, stop=self._closed)
        if self._closed.is_set():         # closed while preparing: do not keep the faces pinned
            face_store.release(scenario)

    def close(self) -> None:
        self._closed.set()
        face_store.release(self.world.scenario)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _grab(self, cam: optics.CameraModel) -> "GrabbedFrame":
        if self._closed.is_set():
            raise CameraError(f"camera {self.url} is closed", "open it again with open_camera(url)")
        with self._lock:
            self._count += 1
            rng = np.random.default_rng([self.seed, self._count])
        drift = float(cam.extra.get("drift", 0.0))
        cam = replace(cam, gain=cam.gain * (1.0 + drift * float(rng.uniform(-1, 1))))
        with self.world.lock:
            lights = dict(self.world.lights)
            screen, pose, present = self.world.screen, self.world.pose, self.world.phone_present
        return GrabbedFrame(self.world.scenario, cam, screen, pose, present, lights, rng, self.seed)


class GrabbedFrame:
    """One exposure of the simulated world: the state it saw, rendered on `retrieve()` (once)."""

    def __init__(self, scenario: Scenario, cam: optics.CameraModel, screen: str | None, pose: str,
                 present: bool, lights: dict, rng: np.random.Generator, seed: int) -> None:
        self.state = {"screen": screen, "pose": pose, "present": present, "lights": dict(lights)}
        self._args = (scenario, cam, screen, pose, present, lights, rng, seed)
        self._frame: np.ndarray | None = None
        self._lock = threading.Lock()

    def retrieve(self) -> np.ndarray:
        """The frame (BGR uint8) of the state at exposure time; rendered on the first call."""
        with self._lock:
            if self._frame is None:
                self._frame = render_world_frame(*self._args)
                self._args = None          # type: ignore[assignment]  (free the generator)
            return self._frame


def render_world_frame(scenario: Scenario, cam: optics.CameraModel, screen: str | None, pose: str,
                       present: bool, lights: dict, rng: np.random.Generator, seed: int = 0) -> np.ndarray:
    """One photograph of the world state (pure function of its arguments)."""
    if not present:
        return optics.compose_front(cam, {}, None, None, lights, rng)
    scene = {"body": scenario.body, "display": scenario.display}
    if pose == "front":
        W, H = int(scenario.display["width"]), int(scenario.display["height"])
        emission = None
        if screen not in (None, "off"):
            emission = render_screen(screen, W, H, scenario.screen_defects, scenario.imeis_on_screen)
        cracks = [d for d in scenario.screen_defects if d.get("kind") == "crack"]
        crack = None
        if cracks:
            crack = np.zeros((H, W), np.float32)
            for d in cracks:
                crack = np.maximum(crack, crack_mask(d, W, H)[0])
        if emission is not None or not _single_light(lights):
            return optics.compose_front(cam, scene, emission, crack, lights, rng)
    return _body_photo(scenario, cam, pose, lights, seed)


def _single_light(lights: dict) -> bool:
    """One light on: the cosmetic grader's body photo (the screen's 'off' shot uses two)."""
    return sum(1 for k in ("top", "n", "e", "s", "w") if lights.get(k, 0) > 0) == 1


def _main_light(lights: dict) -> str:
    return max(("top", "n", "e", "s", "w"), key=lambda k: lights.get(k, 0))


def _body_photo(scenario: Scenario, cam: optics.CameraModel, face: str, lights: dict,
                seed: int) -> np.ndarray:
    """A face of the body under the current light: the cosmetic renderer's, else a silhouette."""
    try:
        from drivers.camera.body_render import render_face  # owned by the cosmetic engineer
    except ImportError:
        render_face = None
    rng = np.random.default_rng([seed, 99])
    if render_face is None:
        if face == "front":
            return optics.compose_front(cam, {"body": scenario.body, "display": scenario.display},
                                        None, None, lights, rng)
        return optics.compose_front(cam, {"body": _edge_body(scenario.body, face)}, None, None, lights, rng)
    # The cosmetic renderer draws the whole frame (tray, pose, noise); the same seed keeps the
    # phone's pose fixed across lights, as on a real rig.
    return np.asarray(render_face(scenario, face, _main_light(lights), mm_per_px=cam.mm_per_px, seed=seed))


def _edge_body(body: dict, face: str) -> dict:
    w, h, t = body["size_mm"]
    size = {"back": (w, h), "front": (w, h), "left": (t, h), "right": (t, h), "top": (w, t), "bottom": (w, t)}[face]
    return {**body, "size_mm": [size[0], size[1], t], "corner_radius_mm": min(body.get("corner_radius_mm", 6), min(size) / 2)}
