"""`briefing list`: stored articles for scripts and quick looks, newest first."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

__all__ = ["register", "row_record"]


def register(subparsers: Any) -> None:
    from briefing.cli._store import parse_since

    parser = subparsers.add_parser(
        "list",
        help="print stored articles (title, link, published, feed, marks)",
        description="Print stored articles, newest first. Times are UTC. Marks: "
        "N unread, * starred, P picked, D dismissed.",
    )
    parser.add_argument("--feed", metavar="NAME", help="only this feed (URL, title or id)")
    parser.add_argument(
        "--since",
        metavar="DATE",
        type=parse_since,
        help="published on or after DATE (2026-01-31, 2026-01-31T08:00, 12h, 3d)",
    )
    parser.add_argument(
        "--view",
        default="all",
        choices=("all", "unread", "starred", "picked", "dismissed", "since_briefing"),
        help="which articles (default: all but dismissed)",
    )
    parser.add_argument("--tag", metavar="TAG", help="only articles with this tag")
    parser.add_argument(
        "--limit", type=int, default=0, metavar="N", help="at most N articles (default: all)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.set_defaults(run=run)


def row_record(row: Any, feed: str) -> dict[str, Any]:
    """The JSON shape of one article row (shared with `briefing search`)."""
    return {
        "id": row.id,
        "title": row.title,
        "link": row.url,
        "published": row.published.isoformat() if row.published else None,
        "feed": feed,
        "source": row.source,
        "read": row.read,
        "starred": row.starred,
        "picked": row.picked,
        "dismissed": row.dismissed,
        "tags": list(row.tags),
    }


def marks(row: Any) -> str:
    return "".join(
        flag if on else " "
        for flag, on in (
            ("N", not row.read),
            ("*", row.starred),
            ("P", row.picked),
            ("D", row.dismissed),
        )
    )


def run(args: argparse.Namespace) -> int:
    from briefing.cli._store import format_time, open_store_for_reading
    from briefing.safety import plain

    page = 1000
    with open_store_for_reading(args) as store:
        feed_id = None
        if args.feed:
            feed = store.feed(args.feed)
            if feed is None:
                print(f"briefing list: no feed matches {plain(args.feed)!r}", file=sys.stderr)
                return 2
            feed_id = feed.id
        names = {feed.id: feed.title for feed in store.feeds()}
        offset = 0
        remaining = args.limit if args.limit > 0 else None
        while True:
            size = page if remaining is None else min(page, remaining)
            rows = store.list_articles(
                args.view,
                feed_id=feed_id,
                tag=args.tag,
                since=args.since,
                limit=size,
                offset=offset,
            )
            for row in rows:
                feed_name = names.get(row.feed_id or -1, "")
                if args.json:
                    print(json.dumps(row_record(row, feed_name), ensure_ascii=False))
                else:
                    print(
                        f"{format_time(row.published)}  {marks(row)}  "
                        f"{plain(feed_name, 30):<30}  {plain(row.title, 200)}"
                    )
                    if row.url:
                        print(f"{'':22}{plain(row.url, 500)}")
            offset += len(rows)
            if remaining is not None:
                remaining -= len(rows)
            if len(rows) < size or remaining == 0:
                break
    return 0
