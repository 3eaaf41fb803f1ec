"""Refreshing feeds from the reader: a worker that fetches, then reloads the list.

The fetching belongs to `briefing.refresh` (it keeps store calls and parsing
off the event loop); this module runs it in a Textual worker, shows its
progress above the list, re-reads the list as feeds land (at most every
RELOAD_EVERY seconds) so new stories appear during a long refresh, reports
failing feeds as they land and the totals at the end, and says so plainly when
there is nothing to refresh (a seeds-only reader).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from briefing.errors import BriefingError
from briefing.tui.formatting import safe

if TYPE_CHECKING:
    from briefing.models import FeedStatus
    from briefing.refresh import FeedReport
    from briefing.tui.app import BriefingApp
    from briefing.tui.screens.main import MainScreen

__all__ = ["RELOAD_EVERY", "main_screens", "show_progress", "start_refresh"]

log = logging.getLogger(__name__)

# The list is re-read at most this often (seconds) while feeds land, so new stories appear
# during a long refresh without re-reading the store for every feed.
RELOAD_EVERY = 2.0
# Failing feeds notified one by one; the rest are counted in the summary (F lists them all).
FAILURES_NOTIFIED = 5
_LANDED = "refresh-landed"


def start_refresh(
    app: BriefingApp, *, all_feeds: bool, quiet: bool = False, feed_id: int | None = None
) -> None:
    """Refresh one feed (`feed_id`), the due feeds, or all of them, in a worker.

    `quiet` skips the "no feeds" note (the start-up refresh).
    """
    app.run_worker(_refresh(app, all_feeds, quiet, feed_id), group="refresh", exclusive=True)


async def _refresh(app: BriefingApp, all_feeds: bool, quiet: bool, feed_id: int | None) -> None:
    from briefing.tui.grouping import start_grouping

    try:
        await _refresh_feeds(app, all_feeds, quiet, feed_id)
    finally:
        # What this refresh (or an earlier one) left unfiled is grouped in the background.
        start_grouping(app)


async def _refresh_feeds(
    app: BriefingApp, all_feeds: bool, quiet: bool, feed_id: int | None
) -> None:
    library = app.library
    if library.read_only:
        if not quiet:
            app.notify("Read-only: another Briefing is running and refreshing.")
        return
    feeds = await library.refreshable_feeds(due_only=not all_feeds)
    if feed_id is not None:
        feeds = [feed for feed in feeds if feed.id == feed_id]
        if not feeds:
            app.notify("This story comes from saved articles, not a feed. R refreshes all feeds.")
            return
    if not feeds:
        if not quiet:
            message = "No feeds are due." if not all_feeds else "No feeds to refresh."
            app.notify(message + " Add one with 'briefing add URL'.")
        return
    app.notify(f"Refreshing {len(feeds)} feed{'s' if len(feeds) != 1 else ''}\u2026")
    # A backlog being grouped waits: the refresh files its own articles and restarts it after.
    app.workers.cancel_group(app, "grouping")
    # The digest preview's grouping (another worker) waits too, and goes on after it.
    async with library.grouping_paused():
        await _run(app, feeds)


async def _run(app: BriefingApp, feeds: list[FeedStatus]) -> None:
    library = app.library
    progress = _Progress(len(feeds))
    last_reload = -RELOAD_EVERY
    show_progress(app, progress.line())

    def landed(report: FeedReport) -> None:
        nonlocal last_reload
        progress.add(report)
        show_progress(app, progress.line())
        if report.error and progress.failed <= FAILURES_NOTIFIED:
            app.notify(
                f"{safe(report.title, 80)}: {safe(report.error, 200)}",
                title="Feed failed",
                severity="warning",
                markup=False,
            )
        now = time.monotonic()
        if (report.new or report.updated) and now - last_reload >= RELOAD_EVERY:
            last_reload = now
            for screen in main_screens(app):
                screen.run_worker(
                    screen.reload(keep=screen.stories.current), group=_LANDED, exclusive=True
                )

    try:
        result = await library.refresh(app.settings, feeds, landed)
    except BriefingError as exc:
        app.notify(str(exc), title="Refresh", severity="error", markup=False)
        return
    except Exception as exc:  # noqa: BLE001 - a failed refresh must not close the reader
        log.exception("refresh failed")
        app.notify(
            f"Refresh stopped: {safe(repr(exc), 200)}. Stories already saved are kept.",
            title="Refresh",
            severity="error",
            markup=False,
        )
        return
    finally:
        show_progress(app, None)
        for screen in main_screens(app):
            screen.workers.cancel_group(screen, _LANDED)
    failed = len(result.failed)
    summary = f"{result.new} new, {result.updated} updated"
    if failed:
        summary += f", {failed} feed{'s' if failed != 1 else ''} failed (F shows them)"
    app.notify(summary, title="Refreshed", severity="warning" if failed else "information")
    for screen in main_screens(app):
        if result.new + result.updated:
            await screen.reload(keep=screen.stories.current)
        else:
            await screen.refresh_counts()


class _Progress:
    """Counts of a refresh so far, for the line above the list."""

    def __init__(self, feeds: int) -> None:
        self.feeds = feeds
        self.landed = self.new = self.failed = 0

    def add(self, report: FeedReport) -> None:
        self.landed += 1
        self.new += report.new
        self.failed += 1 if report.error else 0

    def line(self) -> str:
        failed = f" \u00b7 {self.failed} failed" if self.failed else ""
        if self.landed == self.feeds and self.new:
            # Every feed is in; the refresh ends once the search index (and the stories of a
            # routine refresh) have caught up. A large backlog is grouped after it.
            return (
                f"refreshed {self.feeds} feeds \u00b7 {self.new} new{failed} \u00b7 finishing\u2026"
            )
        return f"refreshing {self.landed}/{self.feeds} feeds \u00b7 {self.new} new{failed}"


def main_screens(app: BriefingApp) -> list[MainScreen]:
    from briefing.tui.screens.main import MainScreen

    return [screen for screen in app.screen_stack if isinstance(screen, MainScreen)]


def show_progress(app: BriefingApp, line: str | None) -> None:
    from briefing.tui.widgets.view_bar import ViewBar

    for screen in main_screens(app):
        for bar in screen.query(ViewBar):
            bar.show_progress(line)
