"""Settings: a documented TOML file read into frozen dataclasses.

Defaults live here in code; `config/briefing.toml` documents every key. A
wrong file never crashes the app: `load_settings` raises `ConfigError` naming
the file, the line (for syntax errors) and the key, and the caller decides
whether to stop (the CLI) or carry on with defaults (the TUI).
"""

from __future__ import annotations

import dataclasses
import math
import os
import stat
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
    "MAX_FILE_BYTES",
    "MAX_RETENTION_DAYS",
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

# The largest settings file read: a settings file is a few kilobytes, and a wrong path
# (/dev/zero, a log file) must not be read to its end.
MAX_FILE_BYTES = 1_000_000
# 100 years: further back than any article, and well inside what dates can express.
MAX_RETENTION_DAYS = 36_500

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

# Upper bounds, documented in config/briefing.toml. Each fetcher holds a connection and a
# file descriptor, so thousands would exhaust the process's descriptors; a timeout of hours
# or a body of gigabytes is a typing mistake, not a policy.
_MAXIMUM: dict[str, float] = {
    "concurrency": 256,
    "per_host": 64,
    "connect_timeout": 3600,
    "read_timeout": 3600,
    "feed_deadline": 3600,
    "max_bytes": 1_000_000_000,
    "max_redirects": 20,
    "retention_days": MAX_RETENTION_DAYS,
}

# Sent as HTTP header values: printable ASCII only (httpx refuses other characters, and a
# CR or LF would end the header), and short.
_HEADER_VALUES = frozenset({"user_agent"})
_MAX_HEADER_VALUE = 256


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
    # nan passes every comparison below (nan < 0.1 is false), so it is refused first.
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"{where}: '{key}' must be a finite number, not {value!r}")
    choices = _CHOICES.get(key)
    if choices is not None and value not in choices:
        raise ConfigError(f"{where}: '{key}' must be one of {', '.join(choices)}, not {value!r}")
    minimum = _MINIMUM.get(key)
    if minimum is not None and value < minimum:
        raise ConfigError(f"{where}: '{key}' must be at least {minimum}, not {value!r}")
    maximum = _MAXIMUM.get(key)
    if maximum is not None and value > maximum:
        raise ConfigError(f"{where}: '{key}' must be at most {maximum:,}, not {value!r}")
    if key in _HEADER_VALUES:
        _check_header_value(where, key, value)
    return value


def _check_header_value(where: str, key: str, value: str) -> None:
    if not value or len(value) > _MAX_HEADER_VALUE:
        raise ConfigError(f"{where}: '{key}' must be 1 to {_MAX_HEADER_VALUE} characters long")
    bad = next((c for c in value if not " " <= c <= "~"), None)
    if bad is not None:
        raise ConfigError(
            f"{where}: '{key}' may hold only printable ASCII characters, not {bad!r} "
            "(no line breaks or other control characters)"
        )


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


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _is_null_device(info: os.stat_result) -> bool:
    if stat.S_ISREG(info.st_mode):
        return False
    try:
        return os.path.samestat(info, os.stat(os.devnull))
    except OSError:  # no null device to compare with (a minimal container, Windows)
        return False


def _read_file(path: Path) -> bytes:
    """The bytes of a regular settings file of at most MAX_FILE_BYTES.

    A device or pipe could be endless (/dev/zero) or block forever, so only a regular
    file is read. O_NONBLOCK lets the open of a pipe return at once so it can be refused.
    The null device is the exception: `--config /dev/null` is the usual way to say "no
    settings file", and it is empty.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    try:
        info = os.fstat(descriptor)
        if _is_null_device(info):
            return b""
        if not stat.S_ISREG(info.st_mode):
            kind = _file_kind(info.st_mode)
            raise ConfigError(f"{path}: not a regular file ({kind}); name a TOML file")
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(descriptor, MAX_FILE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(descriptor)
    raw = b"".join(chunks)
    if len(raw) > MAX_FILE_BYTES:
        raise ConfigError(
            f"{path}: larger than {MAX_FILE_BYTES:,} bytes; is it really the settings file?"
        )
    return raw


def load_settings(explicit: str | os.PathLike[str] | None = None) -> Settings:
    """Read the settings file; a missing default file means all defaults."""
    path = config_path(explicit)
    try:
        raw = _read_file(path)
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
