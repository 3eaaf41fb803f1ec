"""Search snippets: made for the returned rows only, each marking its own article's words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from briefing.models import Article
from briefing.store import Store


def _article(n: int, title: str, body: str) -> Article:
    return Article(
        title=title,
        body=body,
        url=f"https://news.example/{n}",
        guid=f"guid-{n}",
        published=datetime(2026, 3, 1, tzinfo=UTC) + timedelta(hours=n),
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "briefing.db")
    yield opened
    opened.close()


def _fill(store: Store) -> None:
    feed = store.add_feed("https://news.example/rss")
    articles = [
        _article(
            n,
            f"Harbour report {n}",
            f"Opening words of report {n} about the quay. "
            + ("Padding sentence on tides and cranes. " * 20)
            + f"The port will spend {n} million on dredging, officials said in note {n}.",
        )
        for n in range(1, 41)
    ]
    articles.append(_article(41, "Spending review for the ferry", "Nothing about money here."))
    store.save_entries(feed.id, articles)


def test_prefix_search_marks_each_articles_own_passage(store: Store) -> None:
    _fill(store)
    hits = store.search("spend*", 50)
    assert len(hits) == 41
    for row, snippet in hits:
        if row.title == "Spending review for the ferry":
            # Only the title matched: its snippet is the marked title.
            assert snippet == "\x02Spending\x03 review for the ferry"
            continue
        number = row.title.rsplit(" ", 1)[1]
        assert f"\x02spend\x03 {number} million" in snippet, (row.title, snippet)
        assert snippet.startswith("\u2026")  # cut out of a long body, and said so


def test_limit_keeps_the_best_hits_and_each_keeps_its_snippet(store: Store) -> None:
    _fill(store)
    everything = store.search("dredging", 100)
    few = store.search("dredging", 5)
    assert [row.id for row, _ in few] == [row.id for row, _ in everything[:5]]
    assert few == everything[:5]
    assert store.search("dredging", 0) == []


def test_phrase_words_in_separate_places_are_all_marked(store: Store) -> None:
    _fill(store)
    [(row, snippet)] = store.search("quay note 7", 10)
    assert row.title == "Harbour report 7"
    assert "\x02" in snippet and snippet.count("\x02") == snippet.count("\x03")


def test_title_words_rank_above_body_words(store: Store) -> None:
    _fill(store)
    hits = store.search("ferry", 10)
    assert [row.title for row, _ in hits] == ["Spending review for the ferry"]
    hits = store.search("review", 10)
    assert hits and hits[0][0].title == "Spending review for the ferry"
