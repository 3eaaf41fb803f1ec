"""The line above the list: the current view, its sort order and every view's count."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.widgets import Static

from briefing.tui.formatting import safe

__all__ = ["ViewBar"]

# Short names so the counts fit on one line at 80 columns.
_SHORT = (
    ("all", "all"),
    ("unread", "unread"),
    ("starred", "\u2605"),
    ("picked", "\u2713"),
    ("dismissed", "\u2717"),
    ("since_briefing", "new"),
)


class ViewBar(Static):
    """Shows e.g. "Unread 9 · by date │ all 12 unread 9 ★ 2 ✓ 1 ✗ 0 new 5"."""

    def show(self, label: str, shown: int, sort: str, counts: Mapping[str, int]) -> None:
        text = Text(" ")
        text.append(safe(label, 80), style="bold")
        text.append(f" {shown}", style="bold")
        text.append(f" \u00b7 by {sort}", style="dim")
        if counts:
            text.append("  \u2502 ", style="dim")
            parts = [f"{short} {counts[key]}" for key, short in _SHORT if key in counts]
            text.append("  ".join(parts))
        self.update(text)
