"""The shipped settings file documents every setting, and the sample feed list imports."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from briefing.config import AnalysisSettings, GeneralSettings, NetworkSettings, parse_settings
from briefing.sources.opml import parse_opml

CONFIG = Path(__file__).resolve().parents[1] / "config"


def test_default_settings_file_is_valid_and_holds_the_defaults() -> None:
    path = CONFIG / "briefing.toml"
    settings = parse_settings(path.read_text(encoding="utf-8"), path)
    assert settings.general == GeneralSettings()
    assert settings.analysis == AnalysisSettings()
    assert settings.network == NetworkSettings()


@pytest.mark.parametrize("section", [GeneralSettings, AnalysisSettings, NetworkSettings])
def test_default_settings_file_documents_every_key(section: type) -> None:
    text = (CONFIG / "briefing.toml").read_text(encoding="utf-8")
    for field in dataclasses.fields(section):
        assert f"\n{field.name} = " in text, field.name


def test_default_settings_file_states_each_upper_limit() -> None:
    from briefing.config import _MAXIMUM

    text = (CONFIG / "briefing.toml").read_text(encoding="utf-8")
    for key, maximum in _MAXIMUM.items():
        forms = (f"{int(maximum)}", f"{int(maximum):_}")
        assert any(form in text for form in forms), key


def test_sample_feed_list_has_foldered_web_feeds() -> None:
    document = parse_opml((CONFIG / "feeds.opml").read_bytes())
    assert document.error is None and len(document.feeds) >= 10
    assert all(feed.url.startswith("https://") and feed.folder for feed in document.feeds)
