"""The reader groups a backlog a large refresh left unfiled: in the background, with
progress above the list, and before a digest is previewed."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from desk_feeds import BusyWriter, desk_articles, write_desks
from tui_support import make_app, settle

import briefing.refresh as refresh_module
import briefing.tui.grouping as tui_grouping
import briefing.tui.library as library_module
from briefing.errors import StoreError
from briefing.store import Store
from briefing.tui.app import BriefingApp
from briefing.tui.library import Library
from briefing.tui.screens.digest import DigestPreviewScreen
from briefing.tui.screens.main import MainScreen
from briefing.tui.widgets.panes import RelatedPane


@pytest.fixture(autouse=True)
def private_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRIEFING_CONFIG", str(tmp_path / "absent.toml"))


def _backlog(data_dir: Path) -> None:
    """Four desks' reports of three stories, saved but not filed into stories."""
    with Store.open(data_dir / "briefing.db") as store:
        for desk in range(4):
            feed = store.add_feed(f"https://desk{desk}.example/rss")
            articles = desk_articles(desk, datetime(2025, 6, 2, 9, desk, tzinfo=UTC))
            store.record_fetch(feed.id, articles, index=False)
        assert store.unfiled_count() == 12


def _main(app: BriefingApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


async def test_the_reader_groups_a_backlog_in_the_background_with_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _backlog(tmp_path)
    monkeypatch.setattr(library_module, "GROUPING_BATCH", 5)
    lines: list[str | None] = []
    real = tui_grouping.show_progress

    def recorded(app: BriefingApp, line: str | None) -> None:
        lines.append(line)
        real(app, line)

    monkeypatch.setattr(tui_grouping, "show_progress", recorded)
    app = make_app(tmp_path, seeds=[], grouped=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = _main(app)
        assert lines == [
            "grouping into stories: 0/12 articles\u2026",
            "grouping into stories: 5/12 articles\u2026",
            "grouping into stories: 10/12 articles\u2026",
            "grouping into stories: 12/12 articles\u2026",
            None,
        ]
        # Three stories of four reports each, the list regrouped when the grouping ended,
        # and the open story's related pane filled in (it said the story was not grouped).
        assert screen.stories.total == 3
        related = screen.query_one(RelatedPane)
        assert related.option_count == 3
        assert all("desk" in str(related.get_option_at_index(i).prompt) for i in range(3))
        assert await app.library.unfiled_count() == 0
        assert "grouping" not in str(screen.query_one("ViewBar").render())


async def test_a_digest_preview_waits_for_the_backlog_to_be_grouped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _backlog(tmp_path)
    # No background grouping: the digest must do it itself.
    monkeypatch.setattr(BriefingApp, "start_grouping", lambda self: None)
    with Store.open(tmp_path / "briefing.db") as store:
        [ferry] = [r.id for r in store.list_articles() if r.title == "Ferry budget, desk 0"]
        store.set_flag(ferry, "picked", True)
    app = make_app(tmp_path, seeds=[], grouped=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert await app.library.unfiled_count() == 12
        related = _main(app).query_one(RelatedPane)
        assert str(related.get_option_at_index(0).prompt) == RelatedPane.UNFILED
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, DigestPreviewScreen)
        [story] = app.screen.stories
        assert len(story.outlets) == 3  # the three other desks' reports of the ferry budget
        assert await app.library.unfiled_count() == 0


async def test_stopping_a_grouping_leaves_the_rest_for_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _backlog(tmp_path)
    monkeypatch.setattr(library_module, "GROUPING_BATCH", 2)
    library = Library(tmp_path / "briefing.db")
    await library.open()
    progress: list[int] = []

    def landed(done: int, total: int) -> None:
        progress.append(done)
        if done == 4:
            library.stop_grouping()

    assert await library.group_backlog(landed) == 4
    assert progress == [2, 4] and await library.unfiled_count() == 8
    assert await library.group_backlog(lambda done, total: None) == 8
    assert await library.unfiled_count() == 0
    await library.close()


async def test_closing_the_reader_mid_grouping_waits_for_the_batch_then_closes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _backlog(tmp_path)
    monkeypatch.setattr(library_module, "GROUPING_BATCH", 3)
    library = Library(tmp_path / "briefing.db")
    await library.open()
    first_batch = threading.Event()
    release = threading.Event()

    def landed(done: int, total: int) -> None:
        first_batch.set()
        release.wait(10)  # a slow batch, still running when the reader closes

    grouping = asyncio.create_task(library.group_backlog(landed))
    await asyncio.to_thread(first_batch.wait, 10)
    closing = asyncio.create_task(library.close())
    await asyncio.sleep(0.05)
    assert not closing.done()  # the store stays open while the batch runs
    release.set()
    await closing
    assert await grouping == 3  # stopped after its batch
    with Store.open(tmp_path / "briefing.db") as store:
        assert store.unfiled_count() == 9


async def test_what_a_refresh_in_the_reader_leaves_unfiled_is_grouped_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(refresh_module, "_Writer", BusyWriter)
    monkeypatch.setattr(refresh_module, "GROUP_AT_END_UP_TO", 0)
    with Store.open(tmp_path / "briefing.db") as store:
        for path in write_desks(tmp_path, 4):
            store.add_feed(str(path))
    lines: list[str | None] = []
    real = tui_grouping.show_progress
    monkeypatch.setattr(
        tui_grouping, "show_progress", lambda app, line: (lines.append(line), real(app, line))
    )
    app = make_app(tmp_path, seeds=[], grouped=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert "grouping into stories: 12/12 articles\u2026" in lines
        assert await app.library.unfiled_count() == 0
        assert _main(app).stories.total == 3


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (RuntimeError("the index is in a state nobody expected"), "RuntimeError('the index"),
        (StoreError("database or disk is full"), "database or disk is full. The stories stay"),
    ],
    ids=["unexpected", "store"],
)
async def test_a_failed_grouping_is_a_notification_not_a_closed_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception, said: str
) -> None:
    import briefing.grouping as grouping

    _backlog(tmp_path)

    def broken(*args: object, **kwargs: object) -> int:
        raise error

    monkeypatch.setattr(grouping, "group_backlog", broken)
    app = make_app(tmp_path, seeds=[], grouped=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.is_running
        messages = [str(n.message) for n in app._notifications]
        assert any(m.startswith(f"Grouping stopped: {said}") for m in messages)
        assert _main(app).stories.total == 12  # every article still listed, ungrouped


async def test_the_list_is_re_read_as_batches_land(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _backlog(tmp_path)
    monkeypatch.setattr(library_module, "GROUPING_BATCH", 3)
    monkeypatch.setattr(tui_grouping, "RELOAD_EVERY", 0.0)  # after every batch
    reloads: list[int] = []
    real = MainScreen.reload

    async def counted(self: MainScreen, keep: object = None) -> None:
        reloads.append(await self.library.unfiled_count())
        await real(self, keep)  # type: ignore[arg-type]

    monkeypatch.setattr(MainScreen, "reload", counted)
    filing = Store.index_articles

    def slow(self: Store, *args: object, **kwargs: object) -> int:
        time.sleep(0.1)  # a batch of real news takes a while; the list reloads meanwhile
        return filing(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "index_articles", slow)
    app = make_app(tmp_path, seeds=[], grouped=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert _main(app).stories.total == 3
    # Start-up's reload saw all twelve waiting; reloads between batches saw fewer; the last none.
    assert reloads[0] == 12 and reloads[-1] == 0
    assert any(0 < waiting < 12 for waiting in reloads)


async def test_a_refresh_pauses_the_digest_previews_grouping_and_it_goes_on_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefing.grouping as grouping

    # The backlog comes from local feeds, so that R refreshes them without a network.
    paths = write_desks(tmp_path, 4)
    with Store.open(tmp_path / "briefing.db") as store:
        for desk, path in enumerate(paths):
            feed = store.add_feed(str(path))
            articles = desk_articles(desk, datetime(2025, 6, 2, 9, 0, tzinfo=UTC))
            store.record_fetch(feed.id, articles, index=False)
        [ferry] = [r.id for r in store.list_articles() if r.title == "Ferry budget, desk 0"]
        store.set_flag(ferry, "picked", True)
    # Only the digest preview groups: its grouping is the one the refresh must pause.
    monkeypatch.setattr(BriefingApp, "start_grouping", lambda self: None)
    monkeypatch.setattr(tui_grouping, "start_grouping", lambda app: None)
    monkeypatch.setattr(library_module, "GROUPING_BATCH", 1)
    first_batch, release = threading.Event(), threading.Event()
    real_group = grouping.group_backlog

    def held_after_one_batch(store: Store, *args: object, **kwargs: object) -> int:
        shown = kwargs.get("on_progress")
        if shown is None:  # the refresh filing its own articles
            return real_group(store, *args, **kwargs)  # type: ignore[arg-type]

        def progress(done: int, total: int) -> None:
            first_batch.set()
            release.wait(10)
            shown(done, total)  # type: ignore[operator]

        kwargs["on_progress"] = progress
        return real_group(store, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(grouping, "group_backlog", held_after_one_batch)
    unfiled_when_fetching: list[int] = []
    real_refresh = Library.refresh

    async def refresh(self: Library, *args: object, **kwargs: object) -> object:
        unfiled_when_fetching.append(await self.unfiled_count())
        return await real_refresh(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Library, "refresh", refresh)
    app = make_app(tmp_path, seeds=[], grouped=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await asyncio.to_thread(first_batch.wait, 10)
        await pilot.press("R")
        release.set()
        await settle(pilot)
        # The refresh fetched after one batch, not after the whole backlog.
        assert unfiled_when_fetching == [11]
        messages = [str(n.message) for n in app._notifications]
        assert not any("stopped" in m for m in messages)
        assert isinstance(app.screen, DigestPreviewScreen)
        [story] = app.screen.stories
        assert len(story.outlets) == 3
        assert await app.library.unfiled_count() == 0


async def test_a_read_only_readers_digest_preview_says_the_backlog_is_not_grouped(
    tmp_path: Path,
) -> None:
    _backlog(tmp_path)
    with Store.open(tmp_path / "briefing.db") as writer:  # another Briefing holds the store
        [ferry] = [r.id for r in writer.list_articles() if r.title == "Ferry budget, desk 0"]
        writer.set_flag(ferry, "picked", True)
        app = make_app(tmp_path, seeds=[], grouped=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert app.library.read_only
            await pilot.press("e")
            await settle(pilot)
            assert isinstance(app.screen, DigestPreviewScreen)
            messages = [str(n.message) for n in app._notifications]
            assert any(
                m.startswith("12 articles are not grouped into stories yet") for m in messages
            )
        assert writer.unfiled_count() == 12
