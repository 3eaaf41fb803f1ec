"""The reader: the open story's title, source, date, summary and cleaned text.

The whole story is one widget that draws its own lines (Textual's line API):
opening a story wraps its text into line offsets and repaints the reader,
with no child widgets to mount, lay out or remove, whatever its length. Lines
are turned into strips only when they are drawn, and kept until the story,
the width, the colours or the highlight change.

The text comes from the analysis layer's `Document`; a quote or figure chosen
in a pane lights up the sentence it came from and the reader scrolls to it.
Text selected with the mouse is copied as written, not as wrapped.
Everything a stranger wrote is drawn as `rich.text.Text`, never markup. The
reader only draws what the screen hands it: it never reads the store or
analyses anything.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import ClassVar

from rich.cells import cell_len, get_character_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip

from briefing.analysis.document import Document
from briefing.analysis.text import strip_dateline
from briefing.models import Analysis, Article
from briefing.safety import plain
from briefing.tui.formatting import format_date, safe

__all__ = ["Reader", "visible", "wrap_offsets"]

HIGHLIGHT = "reverse"
MAX_PARAGRAPHS = 1_000
RAW_TEXT_LIMIT = 500_000
SUMMARY_BAR = "\u258c"  # ▌ the rule down the left of the summary
# Lines of context kept above a sentence the reader scrolls to.
CONTEXT_LINES = 2

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
_WORD = re.compile(r"\S+")


def visible(text: str) -> str:
    """`text` with control, escape and bidi characters blanked, keeping every offset."""
    return text.translate(_INVISIBLE)


def wrap_offsets(text: str, width: int) -> list[tuple[int, int]]:
    """Where each line of `text` starts and ends when wrapped at `width` cells.

    Lines break between words; a word wider than a line is cut; a newline
    always ends a line. The spaces at a break belong to no line, so a line's
    text is `text[start:end]` exactly, and a character's line can be found by
    its offset (how the reader finds the line a sentence starts on).
    """
    width = max(1, width)
    lines: list[tuple[int, int]] = []
    offset = 0
    for piece in text.split("\n"):
        _wrap_piece(piece, offset, width, lines)
        offset += len(piece) + 1
    return lines


def _wrap_piece(text: str, offset: int, width: int, lines: list[tuple[int, int]]) -> None:
    start = end = used = 0
    placed = False  # whether the current line holds a word yet
    emitted = len(lines)
    for match in _WORD.finditer(text):
        word_start, word_end = match.span()
        cells = cell_len(match.group())
        if placed:
            gap = cell_len(text[end:word_start])
            if used + gap + cells <= width:
                used += gap + cells
                end = word_end
                continue
            lines.append((offset + start, offset + end))
        while cells > width:
            # A word wider than the line is cut into line-sized runs; only the run cut off
            # is measured, so a megabyte without a space wraps in linear time.
            cut = _cut(text, word_start, width)
            lines.append((offset + word_start, offset + cut))
            cells -= cell_len(text[word_start:cut])
            word_start = cut
        start, end, used, placed = word_start, word_end, cells, True
    if placed or len(lines) == emitted:
        lines.append((offset + start, offset + end))


def _cut(text: str, start: int, width: int) -> int:
    """The offset after the characters from `start` that fill `width` cells (at least one)."""
    used = 0
    index = start
    while index < len(text):
        size = get_character_cell_size(text[index])
        if used + size > width and index > start:
            break
        used += size
        index += 1
    return index


@dataclass
class _Block:
    """One run of text in the reader: a heading line, the summary or a paragraph."""

    text: Text
    kind: str  # "title", "meta", "link", "summary", "paragraph" or "note"
    start: int = 0  # where a paragraph starts in the document's text
    space_before: int = 0
    space_after: int = 0
    lines: list[tuple[int, int]] = field(default_factory=list)
    first_line: int = 0


class Reader(ScrollView, can_focus=True):
    """Shows one article; `highlight(i)` marks sentence i of its document."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"reader--summary-bar"}

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
        self._blocks: list[_Block] = []
        self._paragraphs: dict[int, int] = {}  # document paragraph -> index in _blocks
        # Each line of the story: (block index, start, end), or None for a blank line.
        self._lines: list[tuple[int, int, int] | None] = []
        self._width = 0
        self._strips: dict[int, Strip] = {}
        self._base = Style()
        self._pending_scroll: int | None = None
        self._set_blocks([_Block(Text("Choose a story to read it here.", style="dim"), "note")])

    # -- what is shown ----------------------------------------------------------------------

    def show_placeholder(self, message: str) -> None:
        """Say why there is nothing to read (an empty view, a story that is gone)."""
        self.article = None
        self.document = None
        self.highlighted = None
        self._set_blocks([_Block(Text(message, style="dim"), "note")])
        self._scroll_home()

    def show_article(self, article: Article) -> None:
        """Show the article's heading and raw text while its analysis is on its way."""
        self.article = article
        self.document = None
        self.highlighted = None
        blocks = self._heading(article)
        blocks.append(
            _Block(Text("Summarising\u2026", style="dim"), "summary", space_before=1, space_after=1)
        )
        paragraphs = [p for p in plain(article.text, RAW_TEXT_LIMIT).split("\n\n") if p.strip()]
        blocks += self._paragraph_blocks(paragraphs)
        self._set_blocks(blocks)
        self._scroll_home()

    def show_analysis(self, article: Article, document: Document, analysis: Analysis) -> None:
        """Show the cleaned document with its summary; a story already shown keeps its place."""
        fresh = article != self.article
        self.article = article
        self.document = document
        self.highlighted = None
        summary = Text()
        if analysis.summary:
            summary.append("Summary", style="bold underline")
            for line in analysis.summary:
                # The dateline repeats the outlet and date shown above the story.
                summary.append("\n\u2022 " + safe(strip_dateline(line.text)))
        else:
            summary.append("No summary: the text is too short.", style="dim")
        blocks = self._heading(article)
        blocks.append(_Block(summary, "summary", space_before=1, space_after=1))
        blocks += self._paragraph_blocks(document.paragraphs)
        self._set_blocks(blocks)
        if fresh:
            self._scroll_home()

    def highlight(self, sentence: int | None) -> None:
        """Light up sentence `sentence` of the document and scroll to it; None clears."""
        document = self.document
        if document is None:
            return
        previous, self.highlighted = self.highlighted, sentence
        count = len(document.sentences)
        if previous is not None and 0 <= previous < count:
            self._restyle(document.sentences[previous].paragraph)
        if sentence is None or not 0 <= sentence < count:
            return
        self._restyle(document.sentences[sentence].paragraph)
        self._pending_scroll = sentence
        self._scroll_to_pending()

    def line_of_sentence(self, sentence: int) -> int | None:
        """The line (counted from the top of the story) that sentence `sentence` starts on."""
        document = self.document
        if document is None or not 0 <= sentence < len(document.sentences):
            return None
        chosen = document.sentences[sentence]
        number = self._paragraphs.get(chosen.paragraph)
        if number is None:
            return None
        self._layout()
        block = self._blocks[number]
        starts = [start for start, _ in block.lines]
        line = max(0, bisect.bisect_right(starts, chosen.start - block.start) - 1)
        return block.first_line + line

    # -- building the story -----------------------------------------------------------------

    def _heading(self, article: Article) -> list[_Block]:
        blocks = [
            _Block(Text(safe(article.title) or "(untitled)", style="bold"), "title"),
            _Block(
                Text(
                    " \u00b7 ".join(
                        m
                        for m in (
                            safe(article.source, 200) or "unknown source",
                            format_date(article.published),
                        )
                        if m
                    ),
                    style="bold dim",
                ),
                "meta",
            ),
        ]
        if article.url:
            blocks.append(_Block(Text(safe(article.url, 500), style="dim italic"), "link"))
        return blocks

    def _paragraph_blocks(self, paragraphs: list[str]) -> list[_Block]:
        blocks = []
        start = 0
        for paragraph in paragraphs[:MAX_PARAGRAPHS]:
            blocks.append(_Block(Text(visible(paragraph)), "paragraph", start, space_after=1))
            start += len(paragraph) + 2
        if len(paragraphs) > MAX_PARAGRAPHS:
            # A runaway body is cut, and the cut is said, not hidden.
            cut = len(paragraphs) - MAX_PARAGRAPHS
            note = Text(f"{cut} more paragraphs not shown.", style="dim")
            blocks.append(_Block(note, "note"))
        return blocks

    def _set_blocks(self, blocks: list[_Block]) -> None:
        self._blocks = blocks
        numbers = [i for i, block in enumerate(blocks) if block.kind == "paragraph"]
        # Only the cleaned document's paragraphs line up with its sentences.
        self._paragraphs = dict(enumerate(numbers)) if self.document is not None else {}
        self._pending_scroll = None
        self._width = 0  # wrap again at the current width
        if self.is_attached:
            self._layout()
            self.refresh()

    def _layout(self) -> None:
        """Wrap every block at the current width (once per story and width)."""
        width = self.scrollable_content_region.width
        if width <= 0 or width == self._width:
            return
        self._width = width
        self._strips.clear()
        lines: list[tuple[int, int, int] | None] = []
        for number, block in enumerate(self._blocks):
            lines.extend([None] * block.space_before)
            block.first_line = len(lines)
            if block.kind == "link":
                block.lines = [(0, len(block.text))]
            else:
                inner = width - 3 if block.kind == "summary" else width
                block.lines = wrap_offsets(block.text.plain, inner)
            lines.extend((number, start, end) for start, end in block.lines)
            lines.extend([None] * block.space_after)
        while lines and lines[-1] is None:
            lines.pop()
        self._lines = lines
        self.virtual_size = Size(width, len(lines))

    def _restyle(self, paragraph: int) -> None:
        """Draw paragraph `paragraph` again with the current highlight."""
        document = self.document
        number = self._paragraphs.get(paragraph)
        if document is None or number is None:
            return
        block = self._blocks[number]
        text = Text(visible(document.paragraphs[paragraph]))
        chosen = self.highlighted
        if chosen is not None and 0 <= chosen < len(document.sentences):
            sentence = document.sentences[chosen]
            if sentence.paragraph == paragraph:
                text.stylize(HIGHLIGHT, sentence.start - block.start, sentence.end - block.start)
        block.text = text
        for line in range(block.first_line, block.first_line + len(block.lines)):
            self._strips.pop(line, None)
            self.refresh_line(line)

    # -- scrolling --------------------------------------------------------------------------

    def _scroll_home(self) -> None:
        self.scroll_to(y=0, animate=False, immediate=True)

    def _scroll_to_pending(self) -> None:
        sentence = self._pending_scroll
        if sentence is None or self._width <= 0:
            return  # not laid out yet: done on the first resize
        self._pending_scroll = None
        line = self.line_of_sentence(sentence)
        if line is not None:
            self.scroll_to(y=max(0, line - CONTEXT_LINES), animate=False, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        self._layout()
        self._scroll_to_pending()

    # -- drawing ----------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # Once per frame rather than per line: the colours (focus changes the background).
        self._layout()
        base = self.rich_style
        if base != self._base:
            self._base = base
            self._strips.clear()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        number = self.scroll_offset.y + y
        selection = self.text_selection
        if selection is not None:
            return self._render_story_line(number, self._base, selection.get_span(number))
        strip = self._strips.get(number)
        if strip is None:
            strip = self._render_story_line(number, self._base)
            self._strips[number] = strip
        return strip

    # -- selecting text with the mouse ------------------------------------------------------

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected text as it was written: a wrapped paragraph comes back in one piece."""
        self._layout()
        pieces: list[str] = []
        previous: tuple[int, int, int] | None = None
        for number, line in enumerate(self._lines):
            span = selection.get_span(number)
            if span is None:
                continue
            if line is None:
                pieces.append("\n")
                previous = None
                continue
            block_number, start, end = line
            text = self._blocks[block_number].text.plain
            first, last = span
            piece = text[start:end][first : None if last == -1 else last]
            if previous is not None and previous[0] == block_number:
                pieces.append(text[previous[2] : start])  # the spaces the wrapping took out
            elif pieces:
                pieces.append("\n")
            pieces.append(piece)
            previous = line
        return "".join(pieces).strip("\n"), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self._strips.clear()
        self.refresh()

    def _render_story_line(
        self, number: int, base: Style, selected: tuple[int, int] | None = None
    ) -> Strip:
        width = self._width
        line = self._lines[number] if 0 <= number < len(self._lines) else None
        if line is None:
            return Strip.blank(width, base)
        block_number, start, end = line
        block = self._blocks[block_number]
        text = block.text[start:end]
        prefix: list[Segment] = []
        if block.kind == "summary":
            bar = base + self.get_component_rich_style("reader--summary-bar")
            prefix.append(Segment(SUMMARY_BAR + " ", bar))
        elif block.kind == "link":
            text.no_wrap = True
            text.truncate(width, overflow="ellipsis")
        if selected is not None:
            first, last = selected
            selection_style = self.screen.get_component_rich_style("screen--selection")
            text.stylize(selection_style, first, len(text) if last == -1 else last)
        console = self.app.console
        # Text.render leaves out the text's own style (a title's bold): it goes under each span.
        style = base + console.get_style(text.style) if text.style else base
        segments = [
            Segment(s.text, style + s.style if s.style else style)
            for s in text.render(console)
            if s.text != "\n"
        ]
        # Where each character sits, for selecting with the mouse (the summary's rule is not text).
        segments = list(Strip(segments).apply_offsets(0, number))
        return Strip(prefix + segments).adjust_cell_length(width, base)
