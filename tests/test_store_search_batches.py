"""New articles reach the search index at commit, or in batches while a refresh holds it back.

Whatever happens to an article while it waits (changed, deleted, its feed
removed, the process killed), the search index must end up matching the
articles exactly: FTS5's own integrity check is run after each case.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

import briefing.refresh as refresh_module
from briefing.config import Settings
from briefing.models import Article
from briefing.refresh import refresh_blocking
from briefing.store import Store
from briefing.store.schema import migrate


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "briefing.db")
    yield opened
    opened.close()


def _index_is_sound(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
        waiting = conn.execute("SELECT count(*) FROM search_pending").fetchone()[0]
    finally:
        conn.close()
    assert waiting == 0


def _found(store: Store, word: str) -> list[str | None]:
    return sorted(row.title for row, _ in store.search(word))


def test_an_article_is_searchable_as_soon_as_it_is_saved(store: Store) -> None:
    feed = store.add_feed("https://a.example/rss")
    store.save_entries(feed.id, [Article("Harbour dredging", "Dredgers arrive.", guid="1")])
    assert _found(store, "dredgers") == ["Harbour dredging"]
    _index_is_sound(store.path)


def test_held_articles_wait_and_arrive_together(store: Store) -> None:
    feed = store.add_feed("https://a.example/rss")
    store.hold_search()
    store.save_entries(feed.id, [Article("Ferry fares", "Fares rise.", guid="1")])
    store.save_entries(feed.id, [Article("Ferry timetable", "Fares and times.", guid="2")])
    assert _found(store, "fares") == []  # stored and listed, not yet searchable
    assert len(store.list_articles()) == 2
    assert store.release_search() == 2
    assert _found(store, "fares") == ["Ferry fares", "Ferry timetable"]
    _index_is_sound(store.path)


def test_an_article_changed_or_deleted_while_waiting_is_indexed_as_it_ends(store: Store) -> None:
    feed = store.add_feed("https://a.example/rss")
    gone = store.add_feed("https://b.example/rss")
    store.save_entries(feed.id, [Article("Bridge tolls", "Tolls rise.", guid="old")])
    store.hold_search()
    store.save_entries(feed.id, [Article("Tram plan", "Trams return.", guid="t")])
    store.save_entries(feed.id, [Article("Tram plan", "Buses instead.", guid="t")])  # changed
    store.save_entries(gone.id, [Article("Canal", "Locks close.", guid="c")])
    store.remove_feed(gone.url)  # deletes an article that never reached the index
    store.save_entries(feed.id, [Article("Bridge tolls", "Tolls fall.", guid="old")])  # indexed
    store.release_search()
    assert _found(store, "return") == []
    assert _found(store, "buses") == ["Tram plan"]
    assert _found(store, "locks") == []
    assert _found(store, "fall") == ["Bridge tolls"] and _found(store, "rise") == []
    _index_is_sound(store.path)


def test_articles_a_crash_left_waiting_are_indexed_on_the_next_open(tmp_path: Path) -> None:
    path = tmp_path / "briefing.db"
    with Store.open(path) as store:
        feed = store.add_feed("https://a.example/rss")
        store.hold_search()
        store.save_entries(feed.id, [Article("Wind farm", "Turbines turn.", guid="w")])
        # closed without release_search(), as a killed refresh would leave it
    with Store.open(path) as store:
        assert _found(store, "turbines") == ["Wind farm"]
    _index_is_sound(path)


def test_a_store_from_before_batched_search_keeps_its_index_and_triggers(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, 7)
    conn.execute("INSERT INTO feeds(id, url, added) VALUES (1, 'https://a.example/rss', 0)")
    conn.execute(
        "INSERT INTO articles(feed_id, guid, title, body, added, sort_date, content_hash) "
        "VALUES (1, 'g', 'Rail strike', 'Trains stop.', 0, 0, 'h')"
    )
    conn.close()
    with Store.open(path) as store:
        assert _found(store, "trains") == ["Rail strike"]
        feed = store.feed("https://a.example/rss")
        assert feed is not None
        store.save_entries(feed.id, [Article("Rail strike", "Trains run again.", guid="g")])
        assert _found(store, "again") == ["Rail strike"]
    _index_is_sound(path)


def _feed_file(path: Path, name: str, count: int) -> Path:
    items = "".join(
        f"<item><guid>{name}{i}</guid><title>{name} item {i}</title>"
        f"<description>Pelican sighting number {i} at {name}.</description></item>"
        for i in range(count)
    )
    path.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>'
        f"{items}</channel></rss>"
    )
    return path


def test_a_refresh_indexes_in_batches_and_leaves_nothing_waiting(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(refresh_module, "SEARCH_BATCH", 3)
    batches: list[int] = []
    index_search = store.index_search

    def counted() -> int:
        batches.append(index_search())
        return batches[-1]

    monkeypatch.setattr(store, "index_search", counted)
    feeds = [
        store.add_feed(str(_feed_file(tmp_path / f"{name}.xml", name, 4)))
        for name in ("north", "south", "east")
    ]
    report = refresh_blocking(store, Settings(), feeds)
    assert report.new == 12
    assert len(store.search("pelican")) == 12
    assert len(batches) >= 3 and sum(batches) == 12  # in steps, not per feed or all at once
    _index_is_sound(store.path)
