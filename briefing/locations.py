"""The one place that knows where Briefing keeps its files.

User settings and data follow the platform's conventions (platformdirs);
$BRIEFING_DATA_DIR moves the data (used by tests and benchmarks).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["config_dir", "data_dir", "database_path"]

APP = "briefing"


def config_dir() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP, appauthor=False)


def data_dir() -> Path:
    env = os.environ.get("BRIEFING_DATA_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP, appauthor=False)


def database_path() -> Path:
    return data_dir() / "briefing.db"
