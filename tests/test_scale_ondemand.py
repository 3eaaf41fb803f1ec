"""A big store opens as fast as a small one: the story list loads rows on demand.

The reader must never build a widget, or fetch a row, per stored story: a
heavy user keeps 100,000. These tests fill a store with a few thousand tiny
articles and check what the list holds after start-up, after paging and after
jumping to the end. They count rows and widgets, never time anything.
Also here: `briefing --help` must not import the heavy libraries.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tui_support import make_app, settle

from briefing.models import Article
from briefing.store import Store, triage
from briefing.store import articles as article_queries
from briefing.tui.app import BriefingApp
from briefing.tui.screens.main import MainScreen
from briefing.tui.widgets.story_list import StoryList

STORIES = 3000
BOUND = 500  # rows or widgets; the list on screen needs about 20 rows
NEWEST = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def private_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRIEFING_CONFIG", str(tmp_path / "absent.toml"))


def title(number: int) -> str:
    return f"Story number {number:05d}"


def fill_store(path: Path, count: int) -> None:
    """`count` tiny articles from four feeds, one hour apart; story 0 is the newest.

    Saved in one transaction with the store's own query and without related
    indexing: these tests are about the list, and indexing one by one would
    make the test slow.
    """
    with Store.open(path) as store:
        feeds = [store.add_feed(f"https://feed{i}.example/rss", f"Feed {i}").id for i in range(4)]
        now = datetime.now(UTC)
        with store.transaction() as conn:
            for number in range(count):
                article = Article(
                    title=title(number),
                    body=f"Short body of story {number}.",
                    url=f"https://feed{number % 4}.example/{number}",
                    guid=f"story-{number}",
                    published=NEWEST - timedelta(hours=number),
                )
                article_queries.save_entries(conn, feeds[number % 4], [article], now)


def screen_of(app: BriefingApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


def loaded(stories: StoryList) -> list[int]:
    return [i for i in range(stories.total) if stories.row_at(i) is not None]


def spy_on_rows(app: BriefingApp) -> list[tuple[int, int]]:
    """Record every (offset, limit) the list asks the library for."""
    asked: list[tuple[int, int]] = []
    library = app.library
    original = library.rows

    async def rows(query: object, offset: int, limit: int) -> object:
        asked.append((offset, limit))
        return await original(query, offset, limit)  # type: ignore[arg-type]

    library.rows = rows  # type: ignore[method-assign,assignment]
    return asked


@pytest.fixture
def big_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> BriefingApp:
    data = tmp_path / "data"
    fill_store(data / "briefing.db", STORIES)
    # The articles are saved unfiled; grouping them re-reads the list as it goes, which
    # is not what these tests count (tests/test_tui_backlog.py covers it).
    monkeypatch.setattr(BriefingApp, "start_grouping", lambda self: None)
    return make_app(data, seeds=[])


async def test_start_up_loads_a_page_not_the_whole_store(big_app: BriefingApp) -> None:
    asked = spy_on_rows(big_app)
    async with big_app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        stories = screen_of(big_app).stories
        assert stories.total == STORIES
        shown = loaded(stories)
        assert 10 <= len(shown) < BOUND
        assert shown[0] == 0
        assert stories.row_at(0) is not None and stories.row_at(0).title == title(0)
        assert sum(limit for _, limit in asked) < BOUND
        assert len(big_app.screen.query("*")) < BOUND


async def test_jumping_to_the_end_loads_the_last_rows_only(big_app: BriefingApp) -> None:
    asked = spy_on_rows(big_app)
    async with big_app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        stories = screen_of(big_app).stories
        stories.focus()
        assert stories.row_at(STORIES - 1) is None
        await pilot.press("end")
        await settle(pilot)
        last = stories.row_at(STORIES - 1)
        assert last is not None and last.title == title(STORIES - 1)
        assert stories.cursor == STORIES - 1
        assert stories.row_at(STORIES // 2) is None  # the middle was never fetched
        assert len(loaded(stories)) < BOUND
        assert sum(limit for _, limit in asked) < BOUND
        assert len(big_app.screen.query("*")) < BOUND


async def test_paging_down_loads_more_rows_as_they_come_into_view(
    big_app: BriefingApp,
) -> None:
    async with big_app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        stories = screen_of(big_app).stories
        stories.focus()
        before = len(loaded(stories))
        far = 0
        while far < before + 50:
            await pilot.press("pagedown")
            await settle(pilot)
            far = stories.cursor
        row = stories.row_at(far)
        assert row is not None and row.title == title(far)
        after = loaded(stories)
        assert len(after) > before
        assert len(after) < BOUND
        assert max(after) < STORIES // 2


async def test_next_unread_finds_a_story_far_down_without_loading_everything(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    count = 5000
    fill_store(data / "briefing.db", count)
    with Store.open(data / "briefing.db") as store:
        ids = [row.id for row in store.list_articles("all", limit=count)]
        with store.transaction() as conn:
            for index, article_id in enumerate(ids):
                if index != 600:
                    triage.set_flag(conn, article_id, "read", True)
    app = make_app(data, seeds=[])
    asked = spy_on_rows(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        stories = screen_of(app).stories
        stories.focus()
        await pilot.press("n")
        await settle(pilot)
        assert stories.cursor == 600
        # Pages are read until the unread story turns up, not to the end of the list.
        assert sum(limit for _, limit in asked) < count // 2


def test_help_imports_no_heavy_library() -> None:
    """`briefing --help` (and each command's --help) must start fast: no UI, no parsers."""
    script = textwrap.dedent(
        """
        import sys
        from briefing.cli import main
        for argv in (["--help"], ["related", "--help"], ["search", "--help"]):
            try:
                main(argv)
            except SystemExit:
                pass
        heavy = ("textual", "sumy", "feedparser", "httpx", "selectolax", "trafilatura")
        print(" ".join(sorted({m.split(".")[0] for m in sys.modules} & set(heavy))))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert "usage: briefing" in done.stdout
    assert done.stdout.splitlines()[-1].strip() == ""
