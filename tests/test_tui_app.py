"""Driving the reader with keys, as a user would: open, move, panes, help, views, search."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from textual.widgets import Static
from tui_screen import flat, reversed_text, widget_lines, widget_text
from tui_support import make_app, settle

from briefing.models import Analysis, Article
from briefing.tui.screens.dialogs import PromptScreen, ViewPickerScreen
from briefing.tui.screens.feeds import FeedHealthScreen
from briefing.tui.screens.help import HelpScreen
from briefing.tui.screens.main import READ_AHEAD_DELAY, WAITING_DELAY, MainScreen
from briefing.tui.widgets.panes import FiguresPane, QuotesPane, RelatedPane
from briefing.tui.widgets.reader import Reader
from briefing.tui.widgets.story_list import ROW_HEIGHT, StoryList


@pytest.fixture(autouse=True)
def private_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRIEFING_CONFIG", str(tmp_path / "absent.toml"))


def main_screen(app: object) -> MainScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, MainScreen)
    return screen


def titles(screen: MainScreen) -> list[str]:
    stories = screen.stories
    return [stories.row_at(i).title for i in range(stories.total)]  # type: ignore[union-attr]


async def test_list_appears_with_fixture_stories_newest_first(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert titles(screen) == [
            "Valmora shippers push back on sea-wall levy",
            "Port of Valmora sets €120m harbour levy to fund sea wall",
            "Northfield libraries to open on Sundays",
        ]
        assert screen.reader.article is not None
        assert screen.reader.article.title == "Valmora shippers push back on sea-wall levy"


async def test_moving_down_and_up_opens_each_story_in_the_reader(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("j")
        await settle(pilot)
        assert screen.stories.cursor == 1
        assert screen.reader.article is not None
        assert screen.reader.article.source == "Coastal Gazette"
        await pilot.press("down", "down")
        await settle(pilot)
        assert screen.stories.cursor == 2
        assert screen.reader.article.source == "Town Crier"
        await pilot.press("k", "up")
        await settle(pilot)
        assert screen.stories.cursor == 0
        assert screen.reader.article.source == "Daily Ledger"


async def test_enter_opens_the_story_marks_it_read_and_focuses_the_reader(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert screen.stories.current is not None and not screen.stories.current.read
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.focused, Reader)
        assert screen.stories.row_at(0).read  # type: ignore[union-attr]
        assert screen.counts["unread"] == 2
        await pilot.press("escape")
        assert isinstance(app.focused, StoryList)


async def test_reader_shows_summary_then_cleaned_text_and_panes_fill(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        screen = main_screen(app)
        quotes = screen.query_one(QuotesPane)
        figures = screen.query_one(FiguresPane)
        assert quotes.option_count == 2
        assert "Ines Marsh" in str(quotes.get_option_at_index(0).prompt)
        first_figure = str(figures.get_option_at_index(0).prompt)
        assert "€120m ($130m)" in first_figure
        assert "harbour levy over five years" in first_figure
        shown = widget_text(app, screen.reader)
        assert shown.startswith("Port of Valmora sets €120m harbour levy to fund sea wall")
        assert "Summary" in shown and "Summarising" not in shown
        document = screen.reader.document
        assert document is not None and len(document.paragraphs) > 1
        for paragraph in document.paragraphs:
            assert flat(paragraph) in shown


async def test_real_analysis_fills_the_reader_summary(tmp_path: Path) -> None:
    app = make_app(tmp_path, real_analysis=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        screen = main_screen(app)
        assert screen.reading is not None
        assert screen.reading.analysis.sentences
        assert "Summary" in widget_text(app, screen.reader)


async def test_number_keys_and_tab_reach_every_pane_at_80_columns(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert screen.has_class("-narrow")
        for key, pane_type in (("1", QuotesPane), ("2", FiguresPane), ("3", RelatedPane)):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.focused, pane_type)
            visible = [p for p in screen.panes if p.display]
            assert [type(p) for p in visible] == [pane_type]
            assert app.focused.region.height > 3
        await pilot.press("0")
        seen = []
        for _ in range(5):
            await pilot.press("tab")
            await pilot.pause()
            seen.append(type(app.focused).__name__)
        assert seen == ["Reader", "QuotesPane", "FiguresPane", "RelatedPane", "StoryList"]


async def test_all_three_panes_are_visible_at_120_columns(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert screen.has_class("-wide")
        for pane in screen.panes:
            assert pane.display and pane.region.height >= 8 and pane.region.width >= 30
        assert screen.reader.region.width >= 40


async def test_choosing_a_quote_highlights_its_sentence_in_the_reader(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("1")
        await pilot.pause()
        quotes = screen.query_one(QuotesPane)
        quotes.highlighted = 1
        await pilot.pause()
        document = screen.reader.document
        assert document is not None
        sentence = screen.reader.highlighted
        assert sentence == quotes.values[1]
        chosen = document.sentences[sentence]
        assert "A levy of this size" in chosen.text
        assert reversed_text(app, screen.reader) == flat(chosen.text)
        await pilot.press("2")
        await pilot.pause()
        figures = screen.query_one(FiguresPane)
        figures.highlighted = 1
        await pilot.pause()
        lit = reversed_text(app, screen.reader)
        assert "€180m" in lit
        assert lit == flat(document.sentences[screen.reader.highlighted or 0].text)
        await pilot.press("0")
        await pilot.pause()
        assert reversed_text(app, screen.reader) == ""


async def test_a_quote_far_down_a_long_story_is_scrolled_into_view(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    filler = " ".join(f"Filler sentence number {n} about the harbour." for n in range(12))
    paragraphs = [filler] * 12 + ['"The wall comes first," said Ines Marsh, the chief executive.']
    (seeds / "long.json").write_text(
        json.dumps({"title": "Harbour levy: a long report", "body": "\n\n".join(paragraphs)}),
        encoding="utf-8",
    )
    app = make_app(tmp_path, [seeds], real_analysis=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        for _ in range(100):  # the real analysis of a new story can outlast one settling
            if screen.reading is not None:
                break
            await pilot.pause(0.05)
            await settle(pilot)
        assert "The wall comes first" not in widget_text(app, screen.reader)
        await pilot.press("1")
        await settle(pilot)
        quotes = screen.query_one(QuotesPane)
        assert quotes.values, "the real analysis found no quote"
        assert screen.reader.scroll_y > 0
        assert "The wall comes first" in reversed_text(app, screen.reader)


async def test_the_raw_text_and_waiting_panes_show_only_while_the_analysis_is_slow(
    tmp_path: Path,
) -> None:
    from tui_support import fixed_analysis

    release = threading.Event()

    def slow_analysis(article: Article, sentences: int) -> Analysis:
        release.wait(10)
        return fixed_analysis(article, sentences)

    app = make_app(tmp_path)
    app.library.analyser = slow_analysis
    async with app.run_test(size=(120, 40)) as pilot:
        release.set()
        await settle(pilot)
        screen = main_screen(app)
        release.clear()
        app.library.summary_sentences += 1  # every cached analysis is now for another length
        await pilot.press("j")
        await pilot.pause(WAITING_DELAY * 4)
        shown = widget_text(app, screen.reader)
        assert shown.startswith("Port of Valmora sets €120m harbour levy")
        assert "Summarising" in shown
        assert all("Analysing" in widget_text(app, pane) for pane in screen.panes)
        release.set()
        await settle(pilot)
        assert "Summarising" not in widget_text(app, screen.reader)
        assert "Ines Marsh" in widget_text(app, screen.query_one(QuotesPane))


async def test_the_next_story_is_read_ahead_and_opens_without_the_store(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.pause(READ_AHEAD_DELAY * 2)
        await settle(pilot)
        screen = main_screen(app)
        following = screen.stories.row_at(1)
        assert following is not None

        async def no_store(*args: object) -> None:
            raise AssertionError("the open path went to the store")

        for name in ("article", "reading", "fetch_story", "analyse", "related"):
            setattr(app.library, name, no_store)
        await pilot.press("j")
        await settle(pilot)
        assert screen.reading is not None and screen.reading.article.id == following.id
        shown = widget_text(app, screen.reader)
        assert shown.startswith(flat(following.title)) and "Summary" in shown
        assert "Ines Marsh" in widget_text(app, screen.query_one(QuotesPane))


async def test_a_story_that_fails_to_analyse_ahead_fails_only_when_opened(tmp_path: Path) -> None:
    from tui_support import fixed_analysis

    def fragile(article: Article, sentences: int) -> Analysis:
        if "harbour levy" in (article.title or ""):
            raise ValueError("no sentences here")
        return fixed_analysis(article, sentences)

    app = make_app(tmp_path)
    app.library.analyser = fragile
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.pause(READ_AHEAD_DELAY * 2)
        await settle(pilot)
        assert app.is_running
        screen = main_screen(app)
        await pilot.press("j")
        await settle(pilot)
        assert app.is_running and screen.reading is None
        assert "Analysis failed" in widget_text(app, screen.query_one(QuotesPane))
        assert widget_text(app, screen.reader).startswith("Port of Valmora sets €120m")


async def test_the_list_cursor_is_drawn_on_the_story_the_reader_shows(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        stories = screen.stories
        cursor = stories.get_component_rich_style("story-list--cursor").bgcolor

        def lit_rows() -> list[int]:
            region = stories.scrollable_content_region
            strips = app.screen._compositor.render_strips()[region.y : region.bottom]
            return [
                y // ROW_HEIGHT
                for y, strip in enumerate(strips)
                if any(s.style is not None and s.style.bgcolor == cursor for s in strip)
            ]

        assert set(lit_rows()) == {0}
        await pilot.press("j", "j")
        await settle(pilot)
        assert set(lit_rows()) == {2}
        assert screen.reader.article is not None
        assert widget_text(app, screen.reader).startswith(flat(screen.reader.article.title or ""))


async def test_help_screen_lists_the_keys_from_the_bindings(tmp_path: Path) -> None:
    app = make_app(tmp_path, keys={"star": "f"})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text", Static).content)
        for description in ("Pick", "Dismiss", "Undo", "Search", "Next unread", "Quit"):
            assert description in text
        star_line = next(line for line in text.splitlines() if line.strip().endswith("Star"))
        assert star_line.split()[0] == "f"
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_help_lists_only_the_keys_of_the_screen_it_was_opened_from(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        main_help = str(app.screen.query_one("#help-text", Static).content)
        assert "Stories and triage" in main_help and "Story list" in main_help
        panes = main_help.split("Panes", 1)[1].split("Everywhere", 1)[0]
        assert "related story" in panes  # Enter in a pane is a key worth knowing
        await pilot.press("escape", "F")
        await settle(pilot)
        assert isinstance(app.screen, FeedHealthScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text", Static).content)
        assert "Feed health" in text and "Back to stories" in text
        for absent in ("Stories and triage", "Story list", "Reader", "Panes", "Next story"):
            assert absent not in text
        await pilot.press("escape")
        assert isinstance(app.screen, FeedHealthScreen)


async def test_command_palette_offers_every_described_action(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        names = {command.title for command in app.get_system_commands(app.screen)}
        for name in ("Star", "Pick", "Dismiss", "Undo", "Views", "Search", "Feed health", "Help"):
            assert name in names


async def test_search_shows_matches_as_a_view_with_highlighted_snippets(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"shippers", "enter")
        await settle(pilot)
        screen = main_screen(app)
        assert screen.query_state.search == "shippers"
        assert screen.stories.total == 2
        row = screen.stories.row_at(0)
        assert row is not None
        _, second = screen.row_text(row)
        highlighted = [str(second)[s.start : s.end] for s in second.spans if "reverse" in s.style]
        assert highlighted and all(h.lower().startswith("shipper") for h in highlighted)
        await pilot.press("escape")
        await settle(pilot)
        assert screen.query_state.search is None
        assert screen.stories.total == 3


async def test_view_picker_switches_to_starred_with_counts(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ViewPickerScreen)
        labels = [(c.label, c.count) for c in app.screen.choices]
        assert ("Starred", 1) in labels and ("All", 3) in labels
        options = app.screen.query_one("#view-options")
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]  # type: ignore[attr-defined]
        assert "All  3 articles" in shown and "Starred  1 article" in shown
        index = next(i for i, c in enumerate(app.screen.choices) if c.label == "Starred")
        app.screen.query_one("#view-options").highlighted = index  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        screen = main_screen(app)
        assert screen.query_state.view == "starred"
        assert titles(screen) == ["Valmora shippers push back on sea-wall levy"]


async def test_feed_view_lists_one_feed(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, ViewPickerScreen)
        feed = next(i for i, c in enumerate(picker.choices) if c.query.feed_id is not None)
        assert picker.choices[feed].count == 3
        picker.query_one("#view-options").highlighted = feed  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert main_screen(app).stories.total == 3


async def test_sort_cycles_date_source_size(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("S")
        await settle(pilot)
        assert screen.query_state.sort == "source"
        sources = [screen.stories.row_at(i).source for i in range(3)]  # type: ignore[union-attr]
        assert sources == sorted(sources)
        await pilot.press("S")
        await settle(pilot)
        assert screen.query_state.sort == "size"
        await pilot.press("S")
        await settle(pilot)
        assert screen.query_state.sort == "date"


async def test_typing_in_the_search_box_never_triggers_keys(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"quit? spd", "escape")
        await settle(pilot)
        screen = main_screen(app)
        assert app.is_running
        assert screen.counts["starred"] == 0 and screen.counts["picked"] == 0
        assert screen.query_state.search is None


async def test_clicking_the_pane_tabs_switches_panes_at_80_columns(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.click("#pane-tabs", offset=(14, 0))  # " 1 Quotes  2 Figures ..."
        await pilot.pause()
        assert isinstance(app.focused, FiguresPane)
        await pilot.click("#pane-tabs", offset=(25, 0))
        await pilot.pause()
        assert isinstance(app.focused, RelatedPane)


async def test_marking_the_last_briefing_empties_the_since_view(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert screen.counts["since_briefing"] == 3
        await pilot.press("m")
        await settle(pilot)
        assert screen.counts["since_briefing"] == 0
        await pilot.press("v")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, ViewPickerScreen)
        index = next(i for i, c in enumerate(picker.choices) if c.query.view == "since_briefing")
        picker.query_one("#view-options").highlighted = index  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert screen.query_state.label == "Since last briefing"
        assert screen.stories.total == 0
        assert screen.reader.article is None


def test_every_main_binding_has_its_own_id_for_the_keys_setting() -> None:
    from textual.binding import Binding

    from briefing.tui.app import BriefingApp

    bindings = [b for b in [*MainScreen.BINDINGS, *BriefingApp.BINDINGS] if isinstance(b, Binding)]
    ids = [b.id for b in bindings]
    assert None not in ids
    assert len(ids) == len(set(ids))
    assert {"star", "pick", "dismiss_story", "quotes_pane", "quit", "help"} <= set(ids)


@pytest.mark.parametrize(("width", "height"), [(60, 20), (40, 12)])
async def test_a_small_terminal_leaves_the_story_room_to_be_read(
    tmp_path: Path, width: int, height: int
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(width, height)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.reader.scrollable_content_region.width >= width // 2 - 3
        list_lines = widget_lines(app, screen.stories)
        assert list_lines[0].endswith("\u2026")  # titles are cut with an ellipsis, not lost
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert screen.stories.outer_size.width == 38  # the wide layout is back


async def test_the_view_line_that_does_not_fit_ends_in_an_ellipsis(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(40, 12)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"harbour levy sea wall", "enter")
        await settle(pilot)
        bar = widget_lines(app, app.screen.query_one("#view-bar"))[0]
        assert bar.startswith(" Search: harbour levy sea wall")
        assert bar.endswith("\u2026")


async def test_pane_tabs_that_do_not_fit_end_in_an_ellipsis(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(40, 12)) as pilot:
        await settle(pilot)
        tabs = widget_lines(app, app.screen.query_one("#pane-tabs"))[0]
        assert tabs.startswith(" 1 Quotes") and tabs.endswith("\u2026")
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        tabs = widget_lines(app, app.screen.query_one("#pane-tabs"))[0]
        assert tabs.endswith("3 Related")
