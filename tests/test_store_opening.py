"""Opening the store: migrations, damaged or foreign files, and a second process."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from briefing.errors import StoreError, StoreLockedError
from briefing.models import Article
from briefing.store import Store
from briefing.store.schema import APPLICATION_ID, SCHEMA_VERSION, migrate


def test_old_version_database_is_migrated_keeping_its_data(tmp_path: Path) -> None:
    path = tmp_path / "briefing.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=1)
    conn.execute(
        "INSERT INTO feeds (id, url, title, added) VALUES (1, 'https://old.example/rss', 'Old', 0)"
    )
    conn.execute(
        "INSERT INTO articles (feed_id, guid, title, body, source, added, sort_date, "
        "content_hash, words, starred) VALUES (1, 'g1', 'Harbour plan', 'The harbour will "
        "be dredged.', 'Old', 0, 0, 'x', 5, 1)"
    )
    conn.close()
    with Store.open(path) as store:
        [row] = store.list_articles("starred")
        assert row.title == "Harbour plan"
        assert [hit.id for hit, _ in store.search("dredged")] == [row.id]  # index rebuilt
        store.add_tag(row.id, "ports")
        assert store.tags() == [("ports", 1)]
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()


def test_newer_schema_is_refused_not_downgraded(tmp_path: Path) -> None:
    path = tmp_path / "briefing.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer Briefing"):
        Store.open(path)
    assert path.exists()


def test_garbage_file_is_moved_aside_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "briefing.db"
    path.write_bytes(b"these are my notes, not a database\n" * 10)
    with Store.open(path) as store:
        assert store.moved_aside is not None and store.moved_aside.exists()
        assert store.moved_aside.read_bytes().startswith(b"these are my notes")
        assert store.notice is not None and str(path) in store.notice
        assert str(store.moved_aside) in store.notice
        assert store.count_articles() == 0


def test_corrupt_database_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "briefing.db"
    with Store.open(path) as store:
        feed = store.add_feed("https://news.example/rss")
        store.save_entries(feed.id, [Article(title="t", body="b " * 2000, guid="1")])
        store.vacuum()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page, keep the header
    path.write_bytes(bytes(data))
    with Store.open(path) as store:
        assert store.moved_aside is not None and "corrupt" in store.moved_aside.name
        assert store.feeds() == []


def test_someone_elses_sqlite_file_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "briefing.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.execute("INSERT INTO recipes VALUES ('bread')")
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        assert store.moved_aside is not None and "foreign" in store.moved_aside.name
    moved = sqlite3.connect(store.moved_aside)
    assert moved.execute("SELECT name FROM recipes").fetchall() == [("bread",)]
    moved.close()


def test_second_writer_is_told_and_can_read_instead(tmp_path: Path) -> None:
    path = tmp_path / "briefing.db"
    with Store.open(path) as first:
        feed = first.add_feed("https://news.example/rss")
        first.save_entries(feed.id, [Article(title="Kept", body="Still here.", guid="1")])
        with pytest.raises(StoreLockedError, match="in use by another Briefing process"):
            Store.open(path)
        with Store.open(path, read_only=True) as reader:
            assert [row.title for row in reader.list_articles()] == ["Kept"]
            with pytest.raises(StoreError, match="read-only"):
                reader.set_flag(1, "read", True)
    with Store.open(path) as again:  # the lock goes with the first store
        assert again.count_articles() == 1


def test_second_process_gets_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "briefing.db"
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from briefing.errors import StoreLockedError
        from briefing.store import Store
        try:
            Store.open(Path({str(path)!r}))
        except StoreLockedError as exc:
            print("LOCKED", exc)
        """
    )
    with Store.open(path):
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )
    assert done.stdout.startswith("LOCKED") and str(path) in done.stdout


def test_read_only_data_directory_gives_a_clear_error(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("x")
    with pytest.raises(StoreError, match="cannot create the data directory"):
        Store.open(blocked / "sub" / "briefing.db")


def test_database_left_by_a_crash_with_its_journal_is_recovered_not_moved(
    tmp_path: Path,
) -> None:
    import shutil

    live = tmp_path / "live"
    live.mkdir()
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    with Store.open(live / "briefing.db") as store:
        feed = store.add_feed("https://news.example/rss")
        store.save_entries(feed.id, [Article(title="Saved", body="Only in the journal.", guid="1")])
        # A snapshot taken while the writer is still running: the article is in the -wal file.
        for name in ("briefing.db", "briefing.db-wal"):
            shutil.copy(live / name, crashed / name)
    with Store.open(crashed / "briefing.db") as recovered:
        assert recovered.moved_aside is None
        assert [row.title for row in recovered.list_articles()] == ["Saved"]


def test_full_disk_is_reported_clearly_and_loses_nothing_saved(tmp_path: Path) -> None:
    with Store.open(tmp_path / "briefing.db") as store:
        feed = store.add_feed("https://news.example/rss")
        store.save_entries(feed.id, [Article(title="Before", body="Saved first.", guid="0")])
        pages = store._connection().execute("PRAGMA page_count").fetchone()[0]
        # SQLite reports a database that may not grow exactly as it reports a full disk.
        store._connection().execute(f"PRAGMA max_page_count = {pages + 2}")
        big = [Article(title=f"T{n}", body="word " * 5000, guid=str(n)) for n in range(1, 40)]
        with pytest.raises(StoreError, match="full.*free some disk space"):
            store.save_entries(feed.id, big)
        assert [row.title for row in store.list_articles()] == ["Before"]


def _store_with_one_article(path: Path) -> None:
    with Store.open(path) as store:
        feed = store.add_feed("https://news.example/rss")
        store.save_entries(feed.id, [Article(title="Kept", body="Still here.", guid="1")])


def _block_wal_index(path: Path) -> None:
    """Make the WAL's -shm file impossible to open or create, as in a read-only directory.

    SQLite opens it without following links, so a link in its place stops even root,
    which chmod does not: this runs anywhere.
    """
    path.with_name(path.name + "-shm").symlink_to(path.with_name("nowhere") / "briefing.db-shm")


def test_read_only_open_reads_a_database_whose_directory_cannot_be_written(
    tmp_path: Path,
) -> None:
    path = tmp_path / "briefing.db"
    _store_with_one_article(path)
    assert not path.with_name(path.name + "-wal").exists()  # the writer closed cleanly
    _block_wal_index(path)
    plain = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError, match="unable to open"):
        plain.execute("SELECT count(*) FROM articles").fetchone()
    plain.close()
    with Store.open(path, read_only=True) as reader:
        assert [row.title for row in reader.list_articles()] == ["Kept"]
        assert [feed.url for feed in reader.feeds()] == ["https://news.example/rss"]
        with pytest.raises(StoreError, match="read-only"):
            reader.set_flag(1, "read", True)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root ignores directory permissions"
)
def test_read_only_open_reads_a_database_in_a_directory_without_write_permission(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    _store_with_one_article(folder / "briefing.db")
    folder.chmod(0o555)
    try:
        with Store.open(folder / "briefing.db", read_only=True) as reader:
            assert reader.count_articles() == 1
    finally:
        folder.chmod(0o755)


def test_read_only_open_refuses_a_journal_it_cannot_read_rather_than_ignore_it(
    tmp_path: Path,
) -> None:
    import shutil

    live = tmp_path / "live"
    live.mkdir()
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    with Store.open(live / "briefing.db") as store:
        feed = store.add_feed("https://news.example/rss")
        store.save_entries(feed.id, [Article(title="Saved", body="Only in the journal.", guid="1")])
        for name in ("briefing.db", "briefing.db-wal"):  # a writer killed, its -shm lost
            shutil.copy(live / name, crashed / name)
    _block_wal_index(crashed / "briefing.db")
    # Reading the main file alone would silently miss the article in the journal.
    with pytest.raises(StoreError, match="briefing.db-wal holds changes"):
        Store.open(crashed / "briefing.db", read_only=True)


@pytest.mark.parametrize("folder", ["notes?draft", "week #12", "100% done", "a b"])
def test_a_data_folder_whose_name_has_uri_characters_opens_the_right_file(
    tmp_path: Path, folder: str
) -> None:
    data = tmp_path / folder
    data.mkdir()
    path = data / "briefing.db"
    _store_with_one_article(path)
    with Store.open(path, read_only=True) as reader:
        assert [row.title for row in reader.list_articles()] == ["Kept"]
    with Store.open(path) as writer:
        assert writer.count_articles() == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder]  # no stray files beside it
    path.with_name(path.name + "-shm").unlink(missing_ok=True)
    _block_wal_index(path)  # the immutable way in, as in a read-only directory
    with Store.open(path, read_only=True) as reader:
        assert reader.count_articles() == 1
