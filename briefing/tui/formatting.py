"""Turn models into `rich.text.Text` lines for the widgets.

Everything a stranger wrote (titles, bodies, feed names, tags, search text)
goes through `safety.plain` and into a `Text`, never through a markup parser,
so "[red]" shows as those five characters and escape sequences never reach
the terminal. Nothing here reads the clock: dates print as stored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, cast, runtime_checkable

from rich.text import Text

from briefing.models import ArticleRow, Figure, Quote, RelatedRow, attribution
from briefing.safety import plain

__all__ = [
    "COLLAPSED",
    "EXPANDED",
    "MEMBER_INDENT",
    "figure_text",
    "format_date",
    "StoryReach",
    "highlight_snippet",
    "member_lines",
    "quote_text",
    "related_text",
    "row_lines",
    "safe",
    "story_reach",
    "story_size_text",
]

UNREAD = "\u25cf"  # ●
STAR = "\u2605"  # ★
PICK = "\u2713"  # ✓
DISMISS = "\u2717"  # ✗
COLLAPSED = "\u25b8"  # ▸ a story whose other reports are hidden
EXPANDED = "\u25be"  # ▾ a story whose other reports are shown beneath it
MEMBER_INDENT = "   "  # an expanded story's other reports sit this far in


def safe(text: str | None, limit: int = 10_000) -> str:
    """A stranger's text with escapes and control characters removed, on one line."""
    return " ".join(plain(text, limit).split())


def format_date(when: datetime | None, *, year: bool = True) -> str:
    """A short calendar date ("25 Nov 2026"); an unknown date prints as nothing."""
    if when is None:
        return ""
    return f"{when.day} {when:%b %Y}" if year else f"{when.day} {when:%b}"


@runtime_checkable
class StoryReach(Protocol):
    """What a grouped list row adds to an article row (the store's `StoryRow`)."""

    outlets: int
    copies: int
    members: int


# Whether rows of a type carry story counts: a protocol check is slow, and the list asks per line.
_REACH_BY_TYPE: dict[type, bool] = {}


def story_reach(row: ArticleRow) -> StoryReach | None:
    """The row's story counts when the list is grouped by story, else None."""
    kind = type(row)
    known = _REACH_BY_TYPE.get(kind)
    if known is None:
        known = _REACH_BY_TYPE[kind] = isinstance(row, StoryReach)
    return cast(StoryReach, row) if known else None


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def story_size_text(row: ArticleRow) -> str:
    """A story's reach: "4 outlets +1 copy" when grouped, else "3 reports" (or nothing)."""
    reach = story_reach(row)
    if reach is None:
        return f"{row.story_size} reports" if row.story_size > 1 else ""
    if reach.members <= 1:
        return ""
    originals = reach.members - reach.copies
    if reach.outlets > 1:
        text = _plural(reach.outlets, "outlet")
    elif originals > 1:
        text = _plural(originals, "report")
    else:
        text = "1 outlet"
    if reach.copies:
        text += " +" + _plural(reach.copies, "copy", "copies")
    return text


def row_lines(row: ArticleRow, *, expanded: bool = False) -> tuple[Text, Text]:
    """The two lines a story takes in the list.

    Line one gives the title the whole width after the unread dot; line two
    holds the triage marks, a grouped story's reach (first, so that a narrow
    list still shows it, with a triangle saying whether its reports are shown
    beneath), the source, the date, the story size and tags.
    """
    reach = story_size_text(row)
    if story_reach(row) is None:
        return _lines(row, "", note=reach)
    if reach:
        reach = (EXPANDED if expanded else COLLAPSED) + " " + reach
    return _lines(row, "", lead=reach)


def member_lines(row: ArticleRow) -> tuple[Text, Text]:
    """An expanded story's other report, indented under the story's row.

    A reprint says "copy" first instead of counting as another outlet.
    """
    return _lines(row, MEMBER_INDENT, lead="copy" if row.duplicate_of is not None else "")


def _lines(row: ArticleRow, indent: str, *, lead: str = "", note: str = "") -> tuple[Text, Text]:
    first = Text(indent + (UNREAD + " " if not row.read else "  "), style="bold")
    title = Text(safe(row.title) or "(untitled)", style="bold" if not row.read else "")
    if row.dismissed:
        title.stylize("strike dim")
    first.append_text(title)
    second = Text(indent + "  ")
    marks = (STAR if row.starred else "") + (PICK if row.picked else "")
    marks += DISMISS if row.dismissed else ""
    if marks:
        second.append(marks + " ", style="bold")
    if lead:
        second.append(lead, style="bold")
        second.append(" \u00b7 ", style="dim")
    for tag in row.tags:
        second.append(f"#{safe(tag, 60)} ", style="italic")
    details = [safe(row.source, 200) or "unknown source", format_date(row.published), note]
    second.append(" \u00b7 ".join(d for d in details if d), style="dim")
    return first, second


def quote_text(quote: Quote) -> Text:
    """A quote as the pane lists it: the words, then who said them and their role."""
    text = Text("\u201c" + safe(quote.text) + "\u201d")
    who = safe(quote.speaker, 200)
    role = safe(quote.role, 200)
    line = Text("\n\u2014 ")
    if who:
        line.append(who, style="bold")
        if role:
            line.append(", " + role, style="italic")
    else:
        # An organisation or an unnamed person ("a Treasury spokeswoman") is who said it.
        line.append(attribution(None, role), style="bold" if role else "italic")
    return text + line


def compact_amount(amount: float, currency: str) -> str:
    """An amount normalised for comparing at a glance: "NOK 19bn", "GBP 5.48"."""
    size = abs(amount)
    for limit, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if size >= limit:
            number = f"{amount / limit:,.2f}".rstrip("0").rstrip(".")
            return f"{currency} {number}{suffix}"
    # Small sums keep their pence and exchange rates their four decimals.
    number = f"{amount:,.4f}".rstrip("0").rstrip(".")
    return f"{currency} {number}"


def figure_text(figure: Figure) -> Text:
    """A sum of money with its conversions on one row, its normalised amount, then its use."""
    head = safe(figure.text, 200)
    if figure.equivalents:
        head += " (" + "; ".join(safe(e.text, 100) for e in figure.equivalents) + ")"
    text = Text(head, style="bold")
    text.append("  " + compact_amount(figure.amount, safe(figure.currency, 8)), style="dim")
    if figure.period:
        text.append(" " + safe(figure.period, 40), style="italic")
    if figure.context:
        text.append("\n" + safe(figure.context, 400))
    return text


def related_text(row: RelatedRow) -> Text:
    """Another report of the story: outlet and date, its title, and why it is related."""
    text = Text(safe(row.source, 200) or "unknown source", style="bold")
    date = format_date(row.published)
    if date:
        text.append(" \u00b7 " + date, style="dim")
    if row.duplicate:
        text.append(" \u00b7 same text", style="dim")
    text.append("\n" + (safe(row.title) or "(untitled)"))
    if row.reason:
        text.append("\n" + safe(row.reason, 300), style="dim italic")
    return text


def highlight_snippet(snippet: str, lead: int = 12) -> Text:
    """A search snippet with the \\x02...\\x03 match markers turned into highlighting.

    Text before the first match is cut to `lead` characters so that the match
    itself shows even in a narrow list.
    """
    first = snippet.find("\x02")
    if first > lead + 1:
        snippet = "\u2026" + snippet[first - lead :].lstrip()
    text = Text()
    highlighted = False
    # Split on the markers first: `safe` would delete them as control characters.
    for part in snippet.replace("\x03", "\x02").split("\x02"):
        if part:
            piece = plain(part, 2_000).replace("\n", " ")
            text.append(piece, style="reverse bold" if highlighted else "")
        highlighted = not highlighted
    return text
