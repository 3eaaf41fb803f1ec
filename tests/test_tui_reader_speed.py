"""The reader and panes refill the widgets they have instead of rebuilding them per story."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Static

from briefing.analysis.text import make_document
from briefing.models import Analysis, Article, SummaryLine
from briefing.tui.widgets.panes import QuotesPane
from briefing.tui.widgets.reader import RAW_TEXT_DELAY, Reader


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
    """What the main screen does when the analysis is ready: raw text, then the document."""
    document = make_document(article.title, article.text)
    analysis = Analysis(
        sentences=tuple(s.text for s in document.sentences),
        summary=(SummaryLine(document.sentences[0].text, 0),),
    )
    reader.show_article(article)
    reader.show_analysis(article, document, analysis)


def _shown(reader: Reader) -> list[Static]:
    return [w for w in reader.query(".paragraph").results(Static) if w.display]


def _plain(widget: Static) -> str:
    content = widget.content
    return content.plain if isinstance(content, Text) else str(content)


async def test_next_story_reuses_the_paragraph_widgets() -> None:
    app = ReaderApp()
    async with app.run_test(size=(100, 30)) as pilot:
        reader = app.query_one(Reader)
        _open(reader, _article("harbour", 6))
        await pilot.pause()
        first = list(reader._paragraphs)
        assert len(first) == 6

        _open(reader, _article("library", 4))
        await pilot.pause()
        assert reader._paragraphs == first[:4]  # the same widgets, refilled
        assert [_plain(w) for w in _shown(reader)] == list(reader.document.paragraphs)  # type: ignore[union-attr]
        assert "library" in _plain(reader._paragraphs[0])

        _open(reader, _article("bridge", 9))
        await pilot.pause()
        assert reader._paragraphs[:6] == first
        assert len(_shown(reader)) == 9
        assert all("bridge" in _plain(w) for w in _shown(reader))


async def test_highlight_works_on_reused_widgets_and_scrolls_to_the_sentence() -> None:
    app = ReaderApp()
    async with app.run_test(size=(100, 20)) as pilot:
        reader = app.query_one(Reader)
        _open(reader, _article("long", 30))
        await pilot.pause()
        _open(reader, _article("second", 25))
        await pilot.pause()
        document = reader.document
        assert document is not None
        last = len(document.sentences) - 1
        reader.highlight(last)
        await pilot.pause()
        chosen = document.sentences[last]
        widget = reader._paragraphs[chosen.paragraph]
        content = widget.content
        assert isinstance(content, Text)
        lit = [content.plain[s.start : s.end] for s in content.spans if "reverse" in str(s.style)]
        assert lit == [chosen.text]
        assert reader.scroll_y > 0
        assert reader.scrollable_content_region.height > 0
        top, bottom = reader.scroll_y, reader.scroll_y + reader.scrollable_content_region.height
        assert top <= widget.virtual_region.y <= bottom

        reader.highlight(None)
        assert not isinstance(widget.content, Text) or not widget.content.spans


async def test_analysis_arriving_first_shows_heading_summary_and_clean_text() -> None:
    app = ReaderApp()
    async with app.run_test(size=(100, 30)) as pilot:
        reader = app.query_one(Reader)
        _open(reader, _article("harbour", 3))
        await pilot.pause(RAW_TEXT_DELAY * 3)
        head = app.query_one("#reader-head", Static)
        assert "The harbour story" in _plain(head)
        summary = _plain(app.query_one("#reader-summary", Static))
        assert summary.startswith("Summary") and "Summarising" not in summary
        assert len(_shown(reader)) == 3


async def test_raw_text_appears_when_the_analysis_is_slow() -> None:
    app = ReaderApp()
    async with app.run_test(size=(100, 30)) as pilot:
        reader = app.query_one(Reader)
        article = _article("slow", 5)
        reader.show_article(article)
        await pilot.pause(RAW_TEXT_DELAY * 4)
        assert "The slow story" in _plain(app.query_one("#reader-head", Static))
        assert "Summarising" in _plain(app.query_one("#reader-summary", Static))
        assert len(_shown(reader)) == 5
        assert reader.document is None


async def test_placeholder_hides_every_paragraph() -> None:
    app = ReaderApp()
    async with app.run_test(size=(100, 30)) as pilot:
        reader = app.query_one(Reader)
        _open(reader, _article("harbour", 4))
        await pilot.pause()
        reader.show_placeholder("No stories in this view.")
        await pilot.pause(RAW_TEXT_DELAY * 2)
        assert _shown(reader) == []
        assert reader._paragraphs == []
        assert "No stories" in _plain(app.query_one("#reader-head", Static))


async def test_a_story_opening_while_the_reader_is_removed_does_not_fail() -> None:
    app = ReaderApp()
    async with app.run_test(size=(100, 30)) as pilot:
        reader = app.query_one(Reader)
        _open(reader, _article("harbour", 2))
        await pilot.pause()
        await reader.remove()
        _open(reader, _article("late", 7))  # a worker finishing after the screen went away
        reader.show_article(_article("later", 3))
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
