"""The app's settings as plain data (no Qt), shared by the GUI and its engine process."""

from __future__ import annotations

from dataclasses import dataclass

SIM_SCENARIO = "default"


@dataclass
class AppSettings:
    rig_url: str = ""
    phone_url: str = ""
    camera_url: str = ""
    station_name: str = ""
    language: str = "zh_CN"
    overlay_port: int = 8765
    first_run_done: bool = False

    @property
    def configured(self) -> bool:
        return bool(self.rig_url and self.phone_url and self.camera_url)

    @classmethod
    def simulator(cls, scenario: str = SIM_SCENARIO, **overrides) -> "AppSettings":
        """Every device on its simulator twin for `scenario` (fast rig timing for a snappy demo)."""
        base = cls(rig_url=f"rigsim://{scenario}?timing=fast", phone_url=f"sim://{scenario}",
                   camera_url=f"sim://{scenario}", station_name="SIM-STATION")
        for key, value in overrides.items():
            setattr(base, key, value)
        return base

    @property
    def scenario(self) -> str | None:
        """The simulator scenario the devices use, if they are all simulated."""
        if self.phone_url.startswith("sim://"):
            return self.phone_url[len("sim://"):] or SIM_SCENARIO
        return None
