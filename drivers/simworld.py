"""The physical state the simulators share, so one scenario behaves as one phone in one rig.

The rig simulator writes the lights, port power and tray state; the phone simulator writes what
the phone's screen shows (a test pattern, the *#06# screen, or the home screen); the operator (or
the demo's simulated operator) sets which face the camera sees. The camera simulator renders
from this state. One world per scenario name per process (`world_for`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from drivers.scenario import Scenario, load_scenario

FACES = ("front", "back", "left", "right", "top", "bottom")
LIGHTS = ("top", "n", "e", "s", "w")
# The simulated rig's geometry, one number for both simulators: the top camera's scale at the tray
# plane for its full 12 MP frame (3000 px across). The rig sim reports it as its factory
# calibration (CAL mm_per_px); the camera sim renders every frame at it, so what the workflow
# tells the graders (the rig's calibration) is what the pixels really are.
TOP_CAMERA_MM_PER_PX = 0.05
TOP_CAMERA_WIDTH_PX = 3000


@dataclass
class SimWorld:
    scenario: Scenario
    lights: dict[str, int] = field(default_factory=lambda: {name: 0 for name in LIGHTS})
    screen: str | None = "home"     # 'white','black','red','green','blue','gray','off','imei','home'
    pose: str = "front"            # the face the top-down camera sees
    phone_present: bool = True
    lid_closed: bool = True
    port_power: bool = False
    phone_cable: bool = True       # the phone's USB cable is in: the phone sim answers ADB only then
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _cable_pulls: set = field(default_factory=set, repr=False)

    def pull_phone_cable_once(self, reason: str) -> bool:
        """Pull the phone's cable unless `reason` already pulled it once in this world (a step
        re-run after the replug must not pull it again). True when it was pulled now."""
        with self.lock:
            if reason in self._cable_pulls:
                return False
            self._cable_pulls.add(reason)
            self.phone_cable = False
            return True

    def set_lights(self, **levels: int) -> None:
        with self.lock:
            for name, level in levels.items():
                if name not in LIGHTS:
                    raise ValueError(f"unknown light {name!r}; lights are {', '.join(LIGHTS)}")
                self.lights[name] = max(0, min(100, int(level)))

    def set_pose(self, face: str) -> None:
        if face not in FACES:
            raise ValueError(f"unknown face {face!r}; faces are {', '.join(FACES)}")
        with self.lock:
            self.pose = face


_worlds: dict[str, SimWorld] = {}
_worlds_lock = threading.Lock()


def world_for(scenario: str | Scenario | None = None) -> SimWorld:
    """The shared world for a scenario (created on first use)."""
    scen = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    with _worlds_lock:
        world = _worlds.get(scen.name)
        if world is None:
            world = _worlds[scen.name] = SimWorld(scenario=scen)
        return world


def reset_worlds() -> None:
    """Forget all worlds (tests)."""
    with _worlds_lock:
        _worlds.clear()
