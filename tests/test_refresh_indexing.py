"""Refresh files saved articles into related stories after saving, and catches up leftovers."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from desk_feeds import BusyWriter, write_desks

import briefing.grouping as grouping
import briefing.refresh as refresh_module
from briefing.config import Settings
from briefing.models import Article
from briefing.refresh import refresh_blocking
from briefing.sources.fetch import make_client
from briefing.store import Store


def _feed(items: list[tuple[str, str, str]]) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Desk</title>'
    ]
    for guid, title, body in items:
        parts.append(
            f"<item><guid>{guid}</guid><title>{title}</title>"
            f"<pubDate>Mon, 02 Jun 2025 09:00:00 GMT</pubDate>"
            f"<description>{body}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


STORY = "The harbour council approved a ferry budget of 5 million euros on Monday."


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "briefing.db")
    yield opened
    opened.close()


def test_every_saved_article_is_in_a_story_when_refresh_returns(
    store: Store, tmp_path: Path
) -> None:
    first = tmp_path / "a.xml"
    second = tmp_path / "b.xml"
    first.write_bytes(
        _feed([("a1", "Ferry budget approved", STORY), ("a2", "Grid", "Power grid.")])
    )
    second.write_bytes(_feed([("b1", "Council backs ferry budget", STORY)]))
    feeds = [store.add_feed(str(first)), store.add_feed(str(second))]
    report = refresh_blocking(store, Settings(), feeds)
    assert report.new == 3
    assert report.indexed == 3
    assert store.unindexed() == []
    ids = [article_id for feed in report.feeds for article_id in feed.article_ids]
    stories = {
        store.story_members(article_id)[0] for article_id in ids if store.story_members(article_id)
    }
    assert len(ids) == 3 and len(stories) == 2  # the two ferry reports share one story


def test_changed_article_is_filed_again(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "a.xml"
    path.write_bytes(_feed([("a1", "Ferry budget approved", STORY)]))
    feed = store.add_feed(str(path))
    refresh_blocking(store, Settings(), [feed])
    path.write_bytes(_feed([("a1", "Ferry budget approved", STORY + " Fares rise.")]))
    report = refresh_blocking(store, Settings(), [feed])
    assert report.updated == 1 and report.indexed == 1
    assert store.unindexed() == []


def test_articles_left_unindexed_by_a_crash_are_filed_by_the_next_refresh(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = store.record_fetch(
        store.add_feed("https://news.example.org/rss").id,
        [Article(title="Ferry budget approved", body=STORY, guid="x1")],
        index=False,
    )
    assert store.unindexed() == list(saved.ids)
    path = tmp_path / "a.xml"
    path.write_bytes(_feed([("a1", "Grid", "Power grid upgrade.")]))
    report = refresh_blocking(store, Settings(), [store.add_feed(str(path))])
    assert report.indexed == 2
    assert store.unindexed() == []


def test_indexing_can_be_left_for_later(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(refresh_module, "INDEX_RELATED", False)
    path = tmp_path / "a.xml"
    path.write_bytes(_feed([("a1", "Grid", "Power grid upgrade.")]))
    report = refresh_blocking(store, Settings(), [store.add_feed(str(path))])
    assert report.new == 1 and report.indexed == 0
    assert len(store.unindexed()) == 1
    assert store.index_articles(store.unindexed()) == 1
    assert store.unindexed() == []


def _stories_after_refresh(folder: Path, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Refresh a dozen feeds telling three stories; the stories as lists of guids."""
    topics = [
        ("ferry", "The harbour council approved a ferry budget of 5 million euros."),
        ("grid", "The grid operator will spend 2 billion kroner on new power lines."),
        ("school", "Teachers in Bergen voted to accept a pay offer of 4 percent."),
    ]
    paths = []
    for outlet in range(4):
        items = [
            (f"{name}-{outlet}", f"{name.title()} news, desk {outlet}", f"{body} Desk {outlet}.")
            for name, body in topics
        ]
        path = folder / f"desk{outlet}.xml"
        path.write_bytes(_feed(items))
        paths.append(path)
    with Store.open(folder / "briefing.db") as store:
        feeds = [store.add_feed(str(path)) for path in paths]
        report = refresh_blocking(store, Settings(), feeds)
        assert report.indexed == 12 and store.unindexed() == []
        stories: dict[str, list[str]] = {}
        for row in store.list_articles():
            article = store.article(row.id)
            assert article is not None and article.guid
            story = str(min(store.story_members(row.id) or [row.id]))
            stories.setdefault(story, []).append(article.guid)
    return sorted(sorted(members) for members in stories.values())


def test_helper_processes_file_a_backlog_exactly_as_filing_alone_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(grouping, "BATCH", 2)  # several batches, several ahead
    monkeypatch.setattr(grouping, "FILING_AHEAD", 4)
    monkeypatch.setattr(refresh_module, "_Writer", BusyWriter)
    monkeypatch.setattr(grouping, "FILE_WITH_HELPERS_FROM", 10**9)
    (tmp_path / "alone").mkdir()
    alone = _stories_after_refresh(tmp_path / "alone", monkeypatch)
    monkeypatch.setattr(grouping, "FILE_WITH_HELPERS_FROM", 1)
    monkeypatch.setattr(grouping.os, "cpu_count", lambda: 2)  # helpers need two cores
    used: list[int] = []
    real = grouping._extracted_by_helpers

    def counted(store: Store, batches: list[list[int]]) -> Iterator[object]:
        for features in real(store, batches):
            assert features is not None
            used.append(len(features))
            yield features

    monkeypatch.setattr(grouping, "_extracted_by_helpers", counted)
    (tmp_path / "helped").mkdir()
    helped = _stories_after_refresh(tmp_path / "helped", monkeypatch)
    assert used == [2] * 6  # the helpers extracted the features of every batch
    assert helped == alone
    assert len(alone) == 3 and all(len(members) == 4 for members in alone)


def test_a_large_backlog_is_left_to_grouping_and_said_in_the_report(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(refresh_module, "_Writer", BusyWriter)
    monkeypatch.setattr(refresh_module, "GROUP_AT_END_UP_TO", 5)
    feeds = [store.add_feed(str(path)) for path in write_desks(tmp_path, 4)]
    report = refresh_blocking(store, Settings(), feeds)
    assert report.new == 12
    assert report.indexed == 0 and report.ungrouped == 12
    assert store.unfiled_count() == 12 and len(store.unindexed()) == 12
    # Saved and searchable all the same; only the stories wait.
    assert len(store.list_articles()) == 12
    assert store.search("ferry")
    # The next refresh (nothing new) leaves them too; the grouping files them.
    again = refresh_blocking(store, Settings(), feeds)
    assert again.new == 0 and again.ungrouped == 12
    assert grouping.group_backlog(store) == 12
    assert store.unfiled_count() == 0
    sizes = sorted(len(store.story_members(row.id)) for row in store.list_articles())
    assert sizes == [4] * 12


def test_a_small_backlog_is_filed_before_refresh_returns(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(refresh_module, "_Writer", BusyWriter)
    monkeypatch.setattr(refresh_module, "GROUP_AT_END_UP_TO", 12)
    feeds = [store.add_feed(str(path)) for path in write_desks(tmp_path, 4)]
    report = refresh_blocking(store, Settings(), feeds)
    assert report.indexed == 12 and report.ungrouped == 0
    assert store.unfiled_count() == 0


def test_grouping_reports_progress_stops_between_batches_and_skips_what_is_filed(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(refresh_module, "_Writer", BusyWriter)
    monkeypatch.setattr(refresh_module, "GROUP_AT_END_UP_TO", 0)
    feeds = [store.add_feed(str(path)) for path in write_desks(tmp_path, 4)]
    refresh_blocking(store, Settings(), feeds)
    waiting = store.unindexed()
    assert len(waiting) == 12
    seen: list[tuple[int, int]] = []
    filed = grouping.group_backlog(
        store,
        batch=5,
        on_progress=lambda done, total: seen.append((done, total)),
        stop=lambda: len(seen) >= 1,
    )
    assert filed == 5 and seen == [(5, 12)]
    assert store.unfiled_count() == 7
    # Another pass files the rest and skips what the first one filed.
    seen.clear()
    assert (
        grouping.group_backlog(
            store, waiting, batch=5, on_progress=lambda d, t: seen.append((d, t))
        )
        == 7
    )
    assert seen == [(5, 12), (10, 12), (12, 12)]
    assert store.unfiled_count() == 0
    assert grouping.group_backlog(store) == 0


async def test_a_backlog_beyond_the_threshold_is_not_filed_bit_by_bit_while_saving(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Four web feeds land 50 ms apart, so the writer is idle between them; each brings
    # three articles, more than the threshold of two. None is filed during the run (in a
    # run that brings so much the parsers want that CPU): all are left to the grouping.
    monkeypatch.setattr(refresh_module, "GROUP_AT_END_UP_TO", 2)
    documents = {
        f"https://desk{desk}.example/rss": path.read_bytes()
        for desk, path in enumerate(write_desks(tmp_path, 4))
    }

    async def answer(request: httpx.Request) -> httpx.Response:
        desk = int(request.url.host[4])
        await asyncio.sleep(0.05 * desk)
        return httpx.Response(200, stream=httpx.ByteStream(documents[str(request.url)]))

    filed: list[int] = []
    real = Store.index_articles

    def counted(self: Store, article_ids: list[int], *args: object, **kwargs: object) -> int:
        filed.extend(article_ids)
        return real(self, article_ids, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "index_articles", counted)
    feeds = [store.add_feed(url) for url in documents]
    async with make_client(Settings().network) as client:
        client._transport = httpx.MockTransport(answer)
        report = await refresh_module.refresh(store, Settings(), feeds, client=client)
    assert report.new == 12 and report.ungrouped == 12
    assert filed == []
