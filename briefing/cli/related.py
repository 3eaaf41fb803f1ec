"""`briefing related ID|PATH`: other stored reports of the same story, best first.

The article is named by its id in the store (as `briefing list --json` and
`briefing search --json` print it) or by the path of a saved article file; a
file is imported first (or updated when its text changed), so asking about a
new file files it into its story. Reading and ranking belong to the store;
this module only finds the article and prints.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from briefing.models import Article, RelatedRow
    from briefing.store import Store

__all__ = ["find_by_path", "register", "related_record", "resolve_article"]

DEFAULT_LIMIT = 10


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "related",
        help="other stored reports of the same story",
        description="List the stored articles that report the same story as ARTICLE, "
        "best first, with outlet, date, score and what they share. ARTICLE is an id "
        "from 'briefing list --json' or the path of a saved article file (imported "
        "into the store first when it is not there yet).",
    )
    parser.add_argument("article", metavar="ID|PATH", help="an article id or a saved article file")
    parser.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"at most N related articles ({DEFAULT_LIMIT})",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.set_defaults(run=run)


def find_by_path(store: Store, path: Path) -> int | None:
    """The id of the stored article read from `path`, if the store holds it.

    Saved files live in one pseudo-feed per directory (`seeds:<directory>`), so
    only that directory's articles are looked at, dismissed ones included.
    """
    from briefing.store.feeds import SEEDS_PREFIX

    resolved = path.resolve()
    feed = store.feed(SEEDS_PREFIX + str(resolved.parent))
    if feed is None:
        return None
    page = 500
    for view in ("all", "dismissed"):
        offset = 0
        while True:
            rows = store.list_articles(view, feed_id=feed.id, limit=page, offset=offset)
            for row in rows:
                article = store.article(row.id)
                if article is not None and article.path and Path(article.path) == resolved:
                    return row.id
            if len(rows) < page:
                break
            offset += page
    return None


def resolve_article(store: Store, key: str) -> Article:
    """The stored article `key` names: an existing file (imported if needed), else an id."""
    from briefing.errors import BriefingError

    path = Path(key).expanduser()
    if path.is_file():
        return _from_file(store, path)
    if key.strip().isdigit():
        article = store.article(int(key))
        if article is None:
            raise BriefingError(f"no stored article has id {key.strip()}")
        return article
    raise BriefingError(f"{key}: neither a stored article id nor a file")


def _from_file(store: Store, path: Path) -> Article:
    from briefing.errors import BriefingError
    from briefing.sources.seeds import load_seed

    if not store.read_only:
        # Importing an unchanged file changes nothing; a changed one is re-filed.
        store.import_seeds([load_seed(path)])
    article_id = find_by_path(store, path)
    if article_id is None:
        raise BriefingError(
            f"{path}: not in the store, and the store is read-only "
            "(another Briefing is writing); try again when it has closed"
        )
    article = store.article(article_id)
    if article is None:  # deleted between the two calls, by retention in another process
        raise BriefingError(f"{path}: was removed from the store while looking it up")
    return article


def related_record(row: RelatedRow, article: Article | None) -> dict[str, Any]:
    """The JSON shape of one related article."""
    return {
        "id": row.id,
        "title": row.title,
        "outlet": row.source,
        "published": row.published.isoformat() if row.published else None,
        "score": row.score,
        "reason": row.reason,
        "duplicate": row.duplicate,
        "link": article.url if article else None,
        "path": article.path if article else None,
    }


def run(args: argparse.Namespace) -> int:
    from briefing.cli._store import format_time, group_waiting, open_store_for_reading
    from briefing.safety import plain

    if args.limit < 1:
        print("briefing related: --limit must be at least 1", file=sys.stderr)
        return 2
    with open_store_for_reading(args) as store:
        article = resolve_article(store, args.article)
        assert article.id is not None
        group_waiting(args, store)
        rows = store.related(article.id, args.limit)
        details = {row.id: store.article(row.id) for row in rows}
        # Not in any story yet: a read-only store whose backlog waits for a writer.
        unfiled = not rows and not store.story_members(article.id)
    if args.json:
        for row in rows:
            print(json.dumps(related_record(row, details[row.id]), ensure_ascii=False))
        return 0
    print(
        f"#{article.id}  {format_time(article.published)}  {plain(article.source, 30)}  "
        f"{plain(article.title, 120)}"
    )
    if unfiled:
        print("  not grouped into a story yet")
        return 0
    if not rows:
        print("  no other stored article reports this story")
        return 0
    for row in rows:
        mark = "  (same text)" if row.duplicate else ""
        print(
            f"  {row.score:5.2f}  #{row.id:<6} {format_time(row.published)}  "
            f"{plain(row.source, 30):<30}  {plain(row.title, 120)}{mark}"
        )
        if row.reason:
            print(f"{'':16}shares: {plain(row.reason, 200)}")
    return 0
