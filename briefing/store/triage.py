"""Triage state: read, starred, picked and dismissed flags, tags, and named marks.

Marks are moments the user cares about, such as "last_briefing" (set when a
digest is exported). Functions here take a connection and leave transactions
to the caller.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from briefing.store.rows import clean_text, from_epoch, to_epoch

__all__ = [
    "FLAGS",
    "add_tag",
    "get_mark",
    "normal_tag",
    "remove_tag",
    "set_flag",
    "set_mark",
    "tags",
]

FLAGS = ("read", "starred", "picked", "dismissed")
MAX_TAG = 100


def set_flag(conn: sqlite3.Connection, article_id: int, flag: str, value: bool) -> None:
    if flag not in FLAGS:
        raise ValueError(f"unknown flag {flag!r} (known: {', '.join(FLAGS)})")
    conn.execute(f"UPDATE articles SET {flag} = ? WHERE id = ?", (int(bool(value)), article_id))


def normal_tag(tag: str) -> str:
    """Tags are compared as typed, minus surrounding and repeated whitespace."""
    cleaned = " ".join((clean_text(tag) or "").split())[:MAX_TAG]
    if not cleaned:
        raise ValueError("a tag cannot be empty")
    return cleaned


def add_tag(conn: sqlite3.Connection, article_id: int, tag: str) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO tags (article_id, tag) SELECT id, ? FROM articles WHERE id = ?",
        (normal_tag(tag), article_id),
    )


def remove_tag(conn: sqlite3.Connection, article_id: int, tag: str) -> None:
    conn.execute("DELETE FROM tags WHERE article_id = ? AND tag = ?", (article_id, normal_tag(tag)))


def tags(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """Every tag in use and how many articles carry it, by name."""
    rows = conn.execute("SELECT tag, count(*) FROM tags GROUP BY tag ORDER BY tag")
    return [(row[0], int(row[1])) for row in rows]


def set_mark(conn: sqlite3.Connection, name: str, when: datetime) -> None:
    conn.execute(
        "INSERT INTO marks (name, value) VALUES (?, ?) "
        "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        (name, to_epoch(when)),
    )


def get_mark(conn: sqlite3.Connection, name: str) -> datetime | None:
    row = conn.execute("SELECT value FROM marks WHERE name = ?", (name,)).fetchone()
    return None if row is None else from_epoch(row[0])
