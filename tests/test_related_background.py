"""Related stories: everyday English words weigh little in a small collection.

Among the bundled sample articles, the Australian and English rate decisions
of one week share only topic words (rate, inflation, mortgage, meeting); in
fourteen articles those look as rare as a name, unless they are weighed
against ordinary English. Names and figures must keep their weight, and a
large collection must be left almost as its own counts say.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from briefing.analysis.related import (
    background_idf,
    background_share,
    group_collection,
    idf,
)
from briefing.sources.seeds import load_seed, load_seeds
from briefing.store.related import _idf_array

SEEDS = Path(__file__).parents[1] / "seeds"

# The stories a reader sees in the bundled seeds; every other seed stands alone.
SEED_STORIES = (
    {"norway-budget-baltic-wire", "norway-budget-harbour-post", "norway-budget-nordic-ledger"},
    {"boe-rates-city-desk", "boe-rates-meridian-news"},
    {"eu-air-defence-continental-times", "eu-air-defence-meridian-news"},
    {"nhs-winter-meridian-news", "nhs-winter-westminster-brief"},
)


def _expected_groups(stems: set[str]) -> set[frozenset[str]]:
    grouped = {frozenset(story) for story in SEED_STORIES}
    together = set().union(*SEED_STORIES)
    return grouped | {frozenset({stem}) for stem in stems - together}


def _groups(story_of: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for key, story in story_of.items():
        groups.setdefault(story, set()).add(key)
    return {frozenset(group) for group in groups.values()}


def test_bundled_seeds_group_as_a_reader_would_in_memory() -> None:
    paths = sorted(p for p in SEEDS.iterdir() if p.is_file())
    grouped = group_collection([(p.stem, load_seed(p)) for p in paths])
    found = _groups({key: story.story for key, story in grouped.items()})
    assert found == _expected_groups({p.stem for p in paths})
    rba = grouped["rba-holds-meridian-news"]
    assert rba.related == ()


def test_bundled_seeds_group_as_a_reader_would_in_the_store(tmp_path: Path) -> None:
    from briefing.store import Store

    articles, problems = load_seeds([SEEDS])
    assert not problems
    with Store.open(tmp_path / "briefing.db") as store:
        store.import_seeds(articles)
        story_of = {}
        for row in store.list_articles("all", limit=1000):
            article = store.article(row.id)
            assert article is not None and article.path and row.story
            story_of[Path(article.path).stem] = row.story
    assert _groups(story_of) == _expected_groups(set(story_of))


def test_an_everyday_word_weighs_less_than_a_name_seen_as_often_in_few_articles() -> None:
    everyday = idf(2, 14, background_share("market"))
    name = idf(2, 14, background_share("@reserve bank of australia"))
    assert everyday < 0.6 * name
    # A word used in most ordinary text falls to near its weight in ordinary English.
    assert everyday < idf(2, 14) - 0.5 * (idf(2, 14) - background_idf(background_share("market")))


@pytest.mark.parametrize("term", ["@reserve bank of australia", "#4.35", "#2026", "zorvath"])
def test_names_figures_and_unknown_words_keep_the_collections_weight(term: str) -> None:
    assert background_share(term) == 0.0
    for df, documents in ((1, 3), (2, 14), (40, 10_000)):
        assert idf(df, documents, background_share(term)) == idf(df, documents)


def test_a_capitalised_word_keeps_its_weight_as_a_name() -> None:
    assert background_share("australia") > 0.0
    assert background_share("@australia") == 0.0


def test_the_background_never_raises_a_weight() -> None:
    for word in ("inflation", "mortgage", "the", "frigate", "meeting"):
        share = background_share(word)
        for df, documents in ((1, 2), (3, 14), (1, 405), (500, 10_000)):
            assert idf(df, documents, share) <= idf(df, documents)


def test_a_large_collection_is_weighed_almost_only_by_its_own_counts() -> None:
    share = background_share("market")
    assert share > 0.5
    own = idf(3, 10_000)
    assert idf(3, 10_000, share) > 0.99 * own
    small = idf(2, 14)
    assert idf(2, 14, share) < 0.6 * small


def test_the_stores_vectorised_weights_match_the_scalar_ones() -> None:
    cases = [
        (df, documents, share)
        for df in (0, 1, 5, 300)
        for documents in (1, 14, 405, 100_000)
        for share in (0.0, background_share("inflation"), background_share("market"), 1.0)
    ]
    vectorised = _idf_array([(df, share) for df, _, share in cases], 14)
    for (df, _, share), value in zip(cases, vectorised, strict=True):
        assert math.isclose(float(value), idf(df, 14, share), rel_tol=1e-12)
    for documents in (1, 405, 100_000):
        row = _idf_array([(5, background_share("market"))], documents)
        assert math.isclose(float(row[0]), idf(5, documents, background_share("market")))


def test_an_index_from_before_the_background_gets_its_shares() -> None:
    import sqlite3

    from briefing.store import related as store_related

    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE TABLE related_terms (id INTEGER PRIMARY KEY, term TEXT NOT NULL UNIQUE, "
        "df INTEGER NOT NULL DEFAULT 0)"
    )
    conn.executemany(
        "INSERT INTO related_terms (id, term, df) VALUES (?, ?, ?)",
        [(1, "market", 4), (2, "@reserve bank of australia", 2), (3, "#4.35", 2)],
    )
    store_related.ensure_schema(conn)
    shares = dict(conn.execute("SELECT term, share FROM related_terms").fetchall())
    assert shares == {
        "market": pytest.approx(background_share("market")),
        "@reserve bank of australia": 0.0,
        "#4.35": 0.0,
    }
    assert dict(conn.execute("SELECT term, df FROM related_terms").fetchall())["market"] == 4
