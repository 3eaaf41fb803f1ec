"""`briefing check-feed URL|FILE... [--json]`: fetch and parse feeds without storing them.

The command a user runs to see why a feed misbehaves: per feed its kind,
title, every entry (title, link, published time in UTC) in document order and
each problem found. Feed text is passed through `safety.plain` before it is
printed. The network settings are read from --config / $BRIEFING_CONFIG, as
`briefing refresh` reads them. Exit status: 0 when every feed parsed, 1 when
any failed, 2 on usage or settings errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from briefing.config import NetworkSettings

__all__ = ["check_feed_record", "register", "run"]

MAX_FILE_BYTES = 50_000_000


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check-feed",
        help="fetch and parse feeds without storing them, and show what was found",
        description="Fetch and parse feeds (URLs or files) and print every entry and problem.",
    )
    parser.add_argument("sources", nargs="+", metavar="URL|FILE", help="feed URLs or files")
    parser.add_argument("--json", action="store_true", help="one JSON object per feed per line")
    parser.set_defaults(run=run)


def _iso(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else None


def _item(entry: Any) -> dict[str, Any]:
    return {"title": entry.title, "link": entry.link, "published": _iso(entry.published)}


def check_feed_record(
    doc: str, data: bytes | None, url: str, headers: Any = None, error: str | None = None
) -> dict[str, Any]:
    """The JSON record for one document: a feed's entries, or an OPML list's outlines."""
    from briefing.sources.opml import import_refusal, parse_opml
    from briefing.sources.parse import parse_feed, sniff_format

    if data is None:
        return {
            "doc": doc,
            "kind": None,
            "title": None,
            "entries": 0,
            "items": [],
            "first": None,
            "last": None,
            "problems": [],
            "error": error or "no data",
        }
    if sniff_format(data) == "opml":
        opml = parse_opml(data)
        record: dict[str, Any] = {
            "doc": doc,
            "kind": "opml",
            "title": opml.title,
            "outlines": len(opml.feeds),
            "folders": list(opml.folders),
            "first_xmlUrl": opml.feeds[0].url if opml.feeds else None,
            "last_xmlUrl": opml.feeds[-1].url if opml.feeds else None,
            "feeds": [
                {"url": f.url, "title": f.title, "folder": f.folder_path} for f in opml.feeds
            ],
            "problems": list(opml.problems)
            + [
                f"outline {f.url!r} {refusal}; import-opml skips it"
                for f in opml.feeds
                if (refusal := import_refusal(f.url)) is not None
            ],
        }
        if opml.error:
            record["error"] = opml.error
        return record
    feed = parse_feed(data, url, headers)
    items = [_item(entry) for entry in feed.entries]
    record = {
        "doc": doc,
        "kind": feed.kind,
        "title": feed.title,
        "entries": len(items),
        "items": items,
        "first": items[0] if items else None,
        "last": items[-1] if items else None,
        "problems": list(feed.problems),
    }
    if feed.error:
        record["error"] = feed.error
    return record


async def _fetch(url: str, settings: NetworkSettings) -> tuple[bytes | None, str, Any, str | None]:
    from briefing.sources.fetch import FetchState, fetch_feed, make_client

    async with make_client(settings) as client:
        result = await fetch_feed(client, url, FetchState(), settings)
    return result.body, result.url, result.headers, result.error


def _read(source: str, settings: NetworkSettings) -> tuple[bytes | None, str, Any, str | None]:
    from briefing.safety import web_link_problem

    problem = web_link_problem(source)
    if problem is None:
        return asyncio.run(_fetch(source, settings))
    path = Path(source).expanduser()
    if source.lower().startswith(("http:", "https:")) and not path.exists():
        return None, source, None, f"not a usable web address: it {problem}"
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, source, None, f"cannot read {source}: {exc.strerror or exc}"
    if len(data) > MAX_FILE_BYTES:
        return None, source, None, f"file is larger than {MAX_FILE_BYTES:,} bytes"
    return data, str(path), None, None


def _print_text(record: dict[str, Any]) -> None:
    from briefing.safety import plain

    print(f"== {plain(record['doc'])}")
    if record.get("kind") == "opml":
        print(
            f"kind: opml  title: {plain(record.get('title')) or '(none)'}  "
            f"feeds: {record['outlines']}  folders: {len(record['folders'])}"
        )
        for feed in record["feeds"]:
            folder = f" [{plain(feed['folder'])}]" if feed["folder"] else ""
            print(f"  {plain(feed['title']) or '(untitled)'}{folder}")
            print(f"     {plain(feed['url'])}")
    else:
        print(
            f"kind: {record.get('kind') or '(unknown)'}  "
            f"title: {plain(record.get('title')) or '(none)'}  entries: {record['entries']}"
        )
        for number, item in enumerate(record["items"], 1):
            print(f"  {number}. {plain(item['title']) or '(untitled)'}")
            print(f"     link: {plain(item['link']) or '(none)'}")
            print(f"     published: {item['published'] or '(none)'}")
    for problem in record["problems"]:
        print(f"problem: {plain(problem)}")
    if record.get("error"):
        print(f"FAILED: {plain(record['error'])}")


def run(args: argparse.Namespace) -> int:
    from briefing.cli._store import settings

    # Read before the first source, so a bad settings file stops every run the same way
    # (exit 2), not only runs that happen to fetch a URL.
    network = settings(args).network
    failed = False
    try:
        for source in args.sources:
            data, url, headers, error = _read(source, network)
            record = check_feed_record(source, data, url, headers, error)
            failed = failed or bool(record.get("error"))
            if args.json:
                print(json.dumps(record, ensure_ascii=False))
            else:
                _print_text(record)
            sys.stdout.flush()
    except BrokenPipeError:
        # The reader (e.g. `head`) went away: stop quietly, as other commands do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1 if failed else 0
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:  # pragma: no cover - convenience
    parser = argparse.ArgumentParser(prog="briefing")
    register(parser.add_subparsers())
    return run(parser.parse_args(["check-feed", *(argv or sys.argv[1:])]))
