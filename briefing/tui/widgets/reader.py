"""The reader: the open story's title, source, date, summary and cleaned text.

The text comes from the analysis layer's `Document`, one widget per paragraph,
so a quote or figure chosen in a pane can light up the sentence it came from
and scroll it into view. All text is drawn as `rich.text.Text`, never markup.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from briefing.analysis.document import Document
from briefing.models import Analysis, Article
from briefing.safety import plain
from briefing.tui.formatting import format_date, safe

__all__ = ["Reader"]

HIGHLIGHT = "reverse"
MAX_PARAGRAPHS = 1_000

# Characters a terminal could act on, each replaced by a space so sentence offsets still line up.
_INVISIBLE = {
    code: " "
    for first, last in (
        (0x00, 0x09),
        (0x0B, 0x1F),
        (0x7F, 0x9F),
        (0x061C, 0x061C),
        (0x200B, 0x200F),
        (0x2028, 0x202E),
        (0x2060, 0x2069),
        (0xFEFF, 0xFEFF),
    )
    for code in range(first, last + 1)
}


def visible(text: str) -> str:
    """`text` with control, escape and bidi characters blanked, keeping every offset."""
    return text.translate(_INVISIBLE)


class Reader(VerticalScroll, can_focus=True):
    """Shows one article; `highlight(i)` marks sentence i of its document."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "scroll_down", "Scroll down", show=False),
        Binding("k,up", "scroll_up", "Scroll up", show=False),
        Binding("space", "page_down", "Page down", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.document: Document | None = None
        self.article: Article | None = None
        self.highlighted: int | None = None
        self._paragraphs: list[Static] = []
        self._paragraph_starts: list[int] = []

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(Text("Choose a story to read it here.", style="dim"), id="reader-head")
        yield Static("", id="reader-link")
        summary = Static("", id="reader-summary")
        summary.display = False
        yield summary

    def show_placeholder(self, message: str) -> None:
        """Say why there is nothing to read (an empty view, a story that is gone)."""
        self.article = None
        self.document = None
        self.highlighted = None
        self.query_one("#reader-head", Static).update(Text(message, style="dim"))
        self.query_one("#reader-link", Static).update("")
        summary = self.query_one("#reader-summary", Static)
        summary.update("")
        summary.display = False
        self._clear_paragraphs()

    def show_article(self, article: Article) -> None:
        """Show the article's heading and raw text at once, before its analysis arrives."""
        self.article = article
        self.document = None
        self.highlighted = None
        self.query_one("#reader-head", Static).update(self._heading(article))
        link = Text(safe(article.url, 500), style="dim italic") if article.url else ""
        self.query_one("#reader-link", Static).update(link)
        summary = self.query_one("#reader-summary", Static)
        summary.update(Text("Summarising\u2026", style="dim"))
        summary.display = True
        self._set_paragraphs([p for p in plain(article.text, 500_000).split("\n\n") if p.strip()])
        self.scroll_home(animate=False)

    def show_analysis(self, article: Article, document: Document, analysis: Analysis) -> None:
        """Replace the raw text with the cleaned document and show the summary."""
        self.article = article
        self.document = document
        self.highlighted = None
        summary = Text()
        if analysis.summary:
            summary.append("Summary\n", style="bold underline")
            for line in analysis.summary:
                summary.append("\u2022 " + safe(line.text) + "\n")
        else:
            summary.append("No summary: the text is too short.\n", style="dim")
        self.query_one("#reader-summary", Static).update(summary)
        self._set_paragraphs(document.paragraphs)

    def highlight(self, sentence: int | None) -> None:
        """Light up sentence `sentence` of the document and scroll to it; None clears."""
        document = self.document
        if document is None or not self._paragraphs:
            return
        previous = self.highlighted
        self.highlighted = sentence
        if previous is not None and 0 <= previous < len(document.sentences):
            self._render_paragraph(document.sentences[previous].paragraph)
        if sentence is None or not 0 <= sentence < len(document.sentences):
            return
        chosen = document.sentences[sentence]
        self._render_paragraph(chosen.paragraph)
        self.call_after_refresh(self._scroll_to_sentence, sentence)

    def _scroll_to_sentence(self, sentence: int) -> None:
        document = self.document
        if document is None or not 0 <= sentence < len(document.sentences):
            return
        chosen = document.sentences[sentence]
        if chosen.paragraph >= min(len(self._paragraphs), MAX_PARAGRAPHS):
            return
        widget = self._paragraphs[chosen.paragraph]
        prefix = document.text[self._paragraph_starts[chosen.paragraph] : chosen.start]
        width = max(1, widget.content_region.width)
        lines_before = len(Text(prefix).wrap(self.app.console, width)) - 1 if prefix else 0
        target = widget.virtual_region.y + max(0, lines_before) - 2
        self.scroll_to(y=max(0, target), animate=False)

    # -- building ---------------------------------------------------------------------------

    def _heading(self, article: Article) -> Text:
        text = Text(safe(article.title) or "(untitled)", style="bold")
        meta = [safe(article.source, 200) or "unknown source", format_date(article.published)]
        text.append("\n" + " \u00b7 ".join(m for m in meta if m), style="dim")
        return text

    def _clear_paragraphs(self) -> None:
        for widget in self._paragraphs:
            widget.remove()
        self._paragraphs = []
        self._paragraph_starts = []

    def _set_paragraphs(self, paragraphs: list[str]) -> None:
        self._clear_paragraphs()
        if len(paragraphs) > MAX_PARAGRAPHS:
            # A runaway body must not become thousands of widgets; the cut is said, not hidden.
            cut = len(paragraphs) - MAX_PARAGRAPHS
            paragraphs = [*paragraphs[:MAX_PARAGRAPHS], f"[{cut} more paragraphs not shown]"]
        starts: list[int] = []
        offset = 0
        for paragraph in paragraphs:
            starts.append(offset)
            offset += len(paragraph) + 2
        self._paragraph_starts = starts
        self._paragraphs = [Static(Text(visible(p)), classes="paragraph") for p in paragraphs]
        if self._paragraphs:
            self.mount_all(self._paragraphs)

    def _render_paragraph(self, number: int) -> None:
        document = self.document
        if document is None or not 0 <= number < min(len(self._paragraphs), MAX_PARAGRAPHS):
            return
        start = self._paragraph_starts[number]
        paragraph = document.paragraphs[number]
        text = Text(visible(paragraph))
        if self.highlighted is not None and 0 <= self.highlighted < len(document.sentences):
            chosen = document.sentences[self.highlighted]
            if chosen.paragraph == number:
                text.stylize(HIGHLIGHT, chosen.start - start, chosen.end - start)
        self._paragraphs[number].update(text)
