"""The app's own settings (device URLs, station name, language), kept under STATION_HOME.

Stored with QSettings in INI format at `$STATION_HOME/app.ini`, so tests and tools that point
STATION_HOME at a temporary folder never touch the user's real settings.
"""

from __future__ import annotations

from dataclasses import asdict, fields

from PySide6.QtCore import QSettings

from station.home import station_home
from ui.app_settings import SIM_SCENARIO, AppSettings

__all__ = ["SIM_SCENARIO", "AppSettings", "load_settings", "save_settings", "settings_path"]


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
