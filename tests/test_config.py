"""Settings load with defaults and reject bad files with a message naming file and key."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from briefing.config import (
    MAX_FILE_BYTES,
    GeneralSettings,
    NetworkSettings,
    Settings,
    load_settings,
)
from briefing.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "briefing.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_default_file_gives_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BRIEFING_CONFIG", raising=False)
    monkeypatch.setattr("briefing.locations.config_dir", lambda: tmp_path / "nowhere")
    assert load_settings() == Settings()


def test_values_are_read_and_typed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[general]\nseeds = "articles"\n[analysis]\nsummary_sentences = 5\n'
        '[network]\nconcurrency = 4\nread_timeout = 3\n[keys]\nstar = "s,*"\n',
    )
    settings = load_settings(path)
    assert settings.general.seeds == ("articles",)
    assert settings.analysis.summary_sentences == 5
    assert settings.network.concurrency == 4
    assert settings.network.read_timeout == 3.0
    assert settings.keys == {"star": "s,*"}
    assert settings.path == path


def test_environment_variable_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "[analysis]\nsummary_sentences = 2\n")
    monkeypatch.setenv("BRIEFING_CONFIG", str(path))
    assert load_settings().analysis.summary_sentences == 2


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[analysis]\nsummary_sentences = 'three'\n", "'summary_sentences' must be int"),
        ("[analysis]\nsumary_sentences = 3\n", "unknown key 'sumary_sentences'"),
        ("[colours]\nx = 1\n", "unknown section or key 'colours'"),
        ("[network]\nconcurrency = 0\n", "'concurrency' must be at least 1"),
        ("[general]\nrefresh_on_start = 'yes'\n", "'refresh_on_start' must be bool"),
        ("[general\nseeds = 1\n", "line 1"),
        ("[keys]\nstar = 1\n", "[keys]"),
        ("[network]\nconcurrency = 257\n", "'concurrency' must be at most 256"),
        ("[network]\nconcurrency = 100000000\n", "'concurrency' must be at most 256"),
        ("[network]\nper_host = 65\n", "'per_host' must be at most 64"),
        ("[network]\nmax_bytes = 99999999999999999999\n", "'max_bytes' must be at most"),
        ("[network]\nmax_redirects = 21\n", "'max_redirects' must be at most 20"),
        ("[network]\nread_timeout = 3601\n", "'read_timeout' must be at most 3,600"),
        ("[general]\nretention_days = 1000000\n", "'retention_days' must be at most 36,500"),
    ],
)
def test_bad_settings_name_the_file_and_key(tmp_path: Path, text: str, fragment: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_settings(path)
    assert str(path) in str(error.value)
    assert fragment in str(error.value)


def test_an_explicit_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "absent.toml")


def test_binary_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "briefing.toml"
    path.write_bytes(b"\xff\xfe\x00junk")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_settings(path)


def test_summary_method_must_be_a_known_one(tmp_path: Path) -> None:
    path = write(tmp_path, '[analysis]\nsummary_method = "magic"\n')
    with pytest.raises(ConfigError, match="'summary_method' must be one of briefing"):
        load_settings(path)


def test_summary_method_choices_match_the_summariser() -> None:
    from briefing.analysis.summary import SUMMARY_METHODS
    from briefing.config import _CHOICES

    assert _CHOICES["summary_method"] == SUMMARY_METHODS


FLOAT_KEYS = [
    (section, field.name)
    for section, cls in (("general", GeneralSettings), ("network", NetworkSettings))
    for field in dataclasses.fields(cls)
    if field.type == "float"
]


@pytest.mark.parametrize(("section", "key"), FLOAT_KEYS)
@pytest.mark.parametrize("number", ["nan", "inf", "-inf", "+nan"])
def test_every_float_setting_refuses_nan_and_infinity(
    tmp_path: Path, section: str, key: str, number: str
) -> None:
    path = write(tmp_path, f"[{section}]\n{key} = {number}\n")
    with pytest.raises(ConfigError, match=f"'{key}' must be a finite number") as error:
        load_settings(path)
    assert str(path) in str(error.value)


def test_there_are_float_settings_to_check() -> None:
    assert ("network", "feed_deadline") in FLOAT_KEYS


def test_the_largest_allowed_values_are_accepted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[general]\nretention_days = 36500\n"
        "[network]\nconcurrency = 256\nper_host = 64\nfeed_deadline = 3600\n"
        "max_bytes = 1_000_000_000\nmax_redirects = 20\n"
        f'user_agent = "{"x" * 256}"\n',
    )
    network = load_settings(path).network
    assert (network.concurrency, network.per_host, network.feed_deadline) == (256, 64, 3600.0)


@pytest.mark.parametrize(
    "agent",
    [
        "x\\r\\nX-Injected: 1",
        "line\\nbreak",
        "tab\\there",
        "nul\\u0000",
        "delete\\u007f",
        "escape\\u001b[31m",
        "caf\\u00e9",
        "next line\\u0085",
        "",
        "x" * 257,
    ],
    ids=["crlf", "lf", "tab", "nul", "del", "esc", "non-ascii", "c1", "empty", "too-long"],
)
def test_user_agent_must_be_a_short_printable_header_value(tmp_path: Path, agent: str) -> None:
    path = write(tmp_path, f'[network]\nuser_agent = "{agent}"\n')
    with pytest.raises(ConfigError, match="'user_agent' ") as error:
        load_settings(path)
    assert str(path) in str(error.value)


def test_a_settings_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "# padding\n" * (MAX_FILE_BYTES // 10) + "[general]\n")
    assert path.stat().st_size > MAX_FILE_BYTES
    with pytest.raises(ConfigError, match="larger than 1,000,000 bytes"):
        load_settings(path)


def test_a_directory_is_not_a_settings_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a regular file \\(a directory\\)"):
        load_settings(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    pipe = tmp_path / "settings.pipe"
    os.mkfifo(pipe)
    with pytest.raises(ConfigError, match="not a regular file \\(a pipe\\)"):
        load_settings(pipe)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_an_endless_device_is_refused_without_reading_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_CONFIG", "/dev/zero")
    with pytest.raises(ConfigError, match="/dev/zero: not a regular file \\(a device\\)"):
        load_settings()


@pytest.mark.skipif(not Path(os.devnull).exists(), reason="no null device here")
def test_the_null_device_means_no_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_CONFIG", os.devnull)
    assert load_settings() == Settings(path=Path(os.devnull))
