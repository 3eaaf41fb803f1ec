"""The grouped story list: one row per story, its newest original report standing for it.

Stories are assigned by hand (the related index decides them in real use) so that
these tests check the grouping query alone: representatives, outlet counts that
leave reprints out, view filters applied to members, paging and the query plan.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from briefing.models import Article, ArticleRow
from briefing.store import Store
from briefing.store import articles as article_queries
from briefing.store.articles import StoryRow

FIXTURES = Path(__file__).parent / "fixtures" / "related"
START = datetime(2026, 5, 4, 6, 0, tzinfo=UTC)

# name -> (source, hours after START, story name, reprint of)
PLAN: dict[str, tuple[str, int, str, str | None]] = {
    "dam-herald": ("Lakeside Herald", 0, "dam", None),
    "dam-post": ("Morning Post", 3, "dam", None),
    "dam-wire": ("Northern Wire", 1, "dam", None),
    "dam-wire-copy": ("Valley Echo", 5, "dam", "dam-wire"),
    "dam-herald-update": ("Lakeside Herald", 4, "dam", None),
    "budget-post": ("Morning Post", 2, "budget", None),
    "budget-wire": ("Northern Wire", 6, "budget", None),
    "budget-wire-copy": ("Valley Echo", 7, "budget", "budget-wire"),
    "orchard-fair": ("Valley Echo", 8, "orchard", None),
}


def _article(tmp_path: Path, name: str) -> Article:
    source, hours, story, _ = PLAN[name]
    return Article(
        title=f"{story} report {name}",
        body=f"Text of {name}, one of the reports about the {story}.",
        source=source,
        published=START + timedelta(hours=hours),
        path=str(tmp_path / "seeds" / f"{name}.txt"),
    )


def _assign_stories(path: Path) -> dict[str, int]:
    """Put each article in its planned story and mark the planned reprints; name -> id."""
    conn = sqlite3.connect(path)
    try:
        ids = {
            Path(row[1]).stem: int(row[0]) for row in conn.execute("SELECT id, path FROM articles")
        }
        story_ids = {
            story: ids[f"{story}-post" if story != "orchard" else "orchard-fair"]
            for story in ("dam", "budget", "orchard")
        }
        with conn:
            for name, (_, _, story, reprint_of) in PLAN.items():
                conn.execute(
                    "UPDATE related_docs SET story = ?, duplicate_of = ? WHERE article_id = ?",
                    (story_ids[story], ids[reprint_of] if reprint_of else None, ids[name]),
                )
        return ids
    finally:
        conn.close()


@pytest.fixture
def planned(tmp_path: Path) -> Iterator[tuple[Store, dict[str, int]]]:
    path = tmp_path / "briefing.db"
    with Store.open(path) as store:
        store.import_seeds([_article(tmp_path, name) for name in PLAN])
    ids = _assign_stories(path)
    with Store.open(path) as store:
        yield store, ids


def _by_id(rows: list[ArticleRow], ids: dict[str, int]) -> dict[str, ArticleRow]:
    names = {article_id: name for name, article_id in ids.items()}
    return {names[row.id]: row for row in rows}


def test_one_row_per_story_shown_by_its_newest_original(
    planned: tuple[Store, dict[str, int]],
) -> None:
    store, ids = planned
    rows = store.list_articles(grouped=True)
    assert [row.id for row in rows] == [
        ids["orchard-fair"],
        ids["budget-wire"],
        ids["dam-herald-update"],
    ]
    assert all(isinstance(row, StoryRow) for row in rows)
    assert store.count_articles(grouped=True) == 3
    assert store.count_articles() == len(PLAN)
    # The reprints (5 h and 7 h) are newer than their stories' originals but never stand for them.
    assert ids["dam-wire-copy"] not in {row.id for row in rows}


def test_outlets_leave_reprints_and_repeat_sources_out(
    planned: tuple[Store, dict[str, int]],
) -> None:
    store, ids = planned
    rows = _by_id(store.list_articles(grouped=True), ids)
    dam = rows["dam-herald-update"]
    assert isinstance(dam, StoryRow)
    # Herald (twice), Post and Wire are three outlets; the Echo's reprint is a copy.
    assert (dam.outlets, dam.copies, dam.members) == (3, 1, 5)
    budget = rows["budget-wire"]
    assert isinstance(budget, StoryRow)
    assert (budget.outlets, budget.copies, budget.members) == (2, 1, 3)
    orchard = rows["orchard-fair"]
    assert isinstance(orchard, StoryRow)
    assert (orchard.outlets, orchard.copies, orchard.members) == (1, 0, 1)


def test_ungrouped_list_is_unchanged(planned: tuple[Store, dict[str, int]]) -> None:
    store, _ = planned
    rows = store.list_articles()
    assert len(rows) == len(PLAN)
    assert not any(isinstance(row, StoryRow) for row in rows)


def test_a_view_picks_the_representative_among_the_members_it_holds(
    planned: tuple[Store, dict[str, int]],
) -> None:
    store, ids = planned
    store.set_flag(ids["dam-herald-update"], "read", True)
    store.set_flag(ids["dam-post"], "read", True)
    unread = store.list_articles("unread", grouped=True)
    assert ids["dam-wire"] in {row.id for row in unread}
    assert store.count_articles("unread", grouped=True) == 3

    store.set_flag(ids["dam-herald"], "starred", True)
    store.set_flag(ids["budget-wire-copy"], "starred", True)
    starred = store.list_articles("starred", grouped=True)
    # Only a reprint of the budget story is starred, so the reprint stands for it there.
    assert [row.id for row in starred] == [ids["budget-wire-copy"], ids["dam-herald"]]
    assert store.count_articles("starred", grouped=True) == 2


def test_tag_and_feed_views_group_too(planned: tuple[Store, dict[str, int]]) -> None:
    store, ids = planned
    store.add_tag(ids["dam-herald"], "water")
    store.add_tag(ids["dam-post"], "water")
    store.add_tag(ids["orchard-fair"], "water")
    tagged = store.list_articles(tag="water", grouped=True)
    assert [row.id for row in tagged] == [ids["orchard-fair"], ids["dam-post"]]
    assert store.count_articles(tag="water", grouped=True) == 2
    feed_id = store.list_articles()[0].feed_id
    assert store.count_articles(feed_id=feed_id, grouped=True) == 3


def test_sorting_and_paging_give_every_story_once(planned: tuple[Store, dict[str, int]]) -> None:
    store, _ = planned
    for sort in article_queries.SORTS:
        whole = [row.id for row in store.list_articles(sort=sort, grouped=True)]
        pages = [
            row.id
            for offset in range(0, 3)
            for row in store.list_articles(sort=sort, grouped=True, limit=1, offset=offset)
        ]
        assert pages == whole
        assert len(set(whole)) == 3


def test_an_article_outside_any_story_is_a_story_of_one(
    planned: tuple[Store, dict[str, int]], tmp_path: Path
) -> None:
    store, ids = planned
    store.close()
    conn = sqlite3.connect(tmp_path / "briefing.db")
    with conn:
        conn.execute("DELETE FROM related_docs WHERE article_id = ?", (ids["dam-post"],))
    conn.close()
    with Store.open(tmp_path / "briefing.db") as reopened:
        rows = reopened.list_articles(grouped=True)
        assert ids["dam-post"] in {row.id for row in rows}
        assert reopened.count_articles(grouped=True) == len(rows) == 4
        assert [row.id for row in reopened.story_rows(ids["dam-post"])] == [ids["dam-post"]]


def test_story_rows_list_originals_newest_first_then_reprints(
    planned: tuple[Store, dict[str, int]],
) -> None:
    store, ids = planned
    members = [row.id for row in store.story_rows(ids["dam-herald"])]
    assert members == [
        ids["dam-herald-update"],
        ids["dam-post"],
        ids["dam-wire"],
        ids["dam-herald"],
        ids["dam-wire-copy"],
    ]


def test_reprinted_wire_copy_in_the_fixtures_is_not_an_outlet(tmp_path: Path) -> None:
    from briefing.sources.seeds import load_seeds

    articles, problems = load_seeds(sorted(FIXTURES.iterdir()))
    assert not problems
    with Store.open(tmp_path / "briefing.db") as store:
        store.import_seeds(articles)
        flat = store.list_articles()
        stories = {row.story for row in flat}
        grouped = store.list_articles(grouped=True)
        assert len(grouped) == store.count_articles(grouped=True) == len(stories)
        copies = [row for row in flat if row.duplicate_of is not None]
        assert copies, "the fixtures hold a wire story and its reprint"
        for row in grouped:
            assert isinstance(row, StoryRow)
            members = [m for m in flat if m.story == row.story]
            originals = [m for m in members if m.duplicate_of is None]
            assert row.outlets == len({m.source for m in originals})
            assert row.copies == len(members) - len(originals)
            assert row.duplicate_of is None


def test_the_grouped_page_walks_the_story_index_not_every_article(tmp_path: Path) -> None:
    with Store.open(tmp_path / "briefing.db"):
        pass
    conn = sqlite3.connect(tmp_path / "briefing.db")
    conn.row_factory = sqlite3.Row
    try:
        plans: list[str] = []
        real_execute = conn.execute

        class Recorder:
            def execute(self, sql: str, params: object = ()) -> sqlite3.Cursor:
                if "related_docs m" in sql and "LIMIT" in sql:
                    plans.extend(
                        str(row[3]) for row in real_execute("EXPLAIN QUERY PLAN " + sql, params)
                    )
                return real_execute(sql, params)  # type: ignore[arg-type]

        for view in article_queries.VIEWS:
            article_queries.list_articles(Recorder(), view, grouped=True)  # type: ignore[arg-type]
        assert plans
        # Each row costs a look at its own story's members: the story index, then rowids.
        member_steps = [step for step in plans if step.startswith(("SEARCH m ", "SEARCH b "))]
        assert len(member_steps) == 2 * len(article_queries.VIEWS)
        for step in member_steps:
            wanted = "related_docs_story" if step.startswith("SEARCH m") else "PRIMARY KEY"
            assert wanted in step, step
    finally:
        conn.close()


def test_the_grouped_count_reads_story_keys_from_the_covering_index(tmp_path: Path) -> None:
    with Store.open(tmp_path / "briefing.db"):
        pass
    conn = sqlite3.connect(tmp_path / "briefing.db")
    try:
        plan = " ".join(
            str(row)
            for row in conn.execute(
                "EXPLAIN QUERY PLAN SELECT count(DISTINCT d.story) FROM articles a "
                "LEFT JOIN related_docs d INDEXED BY related_docs_article_story "
                "ON d.article_id = a.id"
            )
        )
    finally:
        conn.close()
    assert "COVERING INDEX related_docs_article_story" in plan
