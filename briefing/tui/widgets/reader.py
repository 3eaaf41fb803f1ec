"""The reader: the open story's title, source, date, summary and cleaned text.

The text comes from the analysis layer's `Document`, one widget per paragraph,
so a quote or figure chosen in a pane can light up the sentence it came from
and scroll it into view. All text is drawn as `rich.text.Text`, never markup.

Opening a story must stay instant: the paragraph widgets are kept and refilled
from one story to the next (mounting and removing dozens of widgets per story
costs several full layouts), and a paragraph whose text did not change is left
alone. The raw text waits a moment before it is drawn: when the analysis is
cached it arrives first and the story is laid out once, not twice. The reader
keeps its own parts rather than querying them by id: a story still opening
when the app closes would find them gone.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widgets import Static

from briefing.analysis.document import Document
from briefing.analysis.text import strip_dateline
from briefing.models import Analysis, Article
from briefing.safety import plain
from briefing.tui.formatting import format_date, safe

__all__ = ["Reader"]

HIGHLIGHT = "reverse"
MAX_PARAGRAPHS = 1_000
# Hidden paragraph widgets kept for the next story; more than this are removed.
SPARE_PARAGRAPHS = 64
# Seconds the raw text waits for the analysis before it is drawn on its own.
RAW_TEXT_DELAY = 0.05

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
        # Every paragraph widget mounted so far, shown or hidden, and the text each one holds.
        self._pool: list[Static] = []
        self._pool_texts: list[Text | None] = []
        self._head = Static(Text("Choose a story to read it here.", style="dim"), id="reader-head")
        self._link = Static("", id="reader-link")
        self._summary = Static("", id="reader-summary")
        self._summary.display = False
        self._raw_timer: Timer | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield self._head
        yield self._link
        yield self._summary

    def show_placeholder(self, message: str) -> None:
        """Say why there is nothing to read (an empty view, a story that is gone)."""
        self.article = None
        self.document = None
        self.highlighted = None
        self._cancel_raw_text()
        self._head.update(Text(message, style="dim"))
        self._link.update("")
        self._summary.update("")
        self._summary.display = False
        self._set_paragraphs([])

    def show_article(self, article: Article) -> None:
        """Show the article's heading and raw text, unless its analysis arrives first."""
        self.article = article
        self.document = None
        self.highlighted = None
        self._cancel_raw_text()
        if self.is_attached:
            self._raw_timer = self.set_timer(RAW_TEXT_DELAY, self._show_raw_text)
        else:
            self._show_raw_text()

    def _show_raw_text(self) -> None:
        self._raw_timer = None
        article = self.article
        if article is None or self.document is not None:
            return
        self._show_heading(article)
        self._summary.update(Text("Summarising\u2026", style="dim"))
        self._summary.display = True
        self._set_paragraphs([p for p in plain(article.text, 500_000).split("\n\n") if p.strip()])
        self.scroll_home(animate=False)

    def _cancel_raw_text(self) -> bool:
        """Stop a pending raw-text drawing; True if there was one."""
        timer, self._raw_timer = self._raw_timer, None
        if timer is None:
            return False
        timer.stop()
        return True

    def _show_heading(self, article: Article) -> None:
        self._head.update(self._heading(article))
        link = Text(safe(article.url, 500), style="dim italic") if article.url else ""
        self._link.update(link)

    def show_analysis(self, article: Article, document: Document, analysis: Analysis) -> None:
        """Replace the raw text with the cleaned document and show the summary."""
        fresh = self._cancel_raw_text() or article != self.article
        self.article = article
        self.document = document
        self.highlighted = None
        if fresh:
            self._show_heading(article)
        summary = Text()
        if analysis.summary:
            summary.append("Summary\n", style="bold underline")
            for line in analysis.summary:
                # The dateline repeats the outlet and date shown above the story.
                summary.append("\u2022 " + safe(strip_dateline(line.text)) + "\n")
        else:
            summary.append("No summary: the text is too short.\n", style="dim")
        self._summary.update(summary)
        self._summary.display = True
        self._set_paragraphs(document.paragraphs)
        if fresh:
            self.scroll_home(animate=False)

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

    def _set_paragraphs(self, paragraphs: list[str]) -> None:
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
        texts = [Text(visible(p)) for p in paragraphs]
        reused = min(len(texts), len(self._pool))
        for number in range(reused):
            self._fill_paragraph(number, texts[number])
            self._pool[number].display = True
        for widget in self._pool[len(texts) :]:
            widget.display = False
        fresh = [Static(text, classes="paragraph") for text in texts[reused:]]
        if fresh and self.is_attached:
            self._pool.extend(fresh)
            self._pool_texts.extend(texts[reused:])
            self.mount_all(fresh)
        spare = len(self._pool) - max(len(texts), SPARE_PARAGRAPHS)
        if spare > 0:
            # After a very long story, most of its widgets go rather than sit hidden.
            for widget in self._pool[-spare:]:
                widget.remove()
            del self._pool[-spare:]
            del self._pool_texts[-spare:]
        self._paragraphs = self._pool[: len(texts)]

    def _fill_paragraph(self, number: int, text: Text) -> None:
        """Put `text` in paragraph widget `number`, unless it already shows exactly that."""
        if self._pool_texts[number] == text:
            return
        self._pool_texts[number] = text
        self._pool[number].update(text)

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
        self._fill_paragraph(number, text)
