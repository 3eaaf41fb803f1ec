"""Where an article's text sits inside double quotation marks.

News copy breaks long quotations the typographic way: a paragraph ends with no
closing mark and the next one reopens. Many archives collapse those paragraphs,
leaving `... poorest. "Two million ...` inside a still-open quotation. This
module pairs the marks with that in mind, joins the pieces of one quotation
(also a quotation split by its attribution: `"A," he said, "b."`) and reports
offsets. It knows nothing about speakers and never decides what counts as a
quote: that is `quotes.py`'s job.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from briefing.analysis.speech_verbs import SPEECH_VERB

__all__ = ["QuotedSpan", "find_quoted_spans"]

_OPENER_BEFORE = set("([{-\u2013\u2014/")
_SENTENCE_END = tuple(".?!:;\u2026)")
_SHORT_BRIDGE_WORDS = 14
_ABBREVIATION_DOT = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|St|Sr|Jr|Gen|Rev|Gov|Sen|Rep|[A-Z])\.$")


@dataclass(frozen=True)
class QuotedSpan:
    """One quotation: the pieces of text inside its marks, in order.

    `parts` are (start, end) offsets of the words inside each pair of marks;
    `start` is the first opening mark and `end` is just past the last closing
    mark (or the end of the paragraph when the mark never closes). `bridges`
    are the attributions that split the quotation, e.g. `he said` in
    `"A," he said, "b."`.
    """

    parts: tuple[tuple[int, int], ...]
    start: int
    end: int
    closed: bool
    bridges: tuple[tuple[int, int], ...] = ()

    def text(self, source: str) -> str:
        """The quoted words joined with spaces, without the comma before an attribution."""
        pieces: list[str] = []
        bridge_starts = {b[0] for b in self.bridges}
        for start, end in self.parts:
            piece = source[start:end].strip()
            if end + 1 in bridge_starts:
                # The part stops where an attribution begins: drop its comma.
                piece = piece.rstrip(",").rstrip()
            if piece:
                pieces.append(piece)
        return " ".join(pieces).rstrip(",").rstrip()


def _opens(text: str, pos: int) -> bool:
    before = text[pos - 1] if pos > 0 else "\n"
    after = text[pos + 1] if pos + 1 < len(text) else "\n"
    return (before.isspace() or before in _OPENER_BEFORE) and not after.isspace()


def _ends_sentence_before(text: str, pos: int, floor: int) -> bool:
    """Whether the words before `pos` (inside a quotation) end a sentence."""
    head = text[floor:pos].rstrip()
    return bool(head) and head.endswith(_SENTENCE_END)


@dataclass
class _Open:
    first: int
    part_start: int
    paragraph: int
    parts: list[tuple[int, int]]


def _raw_spans(text: str) -> list[QuotedSpan]:
    """Pair the marks paragraph by paragraph, joining collapsed paragraph breaks."""
    paragraph_starts = [0] + [m.end() for m in re.finditer(r"\n\n", text)]

    def paragraph_of(offset: int) -> int:
        return bisect.bisect_right(paragraph_starts, offset) - 1

    def paragraph_end(index: int) -> int:
        if index + 1 < len(paragraph_starts):
            return paragraph_starts[index + 1] - 2
        return len(text)

    spans: list[QuotedSpan] = []
    current: _Open | None = None

    def finish(end: int, closed: bool) -> None:
        nonlocal current
        assert current is not None
        spans.append(QuotedSpan(tuple(current.parts), current.first, end, closed))
        current = None

    position = text.find('"')
    while position != -1:
        paragraph = paragraph_of(position)
        if current is not None and paragraph != current.paragraph:
            # The open part ran to the end of its paragraph without a closing mark.
            end = paragraph_end(current.paragraph)
            current.parts.append((current.part_start, end))
            reopens = position == paragraph_starts[paragraph] and _opens(text, position)
            if paragraph == current.paragraph + 1 and reopens:
                current.paragraph = paragraph
                current.part_start = position + 1
                position = text.find('"', position + 1)
                continue
            finish(end, closed=False)
        if current is None:
            if _may_open(text, position):
                current = _Open(position, position + 1, paragraph, [])
        elif _opens(text, position) and _ends_sentence_before(text, position, current.part_start):
            # A collapsed paragraph break: the quotation goes on with a new part.
            current.parts.append((current.part_start, position))
            current.part_start = position + 1
        else:
            current.parts.append((current.part_start, position))
            finish(position + 1, closed=True)
        position = text.find('"', position + 1)
    if current is not None:
        end = paragraph_end(current.paragraph)
        current.parts.append((current.part_start, end))
        finish(end, closed=False)
    return spans


def _may_open(text: str, pos: int) -> bool:
    """Outside a quotation any mark followed by words opens one, even `said:"We`."""
    after = text[pos + 1] if pos + 1 < len(text) else "\n"
    return not after.isspace() and after not in ",.;:!?)]"


def _is_split_attribution(text: str, first: QuotedSpan, second: QuotedSpan) -> bool:
    """`"A," he said, "b."`: a short attribution between commas joins the two parts."""
    if not first.closed or "\n\n" in text[first.end : second.start]:
        return False
    last_start, last_end = first.parts[-1]
    inner = text[last_start:last_end].rstrip()
    bridge = text[first.end : second.start]
    stripped = bridge.strip()
    if not (inner.endswith(",") or stripped.startswith(",")):
        return False
    if not stripped.endswith(",") or len(stripped.split()) > _SHORT_BRIDGE_WORDS:
        return False
    for match in re.finditer(r"[.!?]", stripped):
        if not _ABBREVIATION_DOT.search(stripped[: match.end()]):
            return False
    return SPEECH_VERB.search(stripped) is not None


def find_quoted_spans(text: str) -> list[QuotedSpan]:
    """Every double-quoted span of `text`, with split and continued quotations joined."""
    joined: list[QuotedSpan] = []
    for span in _raw_spans(text):
        previous = joined[-1] if joined else None
        if previous is not None and _is_split_attribution(text, previous, span):
            joined[-1] = QuotedSpan(
                previous.parts + span.parts,
                previous.start,
                span.end,
                span.closed,
                previous.bridges + ((previous.end, span.start),),
            )
        else:
            joined.append(span)
    return joined
