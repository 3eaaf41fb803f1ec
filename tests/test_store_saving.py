"""Saving a feed's entries: matching within one batch, page text beside teasers, migration."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing.models import Article
from briefing.store import Store
from briefing.store.schema import migrate


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "briefing.db") as opened:
        yield opened


def _bodies(store: Store, feed_id: int) -> dict[str | None, str]:
    found = {}
    for row in store.list_articles(feed_id=feed_id):
        article = store.article(row.id)
        assert article is not None
        found[article.guid or article.url] = article.body
    return found


def test_an_entry_repeated_in_one_batch_is_stored_once_and_updated(store: Store) -> None:
    feed = store.add_feed("https://a.example/feed")
    first = Article("Vote", "First version.", url="https://a.example/1", guid="g1")
    second = Article("Vote", "Corrected version.", url="https://a.example/1", guid="g1")
    result = store.save_entries(feed.id, [first, second])
    assert (result.new, result.updated) == (1, 1)
    assert result.new_ids == result.ids[:1]
    assert _bodies(store, feed.id) == {"g1": "Corrected version."}


def test_a_link_moved_in_one_batch_no_longer_matches_the_old_link(store: Store) -> None:
    feed = store.add_feed("https://a.example/feed")
    store.save_entries(feed.id, [Article("Roads", "Road works.", url="https://a.example/old")])
    moved = Article("Roads", "Road works.", url="https://a.example/new", guid=None)
    fresh = Article("Parks", "New park opens.", url="https://a.example/old")
    # Same text: the stored article takes the new link; the old link is then free.
    result = store.save_entries(feed.id, [moved, fresh])
    assert (result.new, result.updated) == (1, 0)
    assert _bodies(store, feed.id) == {
        "https://a.example/new": "Road works.",
        "https://a.example/old": "New park opens.",
    }


def test_full_text_is_kept_beside_the_teaser_and_unknown_ids_are_ignored(store: Store) -> None:
    feed = store.add_feed("https://a.example/feed", full_text=True)
    assert feed.full_text
    (article_id,) = store.save_entries(feed.id, [Article("T", "Teaser.", guid="g")]).new_ids
    assert store.save_full_texts({article_id: "The whole story.", 999_999: "nobody"}) == 1
    article = store.article(article_id)
    assert article is not None
    assert (article.body, article.full_text, article.text) == (
        "Teaser.",
        "The whole story.",
        "The whole story.",
    )
    assert article.content_hash != article.text_hash  # analyses of the page have their own key
    # A later refresh of the unchanged teaser keeps the page text.
    store.save_entries(feed.id, [Article("T", "Teaser.", guid="g")])
    again = store.article(article_id)
    assert again is not None and again.full_text == "The whole story."


def test_a_database_from_before_full_text_is_migrated_keeping_its_articles(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, 4)  # the schema before page text was kept
    conn.execute("INSERT INTO feeds (id, url, added) VALUES (1, 'https://a.example/feed', 0)")
    conn.execute(
        "INSERT INTO articles (feed_id, guid, title, body, added, sort_date, content_hash) "
        "VALUES (1, 'g', 'Old', 'Kept body.', 0, 0, 'x')"
    )
    conn.close()
    with Store.open(path) as store:
        (row,) = store.list_articles()
        article = store.article(row.id)
        assert article is not None
        assert (article.body, article.full_text) == ("Kept body.", None)
