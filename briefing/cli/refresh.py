"""`briefing refresh`: fetch subscriptions headless, with progress and an honest summary.

Exit status 0 when the run completed, even if some feeds failed (each failure
is listed with its reason); 2 for a usage or config error; 1 when the
database is held by another Briefing process.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from briefing.refresh import FeedReport, RefreshReport

__all__ = ["register"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "refresh",
        help="fetch subscriptions and store new articles",
        description="Fetch every subscription (or the named ones) and store new and changed "
        "articles. Read/dismissed articles older than [general] retention_days expire.",
    )
    parser.add_argument(
        "--feed",
        action="append",
        default=[],
        metavar="NAME",
        help="only this feed (URL, path, title or id); repeatable",
    )
    parser.add_argument("--due", action="store_true", help="only feeds whose next fetch is due")
    parser.add_argument(
        "--group",
        action="store_true",
        help="file every new article into its story before finishing, however many "
        "(by default a backlog of thousands is left to the reader, which groups it in "
        "the background, and to 'digest' and 'related', which group it first)",
    )
    parser.set_defaults(run=run)


def _line(report: FeedReport) -> str:
    from briefing.safety import plain

    name = plain(report.title, 60)
    if report.error:
        return f"failed        {name}: {plain(report.error, 300)}"
    if report.not_modified:
        return f"not modified  {name}"
    moved = f" (moved permanently to {plain(report.moved_to, 300)})" if report.moved_to else ""
    problems = ""
    if report.problems:
        count = len(report.problems)
        problems = f"; {count} problem{'s' if count > 1 else ''}: {plain(report.problems[0], 200)}"
    pages = f", {report.full_texts} full texts" if report.full_texts else ""
    return (
        f"ok            {name}: {report.new} new, {report.updated} updated{pages}{moved}{problems}"
    )


def _summary(report: RefreshReport) -> list[str]:
    from briefing.safety import plain

    lines = [
        f"{len(report.feeds)} feeds: {report.new} new, {report.updated} updated, "
        f"{report.not_modified} not modified, {len(report.failed)} failed"
    ]
    for failed in report.failed:
        lines.append(
            f"  failed: {plain(failed.title, 60)} ({plain(failed.url, 200)}): "
            f"{plain(failed.error, 300)}"
        )
    if report.expired:
        lines.append(f"{report.expired} old read or dismissed articles expired")
    if report.ungrouped:
        lines.append(
            f"{report.ungrouped} articles are not grouped into stories yet: the reader groups "
            "them in the background ('briefing refresh --group' waits for them)"
        )
    return lines


def run(args: argparse.Namespace) -> int:
    from briefing.cli._store import group_waiting, open_store, settings
    from briefing.errors import FeedError
    from briefing.refresh import refresh_blocking, select_feeds

    config = settings(args)
    with open_store(args) as store:
        try:
            feeds = select_feeds(store, names=args.feed, due_only=args.due)
        except FeedError as exc:
            print(f"briefing refresh: {exc}", file=sys.stderr)
            return 2
        if not feeds:
            print("nothing to refresh: no subscriptions" + (" are due" if args.due else ""))
            if args.group:
                group_waiting(args, store)
            return 0
        if sys.stderr.isatty():
            report = _with_progress_bar(store, config, feeds)
        else:

            def plain_line(feed_report: FeedReport) -> None:
                print(_line(feed_report), flush=True)

            report = refresh_blocking(store, config, feeds, on_feed=plain_line)
        if args.group and report.ungrouped:
            group_waiting(args, store)
            report = dataclasses.replace(report, ungrouped=store.unfiled_count())
    for line in _summary(report):
        print(line)
    return 0


def _with_progress_bar(store: Any, config: Any, feeds: list[Any]) -> RefreshReport:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.text import Text

    from briefing.refresh import refresh_blocking

    console = Console(stderr=True)
    with Progress(
        TextColumn("refreshing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("feeds", total=len(feeds))

        def advance(feed_report: FeedReport) -> None:
            if feed_report.error:
                # Text, never markup: feed titles and errors come from strangers.
                progress.console.print(Text(_line(feed_report)))
            progress.advance(task)

        return refresh_blocking(store, config, feeds, on_feed=advance)
