"""The app's own settings (device URLs, station name, language), kept under STATION_HOME.

Stored with QSettings in INI format at `$STATION_HOME/app.ini`, so tests and tools that point
STATION_HOME at a temporary folder never touch the user's real settings.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from PySide6.QtCore import QSettings

from station.home import station_home

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


def settings_path():
    return station_home() / "app.ini"


def load_settings() -> AppSettings:
    qs = QSettings(str(settings_path()), QSettings.IniFormat)
    values = {}
    for f in fields(AppSettings):
        raw = qs.value(f.name)
        if raw is None:
            continue
        if f.type in ("bool", bool):
            values[f.name] = str(raw).lower() in ("1", "true", "yes")
        elif f.type in ("int", int):
            try:
                values[f.name] = int(raw)
            except (TypeError, ValueError):
                continue
        else:
            values[f.name] = str(raw)
    return AppSettings(**values)


def save_settings(settings: AppSettings) -> None:
    qs = QSettings(str(settings_path()), QSettings.IniFormat)
    for key, value in asdict(settings).items():
        qs.setValue(key, value)
    qs.sync()
