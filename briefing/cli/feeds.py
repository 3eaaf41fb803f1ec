"""Subscription commands: `add`, `remove`, `feeds`, `import-opml`, `export-opml`.

A subscription is a web feed URL or a local feed file (kept as an absolute
path). Folders are paths such as "News/World", kept both ways through OPML.
OPML carries only web feeds: import skips other addresses with the reason and
export leaves local files out, saying so (`opml.import_refusal`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["feed_location", "register"]


def register(subparsers: Any) -> None:
    add = subparsers.add_parser(
        "add",
        help="subscribe to a feed URL or a local feed file",
        description="Subscribe to a feed. A local RSS/Atom/JSON Feed file is a valid subscription.",
    )
    add.add_argument("location", metavar="URL|PATH")
    add.add_argument("--folder", metavar="F", help="folder, e.g. 'News/World'")
    add.add_argument("--title", metavar="T", help="name to show instead of the feed's own title")
    add.add_argument(
        "--full-text",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="fetch each new article's web page and keep its main text beside the feed's "
        "teaser (for feeds that carry only a summary); on an existing subscription this "
        "turns the setting on or off (default: leave it as it is; new feeds start off)",
    )
    add.set_defaults(run=run_add)

    remove = subparsers.add_parser(
        "remove",
        help="unsubscribe from a feed (its stored articles go too)",
        description="Unsubscribe from a feed given by URL, path, title or id.",
    )
    remove.add_argument("feed", metavar="URL|TITLE")
    remove.set_defaults(run=run_remove)

    listing = subparsers.add_parser(
        "feeds",
        help="list subscriptions and their health",
        description="Subscriptions with article counts, last success, last error and next fetch.",
    )
    listing.add_argument("--json", action="store_true", help="one JSON object per feed per line")
    listing.add_argument("--seeds", action="store_true", help="include saved-article folders")
    listing.set_defaults(run=run_feeds)

    importer = subparsers.add_parser(
        "import-opml",
        help="subscribe to every feed in an OPML file",
        description="Subscribe to the feeds of an OPML file, keeping its folders.",
    )
    importer.add_argument("file", metavar="FILE")
    importer.set_defaults(run=run_import)

    exporter = subparsers.add_parser(
        "export-opml",
        help="write subscriptions as OPML",
        description="Write every subscription, with its folder, as an OPML file.",
    )
    exporter.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    exporter.set_defaults(run=run_export)


def feed_location(text: str) -> str:
    """The URL to store for `text`: a web link as given, a local file as an absolute path."""
    from briefing.errors import FeedError
    from briefing.safety import web_link_problem

    text = text.strip()
    problem = web_link_problem(text)
    if problem is None:
        return text
    if text.lower().startswith(("http:", "https:")) and not Path(text).exists():
        raise FeedError(f"{text!r} is not a usable web address: it {problem}")
    if text.lower().startswith("file://"):
        text = text[len("file://") :]
    path = Path(text).expanduser()
    if path.is_file():
        return str(path.resolve())
    if path.exists():
        raise FeedError(f"{path}: not a file")
    raise FeedError(f"{text!r} is neither an http(s) link nor an existing feed file")


def run_add(args: argparse.Namespace) -> int:
    from briefing.cli._store import open_store
    from briefing.errors import FeedError
    from briefing.safety import plain

    try:
        location = feed_location(args.location)
    except FeedError as exc:
        print(f"briefing add: {exc}", file=sys.stderr)
        return 2
    with open_store(args) as store:
        before = store.feed(location)
        feed = store.add_feed(
            location,
            title=args.title,
            folder=_folder(args.folder),
            full_text=getattr(args, "full_text", None),
        )
    verb = "updated" if before is not None else "added"
    where = f" in {plain(feed.folder)}" if feed.folder else ""
    full = ", full text on" if feed.full_text else ""
    print(f"{verb} {plain(feed.url)}{where}{full} (run 'briefing refresh' to fetch it)")
    return 0


def _folder(text: str | None) -> str | None:
    if text is None:
        return None
    parts = [part.strip() for part in text.split("/") if part.strip()]
    return "/".join(parts) or None


def run_remove(args: argparse.Namespace) -> int:
    from briefing.cli._store import open_store
    from briefing.safety import plain

    with open_store(args) as store:
        key = args.feed
        feed = store.feed(key)
        if feed is None and not key.startswith(("http://", "https://")):
            candidate = Path(key).expanduser()
            if candidate.exists():
                key = str(candidate.resolve())
                feed = store.feed(key)
        if feed is None:
            print(f"briefing remove: no subscription matches {plain(args.feed)!r}", file=sys.stderr)
            return 2  # a name that matches nothing, as for `list --feed` and `refresh --feed`
        store.remove_feed(str(feed.id))
    print(f"removed {plain(feed.title)} ({plain(feed.url)}) and its {feed.articles} articles")
    return 0


def run_feeds(args: argparse.Namespace) -> int:
    from briefing.cli._store import format_time, open_store_for_reading, table
    from briefing.safety import plain

    with open_store_for_reading(args) as store:
        statuses = store.feeds(include_seeds=args.seeds)
    if args.json:
        for feed in statuses:
            record = {
                "id": feed.id,
                "url": feed.url,
                "title": feed.title,
                "folder": feed.folder,
                "articles": feed.articles,
                "unread": feed.unread,
                "last_success": feed.last_success.isoformat() if feed.last_success else None,
                "last_error": feed.last_error,
                "last_attempt": feed.last_attempt.isoformat() if feed.last_attempt else None,
                "next_due": feed.next_due.isoformat() if feed.next_due else None,
                "full_text": feed.full_text,
            }
            print(json.dumps(record, ensure_ascii=False))
        return 0
    if not statuses:
        print("no subscriptions yet: 'briefing add URL' or 'briefing import-opml FILE'")
        return 0
    headers = ("TITLE", "FOLDER", "ARTICLES", "UNREAD", "LAST SUCCESS", "LAST ERROR", "NEXT DUE")
    rows = [
        (
            plain(feed.title),
            plain(feed.folder or "-"),
            str(feed.articles),
            str(feed.unread),
            format_time(feed.last_success),
            plain(feed.last_error or "-"),
            format_time(feed.next_due),
        )
        for feed in statuses
    ]
    print(table(headers, rows, (40, 20, 8, 6, 16, 50, 16)))
    return 0


def run_import(args: argparse.Namespace) -> int:
    from briefing.cli._store import open_store
    from briefing.safety import plain
    from briefing.sources.opml import MAX_OPML_BYTES, import_refusal, parse_opml

    path = Path(args.file).expanduser()
    try:
        with path.open("rb") as handle:
            # One byte past the limit is enough for parse_opml to refuse the file: a device
            # such as /dev/zero or an endless pipe is never read into memory whole.
            data = handle.read(MAX_OPML_BYTES + 1)
    except OSError as exc:
        print(
            f"briefing import-opml: {path}: cannot be read ({exc.strerror or exc})", file=sys.stderr
        )
        return 2
    document = parse_opml(data)
    for problem in document.problems:
        print(f"briefing import-opml: {path}: {plain(problem)}", file=sys.stderr)
    if document.error:
        print(f"briefing import-opml: {path}: {plain(document.error)}", file=sys.stderr)
    added = kept = skipped = 0
    with open_store(args) as store:
        for entry in document.feeds:
            refusal = import_refusal(entry.url)
            if refusal is not None:
                print(f"  skipped: {plain(repr(entry.url))} {refusal}", file=sys.stderr)
                skipped += 1
                continue
            location = entry.url.strip()
            existed = store.feed(location) is not None
            title = entry.title if entry.title not in (None, "", entry.url) else None
            store.add_feed(location, title=title, folder="/".join(entry.folder) or None)
            kept += existed
            added += not existed
    print(f"{added} feeds added, {kept} already subscribed, {skipped} skipped from {path}")
    return 2 if document.error and not document.feeds else 0


def run_export(args: argparse.Namespace) -> int:
    from briefing.cli._store import open_store_for_reading
    from briefing.safety import plain
    from briefing.sources.opml import OpmlFeed, import_refusal, write_opml

    with open_store_for_reading(args) as store:
        statuses = store.feeds(include_seeds=False)
    entries = [
        OpmlFeed(
            url=feed.url,
            title=feed.title if feed.title != feed.url else None,
            folder=tuple(part for part in (feed.folder or "").split("/") if part),
        )
        for feed in statuses
    ]
    # What import-opml would refuse (local files) stays out, so an export imports back whole.
    left_out = [entry for entry in entries if import_refusal(entry.url) is not None]
    entries = [entry for entry in entries if import_refusal(entry.url) is None]
    for entry in left_out:
        print(
            f"briefing export-opml: left out {plain(entry.url)}: OPML lists hold only http(s) "
            "feeds (subscribe to a local file with 'briefing add PATH')",
            file=sys.stderr,
        )
    text = write_opml(entries)
    if args.output:
        target = Path(args.output).expanduser()
        try:
            target.write_text(text, encoding="utf-8")
        except OSError as exc:
            print(f"briefing export-opml: {target}: {exc.strerror or exc}", file=sys.stderr)
            return 2  # a file error, as when `digest -o` cannot write
        plural = "s" if len(left_out) != 1 else ""
        note = f" (left out {len(left_out)} local-file subscription{plural})" if left_out else ""
        print(f"wrote {len(entries)} feeds to {target}{note}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
