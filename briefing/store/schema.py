"""The database schema as a list of numbered migrations.

`PRAGMA user_version` holds the number of migrations applied; opening a store
applies the missing ones in one transaction, so an old database is brought up
to date and a half-migrated one never exists. This module only knows tables
and indexes: no queries on behalf of the app live here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

__all__ = ["APPLICATION_ID", "MIGRATIONS", "SCHEMA_VERSION", "migrate", "schema_version"]

# Written into the file header so a Briefing database can be told from any other SQLite file.
APPLICATION_ID = 0x42524546  # "BREF"

_V1_FEEDS_AND_ARTICLES = """
CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT,
    folder TEXT,
    kind TEXT NOT NULL DEFAULT 'feed',          -- 'feed' or 'seeds'
    full_text INTEGER NOT NULL DEFAULT 0,
    added REAL NOT NULL,
    etag TEXT,
    last_modified TEXT,
    last_attempt REAL,
    last_success REAL,
    last_error TEXT,
    error_count INTEGER NOT NULL DEFAULT 0,
    next_due REAL
);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    guid TEXT,
    url TEXT,
    path TEXT,
    title TEXT,
    body TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    published REAL,                              -- seconds since the epoch, UTC
    added REAL NOT NULL,                         -- when this store first saw it
    updated REAL,                                -- when its text last changed
    sort_date REAL NOT NULL,                     -- published, else added: the list order
    content_hash TEXT NOT NULL,
    words INTEGER NOT NULL DEFAULT 0,
    read INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0,
    picked INTEGER NOT NULL DEFAULT 0,
    dismissed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX articles_feed_guid ON articles(feed_id, guid);
CREATE INDEX articles_feed_url ON articles(feed_id, url);
CREATE INDEX articles_feed_hash ON articles(feed_id, content_hash);
CREATE INDEX articles_feed_date ON articles(feed_id, sort_date, id);
CREATE INDEX articles_all_date ON articles(dismissed, sort_date, id);
CREATE INDEX articles_unread_date ON articles(read, dismissed, sort_date, id);
CREATE INDEX articles_starred_date ON articles(sort_date, id) WHERE starred = 1;
CREATE INDEX articles_picked_date ON articles(sort_date, id) WHERE picked = 1;
CREATE INDEX articles_source_date ON articles(source, sort_date, id);
CREATE INDEX articles_words ON articles(words, id);
CREATE INDEX articles_added ON articles(added);
CREATE INDEX articles_hash ON articles(content_hash);
"""

_V2_TRIAGE_AND_CACHE = """
CREATE TABLE tags (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (tag, article_id)
) WITHOUT ROWID;
CREATE INDEX tags_article ON tags(article_id);
CREATE TABLE marks (
    name TEXT PRIMARY KEY,
    value REAL NOT NULL
);
CREATE TABLE analyses (
    content_hash TEXT PRIMARY KEY,
    format INTEGER NOT NULL,
    data TEXT NOT NULL,
    saved REAL NOT NULL
);
-- What retention removed, so a feed that still lists an expired item does not bring it back.
CREATE TABLE expired (
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    expired REAL NOT NULL,
    PRIMARY KEY (feed_id, key)
) WITHOUT ROWID;
"""

_V3_SEARCH = """
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, body,
    content='articles', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
"""

# Indexes that answer every list and count from the index alone (no article bodies read):
# the view's flags, the feed, the date and the arrival time sit in one index per path.
_V4_COVERING_INDEXES = """
DROP INDEX IF EXISTS articles_feed_date;
DROP INDEX IF EXISTS articles_all_date;
DROP INDEX IF EXISTS articles_added;
DROP INDEX IF EXISTS articles_source_date;
CREATE INDEX articles_all_date ON articles(dismissed, sort_date, id, added, read);
CREATE INDEX articles_feed_date ON articles(feed_id, dismissed, sort_date, id, read);
CREATE INDEX articles_added ON articles(added, dismissed);
CREATE INDEX articles_source_date ON articles(source, sort_date DESC, id DESC, dismissed, read);
"""

# The main text of an article's page, fetched for feeds that only carry teasers
# (`feeds.full_text`); NULL when not fetched or not found. The teaser stays in `body`.
_V5_ARTICLE_FULL_TEXT = """
ALTER TABLE articles ADD COLUMN full_text TEXT;
"""

# Search reaches the fetched full text too: a teaser feed's article is found by any word
# of its page, not only by the few words of its teaser.
_V6_SEARCH_FULL_TEXT = """
DROP TRIGGER IF EXISTS articles_fts_insert;
DROP TRIGGER IF EXISTS articles_fts_delete;
DROP TRIGGER IF EXISTS articles_fts_update;
DROP TABLE IF EXISTS articles_fts;
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, body, full_text,
    content='articles', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, body, full_text)
        VALUES (new.id, new.title, new.body, new.full_text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, body, full_text)
        VALUES ('delete', old.id, old.title, old.body, old.full_text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body, full_text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, body, full_text)
        VALUES ('delete', old.id, old.title, old.body, old.full_text);
    INSERT INTO articles_fts(rowid, title, body, full_text)
        VALUES (new.id, new.title, new.body, new.full_text);
END;
INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
"""

# Saving a feed reads all its articles' keys at once (by feed_id, through the list
# indexes), so the per-key indexes only cost time on every insert.
_V7_DROP_UNUSED_KEY_INDEXES = """
DROP INDEX IF EXISTS articles_feed_guid;
DROP INDEX IF EXISTS articles_feed_url;
DROP INDEX IF EXISTS articles_feed_hash;
"""

# New articles wait in `search_pending` and reach the search index when their transaction
# commits, or, during a big refresh, a few thousand at a time: FTS5 writes a segment per
# commit, and one per feed made merging segments a third of a refresh's database time.
# Deleting or changing an article touches the index only once it is in there.
_V8_SEARCH_IN_BATCHES = """
CREATE TABLE search_pending (article_id INTEGER PRIMARY KEY);
DROP TRIGGER IF EXISTS articles_fts_insert;
DROP TRIGGER IF EXISTS articles_fts_delete;
DROP TRIGGER IF EXISTS articles_fts_update;
CREATE TRIGGER articles_search_pending AFTER INSERT ON articles BEGIN
    INSERT OR IGNORE INTO search_pending (article_id) VALUES (new.id);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, body, full_text)
        SELECT 'delete', old.id, old.title, old.body, old.full_text
        WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE article_id = old.id);
    DELETE FROM search_pending WHERE article_id = old.id;
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body, full_text ON articles
WHEN NOT EXISTS (SELECT 1 FROM search_pending WHERE article_id = old.id) BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, body, full_text)
        VALUES ('delete', old.id, old.title, old.body, old.full_text);
    INSERT INTO articles_fts (rowid, title, body, full_text)
        VALUES (new.id, new.title, new.body, new.full_text);
END;
"""


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    def apply(conn: sqlite3.Connection) -> None:
        # Statement by statement: executescript() would commit the open transaction.
        for statement in _statements(sql):
            conn.execute(statement)

    return apply


def _statements(sql: str) -> list[str]:
    """Split a script into complete statements (trigger bodies contain semicolons)."""
    done: list[str] = []
    pending = ""
    for line in sql.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            done.append(pending.strip())
            pending = ""
    if pending.strip():
        done.append(pending.strip())
    return done


# Index i upgrades a database from version i to version i + 1. Append only; never edit one
# that has shipped.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _script(_V1_FEEDS_AND_ARTICLES),
    _script(_V2_TRIAGE_AND_CACHE),
    _script(_V3_SEARCH),
    _script(_V4_COVERING_INDEXES),
    _script(_V5_ARTICLE_FULL_TEXT),
    _script(_V6_SEARCH_FULL_TEXT),
    _script(_V7_DROP_UNUSED_KEY_INDEXES),
    _script(_V8_SEARCH_IN_BATCHES),
)
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Apply the migrations a database lacks, all in one transaction; return the old version.

    `conn` must be in autocommit mode (isolation_level=None) so this function owns the
    transaction.
    """
    current = schema_version(conn)
    if current >= target:
        return current
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = schema_version(conn)  # another process may have migrated meanwhile
        for step in MIGRATIONS[current:target]:
            step(conn)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {target}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return current
