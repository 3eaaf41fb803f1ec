"""Local repair of stories as articles arrive, and indexing a batch of saved articles at once."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from briefing.analysis.related import (
    StoryIndex,
    average_link_groups,
    carry_over,
    date_matrix,
    regroup,
    regroup_due,
    settle_groups,
    shared_terms,
    similarity_matrix,
)
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


def _articles() -> list[tuple[str, Article]]:
    return [(path.stem, load_seed(path)) for path in sorted(FIXTURES.iterdir())]


def _orders() -> list[list[tuple[str, Article]]]:
    """Date order and two mixed orders.

    In a collection of three or four articles every shared word is common, so
    the first reports of a story may stay apart until something links them;
    orders that open with a whole story are left out for that reason.
    """
    items = _articles()
    latest = datetime.max.replace(tzinfo=UTC)
    orders = [sorted(items, key=lambda kv: kv[1].published or latest)]
    for seed in (2, 3):
        shuffled = list(items)
        random.Random(seed).shuffle(shuffled)
        orders.append(shuffled)
    return orders


def _groups(story_of: dict[str, str | None]) -> set[frozenset[str]]:
    groups: dict[str | None, set[str]] = {}
    for key, story in story_of.items():
        assert story is not None
        groups.setdefault(story, set()).add(key)
    return {frozenset(g) for g in groups.values()}


def _connect() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute(
        "CREATE TABLE articles (id INTEGER PRIMARY KEY, title TEXT, source TEXT NOT NULL "
        "DEFAULT '', published REAL)"
    )
    store_related.ensure_schema(conn)
    return conn


def _insert(conn: sqlite3.Connection, article_id: int, article: Article) -> None:
    conn.execute(
        "INSERT INTO articles (id, title, source) VALUES (?, ?, ?)",
        (article_id, article.title, article.source),
    )


def _two_events() -> np.ndarray:
    """Articles 0-2 report one event, 3-5 another of the same kind (weak cross links)."""
    sims = np.full((6, 6), 0.05)
    sims[:3, :3] = 0.4
    sims[3:, 3:] = 0.35
    np.fill_diagonal(sims, 0.0)
    return sims


def test_average_link_keeps_two_events_of_one_kind_apart() -> None:
    labels = average_link_groups(_two_events(), threshold=0.12)
    assert len({labels[0], labels[1], labels[2]}) == 1
    assert len({labels[3], labels[4], labels[5]}) == 1
    assert labels[0] != labels[3]


def test_average_link_joins_everything_when_the_threshold_is_low() -> None:
    assert len(set(average_link_groups(_two_events(), threshold=0.01))) == 1


def test_settling_moves_an_early_wrong_join_to_its_own_event() -> None:
    # Article 3 was put with the first event when its own had no reports yet.
    start = [0, 0, 0, 0, 4, 4]
    labels = settle_groups(_two_events(), start, threshold=0.12)
    assert labels[3] == labels[4] == labels[5]
    assert labels[0] == labels[1] == labels[2] != labels[3]


def test_settling_splits_an_article_that_resembles_nobody_enough() -> None:
    sims = _two_events()
    sims[5, :] = sims[:, 5] = 0.01
    labels = regroup(sims, threshold=0.12)
    assert labels.count(labels[5]) == 1


def test_carry_over_keeps_the_key_of_the_story_most_members_come_from() -> None:
    old = ["a", "a", "a", "a", "a", "b"]
    labels = [0, 0, 0, 3, 3, 3]
    assert carry_over(old, labels) == {0: "a", 3: "b"}
    assert carry_over(["a", "a", "a", "a"], [0, 0, 1, 1]) == {0: "a", 1: None}


def test_a_lone_story_is_regrouped_while_small_then_as_it_grows_by_a_quarter() -> None:
    due = [size for size in range(1, 400) if regroup_due(size)]
    assert due[:8] == list(range(1, 9))
    later = due[8:]
    assert all(1.1 < b / a < 1.4 for a, b in zip(later, later[1:], strict=False))
    assert len(due) < 40  # near-linear total cost for a story of 400


def test_similarity_matrix_is_a_symmetric_date_adjusted_cosine() -> None:
    vectors = [{"quake": 1.0, "Harlow": 2.0}, {"quake": 1.0, "Harlow": 1.0}, {"chess": 1.0}]
    weights = {term: 1.0 for term in shared_terms(vectors)}
    assert set(weights) == {"quake", "Harlow"}
    norms = [5**0.5, 2**0.5, 1.0]
    sims = similarity_matrix(vectors, weights, norms, [None, None, None])
    assert np.allclose(sims, sims.T)
    assert sims[0, 1] == sims[1, 0] > 0.9
    assert sims[0, 2] == 0.0 and sims[0, 0] == 0.0
    far = similarity_matrix(vectors, weights, norms, [0, 400, None])
    assert 0 < far[0, 1] < sims[0, 1]
    assert far[0, 1] == sims[0, 1] * date_matrix([0, 400])[0, 1]


def test_incremental_index_groups_the_fixtures_in_any_order_without_refinement() -> None:
    for order in _orders():
        index = StoryIndex()
        for key, article in order:
            index.add(key, article.title, article.body, article.published)
        assert _groups({key: index.story_of(key) for key, _ in order}) == EXPECTED


def test_store_groups_the_fixtures_in_any_order_one_by_one() -> None:
    for order in _orders():
        conn = _connect()
        conn.execute("BEGIN")
        for article_id, (_, article) in enumerate(order, start=1):
            _insert(conn, article_id, article)
            store_related.index_hook(conn, article_id, article)
        conn.execute("COMMIT")
        stories = {
            key: store_related.story_of(conn, article_id)
            for article_id, (key, _) in enumerate(order, start=1)
        }
        assert _groups(stories) == EXPECTED
        _check_story_sizes(conn)


def test_a_batch_groups_like_saving_one_by_one_and_reports_story_keys() -> None:
    for order in _orders():
        conn = _connect()
        conn.execute("BEGIN")
        saved = []
        for article_id, (_, article) in enumerate(order, start=1):
            _insert(conn, article_id, article)
            saved.append((article_id, article))
        # Two feeds' worth: the second batch must find the stories of the first.
        result = store_related.index_articles(conn, saved[:4])
        result.update(store_related.index_articles(conn, saved[4:]))
        conn.execute("COMMIT")
        assert set(result) == {article_id for article_id, _ in saved}
        for article_id, key in result.items():
            assert store_related.story_of(conn, article_id) is not None
            assert key.startswith("story-")
        stories = {
            key: store_related.story_of(conn, article_id)
            for article_id, (key, _) in enumerate(order, start=1)
        }
        assert _groups(stories) == EXPECTED
        _check_story_sizes(conn)


def test_the_collecting_hook_indexes_on_flush_and_reindexes_changed_text() -> None:
    conn = _connect()
    batch = store_related.IndexBatch()
    items = _articles()
    conn.execute("BEGIN")
    for article_id, (_, article) in enumerate(items, start=1):
        _insert(conn, article_id, article)
        batch.hook(conn, article_id, article)
    assert store_related.story_of(conn, 1) is None  # nothing indexed before flush
    assert len(batch.flush(conn)) == len(items)
    assert batch.pending == []
    # The same article saved again (its text changed) is taken out and filed afresh.
    first_id, (_, first) = 1, items[0]
    batch.hook(conn, first_id, first)
    batch.flush(conn)
    conn.execute("COMMIT")
    (documents,) = conn.execute(
        "SELECT value FROM related_meta WHERE name = 'documents'"
    ).fetchone()
    assert documents == len(items)
    (rows,) = conn.execute("SELECT count(*) FROM related_docs").fetchone()
    assert rows == len(items)
    _check_story_sizes(conn)


def _check_story_sizes(conn: sqlite3.Connection) -> None:
    """The stored story sizes match the articles filed under each story."""
    counted = dict(conn.execute("SELECT story, count(*) FROM related_docs GROUP BY story"))
    stored = dict(conn.execute("SELECT story, size FROM related_stories"))
    assert counted == stored
