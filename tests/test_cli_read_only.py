"""Commands on a data directory that cannot be written, such as a read-only mount.

Root ignores directory permissions and tests cannot mount file systems, so the
directory is made read-only where it counts: creating the lock file fails with
EROFS, as on a read-only mount, and the WAL's -shm file can be neither opened nor
created (a link SQLite will not follow stands in its place).
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest

from briefing.cli import main


def _feed_file(path: Path) -> Path:
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Council News</title>'
        "<link>https://example.org/</link><item><guid>1</guid><title>Roads budget agreed</title>"
        "<link>https://example.org/1</link><pubDate>Mon, 02 Mar 2026 09:00:00 GMT</pubDate>"
        "<description>Money for potholes.</description></item></channel></rss>",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def read_only_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    """A data directory holding one feed and one article, then made read-only."""
    config = tmp_path / "briefing.toml"
    config.write_text("", encoding="utf-8")
    data = tmp_path / "data"
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(data))
    monkeypatch.setenv("BRIEFING_CONFIG", str(config))
    assert main(["add", str(_feed_file(tmp_path / "council.xml"))]) == 0
    assert main(["refresh"]) == 0
    capsys.readouterr()
    database = data / "briefing.db"
    assert not database.with_name("briefing.db-wal").exists()  # closed cleanly

    real_open = open

    def open_refusing_new_files(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if str(file).endswith(".lock"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr("briefing.store.opening.open", open_refusing_new_files, raising=False)
    database.with_name("briefing.db-shm").symlink_to(tmp_path / "nowhere" / "briefing.db-shm")
    return data


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["feeds"], "Council News"),
        (["feeds", "--json"], '"unread": 1'),
        (["list"], "Roads budget agreed"),
        (["list", "--json"], '"title": "Roads budget agreed"'),
        (["search", "potholes"], "Roads budget agreed"),
        (["export-opml"], "<opml"),  # a local-file subscription is left out of OPML
        (["digest", "--all", "--format", "json"], '"title": "Roads budget agreed"'),
    ],
    ids=["feeds", "feeds-json", "list", "list-json", "search", "export-opml", "digest"],
)
def test_read_commands_read_a_read_only_data_directory(
    read_only_data: Path, command: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(command) == 0
    captured = capsys.readouterr()
    assert expected in captured.out
    assert "cannot create the lock file (Read-only file system); reading it read-only" in (
        captured.err
    )


def test_what_was_read_read_only_is_the_whole_store(
    read_only_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["list", "--json"]) == 0
    [record] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert record["feed"] == "Council News" and record["read"] is False


@pytest.mark.parametrize(
    "command",
    [["refresh"], ["add", "https://example.org/other.xml"], ["remove", "Council News"], ["vacuum"]],
    ids=["refresh", "add", "remove", "vacuum"],
)
def test_write_commands_say_the_directory_is_read_only_and_exit_2(
    read_only_data: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(command) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"briefing {command[0]}: ")
    assert "cannot create the lock file (Read-only file system)" in err


def test_a_journal_left_by_a_killed_writer_is_named_when_it_cannot_be_read(
    read_only_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (read_only_data / "briefing.db-wal").write_bytes(b"changes not yet in the database file")
    assert main(["list"]) == 2
    err = capsys.readouterr().err
    assert "cannot create the lock file (Read-only file system)" in err
    assert "nor can it be read read-only" in err and "briefing.db-wal holds changes" in err


def test_an_empty_read_only_directory_gives_the_one_reason_that_matters(
    read_only_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("briefing.db", "briefing.db-shm"):
        (read_only_data / name).unlink()
    assert main(["feeds"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("briefing feeds: ")
    assert "cannot create the lock file (Read-only file system)" in err
    assert "read-only:" not in err and "no database yet" not in err


async def test_the_reader_opens_a_read_only_data_directory_read_only(read_only_data: Path) -> None:
    from tui_support import make_app, settle

    app = make_app(read_only_data, seeds=[])
    notes: list[str] = []
    app.notify = lambda message, **kwargs: notes.append(message)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.library.read_only
        screen = app.screen
        stories = screen.query_one("#stories")
        assert stories.total == 1  # type: ignore[attr-defined]
        assert stories.row_at(0).title == "Roads budget agreed"  # type: ignore[attr-defined]
    assert any("read-only" in note for note in notes)
