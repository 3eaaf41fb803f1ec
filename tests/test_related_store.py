"""Related stories persisted in SQLite: the same hand-written articles, through the store index."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefing.models import Article
from briefing.sources.seeds import load_seed
from briefing.store import related as store_related

FIXTURES = Path(__file__).parent / "fixtures" / "related"

HARLOW = {"harlow-bridge-courier", "harlow-bridge-metro", "harlow-bridge-inquiry"}
MERIDAN = {"port-meridan-footbridge", "port-meridan-footbridge-gazette"}
RATES = {"valdoria-rates-wire", "valdoria-rates-reprint", "valdoria-rates-analysis"}
ALONE = {"kestrel-chess-open", "valdoria-rates-cut-next-year"}
EXPECTED = {frozenset(HARLOW), frozenset(MERIDAN), frozenset(RATES)} | {
    frozenset({key}) for key in ALONE
}


def _articles_by_date() -> list[tuple[str, Article]]:
    items = [(path.stem, load_seed(path)) for path in sorted(FIXTURES.iterdir())]
    latest = datetime.max.replace(tzinfo=UTC)
    return sorted(items, key=lambda kv: kv[1].published or latest)


def _connect() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(
        "CREATE TABLE articles (id INTEGER PRIMARY KEY, title TEXT, source TEXT NOT NULL "
        "DEFAULT '', published REAL)"
    )
    store_related.ensure_schema(conn)
    store_related.ensure_schema(conn)  # safe to repeat on every open
    return conn


def _insert(conn: sqlite3.Connection, article_id: int, article: Article) -> None:
    stamp = article.published.timestamp() if article.published else None
    conn.execute(
        "INSERT INTO articles (id, title, source, published) VALUES (?, ?, ?, ?)",
        (article_id, article.title, article.source, stamp),
    )


@pytest.fixture
def indexed() -> Iterator[tuple[sqlite3.Connection, dict[str, int]]]:
    conn = _connect()
    ids: dict[str, int] = {}
    for article_id, (key, article) in enumerate(_articles_by_date(), start=1):
        conn.execute("BEGIN")
        _insert(conn, article_id, article)
        store_related.index_article(
            conn, article_id, article.title, article.body, article.published, article.source
        )
        conn.execute("COMMIT")
        ids[key] = article_id
    yield conn, ids
    conn.close()


def _groups(conn: sqlite3.Connection, ids: dict[str, int]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for key, article_id in ids.items():
        story = store_related.story_of(conn, article_id)
        assert story is not None
        groups.setdefault(story, set()).add(key)
    return {frozenset(g) for g in groups.values()}


def test_store_groups_each_event_and_keeps_same_kind_apart(
    indexed: tuple[sqlite3.Connection, dict[str, int]],
) -> None:
    conn, ids = indexed
    assert _groups(conn, ids) == EXPECTED


def test_store_related_rows_carry_outlet_date_and_shared_names(
    indexed: tuple[sqlite3.Connection, dict[str, int]],
) -> None:
    conn, ids = indexed
    rows = store_related.related(conn, ids["harlow-bridge-courier"])
    names = {row.id: key for key, row_id in ids.items() for row in rows if row.id == row_id}
    assert set(names.values()) == HARLOW - {"harlow-bridge-courier"}
    assert [row.score for row in rows] == sorted((row.score for row in rows), reverse=True)
    metro = next(row for row in rows if names[row.id] == "harlow-bridge-metro")
    assert metro.source == "Metro Evening News"
    assert metro.title.startswith("Stenner Bridge failure")
    assert metro.published == datetime(2026, 3, 3, 18, 5, tzinfo=UTC)
    assert "Elena Varga" in metro.reason
    assert 0 < metro.score <= 1


def test_store_single_article_story_has_no_related_rows(
    indexed: tuple[sqlite3.Connection, dict[str, int]],
) -> None:
    conn, ids = indexed
    assert store_related.related(conn, ids["kestrel-chess-open"]) == []
    assert store_related.related(conn, ids["valdoria-rates-cut-next-year"]) == []
    assert store_related.related(conn, 9999) == []


def test_store_flags_wire_copy_and_does_not_count_it_twice(
    indexed: tuple[sqlite3.Connection, dict[str, int]],
) -> None:
    conn, ids = indexed
    wire, reprint = ids["valdoria-rates-wire"], ids["valdoria-rates-reprint"]
    assert store_related.duplicate_of(conn, reprint) == wire
    assert store_related.duplicate_of(conn, wire) is None
    flags = {row.id: row.duplicate for row in store_related.related(conn, wire)}
    assert flags == {reprint: True, ids["valdoria-rates-analysis"]: False}
    info = store_related.story_info(conn, [wire, reprint, ids["harlow-bridge-metro"]])
    assert info[wire].size == 2  # the reprint is not a second report
    assert info[wire].outlets == 2
    assert info[reprint].duplicate_of == wire
    assert info[ids["harlow-bridge-metro"]].size == 3
    assert info[ids["harlow-bridge-metro"]].outlets == 2  # two Daily Courier articles


def test_store_follow_up_joins_and_forgetting_takes_it_out(
    indexed: tuple[sqlite3.Connection, dict[str, int]],
) -> None:
    conn, ids = indexed
    inquiry, courier = ids["harlow-bridge-inquiry"], ids["harlow-bridge-courier"]
    assert inquiry in store_related.story_members(conn, courier)
    store_related.forget_article(conn, inquiry)
    assert store_related.story_of(conn, inquiry) is None
    assert inquiry not in store_related.story_members(conn, courier)
    assert store_related.story_info(conn, [courier])[courier].size == 2


def test_store_reindexing_changed_text_moves_the_article(
    indexed: tuple[sqlite3.Connection, dict[str, int]],
) -> None:
    conn, ids = indexed
    chess = ids["kestrel-chess-open"]
    gazette = load_seed(FIXTURES / "port-meridan-footbridge-gazette.json")
    story = store_related.index_article(
        conn, chess, "Marina walkway inquiry", gazette.body, gazette.published
    )
    assert story == store_related.story_of(conn, ids["port-meridan-footbridge"])
    size = store_related.story_info(conn, [chess])[chess].size
    assert size == 2  # a copy of the gazette's text, so it counts once


def test_store_rebuild_indexes_existing_articles_like_saving_them(
    indexed: tuple[sqlite3.Connection, dict[str, int]],
) -> None:
    _, ids = indexed
    conn = _connect()
    stored = []
    for key, article in _articles_by_date():
        _insert(conn, ids[key], article)
        stored.append(
            Article(article.title, article.body, published=article.published, id=ids[key])
        )
    assert store_related.rebuild(conn, list(reversed(stored))) == len(stored)
    assert store_related.rebuild(conn, stored) == 0
    assert _groups(conn, ids) == EXPECTED
    assert (
        store_related.duplicate_of(conn, ids["valdoria-rates-reprint"])
        == (ids["valdoria-rates-wire"])
    )
    # The rebuilt index goes on growing one article at a time.
    metro = load_seed(FIXTURES / "harlow-bridge-metro.json")
    _insert(conn, 100, metro)
    story = store_related.index_article(conn, 100, "Bridge report", metro.body, metro.published)
    assert story == store_related.story_of(conn, ids["harlow-bridge-courier"])
    assert store_related.duplicate_of(conn, 100) == ids["harlow-bridge-metro"]


def test_store_hook_matches_the_saving_signature() -> None:
    conn = _connect()
    article = load_seed(FIXTURES / "kestrel-chess-open.txt")
    _insert(conn, 7, article)
    store_related.index_hook(conn, 7, article)
    assert store_related.story_of(conn, 7) == store_related.story_key(7)


def test_deleting_an_article_row_removes_its_index_entry() -> None:
    conn = _connect()
    article = load_seed(FIXTURES / "kestrel-chess-open.txt")
    _insert(conn, 3, article)
    store_related.index_article(conn, 3, article.title, article.body)
    conn.execute("DELETE FROM articles WHERE id = 3")
    assert store_related.story_of(conn, 3) is None


def test_saving_through_the_store_groups_stories_and_lists_them(tmp_path: Path) -> None:
    from briefing.store import Store

    articles = [article for _, article in _articles_by_date()]
    with Store.open(tmp_path / "briefing.db") as store:
        assert store.import_seeds(articles) == len(articles)
        by_title = {row.title: row for row in store.list_articles()}
        courier = by_title["Harlow river bridge collapses during morning rush, 14 hurt"]
        related = store.related(courier.id)
        assert {row.source for row in related} == {"Metro Evening News", "Daily Courier"}
        assert courier.story_size == 3
        chess = by_title["Teenager Lina Osei wins the Kestrel Open chess tournament"]
        assert store.related(chess.id) == []
        reprint = by_title["Valdoria central bank raises main rate to 4.25 percent"]
        assert reprint.duplicate_of is not None


def test_unindexed_lists_articles_saved_before_indexing() -> None:
    conn = _connect()
    article = load_seed(FIXTURES / "kestrel-chess-open.txt")
    _insert(conn, 1, article)
    _insert(conn, 2, article)
    store_related.index_article(conn, 2, article.title, article.body)
    assert store_related.unindexed(conn) == [1]


def test_an_older_index_layout_is_replaced_not_reused() -> None:
    conn = _connect()
    conn.execute("DROP TABLE related_docs")
    conn.execute("CREATE TABLE related_docs (article_id INTEGER PRIMARY KEY, story INTEGER)")
    store_related.ensure_schema(conn)
    article = load_seed(FIXTURES / "kestrel-chess-open.txt")
    _insert(conn, 1, article)
    assert store_related.index_article(conn, 1, article.title, article.body) == "story-1"
