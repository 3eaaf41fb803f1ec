"""The store keeps articles once, updates changed ones, and remembers triage across restarts."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from briefing.models import Analysis, Article, Equivalent, Figure, Quote, SummaryLine
from briefing.store import Store


def _article(n: int, body: str | None = None, **changes: object) -> Article:
    values: dict[str, object] = {
        "title": f"Story number {n}",
        "body": body or f"Body of story {n}. The council met on day {n} to discuss roads.",
        "url": f"https://news.example/{n}",
        "guid": f"guid-{n}",
        "published": datetime(2026, 3, 1, tzinfo=UTC) + timedelta(hours=n),
    }
    values.update(changes)
    return Article(**values)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "briefing.db")
    yield opened  # type: ignore[misc]
    opened.close()


def test_save_entries_twice_stores_each_entry_once(store: Store) -> None:
    feed = store.add_feed("https://news.example/rss")
    first = store.save_entries(feed.id, [_article(1), _article(2)])
    second = store.save_entries(feed.id, [_article(1), _article(2)])
    assert (first.new, first.updated) == (2, 0)
    assert (second.new, second.updated) == (0, 0)
    assert store.count_articles() == 2


def test_changed_entry_is_updated_in_place_keeping_its_marks(store: Store) -> None:
    feed = store.add_feed("https://news.example/rss")
    store.save_entries(feed.id, [_article(1)])
    [row] = store.list_articles()
    store.set_flag(row.id, "starred", True)
    result = store.save_entries(feed.id, [_article(1, body="Corrected text about bridges.")])
    assert (result.new, result.updated) == (0, 1)
    [after] = store.list_articles()
    assert after.id == row.id and after.starred
    stored = store.article(row.id)
    assert stored is not None and stored.body == "Corrected text about bridges."
    assert store.search("roads") == []
    assert [hit.id for hit, _ in store.search("bridges")] == [row.id]


def test_entries_without_guid_match_by_link_then_by_text(store: Store) -> None:
    feed = store.add_feed("https://news.example/rss")
    by_link = _article(1, guid=None)
    by_text = _article(2, guid=None, url=None)
    store.save_entries(feed.id, [by_link, by_text])
    again = store.save_entries(
        feed.id, [_article(1, guid=None, body="New wording."), _article(2, guid=None, url=None)]
    )
    assert (again.new, again.updated) == (0, 1)
    assert store.count_articles() == 2


def test_same_entry_in_two_feeds_is_kept_in_each(store: Store) -> None:
    one = store.add_feed("https://one.example/rss")
    two = store.add_feed("https://two.example/rss")
    store.save_entries(one.id, [_article(1)])
    store.save_entries(two.id, [_article(1)])
    assert store.count_articles(feed_id=one.id) == 1
    assert store.count_articles(feed_id=two.id) == 1


def test_triage_and_tags_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "briefing.db"
    with Store.open(path) as store:
        feed = store.add_feed("https://news.example/rss")
        store.save_entries(feed.id, [_article(n) for n in range(5)])
        ids = [row.id for row in store.list_articles()]
        store.set_flag(ids[0], "starred", True)
        store.set_flag(ids[1], "picked", True)
        store.set_flag(ids[2], "dismissed", True)
        store.set_flag(ids[3], "read", True)
        store.add_tag(ids[0], "  energy   policy ")
        mark = (datetime.now(UTC) + timedelta(seconds=2)).replace(microsecond=0)
        store.set_mark("last_briefing", mark)
    with Store.open(path) as store:
        rows = {row.id: row for row in store.list_articles("all")}
        assert rows[ids[0]].starred and rows[ids[0]].tags == ("energy policy",)
        assert rows[ids[1]].picked
        assert ids[2] not in rows  # dismissed is hidden from "all"
        assert rows[ids[3]].read
        assert store.get_mark("last_briefing") == mark
        assert store.tags() == [("energy policy", 1)]
        assert [r.id for r in store.list_articles("dismissed")] == [ids[2]]
        assert store.view_counts() == {
            "all": 4,
            "unread": 3,
            "starred": 1,
            "picked": 1,
            "dismissed": 1,
            "since_briefing": 0,
        }


def test_views_filter_and_page(store: Store) -> None:
    feed = store.add_feed("https://news.example/rss")
    other = store.add_feed("https://other.example/rss")
    store.save_entries(feed.id, [_article(n) for n in range(30)])
    store.save_entries(other.id, [_article(100)])
    newest_first = [row.id for row in store.list_articles(limit=100)]
    pages = [
        row.id
        for offset in range(0, 31, 10)
        for row in store.list_articles(limit=10, offset=offset)
    ]
    assert pages == newest_first and len(pages) == 31
    dates = [row.published for row in store.list_articles(limit=100)]
    assert dates == sorted(dates, reverse=True)  # type: ignore[type-var]
    assert store.count_articles(feed_id=other.id) == 1
    since = datetime(2026, 3, 1, tzinfo=UTC) + timedelta(hours=25)
    assert store.count_articles(since=since) == 5 + 1
    target = newest_first[3]
    store.add_tag(target, "roads")
    assert [row.id for row in store.list_articles(tag="roads")] == [target]
    assert store.count_articles("all", tag="roads") == 1
    by_size = store.list_articles(sort="size", limit=100)
    assert [row.words for row in by_size] == sorted((row.words for row in by_size), reverse=True)
    with pytest.raises(ValueError):
        store.list_articles("nonsense")


def test_since_briefing_lists_articles_added_after_the_mark(store: Store) -> None:
    feed = store.add_feed("https://news.example/rss")
    store.save_entries(feed.id, [_article(1)])
    store.set_mark("last_briefing", datetime.now(UTC) + timedelta(seconds=1))
    assert store.count_articles("since_briefing") == 0
    store.set_mark("last_briefing", datetime.now(UTC) - timedelta(days=1))
    assert store.count_articles("since_briefing") == 1


def test_analysis_cache_round_trips_by_content_hash(store: Store) -> None:
    analysis = Analysis(
        sentences=("The minister said it.", "It costs €500bn ($547bn)."),
        summary=(SummaryLine("The minister said it.", 0),),
        quotes=(Quote("it", "Jane Roe", "minister", 0),),
        figures=(
            Figure(
                "€500bn",
                500e9,
                "EUR",
                1,
                context="costs",
                equivalents=(Equivalent("$547bn", 547e9, "USD"),),
            ),
        ),
    )
    key = _article(1).content_hash
    assert store.cached_analysis(key) is None
    store.save_analysis(key, analysis)
    assert store.cached_analysis(key) == analysis


def test_an_analysis_cached_by_another_version_of_the_analyser_is_made_again(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefing.store.analyses as cache

    key = _article(1).content_hash
    store.save_analysis(key, Analysis(sentences=("Old reading.",)))
    assert store.cached_analysis(key) is not None
    monkeypatch.setattr(cache, "analyser_version", lambda: 12345)  # an upgraded analyser
    assert store.cached_analysis(key) is None


def test_the_analyser_version_follows_the_analysis_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.resources

    from briefing.analysis import version

    copy = tmp_path / "analysis"
    copy.mkdir()
    (copy / "quotes.py").write_text("RULE = 1\n", encoding="utf-8")
    monkeypatch.setattr(importlib.resources, "files", lambda package: copy)

    def fingerprint() -> int:
        version.analyser_version.cache_clear()
        return version.analyser_version()

    try:
        first = fingerprint()
        assert fingerprint() == first and 0 <= first < 2**56
        (copy / "notes.txt").write_text("not code", encoding="utf-8")
        assert fingerprint() == first
        (copy / "quotes.py").write_text("RULE = 2\n", encoding="utf-8")
        assert fingerprint() != first
    finally:
        version.analyser_version.cache_clear()


def test_text_from_feeds_cannot_forge_search_highlights(store: Store) -> None:
    feed = store.add_feed("https://news.example/rss")
    store.save_entries(feed.id, [_article(1, body="fake \x02highlight\x03 and real tunnel")])
    [(row, snippet)] = store.search("tunnel")
    assert snippet.count("\x02") == 1 and "\x02tunnel\x03" in snippet


def test_search_treats_operators_and_punctuation_as_words(store: Store) -> None:
    feed = store.add_feed("https://news.example/rss")
    store.save_entries(feed.id, [_article(1, body='The "NEAR" AND (OR) budget: €5bn rail.')])
    assert len(store.search('budget" AND (')) == 1
    assert len(store.search("NEAR OR")) == 1
    assert len(store.search("bud*")) == 1
    assert store.search("   ") == []
    assert store.search("missing") == []


def test_expire_removes_old_read_and_dismissed_but_keeps_starred_and_picked(store: Store) -> None:
    feed = store.add_feed("https://news.example/rss")
    old = datetime.now(UTC) - timedelta(days=40)
    entries = [_article(n, published=old + timedelta(minutes=n)) for n in range(5)]
    entries.append(_article(9, published=datetime.now(UTC)))
    store.save_entries(feed.id, entries)
    ids = {row.title: row.id for row in store.list_articles(limit=10)}
    store.set_flag(ids["Story number 0"], "read", True)
    store.set_flag(ids["Story number 1"], "dismissed", True)
    store.set_flag(ids["Story number 2"], "read", True)
    store.set_flag(ids["Story number 2"], "starred", True)
    store.set_flag(ids["Story number 3"], "read", True)
    store.set_flag(ids["Story number 3"], "picked", True)
    store.set_flag(ids["Story number 9"], "read", True)
    assert store.expire(0) == 0
    assert store.expire(30) == 2
    left = {store.article(i).title for i in ids.values() if store.article(i)}  # type: ignore[union-attr]
    assert left == {"Story number 2", "Story number 3", "Story number 4", "Story number 9"}
    # The feed still lists the expired items: they must not come back as unread.
    again = store.save_entries(feed.id, entries)
    assert again.new == 0 and again.skipped == 2
    store.vacuum()
    assert store.count_articles("all") + store.count_articles("dismissed") == 4


def test_remove_feed_deletes_its_articles_and_search_entries(store: Store) -> None:
    feed = store.add_feed("https://news.example/rss", title="Example News", folder="World")
    store.save_entries(feed.id, [_article(1)])
    assert store.remove_feed("example news")
    assert store.count_articles() == 0
    assert store.search("council") == []
    assert not store.remove_feed("Example News")


def test_add_feed_twice_keeps_one_subscription(store: Store) -> None:
    store.add_feed("https://news.example/rss")
    again = store.add_feed("https://news.example/rss", folder="Local")
    assert [f.id for f in store.feeds()] == [again.id]
    assert again.folder == "Local"


def test_fetch_outcomes_are_recorded(store: Store) -> None:
    feed = store.add_feed("https://news.example/rss")
    store.record_failure(feed.id, "HTTP 500 from server")
    [status] = store.feeds()
    assert status.last_error == "HTTP 500 from server" and status.last_success is None
    assert status.failures == 1
    result = store.record_fetch(
        feed.id, [_article(1)], etag='"v1"', title="Example News", new_url="https://n.example/rss"
    )
    assert result.new == 1
    [status] = store.feeds()
    assert status.last_error is None and status.last_success is not None and status.failures == 0
    assert status.title == "Example News" and status.url == "https://n.example/rss"
    assert store.fetch_state(feed.id).etag == '"v1"'
    store.record_fetch(feed.id, not_modified=True)
    assert store.fetch_state(feed.id).etag == '"v1"'


def test_import_seeds_uses_one_pseudo_feed_per_directory(store: Store, tmp_path: Path) -> None:
    first = tmp_path / "a" / "one.txt"
    second = tmp_path / "b" / "two.txt"
    seeds = [
        Article(title="One", body="First saved article.", source="one.txt", path=str(first)),
        Article(title="Two", body="Second saved article.", source="two.txt", path=str(second)),
    ]
    assert store.import_seeds(seeds) == 2
    assert store.import_seeds(seeds) == 0
    changed = [Article(title="One", body="Edited.", source="one.txt", path=str(first))]
    assert store.import_seeds(changed) == 1
    assert store.count_articles() == 2
    assert sorted(f.title for f in store.feeds()) == ["Saved: a", "Saved: b"]
    assert store.feeds(include_seeds=False) == []


def test_store_used_from_several_threads(store: Store) -> None:
    from concurrent.futures import ThreadPoolExecutor

    feed = store.add_feed("https://news.example/rss")

    def work(n: int) -> int:
        store.save_entries(feed.id, [_article(n)])
        return store.count_articles()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(work, range(40)))
    assert store.count_articles() == 40


def test_list_query_plans_use_indexes(store: Store) -> None:
    conn = sqlite3.connect(store.path)
    plans = {
        "all": "SELECT id FROM articles a WHERE a.dismissed = 0 "
        "ORDER BY a.sort_date DESC, a.id DESC LIMIT 50",
        "unread": "SELECT id FROM articles a WHERE a.read = 0 AND a.dismissed = 0 "
        "ORDER BY a.sort_date DESC, a.id DESC LIMIT 50",
        "starred": "SELECT id FROM articles a WHERE a.starred = 1 "
        "ORDER BY a.sort_date DESC, a.id DESC LIMIT 50",
        "feed": "SELECT id FROM articles a WHERE a.dismissed = 0 AND a.feed_id = 1 "
        "ORDER BY a.sort_date DESC, a.id DESC LIMIT 50",
    }
    for name, sql in plans.items():
        plan = " ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert "USING" in plan and "TEMP B-TREE" not in plan, (name, plan)
    conn.close()


def test_stories_are_indexed_as_articles_are_saved_and_forgotten_when_removed(
    store: Store,
) -> None:
    one = store.add_feed("https://one.example/rss")
    two = store.add_feed("https://two.example/rss")
    when = datetime(2026, 3, 4, 8, tzinfo=UTC)
    story = (
        "Chancellor Rachel Whitmore announced a £12bn rail upgrade for Leeds and Manchester "
        "on Tuesday, saying the Northern Powerhouse line would open by 2031."
    )
    store.save_entries(
        one.id,
        [
            _article(1, title="£12bn rail upgrade for Leeds", body=story, published=when),
            _article(2, title="Village fete cancelled", published=when),
        ],
    )
    store.save_entries(
        two.id,
        [
            _article(
                3,
                title="Whitmore backs Leeds-Manchester rail line",
                body=story.replace("announced", "unveiled") + " Unions welcomed it.",
                published=when,
            )
        ],
    )
    rows = {row.title: row for row in store.list_articles(limit=10)}
    first = rows["£12bn rail upgrade for Leeds"]
    second = rows["Whitmore backs Leeds-Manchester rail line"]
    assert first.story is not None and first.story == second.story
    assert first.story_size == 2 and rows["Village fete cancelled"].story_size == 1
    assert [r.id for r in store.related(first.id)] == [second.id]
    assert set(store.story_members(first.id)) == {first.id, second.id}
    by_size = store.list_articles(sort="size", limit=10)
    assert {r.id for r in by_size[:2]} == {first.id, second.id}
    store.remove_feed(two.url)
    assert store.related(first.id) == []
    [again] = [r for r in store.list_articles() if r.id == first.id]
    assert again.story_size == 1


def test_identical_text_under_different_ids_stays_two_items(store: Store) -> None:
    feed = store.add_feed("https://news.example/rss")
    entries = [
        _article(1, title="Live updates", body="Follow along.", url=None),
        _article(2, title="Live updates", body="Follow along.", url=None),
    ]
    assert store.save_entries(feed.id, entries).new == 2
    again = store.save_entries(feed.id, entries)
    assert (again.new, again.updated) == (0, 0)
    assert sorted(store.article(r.id).guid for r in store.list_articles()) == [  # type: ignore[union-attr]
        "guid-1",
        "guid-2",
    ]


def test_moved_link_or_corrected_date_updates_quietly(store: Store) -> None:
    feed = store.add_feed("https://news.example/rss")
    store.save_entries(feed.id, [_article(1)])
    later = datetime(2026, 4, 1, tzinfo=UTC)
    result = store.save_entries(
        feed.id, [_article(1, url="https://news.example/new", published=later)]
    )
    assert (result.new, result.updated) == (0, 0)
    [row] = store.list_articles()
    assert row.url == "https://news.example/new" and row.published == later
