"""Stories in the list: one row per story with its outlets, expanded in place with `x`."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import Binding
from tui_support import FIXTURES, make_app, settle

from briefing.store import Store
from briefing.store.articles import StoryRow
from briefing.tui.app import BriefingApp
from briefing.tui.formatting import COLLAPSED, EXPANDED, MEMBER_INDENT
from briefing.tui.screens.main import MainScreen

RELATED = Path(__file__).parent / "fixtures" / "related"


@pytest.fixture(autouse=True)
def private_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRIEFING_CONFIG", str(tmp_path / "absent.toml"))


def main_screen(app: BriefingApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


def shown(screen: MainScreen) -> list[tuple[str, str]]:
    """Every list row as drawn: (first line, second line)."""
    stories = screen.stories
    lines = []
    for index in range(stories.total):
        row = stories.row_at(index)
        assert row is not None
        describe = stories.describe_member if stories.is_member(index) else stories.describe
        first, second = describe(row)
        lines.append((first.plain, second.plain))
    return lines


async def test_the_harbour_levy_story_is_one_row_with_two_outlets(tmp_path: Path) -> None:
    app = make_app(tmp_path, grouped=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        rows = shown(screen)
        assert [first.strip(" \u25cf") for first, _ in rows] == [
            "Valmora shippers push back on sea-wall levy",
            "Northfield libraries to open on Sundays",
        ]
        assert rows[0][1].strip().startswith(COLLAPSED + " 2 outlets \u00b7 Daily Ledger")
        assert "outlet" not in rows[1][1]
        assert screen.reader.article is not None
        assert screen.reader.article.source == "Daily Ledger"


async def test_x_expands_the_story_beneath_its_row_and_collapses_it_again(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path, grouped=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        stories = screen.stories
        await pilot.press("x")
        await settle(pilot)
        assert stories.total == 3
        assert [stories.is_member(i) for i in range(3)] == [False, True, False]
        (story_first, story_second), (member_first, member_second), _ = shown(screen)
        assert not story_first.startswith(" ")
        assert story_second.strip().startswith(EXPANDED + " 2 outlets")
        assert member_first.startswith(MEMBER_INDENT + "\u25cf ")
        assert "Port of Valmora sets" in member_first
        assert "Coastal Gazette" in member_second
        # The member is an article of its own: moving onto it opens it.
        await pilot.press("j")
        await settle(pilot)
        assert screen.reader.article is not None
        assert screen.reader.article.source == "Coastal Gazette"
        # `x` on a member folds its story and returns to the story's row.
        await pilot.press("x")
        await settle(pilot)
        assert stories.total == 2
        assert stories.cursor == 0
        assert not stories.is_member(1)
        assert shown(screen)[0][1].strip().startswith(COLLAPSED + " 2 outlets")


async def test_a_story_of_one_report_does_not_expand(tmp_path: Path) -> None:
    app = make_app(tmp_path, grouped=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("j", "x")
        await settle(pilot)
        assert screen.stories.total == 2
        assert screen.stories.cursor == 1


async def test_triage_and_enter_on_a_story_row_act_on_the_article_it_shows(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path, grouped=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        shown_id = screen.stories.current.id  # type: ignore[union-attr]
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("k", "enter")
        await settle(pilot)
        assert screen.reader.article is not None
        assert screen.reader.article.id == shown_id
    with Store.open(tmp_path / "briefing.db") as store:
        starred = store.list_articles("starred")
        assert [row.id for row in starred] == [shown_id]
        assert store.count_articles("starred", grouped=True) == 1


async def test_wire_copy_is_marked_and_not_counted_as_an_outlet(tmp_path: Path) -> None:
    app = make_app(tmp_path, [RELATED], grouped=True)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        stories = screen.stories
        with Store.open(tmp_path / "briefing.db", read_only=True) as store:
            flat = store.list_articles()
        assert stories.total == len({row.story for row in flat})
        with_copy = next(
            index
            for index in range(stories.total)
            if isinstance(row := stories.row_at(index), StoryRow) and row.copies
        )
        row = stories.row_at(with_copy)
        assert isinstance(row, StoryRow)
        members = [m for m in flat if m.story == row.story]
        originals = {m.source for m in members if m.duplicate_of is None}
        assert row.outlets == len(originals) < len(members)
        reach = shown(screen)[with_copy][1].strip()
        assert reach.startswith(f"{COLLAPSED} {len(originals)} outlets +1 copy \u00b7 ")
        stories.cursor = with_copy
        await pilot.press("x")
        await settle(pilot)
        assert stories.total == len({r.story for r in flat}) + len(members) - 1
        notes = [second for _, second in shown(screen)[with_copy + 1 : with_copy + len(members)]]
        assert sum(note.strip().startswith("copy \u00b7 ") for note in notes) == 1


async def test_with_grouping_off_every_article_has_its_row(tmp_path: Path) -> None:
    app = make_app(tmp_path, grouped=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert screen.stories.total == len(list(FIXTURES.iterdir())) == 3
        assert not any(isinstance(screen.stories.row_at(i), StoryRow) for i in range(3))
        assert "outlets" not in " ".join(second for _, second in shown(screen))
        await pilot.press("x")
        await settle(pilot)
        assert screen.stories.total == 3


async def test_search_results_stay_one_row_per_article(tmp_path: Path) -> None:
    app = make_app(tmp_path, grouped=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("slash")
        await pilot.press(*"levy", "enter")
        await settle(pilot)
        assert screen.query_state.search == "levy"
        assert screen.stories.total == 2


def test_the_expand_key_is_bound_with_a_description_and_clashes_with_nothing() -> None:
    bindings = [b for b in MainScreen.BINDINGS if isinstance(b, Binding)]
    toggle = [b for b in bindings if b.action == "toggle_story"]
    assert len(toggle) == 1 and toggle[0].key == "x" and toggle[0].description
    app_keys = {b.key for b in BriefingApp.BINDINGS if isinstance(b, Binding)}
    keys = [key for b in bindings for key in b.key.split(",")]
    assert keys.count("x") == 1 and "x" not in app_keys
