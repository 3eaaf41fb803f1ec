"""Related stories in memory: hand-written articles whose right grouping is obvious."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from briefing.analysis.related import (
    StoryIndex,
    arrival_order,
    date_factor,
    dateline,
    extract_features,
    group_collection,
    is_duplicate,
    sketch_similarity,
)
from briefing.models import Article
from briefing.sources.seeds import load_seed

FIXTURES = Path(__file__).parent / "fixtures" / "related"

# What a reader would say: one story per group, the rest on their own.
HARLOW = {"harlow-bridge-courier", "harlow-bridge-metro", "harlow-bridge-inquiry"}
MERIDAN = {"port-meridan-footbridge", "port-meridan-footbridge-gazette"}
RATES = {"valdoria-rates-wire", "valdoria-rates-reprint", "valdoria-rates-analysis"}
ALONE = {"kestrel-chess-open", "valdoria-rates-cut-next-year"}


def _articles() -> list[tuple[str, Article]]:
    return [(path.stem, load_seed(path)) for path in sorted(FIXTURES.iterdir())]


def _by_date(items: list[tuple[str, Article]]) -> list[tuple[str, Article]]:
    return sorted(items, key=lambda kv: kv[1].published or datetime.max.replace(tzinfo=UTC))


def _groups(story_of: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for key, story in story_of.items():
        groups.setdefault(story, set()).add(key)
    return {frozenset(g) for g in groups.values()}


EXPECTED = {frozenset(HARLOW), frozenset(MERIDAN), frozenset(RATES)} | {
    frozenset({key}) for key in ALONE
}


def test_incremental_index_groups_each_event_and_keeps_same_kind_apart() -> None:
    index = StoryIndex()
    for key, article in _by_date(_articles()):
        index.add(key, article.title, article.body, article.published)
    assert _groups({key: index.story_of(key) for key, _ in _articles()}) == EXPECTED


def test_refinement_keeps_the_obvious_grouping_in_any_arrival_order() -> None:
    items = _articles()
    for order in (items, list(reversed(items)), items[1::2] + items[::2]):
        index = StoryIndex()
        for key, article in order:
            index.add(key, article.title, article.body, article.published)
        index.refine()
        assert _groups({key: index.story_of(key) for key, _ in items}) == EXPECTED


def test_single_article_story_has_an_empty_related_list() -> None:
    stories = group_collection(_articles())
    assert stories["kestrel-chess-open"].related == ()
    assert stories["valdoria-rates-cut-next-year"].related == ()


def test_related_lists_only_the_same_event_best_first_with_reasons() -> None:
    index = StoryIndex()
    for key, article in _by_date(_articles()):
        index.add(key, article.title, article.body, article.published)
    matches = index.related("harlow-bridge-courier")
    assert {m.key for m in matches} == HARLOW - {"harlow-bridge-courier"}
    assert matches == sorted(matches, key=lambda m: -m.score)
    assert all("Elena Varga" in m.reason for m in matches)


def test_wire_reprint_is_flagged_as_duplicate_of_the_earlier_copy() -> None:
    stories = group_collection(_articles())
    assert stories["valdoria-rates-reprint"].duplicate_of == "valdoria-rates-wire"
    assert stories["valdoria-rates-wire"].duplicate_of is None
    assert stories["valdoria-rates-analysis"].duplicate_of is None
    index = StoryIndex()
    for key, article in _by_date(_articles()):
        index.add(key, article.title, article.body, article.published)
    flags = {m.key: m.duplicate for m in index.related("valdoria-rates-wire")}
    assert flags == {"valdoria-rates-reprint": True, "valdoria-rates-analysis": False}


def test_follow_up_days_later_joins_the_story() -> None:
    stories = group_collection(_articles())
    assert "harlow-bridge-inquiry" in stories["harlow-bridge-courier"].related
    assert stories["harlow-bridge-inquiry"].story == stories["harlow-bridge-metro"].story


def test_story_keys_are_shared_within_a_story_and_differ_between_stories() -> None:
    stories = group_collection(_articles())
    assert len({stories[k].story for k in HARLOW}) == 1
    assert stories["port-meridan-footbridge"].story != stories["harlow-bridge-courier"].story


def test_dateline_reads_common_formats_at_the_top_only() -> None:
    assert dateline("June 6, 2013 3:05 PM EDT\nEsther Williams has died.") == date(2013, 6, 6)
    assert dateline("07 June 2013\nText") == date(2013, 6, 7)
    assert dateline("Released 2013 - 09 - 28 05:08:35 GMT\nText") == date(2013, 9, 28)
    assert dateline("Sun., Aug. 4, 2013 11:29 AM PDT\nText") == date(2013, 8, 4)
    assert dateline("Nothing here.\nStill nothing.\nNo.\nMay 2, 2013") is None
    long_line = "A star whose career began long before any of this, born on April 22, 1923."
    assert dateline(long_line) is None


def test_date_factor_keeps_weeks_and_fades_over_years() -> None:
    assert date_factor(None, 100) == 1.0
    assert date_factor(1000, 1004) == 1.0
    assert date_factor(1000, 1000 + 365) < 0.6
    assert date_factor(1000, 1000 + 5 * 365) <= 0.3


def test_arrival_order_sorts_dated_articles_and_leaves_undated_in_place() -> None:
    assert arrival_order([5.0, None, 1.0, 3.0]) == [2, 1, 3, 0]
    assert arrival_order([None, None]) == [0, 1]


def test_duplicate_needs_shared_runs_of_words_not_shared_topic() -> None:
    wire = load_seed(FIXTURES / "valdoria-rates-wire.json")
    reprint = load_seed(FIXTURES / "valdoria-rates-reprint.json")
    analysis = load_seed(FIXTURES / "valdoria-rates-analysis.json")
    a, b, c = (extract_features(x.title, x.body) for x in (wire, reprint, analysis))
    assert is_duplicate(a.sketch, b.sketch)
    assert not is_duplicate(a.sketch, c.sketch)
    assert sketch_similarity(a.sketch, a.sketch) == pytest.approx(1.0)
    assert sketch_similarity((), a.sketch) == 0.0


def test_a_month_is_a_date_not_a_name_unless_it_is_part_of_one() -> None:
    f = extract_features(
        "Rates held",
        "The bank held rates until December, said June Sarpong. Talks end in March in Oslo.",
    )
    assert "@december" not in f.terms and "@march" not in f.terms
    assert "december" in f.terms  # still a word of the story
    assert {"June Sarpong", "Oslo"} <= f.names and "December" not in f.names
    assert "@oslo" in f.terms


def test_features_weigh_names_and_figures() -> None:
    f = extract_features(
        "Harlow bridge falls", "Mayor Elena Varga said 14 people were hurt. The bridge fell."
    )
    assert "Elena Varga" in " ".join(f.names)
    assert "14" in f.figures
    assert "@mayor elena varga" in f.terms
    assert "the" not in f.terms
