"""Search reaches the page text fetched for teaser feeds, and old stores gain it on upgrade."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefing.models import Article
from briefing.store import Store
from briefing.store.schema import migrate


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "briefing.db")
    yield opened
    opened.close()


def _teaser(store: Store) -> int:
    feed = store.add_feed("https://news.example/rss")
    store.save_entries(
        feed.id,
        [
            Article(
                title="Council sets out harbour plan",
                body="The council published its plan on Monday.",
                url="https://news.example/harbour",
                guid="harbour",
                published=datetime(2026, 3, 2, tzinfo=UTC),
            )
        ],
    )
    [row] = store.list_articles()
    return row.id


def test_a_word_only_in_the_fetched_page_finds_the_article_with_its_passage(store: Store) -> None:
    article_id = _teaser(store)
    assert store.search("dredging") == []
    page = "The council published its plan.\n\nDredging of the inner basin starts in May."
    store.save_full_texts({article_id: page})
    [(row, snippet)] = store.search("dredging")
    assert row.id == article_id
    assert "\x02Dredging\x03 of the inner basin" in snippet


def test_a_replaced_page_text_is_searched_as_it_now_reads(store: Store) -> None:
    article_id = _teaser(store)
    store.save_full_texts({article_id: "Tolls rise on the bridge."})
    store.save_full_texts({article_id: "Ferries run all night."})
    assert store.search("tolls") == []
    assert [row.id for row, _ in store.search("ferries")] == [article_id]


def test_a_store_from_before_page_search_is_upgraded_and_finds_its_pages(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, 5)  # the schema before page text was searchable
    conn.execute("INSERT INTO feeds(id, url, added) VALUES (1, 'https://news.example/rss', 0)")
    conn.execute(
        "INSERT INTO articles(feed_id, guid, title, body, added, sort_date, content_hash, "
        "full_text) VALUES (1, 'g', 'Harbour plan', 'A teaser.', 0, 0, 'h', "
        "'Cranes arrive at the quay.')"
    )
    conn.close()
    with Store.open(path) as store:
        [row] = store.list_articles()
        assert [hit.id for hit, _ in store.search("harbour")] == [row.id]
        assert [hit.id for hit, _ in store.search("cranes")] == [row.id]
