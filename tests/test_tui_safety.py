"""Strangers' text shows as text; only web links open; big lists stay lazy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tui_support import make_app, settle

from briefing.models import Article
from briefing.store import Store
from briefing.tui.screens.main import MainScreen
from briefing.tui.widgets.story_list import PAGE_SIZE, StoryList

HOSTILE = "[red]x[/red] [@click=app.quit]q[/] \x1b]0;pwn\x07"
SHOWN = "[red]x[/red] [@click=app.quit]q[/]"


@pytest.fixture(autouse=True)
def private_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRIEFING_CONFIG", str(tmp_path / "absent.toml"))


def write_seed(folder: Path, name: str, **fields: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(fields), encoding="utf-8")
    return path


def screen_text(app: object) -> str:
    """Everything on screen as plain characters, line by line."""
    screen = app.screen  # type: ignore[attr-defined]
    return "\n".join(strip.text for strip in screen._compositor.render_strips())


async def test_markup_and_escapes_in_a_title_show_literally_and_never_act(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    write_seed(
        seeds,
        "hostile.json",
        title=HOSTILE,
        body=f"The body repeats it: {HOSTILE}. And [link=https://evil.example]here[/link].",
        source="[bold]Feed[/bold] \x1b[2J",
        url="https://example.org/hostile",
    )
    app = make_app(tmp_path, [seeds])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        text = screen_text(app)
        assert SHOWN in text  # the list and the reader heading show the brackets
        assert text.count("[@click=app.quit]") >= 3  # list row, reader title and body
        assert "[link=https://evil.example]here[/link]" in text
        assert "[bold]Feed[/bold]" in text
        assert "\x1b" not in text and "pwn\x07" not in text and "\x07" not in text
        # Clicking on the words that look like an action must not run it.
        stories = screen.query_one(StoryList)
        # "[red]x[/red] " is 13 characters: the fake action starts at 13, its "q" is at 30.
        for x in (13, 20, 30):
            await pilot.click(StoryList, offset=(2 + x, 0))
            await pilot.click("#reader", offset=(1 + x, 0))  # the title, after the padding
        await settle(pilot)
        assert app.is_running and app.return_code is None
        assert stories.total == 1
        # A tag and a search typed with markup are shown as typed, too.
        await pilot.press("escape", "t", *"[b]t[/b]", "enter")
        await settle(pilot)
        assert "#[b]t[/b]" in screen_text(app)
        await pilot.press("slash", *"[red]x", "enter")
        await settle(pilot)
        assert "Search: [red]x" in screen_text(app)
        assert app.is_running


async def test_open_link_uses_the_browser_only_for_web_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def fake_open(url: str, new: int = 0) -> bool:
        opened.append(url)
        return True

    import webbrowser

    monkeypatch.setattr(webbrowser, "open", fake_open)
    seeds = tmp_path / "seeds"
    write_seed(
        seeds,
        "a.json",
        title="Web link",
        body="Some text.",
        url="https://example.org/a",
        published="2026-01-02T00:00:00Z",
    )
    write_seed(
        seeds,
        "b.json",
        title="Script link",
        body="Other text.",
        url="javascript:alert(1)",
        published="2026-01-01T00:00:00Z",
    )
    app = make_app(tmp_path, [seeds])
    notes: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        original = app.notify

        def record(message: str, **kwargs: object) -> None:
            notes.append(message)
            original(message, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(app, "notify", record)
        screen = app.screen
        monkeypatch.setattr(screen, "notify", record)
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert opened == ["https://example.org/a"]
        assert any("Opened in your browser" in n for n in notes)
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == "https://example.org/a"
        assert any("Copied the link" in n for n in notes)
        await pilot.press("j")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert opened == ["https://example.org/a"]
        assert any("only http and https" in n for n in notes)


async def test_a_large_store_loads_only_the_pages_it_shows(tmp_path: Path) -> None:
    articles = [
        Article(
            title=f"Story number {n}",
            body=f"Body of story {n}.",
            source=f"Outlet {n % 7}",
            path=str(tmp_path / "many" / f"{n:05}.txt"),
        )
        for n in range(3_000)
    ]
    with Store.open(tmp_path / "briefing.db") as store:
        store.import_seeds(articles)
    app = make_app(tmp_path, [])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        stories = app.screen.query_one(StoryList)
        assert stories.total == 3_000
        assert len(stories._pages) == 1
        assert len(app.screen.query("*")) < 100  # no widget per story
        await pilot.press("end")
        await settle(pilot)
        assert stories.cursor == 2_999
        assert stories.current is not None
        assert set(stories._pages) == {0, 2_999 // PAGE_SIZE}


async def test_a_second_instance_reads_without_writing(tmp_path: Path) -> None:
    from tui_support import FIXTURES

    from briefing.sources.seeds import load_seeds

    articles, _ = load_seeds([FIXTURES])
    with Store.open(tmp_path / "briefing.db") as writer:
        writer.import_seeds(articles)
        app = make_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert app.library.read_only
            stories = app.screen.query_one(StoryList)
            assert stories.total == 3
            await pilot.press("s")
            await settle(pilot)
            assert app.is_running
            assert stories.row_at(0) is not None and not stories.row_at(0).starred  # type: ignore[union-attr]
        assert writer.list_articles("starred") == []


async def test_a_search_matching_more_stories_than_it_lists_says_so(tmp_path: Path) -> None:
    from briefing.tui.library import SEARCH_LIMIT

    articles = [
        Article(
            title=f"Budget note {n}",
            body=f"The budget line {n}.",
            source="Outlet",
            path=str(tmp_path / "many" / f"{n:05}.txt"),
        )
        for n in range(SEARCH_LIMIT + 20)
    ]
    with Store.open(tmp_path / "briefing.db") as store:
        store.import_seeds(articles)
    app = make_app(tmp_path, [])
    notes: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.notify = lambda message, **kwargs: notes.append(str(message))  # type: ignore[method-assign]
        await pilot.press("slash", *"budget", "enter")
        await settle(pilot)
        bar = screen_text(app).splitlines()[0]
        assert f"Search: budget {SEARCH_LIMIT}+ " in bar
        assert any("more stories match" in note for note in notes)
        await pilot.press("slash", "ctrl+u", *"note 7", "enter")  # "note" and "7": a handful
        await settle(pilot)
        bar = screen_text(app).splitlines()[0]
        assert "Search: note 7 " in bar and "+ " not in bar.split("\u00b7")[0]


@pytest.mark.parametrize("keys", [["F"], ["v"], ["e"], ["slash"], ["R"], ["r"], ["S"], ["m"]])
async def test_keys_on_a_store_that_could_not_be_opened_say_why_and_never_crash(
    tmp_path: Path, keys: list[str]
) -> None:
    (tmp_path / "briefing.db").mkdir()  # something that is no database where it should be
    app = make_app(tmp_path, [])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        assert app.is_running and app.return_code is None
        assert isinstance(app.screen, MainScreen)
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("The article store could not be opened") for m in messages)


async def test_a_title_written_over_several_lines_is_listed_whole(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    write_seed(seeds, "two-lines.json", title="Council approves\nthe harbour budget", body="Text.")
    write_seed(seeds, "untitled.json", title="", body="First line of the body\n\nMore text.")
    app = make_app(tmp_path, [seeds])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "\u25cf Council approves the harbour budget" in text
        assert "\u25cf First line of the body " in text


async def test_a_store_that_refuses_the_seed_import_is_a_notification_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.errors import StoreError

    with Store.open(tmp_path / "briefing.db") as store:
        feed = store.add_feed("https://desk.example/rss")
        store.record_fetch(
            feed.id, [Article(title="Stored before the disk filled", body="Text.", guid="g1")]
        )

    def full(self: Store, *args: object, **kwargs: object) -> int:
        raise StoreError("database or disk is full")

    monkeypatch.setattr(Store, "import_seeds", full)
    app = make_app(tmp_path)  # imports the fixture seeds at start-up
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.is_running
        messages = [str(n.message) for n in app._notifications]
        assert "Saved articles not imported: database or disk is full" in messages
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.stories.total == 1  # what was stored before still reads
