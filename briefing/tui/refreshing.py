"""Refreshing feeds from the reader: a worker that fetches, then reloads the list.

The fetching belongs to `briefing.refresh` (it keeps store calls and parsing
off the event loop); this module runs it in a Textual worker, reports each
failing feed as it lands and the totals at the end, and says so plainly when
there is nothing to refresh (a seeds-only reader).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefing.errors import BriefingError
from briefing.tui.formatting import safe

if TYPE_CHECKING:
    from briefing.refresh import FeedReport
    from briefing.tui.app import BriefingApp

__all__ = ["start_refresh"]


def start_refresh(app: BriefingApp, *, all_feeds: bool, quiet: bool = False) -> None:
    """Refresh due feeds (or all of them) in a worker; `quiet` skips the "no feeds" note."""
    app.run_worker(_refresh(app, all_feeds, quiet), group="refresh", exclusive=True)


async def _refresh(app: BriefingApp, all_feeds: bool, quiet: bool) -> None:
    from briefing.tui.screens.main import MainScreen

    library = app.library
    if library.read_only:
        if not quiet:
            app.notify("Read-only: another Briefing is running and refreshing.")
        return
    feeds = await library.refreshable_feeds(due_only=not all_feeds)
    if not feeds:
        if not quiet:
            message = "No feeds are due." if not all_feeds else "No feeds to refresh."
            app.notify(message + " Add one with 'briefing feeds add URL'.")
        return
    app.notify(f"Refreshing {len(feeds)} feed{'s' if len(feeds) != 1 else ''}\u2026")

    def landed(report: FeedReport) -> None:
        if report.error:
            app.notify(
                f"{safe(report.title, 80)}: {safe(report.error, 200)}",
                title="Feed failed",
                severity="warning",
                markup=False,
            )

    try:
        result = await library.refresh(app.settings, feeds, landed)
    except BriefingError as exc:
        app.notify(str(exc), title="Refresh", severity="error", markup=False)
        return
    failed = len(result.failed)
    summary = f"{result.new} new, {result.updated} updated"
    if failed:
        summary += f", {failed} feed{'s' if failed != 1 else ''} failed (F shows them)"
    app.notify(summary, title="Refreshed", severity="warning" if failed else "information")
    for screen in app.screen_stack:
        if isinstance(screen, MainScreen) and result.new + result.updated:
            await screen.reload(keep=screen.stories.current)
