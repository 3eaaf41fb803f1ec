"""Subscriptions and their fetch state: queries on the `feeds` table.

A feed is a URL or a local file; saved articles ("seeds") live under a
pseudo-feed per directory whose URL starts with `seeds:`. Functions here take
a connection and leave transactions to the caller.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from briefing.errors import StoreError
from briefing.models import FeedStatus
from briefing.safety import strip_controls
from briefing.store.rows import (
    FEED_COLUMNS,
    clean_text,
    feed_status_from_row,
    parameter_chunks,
    to_epoch,
)

__all__ = [
    "SEEDS_PREFIX",
    "FetchState",
    "add_feed",
    "feed_statuses",
    "fetch_state",
    "fetch_states",
    "find_feed",
    "record_failure",
    "record_success",
    "remove_feed",
    "seeds_feed",
    "set_full_text",
]

SEEDS_PREFIX = "seeds:"


@dataclass(frozen=True)
class FetchState:
    """What a conditional GET needs from the last successful fetch of a feed."""

    feed_id: int
    url: str
    etag: str | None = None
    last_modified: str | None = None
    full_text: bool = False
    error_count: int = 0


def _counts(conn: sqlite3.Connection, feed_id: int | None = None) -> dict[int, tuple[int, int]]:
    where = "" if feed_id is None else "WHERE feed_id = ?"
    params: tuple[int, ...] = () if feed_id is None else (feed_id,)
    rows = conn.execute(
        "SELECT feed_id, count(*), coalesce(sum(read = 0 AND dismissed = 0), 0) "
        f"FROM articles {where} GROUP BY feed_id",
        params,
    )
    return {row[0]: (row[1], row[2]) for row in rows}


def _status(conn: sqlite3.Connection, feed_id: int) -> FeedStatus:
    row = conn.execute(f"SELECT {FEED_COLUMNS} FROM feeds f WHERE f.id = ?", (feed_id,)).fetchone()
    if row is None:
        raise StoreError(f"no feed with id {feed_id}")
    articles, unread = _counts(conn, feed_id).get(feed_id, (0, 0))
    return feed_status_from_row(row, articles, unread)


def add_feed(
    conn: sqlite3.Connection,
    url: str,
    title: str | None,
    folder: str | None,
    now: datetime,
    *,
    kind: str = "feed",
    full_text: bool | None = None,
) -> FeedStatus:
    """Subscribe to `url`; subscribing twice keeps one feed and updates its title/folder.

    `full_text` (None leaves it as it is; new feeds start without) turns on fetching
    each new article's page.
    """
    url = url.strip()
    if not url:
        raise StoreError("a feed needs a URL or a file path")
    title = _one_line(title)
    folder = _folder_path(folder)
    row = conn.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()
    if row is None:
        cursor = conn.execute(
            "INSERT INTO feeds (url, title, folder, kind, added) VALUES (?, ?, ?, ?, ?)",
            (url, clean_text(title), clean_text(folder), kind, to_epoch(now)),
        )
        feed_id = int(cursor.lastrowid or 0)
    else:
        feed_id = row[0]
        if title is not None:
            conn.execute("UPDATE feeds SET title = ? WHERE id = ?", (clean_text(title), feed_id))
        if folder is not None:
            conn.execute("UPDATE feeds SET folder = ? WHERE id = ?", (clean_text(folder), feed_id))
    if full_text is not None:
        set_full_text(conn, feed_id, full_text)
    return _status(conn, feed_id)


def _one_line(name: str | None) -> str | None:
    """A name typed by a user or read from a list, as one printable line.

    A title given as "\\e[31m" or "   " would leave a blank row in `briefing feeds`
    and one with a newline would break its table; "" keeps the feed's own title.
    """
    if name is None:
        return None
    # Line breaks and tabs become spaces before the other controls go.
    return " ".join(strip_controls(" ".join(name.split())).split())


def _folder_path(folder: str | None) -> str | None:
    """A folder path with each of its names on one line and no empty names."""
    if folder is None:
        return None
    names = (_one_line(part) for part in folder.split("/"))
    return "/".join(name for name in names if name)


def set_full_text(conn: sqlite3.Connection, feed_id: int, enabled: bool) -> None:
    """Turn fetching each new article's page on or off for one feed."""
    conn.execute("UPDATE feeds SET full_text = ? WHERE id = ?", (int(enabled), feed_id))


def find_feed(conn: sqlite3.Connection, key: str) -> FeedStatus | None:
    """The feed whose URL, title (any case) or id is `key`; StoreError if a title is ambiguous."""
    key = key.strip()
    row = conn.execute("SELECT id FROM feeds WHERE url = ?", (key,)).fetchone()
    if row is None and key.isdigit():
        row = conn.execute("SELECT id FROM feeds WHERE id = ?", (int(key),)).fetchone()
    if row is None:
        rows = conn.execute(
            "SELECT id, url FROM feeds WHERE lower(title) = lower(?)", (key,)
        ).fetchall()
        if len(rows) > 1:
            urls = ", ".join(r[1] for r in rows)
            raise StoreError(f"'{key}' names {len(rows)} feeds ({urls}); use the URL")
        row = rows[0] if rows else None
    return None if row is None else _status(conn, row[0])


def remove_feed(conn: sqlite3.Connection, key: str) -> bool:
    """Unsubscribe (by URL, title or id) and delete the feed's articles."""
    feed = find_feed(conn, key)
    if feed is None:
        return False
    from briefing.store.related import forget_article

    for (article_id,) in conn.execute(
        "SELECT id FROM articles WHERE feed_id = ?", (feed.id,)
    ).fetchall():
        forget_article(conn, article_id)  # keeps the story index's term counts true
    conn.execute("DELETE FROM feeds WHERE id = ?", (feed.id,))
    return True


def feed_statuses(conn: sqlite3.Connection, *, include_seeds: bool = True) -> list[FeedStatus]:
    where = "" if include_seeds else "WHERE f.kind = 'feed'"
    counts = _counts(conn)
    rows = conn.execute(
        f"SELECT {FEED_COLUMNS} FROM feeds f {where} "
        "ORDER BY coalesce(f.folder, ''), lower(coalesce(f.title, f.url))"
    )
    return [feed_status_from_row(row, *counts.get(row["id"], (0, 0))) for row in rows]


def seeds_feed(conn: sqlite3.Connection, directory: str, now: datetime) -> int:
    """The id of the pseudo-feed holding the saved articles of `directory`."""
    url = SEEDS_PREFIX + directory
    row = conn.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()
    if row is not None:
        return int(row[0])
    name = directory.rstrip("/\\").rsplit("/", 1)[-1].rsplit("\\", 1)[-1] or directory
    return add_feed(conn, url, f"Saved: {name}", None, now, kind="seeds").id


def fetch_states(conn: sqlite3.Connection, feed_ids: Sequence[int]) -> dict[int, FetchState]:
    """What conditional GETs need for each of `feed_ids` (unknown ids are left out)."""
    states: dict[int, FetchState] = {}
    for chunk, marks in parameter_chunks(feed_ids):
        for row in conn.execute(
            "SELECT id, url, etag, last_modified, full_text, error_count FROM feeds "
            f"WHERE id IN ({marks})",
            chunk,
        ):
            states[row["id"]] = FetchState(
                feed_id=row["id"],
                url=row["url"],
                etag=row["etag"],
                last_modified=row["last_modified"],
                full_text=bool(row["full_text"]),
                error_count=row["error_count"],
            )
    return states


def fetch_state(conn: sqlite3.Connection, feed_id: int) -> FetchState:
    state = fetch_states(conn, [feed_id]).get(feed_id)
    if state is None:
        raise StoreError(f"no feed with id {feed_id}")
    return state


def record_success(
    conn: sqlite3.Connection,
    feed_id: int,
    now: datetime,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    next_due: datetime | None = None,
    title: str | None = None,
    new_url: str | None = None,
    not_modified: bool = False,
) -> None:
    """Remember a fetch that worked (200 or 304): validators, schedule, feed title, new URL."""
    conn.execute(
        "UPDATE feeds SET last_attempt = ?, last_success = ?, last_error = NULL, "
        "error_count = 0, next_due = ? WHERE id = ?",
        (to_epoch(now), to_epoch(now), to_epoch(next_due), feed_id),
    )
    if not not_modified:
        conn.execute(
            "UPDATE feeds SET etag = ?, last_modified = ? WHERE id = ?",
            (etag, last_modified, feed_id),
        )
    if title:
        # The publisher's title fills in only where the user gave none.
        conn.execute(
            "UPDATE feeds SET title = ? WHERE id = ? AND (title IS NULL OR title = '')",
            (clean_text(title), feed_id),
        )
    if new_url:
        taken = conn.execute(
            "SELECT 1 FROM feeds WHERE url = ? AND id != ?", (new_url, feed_id)
        ).fetchone()
        if taken is None:
            conn.execute("UPDATE feeds SET url = ? WHERE id = ?", (new_url, feed_id))


def record_failure(
    conn: sqlite3.Connection,
    feed_id: int,
    now: datetime,
    error: str,
    *,
    next_due: datetime | None = None,
) -> None:
    """Remember a failed fetch; the articles already stored stay as they are."""
    conn.execute(
        "UPDATE feeds SET last_attempt = ?, last_error = ?, error_count = error_count + 1, "
        "next_due = ? WHERE id = ?",
        (to_epoch(now), clean_text(error), to_epoch(next_due), feed_id),
    )
