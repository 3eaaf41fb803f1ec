"""Saving in few statements: batched inserts, 304s recorded together, spaced checkpoints."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefing.models import Article
from briefing.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "briefing.db") as opened:
        yield opened


def test_new_articles_get_consecutive_ids_in_feed_order_and_are_searchable(store: Store) -> None:
    feed = store.add_feed("https://a.example/feed")
    articles = [
        Article(f"Ferry {n}", f"Harbour report number {n}.", guid=f"g{n}") for n in range(5)
    ]
    result = store.record_fetch(feed.id, articles, index=False)
    assert result.new == 5
    assert list(result.ids) == list(range(result.ids[0], result.ids[0] + 5))
    titles = [store.article(article_id).title for article_id in result.ids]  # type: ignore[union-attr]
    assert titles == [f"Ferry {n}" for n in range(5)]
    assert {row.title for row, _ in store.search("harbour")} == set(titles)


def test_a_changed_entry_after_new_ones_updates_the_right_row(store: Store) -> None:
    feed = store.add_feed("https://a.example/feed")
    stored = store.record_fetch(feed.id, [Article("Old", "Old text.", guid="keep")], index=False)
    batch = [
        Article("New one", "Fresh text.", guid="n1"),
        Article("Old", "Old text, corrected.", guid="keep"),
        Article("New two", "More fresh text.", guid="n2"),
        Article("New one", "Fresh text, corrected.", guid="n1"),
    ]
    result = store.record_fetch(feed.id, batch, index=False)
    assert (result.new, result.updated) == (2, 2)
    kept = store.article(stored.ids[0])
    assert kept is not None and kept.body == "Old text, corrected."
    bodies = {store.article(i).guid: store.article(i).body for i in result.new_ids}  # type: ignore[union-attr]
    assert bodies == {"n1": "Fresh text, corrected.", "n2": "More fresh text."}


def test_ids_follow_the_highest_stored_id_after_deletions(store: Store) -> None:
    first = store.add_feed("https://a.example/feed")
    second = store.add_feed("https://b.example/feed")
    store.record_fetch(first.id, [Article("A", "a", guid="a"), Article("B", "b", guid="b")])
    store.remove_feed(first.url)
    result = store.record_fetch(second.id, [Article("C", "c", guid="c")], index=False)
    assert result.new == 1
    article = store.article(result.ids[0])
    assert article is not None and article.title == "C"


def test_not_modified_feeds_are_recorded_together(store: Store) -> None:
    feeds = [store.add_feed(f"https://{n}.example/feed") for n in range(3)]
    for feed in feeds:
        store.record_fetch(feed.id, error="HTTP 500")
    due = datetime(2030, 1, 1, tzinfo=UTC)
    store.record_not_modified([(feed.id, due) for feed in feeds])
    for status in store.feeds(include_seeds=False):
        assert status.last_error is None
        assert status.last_success is not None
        assert status.next_due == due


def test_spaced_checkpoints_are_restored(store: Store) -> None:
    def interval() -> int:
        return int(
            store._read(lambda conn: conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        )

    before = interval()
    store.spaced_checkpoints(5_000)
    assert interval() == 5_000
    store.regular_checkpoints()
    assert interval() == before
