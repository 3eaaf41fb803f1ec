"""Settings load with defaults and reject bad files with a message naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.config import Settings, load_settings
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
