"""Retention: expiring old read or dismissed articles, and compacting the file.

Starred and picked articles are never expired. An expired article leaves a
small tombstone (its guid, link and content hash) so that a feed still listing
it does not bring it back as unread on the next refresh.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from briefing.store.articles import tombstone_keys
from briefing.store.related import forget_article
from briefing.store.rows import to_epoch

__all__ = ["expire", "vacuum"]

_BATCH = 500


def expire(conn: sqlite3.Connection, older_than_days: int, now: datetime) -> int:
    """Delete read or dismissed, unstarred, unpicked articles dated before the cutoff."""
    if older_than_days <= 0:
        return 0
    cutoff = to_epoch(now - timedelta(days=older_than_days))
    stamp = to_epoch(now)
    doomed = conn.execute(
        "SELECT id, feed_id, guid, url, content_hash FROM articles "
        "WHERE sort_date < ? AND (read = 1 OR dismissed = 1) AND starred = 0 AND picked = 0",
        (cutoff,),
    ).fetchall()
    conn.executemany(
        "INSERT OR REPLACE INTO expired (feed_id, key, expired) VALUES (?, ?, ?)",
        [
            (row["feed_id"], key, stamp)
            for row in doomed
            for key in tombstone_keys(row["guid"], row["url"], row["content_hash"])
        ],
    )
    ids = [row["id"] for row in doomed]
    for article_id in ids:
        forget_article(conn, article_id)  # keeps the story index's term counts true
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        conn.execute(f"DELETE FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk)
    if ids:
        conn.execute(
            "DELETE FROM analyses WHERE content_hash NOT IN (SELECT content_hash FROM articles)"
        )
    return len(ids)


def vacuum(conn: sqlite3.Connection) -> None:
    """Merge the search index, rewrite the file without free pages, and empty the WAL.

    Must run outside a transaction (SQLite's VACUUM cannot run inside one).
    """
    conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('optimize')")
    conn.execute("VACUUM")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA optimize")
