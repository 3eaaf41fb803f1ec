"""Triage from the keyboard: each key sets its mark, moves on, can be undone, and persists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tui_support import make_app, settle

from briefing.store import Store
from briefing.tui.screens.dialogs import PromptScreen
from briefing.tui.screens.main import MainScreen


@pytest.fixture(autouse=True)
def private_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRIEFING_CONFIG", str(tmp_path / "absent.toml"))


def main_screen(app: object) -> MainScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, MainScreen)
    return screen


def stored_flags(tmp_path: Path) -> dict[str, tuple[bool, bool, bool, bool, tuple[str, ...]]]:
    """Title -> (read, starred, picked, dismissed, tags), read back from the database file."""
    with Store.open(tmp_path / "briefing.db", read_only=True) as store:
        rows = store.list_articles("all", limit=50) + store.list_articles("dismissed", limit=50)
    return {r.title: (r.read, r.starred, r.picked, r.dismissed, r.tags) for r in rows}


LEDGER = "Valmora shippers push back on sea-wall levy"
GAZETTE = "Port of Valmora sets €120m harbour levy to fund sea wall"
CRIER = "Northfield libraries to open on Sundays"


@pytest.mark.parametrize(
    ("key", "flag"),
    [("s", "starred"), ("p", "picked"), ("d", "dismissed"), ("u", "read")],
)
async def test_each_triage_key_sets_its_mark_and_moves_to_the_next_story(
    tmp_path: Path, key: str, flag: str
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press(key)
        await settle(pilot)
        row = screen.stories.row_at(0)
        assert row is not None and getattr(row, flag) is True
        assert screen.stories.cursor == 1
        assert screen.reader.article is not None and screen.reader.article.title == GAZETTE
    index = ("read", "starred", "picked", "dismissed").index(flag)
    assert stored_flags(tmp_path)[LEDGER][index] is True


async def test_a_second_press_clears_the_mark(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s", "k", "s")
        await settle(pilot)
        assert not main_screen(app).stories.row_at(0).starred  # type: ignore[union-attr]


async def test_undo_reverses_the_last_actions_in_order_and_returns_to_the_story(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert screen.stories.cursor == 2
        await pilot.press("z")
        await settle(pilot)
        assert screen.stories.cursor == 1
        assert not screen.stories.row_at(1).picked  # type: ignore[union-attr]
        assert screen.stories.row_at(0).starred  # type: ignore[union-attr]
        await pilot.press("z")
        await settle(pilot)
        assert screen.stories.cursor == 0
        assert not screen.stories.row_at(0).starred  # type: ignore[union-attr]
        assert screen.counts["starred"] == 0
    flags = stored_flags(tmp_path)
    assert not flags[LEDGER][1] and not flags[GAZETTE][2]


async def test_tagging_adds_a_tag_that_shows_and_a_tag_view_lists(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"ports", "enter")
        await settle(pilot)
        row = screen.stories.row_at(0)
        assert row is not None and row.tags == ("ports",)
        assert "#ports" in str(screen.row_text(row)[1])
        assert screen.stories.cursor == 1
        tags = await app.library.tags()
        assert tags == [("ports", 1)]
        await pilot.press("z")
        await settle(pilot)
        assert screen.stories.row_at(0).tags == ()  # type: ignore[union-attr]
    assert stored_flags(tmp_path)[LEDGER][4] == ()


async def test_next_and_previous_unread_skip_read_stories(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("j", "enter")  # read the middle story
        await settle(pilot)
        await pilot.press("escape", "k")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert screen.stories.cursor == 2
        await pilot.press("N")
        await settle(pilot)
        assert screen.stories.cursor == 0


async def test_triage_survives_a_restart(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")  # star the Ledger story, move to the Gazette
        await settle(pilot)
        await pilot.press("p")  # pick the Gazette, move to the Crier
        await settle(pilot)
        await pilot.press("d")  # dismiss the Crier
        await settle(pilot)
    again = make_app(tmp_path)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(again)
        rows = {screen.stories.row_at(i).title: screen.stories.row_at(i) for i in range(2)}  # type: ignore[union-attr]
        assert screen.stories.total == 2  # the dismissed story left the "all" view
        assert rows[LEDGER].starred and rows[GAZETTE].picked
        assert screen.counts["dismissed"] == 1 and screen.counts["picked"] == 1


async def test_keys_can_be_rebound_from_the_settings(tmp_path: Path) -> None:
    app = make_app(tmp_path, keys={"star": "f", "nonsense": "x"})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.unknown_keys == ["nonsense"]
        await pilot.press("f")
        await settle(pilot)
        assert main_screen(app).stories.row_at(0).starred  # type: ignore[union-attr]
        await pilot.press("k", "s")
        await settle(pilot)
        assert main_screen(app).stories.row_at(0).starred  # type: ignore[union-attr]


async def test_digest_previews_the_picked_stories_and_writes_the_file(tmp_path: Path) -> None:
    from briefing.tui.screens.digest import DigestPreviewScreen

    app = make_app(tmp_path)
    target = tmp_path / "out" / "morning.html"
    target.parent.mkdir()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)  # nothing picked: a note, no preview
        await pilot.press("j", "p")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        preview = app.screen
        assert isinstance(preview, DigestPreviewScreen)
        assert len(preview.stories) == 1
        assert GAZETTE in preview.text and "Ines Marsh" in preview.text
        await pilot.press("w")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        prompt.query_one("#prompt-input").value = str(target)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        html = target.read_text(encoding="utf-8")
        assert html.lstrip().lower().startswith("<!doctype html")
        assert "Ines Marsh" in html
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.screen.counts["since_briefing"] == 0


RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Harbour Watch</title>
<item><title>Dredging contract awarded at Valmora</title><link>https://example.org/hw/1</link>
<guid>hw-1</guid><pubDate>Wed, 04 Mar 2026 09:00:00 GMT</pubDate>
<description>The port awarded a dredging contract worth €14m on Wednesday.</description></item>
</channel></rss>
"""


async def test_refresh_key_fetches_feeds_in_a_worker_and_the_list_grows(tmp_path: Path) -> None:
    feed = tmp_path / "harbour-watch.xml"
    feed.write_text(RSS, encoding="utf-8")
    with Store.open(tmp_path / "briefing.db") as store:
        store.add_feed(str(feed))
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert screen.stories.total == 3
        await pilot.press("R")
        await settle(pilot)
        assert screen.stories.total == 4
        titles = [screen.stories.row_at(i).title for i in range(4)]  # type: ignore[union-attr]
        assert "Dredging contract awarded at Valmora" in titles


async def test_refresh_without_feeds_says_so(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    notes: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        original = app.notify

        def record(message: str, **kwargs: object) -> None:
            notes.append(message)
            original(message, **kwargs)  # type: ignore[arg-type]

        app.notify = record  # type: ignore[method-assign]
        await pilot.press("R")
        await settle(pilot)
        assert any("No feeds" in note for note in notes)
        await pilot.press("r")  # the open story is a saved article: no feed to refresh
        await settle(pilot)
        assert any("saved articles" in note for note in notes)
        assert main_screen(app).stories.total == 3


async def test_r_refreshes_only_the_feed_of_the_open_story(tmp_path: Path) -> None:
    first, second = tmp_path / "harbour-watch.xml", tmp_path / "quay-notes.xml"
    first.write_text(RSS, encoding="utf-8")
    second.write_text(RSS.replace("Harbour Watch", "Quay Notes"), encoding="utf-8")
    with Store.open(tmp_path / "briefing.db") as store:
        store.add_feed(str(first))
        store.add_feed(str(second))
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        screen = main_screen(app)
        titles = [screen.stories.row_at(i).title for i in range(screen.stories.total)]  # type: ignore[union-attr]
        screen.stories.cursor = titles.index("Dredging contract awarded at Valmora")
        await settle(pilot)
        opened = screen.stories.current
        assert opened is not None and opened.feed_id is not None
        first.write_text(RSS.replace("hw-1", "hw-2").replace("/hw/1", "/hw/2"), encoding="utf-8")
        second.write_text(RSS.replace("hw-1", "qn-2").replace("/hw/1", "/qn/2"), encoding="utf-8")
        with Store.open(tmp_path / "briefing.db", read_only=True) as store:
            before = {feed.id: feed.articles for feed in store.feeds(include_seeds=False)}
        await pilot.press("r")
        await settle(pilot)
        with Store.open(tmp_path / "briefing.db", read_only=True) as store:
            after = {feed.id: feed.articles for feed in store.feeds(include_seeds=False)}
        assert after[opened.feed_id] == before[opened.feed_id] + 1
        others = [feed_id for feed_id in after if feed_id != opened.feed_id]
        assert [after[f] for f in others] == [before[f] for f in others]


async def test_refresh_without_feeds_suggests_a_command_that_exists(tmp_path: Path) -> None:
    from briefing.cli import main

    app = make_app(tmp_path)
    notes: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.notify = lambda message, **kwargs: notes.append(message)  # type: ignore[method-assign]
        await pilot.press("R")
        await settle(pilot)
    suggested = next(note for note in notes if "briefing " in note)
    command = suggested.split("'")[1].split()
    assert command[:2] == ["briefing", "add"]
    feed = tmp_path / "feed.xml"
    feed.write_text(RSS, encoding="utf-8")
    assert main([*command[1:-1], str(feed)]) == 0


async def test_a_refresh_that_breaks_unexpectedly_is_reported_and_the_reader_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = tmp_path / "harbour-watch.xml"
    feed.write_text(RSS, encoding="utf-8")
    with Store.open(tmp_path / "briefing.db") as store:
        store.add_feed(str(feed))
    app = make_app(tmp_path)
    notes: list[tuple[str, object]] = []

    async def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("bad value(s) in fds_to_keep")

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app.library, "refresh", broken)
        app.notify = lambda message, **kwargs: notes.append(  # type: ignore[method-assign]
            (message, kwargs.get("severity"))
        )
        await pilot.press("R")
        await settle(pilot)
        assert app.is_running
        assert main_screen(app).stories.total == 3
    assert any("Refresh stopped" in note and severity == "error" for note, severity in notes)


async def test_a_long_refresh_shows_progress_and_new_stories_before_it_ends(
    tmp_path: Path,
) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from briefing.tui.widgets.view_bar import ViewBar

    release = threading.Event()

    class Feeds(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/slow":
                release.wait(30)
            body = RSS.replace("hw-1", "hw" + self.path).encode()
            body = body.replace(b"example.org/hw/1", b"example.org" + self.path.encode())
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Feeds)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    with Store.open(tmp_path / "briefing.db") as store:
        store.add_feed(base + "/fast")
        store.add_feed(base + "/slow")
    app = make_app(tmp_path)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = main_screen(app)
            bar = screen.query_one(ViewBar)
            assert screen.stories.total == 3
            await pilot.press("R")
            for _ in range(400):  # the fast feed lands while the slow one still hangs
                await pilot.pause(0.02)
                if screen.stories.total == 4 and "refreshing 1/2 feeds" in str(bar.content):
                    break
            assert "refreshing 1/2 feeds \u00b7 1 new" in str(bar.content)
            assert screen.stories.total == 4
            release.set()
            await settle(pilot)
            assert "refreshing" not in str(bar.content)
            assert "all 5" in str(bar.content)
            assert screen.stories.total == 5
    finally:
        release.set()
        server.shutdown()


async def test_a_read_only_reader_opens_tags_and_marks_without_crashing(tmp_path: Path) -> None:
    """A second copy reads the store read-only: keys that would write say so and change nothing."""
    from tui_support import FIXTURES

    from briefing.sources.seeds import load_seeds

    articles, _ = load_seeds([FIXTURES])
    with Store.open(tmp_path / "briefing.db") as writer:
        writer.import_seeds(articles)
        app = make_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert app.library.read_only
            screen = main_screen(app)
            await pilot.press("enter")  # opening a story would mark it read
            await settle(pilot)
            assert screen.reader.article is not None
            await pilot.press("escape", "t")
            await settle(pilot)
            assert not isinstance(app.screen, PromptScreen)
            await pilot.press("m", "z")
            await settle(pilot)
            assert app.is_running and app.return_code is None
            messages = [n.message for n in app._notifications]
            assert any("Read-only" in m for m in messages)
        assert writer.get_mark("last_briefing") is None
        assert writer.list_articles("unread", limit=10) != []
        assert all(not row.read for row in writer.list_articles("all", limit=10))


async def test_a_digest_written_when_the_mark_cannot_be_saved_says_so_and_stays_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.errors import StoreError
    from briefing.tui.screens.digest import DigestPreviewScreen

    def full_disk(self: Store, name: str, when: object) -> None:
        raise StoreError("database or disk is full")

    app = make_app(tmp_path)
    target = tmp_path / "morning.md"
    notes: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "p")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, DigestPreviewScreen)
        monkeypatch.setattr(Store, "set_mark", full_disk)
        app.notify = lambda message, **kwargs: notes.append(str(message))  # type: ignore[method-assign]
        await pilot.press("w")
        await pilot.pause()
        app.screen.query_one("#prompt-input").value = str(target)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running and app.return_code is None
        assert isinstance(app.screen, DigestPreviewScreen)
        assert GAZETTE in target.read_text(encoding="utf-8")
        assert any("morning.md" in n and "disk is full" in n for n in notes), notes


async def test_writing_the_digest_over_an_existing_file_asks_first(tmp_path: Path) -> None:
    from briefing.tui.screens.digest import DigestPreviewScreen

    app = make_app(tmp_path)
    target = tmp_path / "morning.md"
    target.write_text("the briefing sent this morning\n", encoding="utf-8")

    async def write(pilot: object, path: Path) -> None:
        await pilot.press("w")  # type: ignore[attr-defined]
        await pilot.pause()  # type: ignore[attr-defined]
        app.screen.query_one("#prompt-input").value = str(path)  # type: ignore[attr-defined]
        await pilot.press("enter")  # type: ignore[attr-defined]
        await settle(pilot)  # type: ignore[arg-type]

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "p", "e")
        await settle(pilot)
        assert isinstance(app.screen, DigestPreviewScreen)
        await write(pilot, target)
        assert isinstance(app.screen, PromptScreen)  # asked, nothing written yet
        assert "exists" in str(app.screen.prompt_title)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DigestPreviewScreen)
        assert target.read_text(encoding="utf-8") == "the briefing sent this morning\n"
        await write(pilot, target)
        await pilot.press("enter")  # the same name again: replace it
        await settle(pilot)
        assert isinstance(app.screen, DigestPreviewScreen)
        assert GAZETTE in target.read_text(encoding="utf-8")
        fresh = tmp_path / "afternoon.md"
        await write(pilot, fresh)  # a new name is written at once
        assert isinstance(app.screen, DigestPreviewScreen)
        assert GAZETTE in fresh.read_text(encoding="utf-8")


async def test_a_picked_story_that_cannot_be_analysed_is_named_when_the_briefing_opens(
    tmp_path: Path,
) -> None:
    from tui_support import fixed_analysis

    from briefing.models import Analysis, Article
    from briefing.tui.screens.digest import DigestPreviewScreen

    def fails_on_the_levy(article: Article, sentences: int) -> Analysis:
        if "levy" in (article.title or ""):
            raise ValueError("no sentences")
        return fixed_analysis(article, sentences)

    app = make_app(tmp_path)
    app.library.analyser = fails_on_the_levy
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("p")  # the Daily Ledger story, about the sea-wall levy
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, DigestPreviewScreen)
        messages = [n.message for n in app._notifications]
        assert any("could not be analysed" in m and "no sentences" in m for m in messages)


async def test_a_digest_name_with_an_ending_it_cannot_write_is_asked_again(
    tmp_path: Path,
) -> None:
    from briefing.tui.screens.digest import DigestPreviewScreen

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "p", "e")
        await settle(pilot)
        assert isinstance(app.screen, DigestPreviewScreen)
        await pilot.press("w")
        await pilot.pause()
        app.screen.query_one("#prompt-input").value = str(tmp_path / "briefing.pdf")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)  # asked again, nothing written
        assert ".pdf" in str(prompt.prompt_title) and ".html" in str(prompt.prompt_title)
        assert not (tmp_path / "briefing.pdf").exists()
        prompt.query_one("#prompt-input").value = str(tmp_path / "briefing.json")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DigestPreviewScreen)
        record = json.loads((tmp_path / "briefing.json").read_text(encoding="utf-8"))
        assert len(record["stories"]) == 1
