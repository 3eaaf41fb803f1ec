"""Rows <-> dataclasses: the one place that knows how a model is laid out in SQL.

Times are stored as seconds since the epoch (UTC) so they sort and compare as
numbers; naive datetimes are taken to be UTC. No queries run here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from briefing.models import Article, ArticleRow, FeedStatus

__all__ = [
    "parameter_chunks",
    "ARTICLE_ROW_COLUMNS",
    "FEED_COLUMNS",
    "article_from_row",
    "article_row_from_row",
    "clean_text",
    "feed_status_from_row",
    "from_epoch",
    "to_epoch",
]


def to_epoch(when: datetime | None) -> float | None:
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def from_epoch(value: float | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


# \x02 and \x03 mark search matches in snippets; text from feeds must never carry them.
_SENTINELS = str.maketrans("", "", "\x02\x03\x00")


def clean_text(text: str | None) -> str | None:
    return None if text is None else text.translate(_SENTINELS)


ARTICLE_ROW_COLUMNS = (
    "a.id, a.title, substr(a.body, 1, 120) AS lead, "
    "a.source, a.published, a.url, a.feed_id, a.read, a.starred, a.picked, a.dismissed, a.words"
)


def article_row_from_row(row: sqlite3.Row, tags: tuple[str, ...] = ()) -> ArticleRow:
    """Build an `ArticleRow` from a result of `SELECT ARTICLE_ROW_COLUMNS`.

    A title written over several lines (a saved article's) is kept whole, on one line; an
    untitled article is listed by the first line of its body.
    """
    title = " ".join(str(row["title"] or "").split())
    if not title:
        title = str(row["lead"] or "").strip().split("\n", 1)[0]
    return ArticleRow(
        id=row["id"],
        title=title or "(untitled)",
        source=row["source"] or "",
        published=from_epoch(row["published"]),
        url=row["url"],
        feed_id=row["feed_id"],
        read=bool(row["read"]),
        starred=bool(row["starred"]),
        picked=bool(row["picked"]),
        dismissed=bool(row["dismissed"]),
        tags=tags,
        words=row["words"] or 0,
    )


def article_from_row(row: sqlite3.Row) -> Article:
    return Article(
        title=row["title"],
        body=row["body"],
        url=row["url"],
        published=from_epoch(row["published"]),
        source=row["source"],
        path=row["path"],
        guid=row["guid"],
        id=row["id"],
        feed_id=row["feed_id"],
        full_text=row["full_text"] if "full_text" in row.keys() else None,  # noqa: SIM118 - Row `in` tests values
    )


FEED_COLUMNS = (
    "f.id, f.url, f.title, f.folder, f.last_success, f.last_error, f.last_attempt, "
    "f.next_due, f.full_text, f.kind, f.error_count"
)


def feed_status_from_row(row: sqlite3.Row, articles: int = 0, unread: int = 0) -> FeedStatus:
    """Build a `FeedStatus` from a result of `SELECT FEED_COLUMNS`."""
    return FeedStatus(
        id=row["id"],
        url=row["url"],
        title=row["title"] or row["url"],
        folder=row["folder"],
        articles=articles,
        unread=unread,
        last_success=from_epoch(row["last_success"]),
        last_error=row["last_error"],
        last_attempt=from_epoch(row["last_attempt"]),
        next_due=from_epoch(row["next_due"]),
        full_text=bool(row["full_text"]),
        failures=row["error_count"],
        kind=row["kind"],
    )


def parameter_chunks(
    values: Sequence[Any], size: int = 500
) -> Iterator[tuple[tuple[Any, ...], str]]:
    """`values` in slices small enough for one `IN (...)`, each with its "?,?,..." marks.

    SQLite caps the number of parameters in one statement, so long id lists are
    queried a slice at a time.
    """
    for start in range(0, len(values), size):
        chunk = tuple(values[start : start + size])
        yield chunk, ",".join("?" * len(chunk))
