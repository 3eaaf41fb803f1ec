"""The reader, checked by what it draws: stories, summary, highlight, scrolling, wrapping."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.geometry import Offset
from textual.selection import Selection
from tui_screen import flat, reversed_text, widget_lines, widget_text

from briefing.analysis.text import make_document
from briefing.models import Analysis, Article, SummaryLine
from briefing.tui.widgets.panes import QuotesPane
from briefing.tui.widgets.reader import Reader, wrap_offsets


class ReaderApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Reader(id="reader")
        yield QuotesPane(id="quotes")


def _article(name: str, paragraphs: int) -> Article:
    body = "\n\n".join(
        f"Paragraph {n} of the {name} story says one thing. It then says another thing."
        for n in range(paragraphs)
    )
    return Article(title=f"The {name} story", body=body, url=f"https://news.example/{name}")


def _open(reader: Reader, article: Article) -> None:
    """What the main screen does when the analysis is ready."""
    document = make_document(article.title, article.text)
    analysis = Analysis(
        sentences=tuple(s.text for s in document.sentences),
        summary=(SummaryLine(document.sentences[0].text, 0),),
    )
    reader.show_analysis(article, document, analysis)


async def test_the_next_story_replaces_every_line_of_a_longer_one() -> None:
    app = ReaderApp()
    async with app.run_test(size=(100, 40)) as pilot:
        reader = app.query_one(Reader)
        _open(reader, _article("harbour", 6))
        await pilot.pause()
        assert "Paragraph 5 of the harbour story" in widget_text(app, reader)

        _open(reader, _article("library", 2))
        await pilot.pause()
        shown = widget_text(app, reader)
        assert shown.startswith("The library story")
        assert "harbour" not in shown
        assert "Paragraph 1 of the library story says one thing." in shown


async def test_paragraphs_are_separated_by_a_blank_line_and_follow_the_summary() -> None:
    app = ReaderApp()
    async with app.run_test(size=(100, 40)) as pilot:
        reader = app.query_one(Reader)
        _open(reader, _article("harbour", 3))
        await pilot.pause()
        lines = widget_lines(app, reader)
        assert lines[0] == "The harbour story"
        assert lines[2] == "https://news.example/harbour"
        summary = next(i for i, line in enumerate(lines) if line.endswith("Summary"))
        assert lines[summary - 1] == ""
        firsts = [i for i, line in enumerate(lines) if line.startswith("Paragraph ")]
        assert len(firsts) == 3
        assert lines[firsts[0] - 1] == ""
        assert all(lines[i - 1] == "" for i in firsts[1:])
        assert all(lines[i].endswith("another thing.") for i in firsts)  # 100 columns: one line


async def test_highlight_lights_the_sentence_and_scrolls_it_into_view() -> None:
    app = ReaderApp()
    async with app.run_test(size=(60, 20)) as pilot:
        reader = app.query_one(Reader)
        _open(reader, _article("long", 30))
        await pilot.pause()
        document = reader.document
        assert document is not None
        last = len(document.sentences) - 1
        reader.highlight(last)
        await pilot.pause()
        assert reader.scroll_y > 0
        assert reversed_text(app, reader) == flat(document.sentences[last].text)

        reader.highlight(3)
        await pilot.pause()
        assert reversed_text(app, reader) == flat(document.sentences[3].text)
        line = reader.line_of_sentence(3)
        assert line is not None and reader.scroll_y <= line
        assert line < reader.scroll_y + reader.scrollable_content_region.height

        reader.highlight(None)
        await pilot.pause()
        assert reversed_text(app, reader) == ""


async def test_a_sentence_wrapped_over_lines_is_lit_on_every_line() -> None:
    app = ReaderApp()
    body = (
        "A short opening. "
        + "This sentence is long enough to run over several lines of a narrow reader, "
        "so the highlight has to follow it from one line to the next until it ends. "
        + "A short close."
    )
    article = Article(title="Wrapped", body=body)
    async with app.run_test(size=(40, 24)) as pilot:
        reader = app.query_one(Reader)
        _open(reader, article)
        await pilot.pause()
        document = reader.document
        assert document is not None and len(document.sentences) == 3
        reader.highlight(1)
        await pilot.pause()
        assert reversed_text(app, reader) == flat(document.sentences[1].text)


async def test_raw_text_says_it_is_summarising_until_the_analysis_arrives() -> None:
    app = ReaderApp()
    async with app.run_test(size=(100, 30)) as pilot:
        reader = app.query_one(Reader)
        article = _article("slow", 5)
        reader.show_article(article)
        await pilot.pause()
        shown = widget_text(app, reader)
        assert shown.startswith("The slow story")
        assert "Summarising" in shown and "Paragraph 4 of the slow story" in shown
        assert reader.document is None

        _open(reader, article)
        await pilot.pause()
        shown = widget_text(app, reader)
        assert "Summarising" not in shown and "Summary" in shown


async def test_placeholder_replaces_the_story() -> None:
    app = ReaderApp()
    async with app.run_test(size=(100, 30)) as pilot:
        reader = app.query_one(Reader)
        _open(reader, _article("harbour", 4))
        await pilot.pause()
        reader.show_placeholder("No stories in this view.")
        await pilot.pause()
        assert widget_text(app, reader) == "No stories in this view."
        assert reader.article is None and reader.document is None


async def test_markup_in_a_story_is_drawn_as_text() -> None:
    app = ReaderApp()
    article = Article(
        title="[bold]Not bold[/bold]",
        body="Click [@click=app.quit]here[/] or [link=https://evil.example]there[/link].",
        source="[red]Outlet[/red]",
    )
    async with app.run_test(size=(100, 30)) as pilot:
        reader = app.query_one(Reader)
        reader.show_article(article)
        await pilot.pause()
        shown = widget_text(app, reader)
        assert "[bold]Not bold[/bold]" in shown and "[red]Outlet[/red]" in shown
        assert "[@click=app.quit]here[/]" in shown
        await pilot.click(Reader, offset=(8, 5))
        assert app.is_running


async def test_selected_text_is_copied_as_written_not_as_wrapped() -> None:
    app = ReaderApp()
    paragraph = (
        "The port authority said the levy would be reviewed every spring, "
        "and that shipping lines could appeal against it to the regional council."
    )
    article = Article(title="Levy", body=f"{paragraph}\n\nA second paragraph.")
    async with app.run_test(size=(40, 30)) as pilot:
        reader = app.query_one(Reader)
        _open(reader, article)
        await pilot.pause()
        document = reader.document
        assert document is not None
        first = reader.line_of_sentence(0)
        last = reader.line_of_sentence(len(document.sentences) - 1)
        assert first is not None and last is not None and last - first >= 3
        app.screen.selections = {reader: Selection(Offset(0, first), Offset(3, first + 1))}
        await pilot.pause()
        lines = widget_lines(app, reader)
        top = reader.scroll_offset.y
        expected = lines[first - top] + " " + lines[first + 1 - top][:3]
        assert app.screen.get_selected_text() == expected

        app.screen.selections = {reader: Selection(None, None)}
        await pilot.pause()
        copied = app.screen.get_selected_text()
        assert copied is not None
        assert copied.startswith("Levy\n")
        assert f"\n{paragraph}\n\nA second paragraph." in copied


async def test_keys_scroll_the_reader_when_it_has_focus() -> None:
    app = ReaderApp()
    async with app.run_test(size=(60, 20)) as pilot:
        reader = app.query_one(Reader)
        _open(reader, _article("long", 30))
        reader.focus()
        await pilot.pause()
        await pilot.press("space")
        await pilot.pause()
        assert reader.scroll_y > 0
        paged = reader.scroll_y
        await pilot.press("j")
        await pilot.pause()
        assert reader.scroll_y == paged + 1
        await pilot.press("k", "k")
        await pilot.pause()
        assert reader.scroll_y == paged - 1


async def test_a_story_opening_while_the_reader_is_removed_does_not_fail() -> None:
    app = ReaderApp()
    async with app.run_test(size=(100, 30)) as pilot:
        reader = app.query_one(Reader)
        _open(reader, _article("harbour", 2))
        await pilot.pause()
        await reader.remove()
        _open(reader, _article("late", 7))  # a worker finishing after the screen went away
        reader.show_article(_article("later", 3))
        reader.highlight(2)
        reader.show_placeholder("Gone.")
        await pilot.pause()
        assert not app.query(Reader)


async def test_pane_waiting_twice_is_one_change_and_filling_replaces_it() -> None:
    app = ReaderApp()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(QuotesPane)
        pane.show_waiting()
        await pilot.pause()
        assert pane.option_count == 1 and pane.waiting == "Analysing\u2026"
        pane.show_waiting()
        assert pane.option_count == 1
        pane.show_waiting("Analysis failed for this story.")
        assert "failed" in str(pane.get_option_at_index(0).prompt)
        pane.show([])
        assert pane.waiting is None
        assert str(pane.get_option_at_index(0).prompt) == QuotesPane.EMPTY
        pane.show_waiting()
        assert pane.option_count == 1 and "Analysing" in str(pane.get_option_at_index(0).prompt)


# -- wrapping ---------------------------------------------------------------------------------


def _lines(text: str, width: int) -> list[str]:
    return [text[start:end] for start, end in wrap_offsets(text, width)]


def test_wrapping_keeps_every_word_and_fits_the_width() -> None:
    text = "The port authority said on Monday that the levy would be reviewed in spring."
    for width in (1, 5, 12, 30, 200):
        lines = _lines(text, width)
        assert " ".join(lines).split() == text.split() or width < 12
        assert all(cell_len(line) <= width for line in lines)
        assert all(line == line.strip() for line in lines)
    assert _lines(text, 200) == [text]


def test_wrapping_cuts_a_word_wider_than_the_line() -> None:
    assert _lines("ab abcdefghij cd", 4) == ["ab", "abcd", "efgh", "ij", "cd"]


def test_a_megabyte_without_a_space_wraps_in_line_sized_runs() -> None:
    # It used to re-measure the rest of the word for every line: minutes of frozen reader.
    word = "x" * 1_000_000 + "\u65e5" * 40
    lines = _lines(word, 44)
    assert "".join(lines) == word
    assert all(cell_len(line) == 44 for line in lines[:-1])
    assert 0 < cell_len(lines[-1]) <= 44
    assert len(lines) == -(-(1_000_000 + 80) // 44)


def test_wrapping_breaks_at_newlines_and_keeps_empty_lines() -> None:
    assert _lines("one two\n\nthree", 20) == ["one two", "", "three"]
    assert _lines("", 10) == [""]


def test_wrapping_counts_wide_characters_as_two_cells() -> None:
    lines = _lines("\u65e5\u672c\u8a9e\u306e\u6587\u7ae0 abc", 4)
    assert lines == ["\u65e5\u672c", "\u8a9e\u306e", "\u6587\u7ae0", "abc"]


def test_wrapping_counts_a_wide_space_between_words() -> None:
    assert _lines("ab\u3000cd", 5) == ["ab", "cd"]
    assert _lines("ab\u3000cd", 6) == ["ab\u3000cd"]


def test_a_sentence_offset_falls_in_the_line_that_shows_it() -> None:
    text = "First sentence here. Second sentence goes on a little. Third one."
    offsets = wrap_offsets(text, 16)
    start = text.index("Second")
    line = next(i for i, (a, b) in enumerate(offsets) if a <= start < b)
    first, last = offsets[line]
    assert text[first:last] == "here. Second"
    assert text[first:last][start - first :].startswith("Second")
