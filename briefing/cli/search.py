"""`briefing search QUERY`: full-text search of stored titles and bodies."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

__all__ = ["register"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "search",
        help="full-text search of stored articles",
        description="Search titles and bodies; every word must match; 'word*' matches a prefix.",
    )
    parser.add_argument("query", nargs="+", metavar="QUERY")
    parser.add_argument("--limit", type=int, default=50, metavar="N", help="at most N (50)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.set_defaults(run=run)


def _highlight(snippet: str, tty: bool) -> str:
    """Matches in bold on a terminal, in [brackets] otherwise; the rest made plain."""
    from briefing.safety import plain
    from briefing.store import MATCH_END, MATCH_START

    start, end = ("\x1b[1m", "\x1b[0m") if tty else ("[", "]")
    pieces = []
    for index, part in enumerate(snippet.split(MATCH_START)):
        if index == 0:
            pieces.append(plain(part))
            continue
        matched, _, rest = part.partition(MATCH_END)
        pieces.append(start + plain(matched) + end + plain(rest))
    return "".join(pieces)


def run(args: argparse.Namespace) -> int:
    from briefing.cli._store import format_time, open_store_for_reading
    from briefing.cli.listing import row_record
    from briefing.safety import plain
    from briefing.store import MATCH_END, MATCH_START

    query = " ".join(args.query)
    with open_store_for_reading(args) as store:
        names = {feed.id: feed.title for feed in store.feeds()}
        hits = store.search(query, limit=max(1, args.limit))
    tty = sys.stdout.isatty()
    for row, snippet in hits:
        feed = names.get(row.feed_id or -1, "")
        if args.json:
            record = row_record(row, feed)
            record["snippet"] = snippet.replace(MATCH_START, "").replace(MATCH_END, "")
            print(json.dumps(record, ensure_ascii=False))
        else:
            print(f"{format_time(row.published)}  {plain(feed, 30)}  {plain(row.title, 200)}")
            if row.url:
                print(f"  {plain(row.url, 500)}")
            print(f"  {_highlight(snippet, tty)}")
    if not hits and not args.json:
        print(f"no articles match {plain(query)!r}", file=sys.stderr)
    return 0
