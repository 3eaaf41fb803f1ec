"""Settings: a documented TOML file read into frozen dataclasses.

Defaults live here in code; `config/briefing.toml` documents every key. A
wrong file never crashes the app: `load_settings` raises `ConfigError` naming
the file, the line (for syntax errors) and the key, and the caller decides
whether to stop (the CLI) or carry on with defaults (the TUI).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing.errors import ConfigError

__all__ = [
    "AnalysisSettings",
    "GeneralSettings",
    "NetworkSettings",
    "Settings",
    "config_path",
    "load_settings",
]

ENV_CONFIG = "BRIEFING_CONFIG"


@dataclass(frozen=True)
class GeneralSettings:
    """Where articles come from and how the reader starts."""

    seeds: tuple[str, ...] = ("seeds",)
    refresh_on_start: bool = True
    group_stories: bool = True
    retention_days: int = 0  # 0 keeps everything; read/dismissed older than N days expire


@dataclass(frozen=True)
class AnalysisSettings:
    """How articles are summarised."""

    summary_sentences: int = 3
    # "briefing" (position, centrality, headline and shape blended), or sumy's "lexrank" /
    # "textrank" alone, or "lead" (the first sentences); see briefing.analysis.summary.
    summary_method: str = "briefing"


@dataclass(frozen=True)
class NetworkSettings:
    """How politely and how hard feeds are fetched."""

    concurrency: int = 16
    per_host: int = 4
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    feed_deadline: float = 60.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    user_agent: str = "Briefing/0.1 (terminal news reader)"


@dataclass(frozen=True)
class Settings:
    """All settings; `path` is the file they came from, if any."""

    general: GeneralSettings = field(default_factory=GeneralSettings)
    analysis: AnalysisSettings = field(default_factory=AnalysisSettings)
    network: NetworkSettings = field(default_factory=NetworkSettings)
    keys: dict[str, str] = field(default_factory=dict)
    path: Path | None = None


_SECTIONS: dict[str, type[Any]] = {
    "general": GeneralSettings,
    "analysis": AnalysisSettings,
    "network": NetworkSettings,
}

_MINIMUM: dict[str, float] = {
    "summary_sentences": 1,
    "concurrency": 1,
    "per_host": 1,
    "connect_timeout": 0.1,
    "read_timeout": 0.1,
    "feed_deadline": 0.1,
    "max_bytes": 1024,
    "max_redirects": 0,
    "retention_days": 0,
}


# Kept in step with briefing.analysis.summary.SUMMARY_METHODS (a test checks).
_CHOICES: dict[str, tuple[str, ...]] = {
    "summary_method": ("briefing", "lexrank", "textrank", "lead"),
}


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The settings file to read: `--config`, then $BRIEFING_CONFIG, then the user's config dir."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_CONFIG)
    if env:
        return Path(env).expanduser()
    from briefing.locations import config_dir

    return config_dir() / "briefing.toml"


def _check_value(where: str, key: str, value: Any, default: Any) -> Any:
    expected = type(default)
    if isinstance(default, tuple):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: '{key}' must be a list of strings")
        return tuple(value)
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if type(value) is not expected:
        raise ConfigError(
            f"{where}: '{key}' must be {expected.__name__}, not {type(value).__name__} ({value!r})"
        )
    choices = _CHOICES.get(key)
    if choices is not None and value not in choices:
        raise ConfigError(f"{where}: '{key}' must be one of {', '.join(choices)}, not {value!r}")
    minimum = _MINIMUM.get(key)
    if minimum is not None and value < minimum:
        raise ConfigError(f"{where}: '{key}' must be at least {minimum}, not {value!r}")
    return value


def _section(where: str, cls: type[Any], data: Any) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: must be a table")
    defaults = cls()
    known = {f.name for f in dataclasses.fields(cls)}
    values = {}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown key '{key}' (known: {', '.join(sorted(known))})")
        values[key] = _check_value(f"{where}.{key}", key, value, getattr(defaults, key))
    return dataclasses.replace(defaults, **values)


def parse_settings(text: str, path: Path) -> Settings:
    """Validate TOML `text` read from `path` into `Settings`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    values: dict[str, Any] = {"path": path}
    for key, value in data.items():
        if key in _SECTIONS:
            values[key] = _section(f"{path} [{key}]", _SECTIONS[key], value)
        elif key == "keys":
            if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()
            ):
                raise ConfigError(f'{path} [keys]: each entry must be action = "key,key"')
            values["keys"] = dict(value)
        else:
            known = ", ".join([*_SECTIONS, "keys"])
            raise ConfigError(f"{path}: unknown section or key '{key}' (known: {known})")
    return Settings(**values)


def load_settings(explicit: str | os.PathLike[str] | None = None) -> Settings:
    """Read the settings file; a missing default file means all defaults."""
    path = config_path(explicit)
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        if explicit or os.environ.get(ENV_CONFIG):
            raise ConfigError(f"{path}: settings file not found") from exc
        return Settings()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    return parse_settings(text, path)
