"""Stored articles: saving feed entries and seeds without duplicates, and listing them.

Entries are matched to stored articles by guid, then link, then content hash
(within one feed), so a refresh never duplicates an item and an item whose
text changed is updated in place, keeping its triage marks. Every list query
is served by an index (see `schema`) and pages with LIMIT/OFFSET. Functions
here take a connection and leave transactions to the caller.
"""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from bisect import insort
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from briefing.models import Article, ArticleRow, content_hash
from briefing.store.feeds import seeds_feed
from briefing.store.related import story_info, story_members
from briefing.store.rows import (
    ARTICLE_ROW_COLUMNS,
    article_from_row,
    article_row_from_row,
    clean_text,
    parameter_chunks,
    to_epoch,
)

__all__ = [
    "SORTS",
    "VIEWS",
    "IndexHook",
    "SaveResult",
    "StoryRow",
    "count_articles",
    "get_article",
    "get_articles",
    "import_seeds",
    "list_articles",
    "save_entries",
    "save_full_texts",
    "story_rows",
    "tags_of",
    "tombstone_keys",
    "view_counts",
]

VIEWS = ("all", "unread", "starred", "picked", "dismissed", "since_briefing")
SORTS = ("date", "source", "size")
LAST_BRIEFING = "last_briefing"

# Called inside the saving transaction for each article added or changed (story indexing).
IndexHook = Callable[[sqlite3.Connection, int, Article], None]

_VIEW_WHERE = {
    "all": "a.dismissed = 0",
    "unread": "a.read = 0 AND a.dismissed = 0",
    "starred": "a.starred = 1",
    "picked": "a.picked = 1",
    "dismissed": "a.dismissed = 1",
    "since_briefing": "a.dismissed = 0 AND a.added > ?",
}
_ORDER = {
    "date": "a.sort_date DESC, a.id DESC",
    "source": "a.source ASC, a.sort_date DESC, a.id DESC",
    "size": "coalesce(story_size.size, 1) DESC, a.sort_date DESC, a.id DESC",
}


@dataclass(frozen=True)
class StoryRow(ArticleRow):
    """A row of the grouped list: one story, drawn as its representative article.

    `outlets` counts the distinct sources among the story's original reports;
    `copies` counts near-identical reprints (wire copy), which are not outlets.
    `members` is every article of the story, copies included.
    """

    outlets: int = 1
    copies: int = 0
    members: int = 1


@dataclass(frozen=True)
class SaveResult:
    """What saving a batch of entries did; `ids` lists the articles added or changed."""

    new: int = 0
    updated: int = 0
    ids: tuple[int, ...] = ()
    skipped: int = 0  # entries retention already removed, or entries without any text
    new_ids: tuple[int, ...] = ()  # the articles added (a subset of `ids`)

    def __iter__(self) -> Iterator[int]:
        # Lets callers write `new, updated = store.save_entries(...)`.
        return iter((self.new, self.updated))


def tombstone_keys(guid: str | None, url: str | None, content_hash: str) -> list[str]:
    """The keys that remember an expired article (see `retention`)."""
    keys = [f"h:{content_hash}"]
    if guid:
        keys.append(f"g:{guid}")
    if url:
        keys.append(f"u:{url}")
    return keys


class _FeedIndex:
    """The keys of one feed's stored articles, loaded once per save instead of per entry.

    Mirrors what per-entry lookups on the (feed_id, guid/url/content_hash) indexes would
    find, including articles added or changed earlier in the same batch; where several
    articles share a key the oldest (lowest id) wins, as `LIMIT 1` on those indexes did.
    """

    def __init__(self, conn: sqlite3.Connection, feed_id: int) -> None:
        # id -> [guid, url, content_hash, published]: the current values of each article.
        self.rows: dict[int, list[object]] = {}
        self._keys: tuple[dict[object, list[int]], ...] = ({}, {}, {})
        for row in conn.execute(
            "SELECT id, guid, url, content_hash, published FROM articles WHERE feed_id = ? "
            "ORDER BY id",
            (feed_id,),
        ):
            self.add(row[0], row[1], row[2], row[3], row[4])
        self.expired = {
            row[0] for row in conn.execute("SELECT key FROM expired WHERE feed_id = ?", (feed_id,))
        }

    def add(
        self, article_id: int, guid: str | None, url: str | None, digest: str, published: object
    ) -> None:
        self.rows[article_id] = [guid, url, digest, published]
        for position, value in enumerate((guid, url, digest)):
            if value is not None:
                ids = self._keys[position].setdefault(value, [])
                if article_id not in ids:
                    insort(ids, article_id)

    def _first(self, position: int, value: object) -> int | None:
        for article_id in self._keys[position].get(value, ()):
            if self.rows[article_id][position] == value:
                return article_id
        return None

    def find(self, guid: str | None, url: str | None, digest: str) -> int | None:
        """The stored article this entry is: same guid, else same link or same text."""
        if guid:
            found = self._first(0, guid)
            if found is not None:
                return found
        # Two entries that both carry ids are the same only when the ids agree (checked
        # above): identical text under different ids ("Live updates") is two items, not one.
        if url:
            found = self._first(1, url)
            if found is not None and (not guid or not self.rows[found][0]):
                return found
        found = self._first(2, digest)
        if found is not None and (not guid or not self.rows[found][0]):
            return found
        return None


def _clean(article: Article) -> Article:
    title = clean_text(article.title)
    body = clean_text(article.body) or ""
    source = clean_text(article.source) or ""
    if title == article.title and body == article.body and source == article.source:
        return article
    return dataclasses.replace(article, title=title, body=body, source=source)


_INSERT_ARTICLE = (
    "INSERT INTO articles (id, feed_id, guid, url, path, title, body, source, published, "
    "added, sort_date, content_hash, words, full_text) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)


class _Inserts:
    """New articles of one save, written together (one statement for the batch).

    Ids are handed out here (after the highest stored id, as SQLite would) so the
    entries that follow can refer to an article before its row is written;
    `flush` writes the rows, and must run before any other statement reads them.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._rows: list[tuple[object, ...]] = []
        self._next: int | None = None

    def add(self, row: tuple[object, ...]) -> int:
        if self._next is None:
            self._next = (
                int(self._conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0])
                + 1
            )
        article_id = self._next
        self._next += 1
        self._rows.append((article_id, *row))
        return article_id

    def flush(self) -> None:
        if self._rows:
            self._conn.executemany(_INSERT_ARTICLE, self._rows)
            self._rows.clear()


def save_entries(
    conn: sqlite3.Connection,
    feed_id: int,
    articles: Sequence[Article],
    now: datetime,
    *,
    on_saved: IndexHook | None = None,
) -> SaveResult:
    """Insert new entries and update changed ones; unchanged entries cost no SQL at all.

    New articles are inserted together at the end (or before any statement that
    could read them), which keeps a feed's save to a handful of statements.
    """
    if not articles:
        return SaveResult()
    feed_title = conn.execute("SELECT title, url FROM feeds WHERE id = ?", (feed_id,)).fetchone()
    default_source = (feed_title["title"] or feed_title["url"]) if feed_title else ""
    new = updated = skipped = 0
    ids: list[int] = []
    new_ids: list[int] = []
    stamp = to_epoch(now)
    stored = _FeedIndex(conn, feed_id)
    inserts = _Inserts(conn)
    for raw in articles:
        article = _clean(raw)
        if not article.body.strip() and not (article.title or "").strip():
            skipped += 1
            continue
        digest = content_hash(article.title, article.body)
        published = to_epoch(article.published)
        existing = stored.find(article.guid, article.url, digest)
        if existing is None:
            if stored.expired.intersection(tombstone_keys(article.guid, article.url, digest)):
                skipped += 1
                continue
            article_id = inserts.add(
                (
                    feed_id,
                    article.guid,
                    article.url,
                    article.path,
                    article.title,
                    article.body,
                    article.source or default_source,
                    published,
                    stamp,
                    published if published is not None else stamp,
                    digest,
                    len(article.body.split()),
                    clean_text(article.full_text),
                )
            )
            stored.add(article_id, article.guid, article.url, digest, published)
            new += 1
            new_ids.append(article_id)
        else:
            article_id = existing
            old_guid, old_url, old_digest, old_published = stored.rows[article_id]
            same_text = old_digest == digest
            moved = article.url is not None and old_url != article.url
            redated = published is not None and old_published != published
            if same_text:
                if moved or redated:  # a moved link or a corrected date is not news
                    inserts.flush()
                    conn.execute(
                        "UPDATE articles SET url = coalesce(?, url), "
                        "published = coalesce(?, published), "
                        "sort_date = coalesce(?, published, added) WHERE id = ?",
                        (article.url, published, published, article_id),
                    )
                    stored.add(
                        article_id,
                        old_guid,  # type: ignore[arg-type]
                        article.url or old_url,  # type: ignore[arg-type]
                        digest,
                        published if published is not None else old_published,
                    )
                continue
            inserts.flush()
            conn.execute(
                "UPDATE articles SET guid = coalesce(?, guid), url = coalesce(?, url), "
                "path = coalesce(?, path), title = ?, body = ?, "
                "published = coalesce(?, published), "
                "sort_date = coalesce(?, published, added), content_hash = ?, words = ?, "
                "updated = ? WHERE id = ?",
                (
                    article.guid,
                    article.url,
                    article.path,
                    article.title,
                    article.body,
                    published,
                    published,
                    digest,
                    len(article.body.split()),
                    stamp,
                    article_id,
                ),
            )
            stored.add(
                article_id,
                article.guid or old_guid,  # type: ignore[arg-type]
                article.url or old_url,  # type: ignore[arg-type]
                digest,
                published if published is not None else old_published,
            )
            updated += 1
        ids.append(article_id)
        if on_saved is not None:
            inserts.flush()  # the hook may read the article's row
            on_saved(conn, article_id, article)
    inserts.flush()
    return SaveResult(
        new=new, updated=updated, ids=tuple(ids), skipped=skipped, new_ids=tuple(new_ids)
    )


def save_full_texts(conn: sqlite3.Connection, texts: Mapping[int, str]) -> int:
    """Keep pages' main text beside their articles' teasers; return how many were stored."""
    saved = 0
    for article_id, text in texts.items():
        cursor = conn.execute(
            "UPDATE articles SET full_text = ? WHERE id = ?", (clean_text(text), article_id)
        )
        saved += cursor.rowcount
    return saved


def import_seeds(
    conn: sqlite3.Connection,
    articles: Sequence[Article],
    now: datetime,
    *,
    on_saved: IndexHook | None = None,
) -> SaveResult:
    """Save articles read from files, one pseudo-feed per directory, keyed by file path."""
    groups: dict[str, list[Article]] = {}
    for article in articles:
        if article.path:
            path = Path(article.path).resolve()
            directory = str(path.parent)
            article = dataclasses.replace(article, path=str(path), guid=f"file:{path}")
        else:
            directory = article.source or "unsorted"
        groups.setdefault(directory, []).append(article)
    new = updated = skipped = 0
    ids: list[int] = []
    for directory, members in groups.items():
        feed_id = seeds_feed(conn, directory, now)
        result = save_entries(conn, feed_id, members, now, on_saved=on_saved)
        new += result.new
        updated += result.updated
        skipped += result.skipped
        ids.extend(result.ids)
    return SaveResult(new=new, updated=updated, ids=tuple(ids), skipped=skipped)


def get_article(conn: sqlite3.Connection, article_id: int) -> Article | None:
    row = conn.execute(
        "SELECT id, feed_id, guid, url, path, title, body, source, published, full_text "
        "FROM articles WHERE id = ?",
        (article_id,),
    ).fetchone()
    return None if row is None else article_from_row(row)


def get_articles(conn: sqlite3.Connection, article_ids: Sequence[int]) -> list[Article]:
    """The stored articles among these ids, in the order given (missing ones left out)."""
    found: dict[int, Article] = {}
    for chunk, marks in parameter_chunks(list(dict.fromkeys(article_ids))):
        for row in conn.execute(
            "SELECT id, feed_id, guid, url, path, title, body, source, published, full_text "
            f"FROM articles WHERE id IN ({marks})",
            tuple(chunk),
        ):
            found[row["id"]] = article_from_row(row)
    return [found[article_id] for article_id in dict.fromkeys(article_ids) if article_id in found]


def _last_briefing(conn: sqlite3.Connection) -> float:
    row = conn.execute("SELECT value FROM marks WHERE name = ?", (LAST_BRIEFING,)).fetchone()
    return float(row[0]) if row is not None else float("-inf")


def _where(
    conn: sqlite3.Connection,
    view: str,
    feed_id: int | None,
    tag: str | None,
    since: datetime | None,
) -> tuple[str, str, list[object]]:
    """The JOIN and WHERE clauses (and their parameters) selecting one view."""
    if view not in _VIEW_WHERE:
        raise ValueError(f"unknown view {view!r} (known: {', '.join(VIEWS)})")
    clauses = [_VIEW_WHERE[view]]
    params: list[object] = []
    if view == "since_briefing":
        params.append(_last_briefing(conn))
    join = ""
    if tag is not None:
        join = "JOIN tags t ON t.article_id = a.id AND t.tag = ?"
        params.insert(0, tag)
    if feed_id is not None:
        clauses.append("a.feed_id = ?")
        params.append(feed_id)
    if since is not None:
        clauses.append("a.sort_date >= ?")
        params.append(to_epoch(since))
    return join, " AND ".join(clauses), params


def tags_of(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    for chunk, marks in parameter_chunks(ids):
        for row in conn.execute(
            f"SELECT article_id, tag FROM tags WHERE article_id IN ({marks}) ORDER BY tag",
            tuple(chunk),
        ):
            found.setdefault(row[0], []).append(row[1])
    return {key: tuple(value) for key, value in found.items()}


def rows_with_tags(conn: sqlite3.Connection, rows: Sequence[sqlite3.Row]) -> list[ArticleRow]:
    """Rows for the list, with their tags and their story (key, size, duplicate)."""
    ids = [row["id"] for row in rows]
    tags = tags_of(conn, ids)
    stories = story_info(conn, ids)
    result = []
    for row in rows:
        item = article_row_from_row(row, tags.get(row["id"], ()))
        story = stories.get(item.id)
        if story is not None:
            item = dataclasses.replace(
                item, story=story.story, story_size=story.size, duplicate_of=story.duplicate_of
            )
        result.append(item)
    return result


def _member_where(
    conn: sqlite3.Connection,
    view: str,
    feed_id: int | None,
    tag: str | None,
    since: datetime | None,
) -> tuple[str, list[object]]:
    """The view's conditions for a story member `b` (a correlated subquery has no JOIN)."""
    join, where, params = _where(conn, view, feed_id, tag, since)
    clause = re.sub(r"\ba\.", "b.", where)
    if join:  # the tag's parameter comes first, as the JOIN comes before the WHERE
        clause += " AND EXISTS (SELECT 1 FROM tags bt WHERE bt.article_id = b.id AND bt.tag = ?)"
        params = [*params[1:], params[0]]
    return clause, params


# A story's representative is its newest original report (a reprint only when the view
# holds nothing else): the row for which no better member of the same story is in view.
# CROSS JOIN keeps the story index as the outer loop, so each row costs one story's members.
_BETTER_MEMBER = (
    "(d.story IS NULL OR NOT EXISTS (SELECT 1 FROM related_docs m "
    "CROSS JOIN articles b ON b.id = m.article_id WHERE m.story = d.story AND m.article_id <> a.id "
    "AND {member_where} AND (m.duplicate_of IS NULL, b.sort_date, b.id) "
    "> (d.duplicate_of IS NULL, a.sort_date, a.id)))"
)


def list_articles(
    conn: sqlite3.Connection,
    view: str = "all",
    *,
    feed_id: int | None = None,
    tag: str | None = None,
    since: datetime | None = None,
    sort: str = "date",
    limit: int = 200,
    offset: int = 0,
    grouped: bool = False,
    total: int | None = None,
) -> list[ArticleRow]:
    """One page of a view; `grouped` gives one `StoryRow` per story instead of per article.

    `total`, the view's size when the caller knows it, lets a page in the second half
    be read from the far end in reverse: OFFSET walks every row it skips, and near the
    end of a grouped list of 100,000 that walk takes seconds.
    """
    if sort not in _ORDER:
        raise ValueError(f"unknown sort {sort!r} (known: {', '.join(SORTS)})")
    join, where, params = _where(conn, view, feed_id, tag, since)
    if grouped:
        member_where, member_params = _member_where(conn, view, feed_id, tag, since)
        join += " LEFT JOIN related_docs d ON d.article_id = a.id"
        where += " AND " + _BETTER_MEMBER.format(member_where=member_where)
        params += member_params
    if sort == "size":
        # Story sizes are counted once per query (an index scan), not once per row.
        join += (
            " LEFT JOIN related_docs story_doc ON story_doc.article_id = a.id"
            " LEFT JOIN (SELECT story, count(*) AS size FROM related_docs"
            " WHERE duplicate_of IS NULL GROUP BY story) story_size"
            " ON story_size.story = story_doc.story"
        )
    # Two steps: the ids of the page from indexes alone, then those rows with their text.
    order, limit, offset = _ORDER[sort], max(0, limit), max(0, offset)
    backwards = total is not None and offset > total // 2
    if backwards and total is not None:
        order = _reversed_order(order)
        limit, offset = max(0, min(limit, total - offset)), max(0, total - offset - limit)
    ids = [
        row[0]
        for row in conn.execute(
            f"SELECT a.id FROM articles a {join} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
    ]
    if backwards:
        ids.reverse()
    rows = rows_with_tags(conn, rows_by_id(conn, ids))
    return _as_stories(conn, rows) if grouped else rows


def _reversed_order(order: str) -> str:
    """The same ORDER BY read from the other end (every order ends on the unique id)."""
    return re.sub(r"\b(ASC|DESC)\b", lambda m: "DESC" if m.group(1) == "ASC" else "ASC", order)


def _as_stories(conn: sqlite3.Connection, rows: Sequence[ArticleRow]) -> list[ArticleRow]:
    """Representatives with their story's outlets, reprints and members counted."""
    keys = {row.story: int(row.story.rsplit("-", 1)[1]) for row in rows if row.story}
    reach: dict[int, tuple[int, int, int]] = {}
    numbers = sorted(set(keys.values()))
    for chunk, marks in parameter_chunks(numbers):
        for story, members, copies, outlets in conn.execute(
            "SELECT m.story, count(*), total(m.duplicate_of IS NOT NULL), "
            "count(DISTINCT CASE WHEN m.duplicate_of IS NULL "
            "THEN coalesce(nullif(a.source, ''), a.id) END) "
            "FROM related_docs m JOIN articles a ON a.id = m.article_id "
            f"WHERE m.story IN ({marks}) GROUP BY m.story",
            chunk,
        ):
            reach[int(story)] = (int(members), int(copies), int(outlets))
    stories: list[ArticleRow] = []
    for row in rows:
        members, copies, outlets = reach.get(keys.get(row.story or "", 0), (1, 0, 1))
        fields = {f.name: getattr(row, f.name) for f in dataclasses.fields(row)}
        stories.append(
            StoryRow(**fields, outlets=max(1, outlets), copies=copies, members=max(1, members))
        )
    return stories


def story_rows(conn: sqlite3.Connection, article_id: int) -> list[ArticleRow]:
    """Every article of this article's story, newest first, originals before reprints.

    An article outside any story (not indexed yet) is a story of one: itself.
    """
    ids = story_members(conn, article_id) or [article_id]
    rows = rows_with_tags(conn, rows_by_id(conn, ids))
    return sorted(
        rows,
        key=lambda row: (
            row.duplicate_of is not None,
            -(row.published.timestamp() if row.published else float("-inf")),
            -row.id,
        ),
    )


def rows_by_id(conn: sqlite3.Connection, ids: Sequence[int]) -> list[sqlite3.Row]:
    """The list columns of these articles, in the order of `ids`."""
    found: dict[int, sqlite3.Row] = {}
    for chunk, marks in parameter_chunks(ids):
        for row in conn.execute(
            f"SELECT {ARTICLE_ROW_COLUMNS} FROM articles a WHERE a.id IN ({marks})", tuple(chunk)
        ):
            found[row["id"]] = row
    return [found[i] for i in ids if i in found]


def _has_story_index(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'related_docs_article_story'"
    ).fetchone()
    return row is not None


def count_articles(
    conn: sqlite3.Connection,
    view: str = "all",
    *,
    feed_id: int | None = None,
    tag: str | None = None,
    since: datetime | None = None,
    grouped: bool = False,
) -> int:
    """How many rows `list_articles` gives for this view (stories, when `grouped`)."""
    join, where, params = _where(conn, view, feed_id, tag, since)
    if grouped:
        # The covering index keeps the count off related_docs' large feature rows; a store
        # opened read-only from before that index existed counts the slow way.
        hint = "INDEXED BY related_docs_article_story " if _has_story_index(conn) else ""
        row = conn.execute(
            "SELECT count(DISTINCT d.story) + total(d.story IS NULL) FROM articles a "
            f"{join} LEFT JOIN related_docs d {hint}ON d.article_id = a.id WHERE {where}",
            params,
        ).fetchone()
        return int(row[0])
    row = conn.execute(f"SELECT count(*) FROM articles a {join} WHERE {where}", params).fetchone()
    return int(row[0])


def view_counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {view: count_articles(conn, view) for view in VIEWS}
