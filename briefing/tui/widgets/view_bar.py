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
    """Shows e.g. "Unread 9 · by date │ all 12 unread 9 ★ 2 ✓ 1 ✗ 0 new 5".

    While feeds are refreshing, the refresh's progress takes the place of the
    counts ("refreshing 312/1000 feeds · 5210 new · 2 failed"): both do not fit
    in 80 columns, and the counts change with every feed anyway.
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._view: tuple[str, int, str, Mapping[str, int], bool] = ("", 0, "", {}, False)
        self._progress: str | None = None

    def show(
        self, label: str, shown: int, sort: str, counts: Mapping[str, int], *, more: bool = False
    ) -> None:
        """The view's name and size ("500+" when `more` stories match than are listed)."""
        self._view = (label, shown, sort, dict(counts), more)
        self._draw()

    def show_progress(self, progress: str | None) -> None:
        """Show a refresh's progress instead of the counts; None puts the counts back."""
        self._progress = progress
        self._draw()

    def _draw(self) -> None:
        label, shown, sort, counts, more = self._view
        text = Text(" ")
        text.append(safe(label, 80), style="bold")
        text.append(f" {shown}{'+' if more else ''}", style="bold")
        text.append(f" \u00b7 by {sort}", style="dim")
        if self._progress is not None:
            text.append("  \u2502 ", style="dim")
            text.append(self._progress, style="bold")
        elif counts:
            text.append("  \u2502 ", style="dim")
            parts = [f"{short} {counts[key]}" for key, short in _SHORT if key in counts]
            text.append("  ".join(parts))
        self.update(text)
