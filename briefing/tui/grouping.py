"""Grouping a backlog into stories from the reader: a worker that files, then reloads the list.

A refresh that brings thousands of articles (the first one after importing
many feeds) leaves them unfiled rather than hold up its end (see
`briefing.grouping`). The reader files them in the background: the line above
the list counts them down, the list is re-read as batches land (at most every
RELOAD_EVERY seconds, the cursor staying on its story), and keys keep working
throughout. A refresh stops the grouping and starts it again when it is done.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import time
from typing import TYPE_CHECKING

from briefing.errors import BriefingError
from briefing.tui.formatting import safe
from briefing.tui.refreshing import RELOAD_EVERY, main_screens, show_progress

if TYPE_CHECKING:
    from briefing.tui.app import BriefingApp

__all__ = ["group_now", "progress_line", "start_grouping"]

log = logging.getLogger(__name__)

_RELOAD = "grouping-reload"


def start_grouping(app: BriefingApp) -> None:
    """File any articles a refresh left ungrouped, in a worker, unless one is at it already."""
    if app.library.closing or any(
        worker.group == "grouping" and not worker.is_finished for worker in app.workers
    ):
        return
    app.run_worker(group_now(app), group="grouping", exclusive=True)


async def group_now(app: BriefingApp) -> None:
    """File the unfiled articles (after any grouping already running), showing progress."""
    library = app.library
    try:
        waiting = await library.unfiled_count()
    except BriefingError as exc:
        log.info("could not count the articles to group: %s", exc)
        return
    if not waiting:
        return
    last_reload = time.monotonic()
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()  # the app's: Textual finds its active app in it

    def landed(done: int, total: int) -> None:
        # Called on the grouping thread after each batch. Handed over without waiting for
        # it to run: a thread blocked on an event loop that has stopped would never end.
        with contextlib.suppress(RuntimeError):  # the loop is closed: the reader has gone
            loop.call_soon_threadsafe(batch_landed, done, total, context=context)

    def batch_landed(done: int, total: int) -> None:
        nonlocal last_reload
        show_progress(app, progress_line(done, total))
        now = time.monotonic()
        if now - last_reload >= RELOAD_EVERY:
            last_reload = now
            for screen in main_screens(app):
                screen.run_worker(
                    screen.reload(keep=screen.stories.current), group=_RELOAD, exclusive=True
                )
                screen.refresh_related()

    show_progress(app, progress_line(0, waiting))
    try:
        await library.group_backlog(landed)
    except Exception as exc:  # noqa: BLE001 - a failed grouping must not close the reader
        if isinstance(exc, BriefingError):  # a store that refuses writes: its own words
            reason = str(exc)
        else:
            log.exception("grouping failed")
            reason = safe(repr(exc), 200)
        app.notify(
            f"Grouping stopped: {reason}. The stories stay as they are.",
            title="Stories",
            severity="error",
            markup=False,
        )
    finally:
        show_progress(app, None)
        for screen in main_screens(app):
            screen.workers.cancel_group(screen, _RELOAD)
    for screen in main_screens(app):
        await screen.reload(keep=screen.stories.current)
        screen.refresh_related()


def progress_line(done: int, total: int) -> str:
    """The line above the list while a backlog is filed."""
    return f"grouping into stories: {done:,}/{total:,} articles\u2026"
