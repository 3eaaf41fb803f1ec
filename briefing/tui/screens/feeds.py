"""The feed-health screen: every subscription, when it last worked, and why it failed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from briefing.models import FeedStatus
from briefing.tui.formatting import safe

__all__ = ["FeedHealthScreen"]


def health_order(feeds: Sequence[FeedStatus]) -> list[FeedStatus]:
    """Failing feeds first (what the screen is opened for), then by name, "Feed 9" before "10"."""

    def name(status: FeedStatus) -> list[tuple[int, str]]:
        text = (status.title or status.url).casefold()
        parts = re.split(r"(\d+)", text)  # text, digits, text, ...: digits at odd places
        # A number compares by its length, then its digits: no int() of a hostile 5,000-digit run.
        return [
            (len(p.lstrip("0")), p.lstrip("0")) if i % 2 else (0, p) for i, p in enumerate(parts)
        ]

    return sorted(feeds, key=lambda status: (status.last_error is None, name(status)))


def _when(stamp: datetime | None, missing: str) -> str:
    return f"{stamp.astimezone(UTC):%Y-%m-%d %H:%M}" if stamp else missing


class FeedHealthScreen(Screen[None]):
    """A table of feeds, failing ones first: title, articles, unread, last success, next
    fetch (UTC, as `briefing feeds` prints them) and the last error."""

    HELP_TITLE = "Feed health"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,F", "close", "Back to stories"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, feeds: Sequence[FeedStatus]) -> None:
        super().__init__()
        self.feeds = health_order(feeds)

    def compose(self) -> ComposeResult:
        failing = sum(1 for f in self.feeds if f.last_error)
        head = Text(f" Feeds: {len(self.feeds)}", style="bold")
        head.append(f"  \u00b7 failing: {failing}", style="bold red" if failing else "dim")
        yield Static(head, id="feeds-head")
        yield DataTable(id="feeds-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="feed-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # The problem comes second: at 80 columns it is the one thing this screen is for.
        table.add_columns("Feed", "Problem", "Stories", "Unread", "Last success", "Next fetch")
        if not self.feeds:
            table.add_row(Text("No feeds yet: add one with 'briefing add URL'.", style="dim"))
        for status in self.feeds:
            problem = Text(
                safe(status.last_error, 28) or "ok", style="red" if status.last_error else "green"
            )
            table.add_row(
                Text(safe(status.title, 28) or safe(status.url, 28)),
                problem,
                Text(str(status.articles)),
                Text(str(status.unread)),
                Text(_when(status.last_success, "-" if status.kind == "seeds" else "never")),
                Text(_when(status.next_due, "-")),
            )
        table.focus()
        self._describe(0)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe(event.cursor_row)

    def _describe(self, row: int) -> None:
        """The highlighted feed in full below the table: address, folder and whole error."""
        detail = self.query_one("#feed-detail", Static)
        if not 0 <= row < len(self.feeds):
            detail.update("")
            return
        status = self.feeds[row]
        text = Text(" ")
        text.append(safe(status.url, 300), style="bold")
        if status.folder:
            text.append(f"  in {safe(status.folder, 80)}", style="dim")
        if status.last_error:
            text.append("\n ")
            text.append(safe(status.last_error, 500), style="red")
            if status.failures > 1:
                text.append(f"  ({status.failures} failures in a row)", style="dim")
        detail.update(text)

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)
