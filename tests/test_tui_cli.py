"""`briefing` with no command: which seeds the reader imports, and bad paths."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from briefing.cli.app import run_app, seed_paths


def args(**values: object) -> argparse.Namespace:
    base: dict[str, object] = {"config": None, "seeds": None, "offline": True, "files": []}
    base.update(values)
    return argparse.Namespace(**base)


def test_files_win_over_seeds_and_settings(tmp_path: Path) -> None:
    one = tmp_path / "one.txt"
    assert seed_paths(args(files=[str(one)], seeds="elsewhere"), ("seeds",)) == [one]


def test_seeds_option_wins_over_settings(tmp_path: Path) -> None:
    assert seed_paths(args(seeds=str(tmp_path)), ("seeds",)) == [tmp_path]


def test_configured_seeds_are_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "seeds").mkdir()
    monkeypatch.chdir(tmp_path)
    assert seed_paths(args(), ("seeds", "missing")) == [Path("seeds")]


def test_missing_files_exit_2_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRIEFING_CONFIG", str(tmp_path / "absent.toml"))
    missing = tmp_path / "nope.txt"
    assert run_app(args(files=[str(missing)])) == 2
    assert f"{missing}: no such file or directory" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()


def test_a_reader_that_crashed_exits_with_a_failure_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A traceback on the way out must not read as success to a script or a shell."""
    from briefing.tui.app import BriefingApp

    monkeypatch.setenv("BRIEFING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRIEFING_CONFIG", str(tmp_path / "absent.toml"))

    def broken_mount(self: BriefingApp) -> None:
        raise RuntimeError("the reader broke")

    headless_run = BriefingApp.run
    monkeypatch.setattr(BriefingApp, "on_mount", broken_mount)
    monkeypatch.setattr(BriefingApp, "run", lambda self: headless_run(self, headless=True))
    assert run_app(args(seeds=str(tmp_path))) == 1
