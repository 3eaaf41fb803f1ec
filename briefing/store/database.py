"""`Store`: the one object the CLI and the reader use to reach the article database.

It owns one SQLite connection, shared by threads under a lock (the reader runs
queries from worker threads), turns SQLite failures into `StoreError` naming
the file, and gives every write its own transaction. The queries themselves
live in the sibling modules, one subject each.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar

from briefing.errors import StoreError
from briefing.models import Analysis, Article, ArticleRow, FeedStatus, RelatedRow
from briefing.store import analyses, feeds, retention, search, triage
from briefing.store import articles as article_queries
from briefing.store import related as stories
from briefing.store.articles import SaveResult
from briefing.store.feeds import FetchState
from briefing.store.opening import WriterLock, check_file, connect, move_aside

if TYPE_CHECKING:
    from briefing.analysis.related import Features

__all__ = ["Store"]

log = logging.getLogger(__name__)
DEFAULT_CHECKPOINT_PAGES = 1_000  # SQLite's own default
BURST_CHECKPOINT_PAGES = 16_000  # 64 MB of 4 KB pages
T = TypeVar("T")


def _now() -> datetime:
    return datetime.now(UTC)


class Store:
    """The article database: feeds, articles, triage, search, analysis cache, related stories.

    Safe to share between threads: every call holds the store's lock for its duration.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        *,
        read_only: bool,
        lock: WriterLock | None,
        moved_aside: Path | None = None,
    ) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.RLock()
        # While above zero, new articles wait for `index_search` to reach the search index.
        self._search_held = 0
        self._writer_lock = lock
        self.path = path
        self.read_only = read_only
        # Where a foreign or corrupt file found at `path` was moved to, for the UI to report.
        self.moved_aside = moved_aside

    # -- opening and closing -------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None = None, *, read_only: bool = False) -> Store:
        """Open (creating and migrating as needed) the database at `path`.

        A writer takes an exclusive lock: a second writer gets `StoreLockedError`, and
        may then open with `read_only=True`. A file that is not a Briefing database is
        moved aside (see `moved_aside` and `notice`), never overwritten.
        """
        if path is None:
            from briefing.locations import database_path

            path = database_path()
        path = Path(path)
        if read_only:
            problem = check_file(path, writable=False)
            if problem is not None:
                raise StoreError(f"{path}: is not a usable Briefing database ({problem})")
            conn = connect(path, read_only=True)
            return cls(conn, path, read_only=True, lock=None)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"{path.parent}: cannot create the data directory ({exc.strerror or exc})"
            ) from exc
        lock = WriterLock(path)
        lock.acquire()
        try:
            moved: Path | None = None
            problem = check_file(path)
            if problem is not None:
                moved = move_aside(path, problem)
                log.warning("%s was %s; moved it to %s", path, problem, moved)
            conn = connect(path, read_only=False)
        except BaseException:
            lock.release()
            raise
        store = cls(conn, path, read_only=False, lock=lock, moved_aside=moved)
        try:
            store._write(stories.ensure_schema)
        except BaseException:
            store.close()
            raise
        return store

    @property
    def notice(self) -> str | None:
        """A message the user must see about how the store was opened, if any."""
        if self.moved_aside is None:
            return None
        return (
            f"{self.path} was not a usable Briefing database; it was moved to "
            f"{self.moved_aside} and a new one was started"
        )

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                if not self.read_only:
                    try:
                        self._conn.execute("PRAGMA optimize")
                    except sqlite3.Error as exc:
                        log.info("PRAGMA optimize failed on close: %s", exc)
                self._conn.close()
                self._conn = None
            if self._writer_lock is not None:
                self._writer_lock.release()
                self._writer_lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- plumbing ------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"{self.path}: the store is closed")
        return self._conn

    def _error(self, exc: sqlite3.Error) -> StoreError:
        text = str(exc)
        if "readonly" in text or "read-only" in text:
            text += " (the data directory or file is read-only)"
        elif "full" in text:
            text += " (free some disk space)"
        elif "malformed" in text:
            text += " (the file is damaged: quit Briefing and move it aside to start afresh)"
        return StoreError(f"{self.path}: {text}")

    def _read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            try:
                return work(self._connection())
            except sqlite3.Error as exc:
                raise self._error(exc) from exc

    def _write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock, self.transaction() as conn:
            return work(conn)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: everything inside commits together or not at all."""
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only (another Briefing is writing)")
        with self._lock:
            conn = self._connection()
            if conn.in_transaction:  # nested: the outer transaction decides
                yield conn
                return
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    if not self._search_held:
                        search.index_pending(conn)
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise self._error(exc) from exc

    def hold_search(self) -> None:
        """Let new articles wait for `index_search` (in batches) instead of each commit.

        For a refresh saving thousands of articles feed by feed: the search index
        then grows in a few large steps, not one per feed. Pair with `release_search`.
        """
        with self._lock:
            self._search_held += 1

    def release_search(self) -> int:
        """End a `hold_search`; the articles still waiting are indexed now. Returns how many."""
        with self._lock:
            self._search_held = max(0, self._search_held - 1)
            return 0 if self._search_held else self.index_search()

    def index_search(self) -> int:
        """Add every article waiting for the search index to it, in one transaction."""
        return self._write(search.index_pending)

    def spaced_checkpoints(self, pages: int = BURST_CHECKPOINT_PAGES) -> None:
        """Let the write-ahead log grow to `pages` before copying it back (many saves ahead).

        Each checkpoint rewrites the pages changed since the last one; during a
        refresh that saves thousands of articles, checkpointing every 1,000 pages
        (SQLite's default) rewrites the same index pages over and over.
        `regular_checkpoints` restores the default and checkpoints once.
        """
        self._read(lambda conn: conn.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}"))

    def regular_checkpoints(self) -> None:
        """Back to SQLite's checkpoint interval, after one checkpoint that blocks no reader."""

        def work(conn: sqlite3.Connection) -> None:
            conn.execute(f"PRAGMA wal_autocheckpoint = {DEFAULT_CHECKPOINT_PAGES}")
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

        self._read(work)

    # -- feeds ---------------------------------------------------------------------------

    def add_feed(
        self,
        url: str,
        title: str | None = None,
        folder: str | None = None,
        *,
        full_text: bool | None = None,
    ) -> FeedStatus:
        """Subscribe (or update a subscription); `full_text` None leaves that setting alone."""
        return self._write(
            lambda conn: feeds.add_feed(conn, url, title, folder, _now(), full_text=full_text)
        )

    def set_full_text(self, feed_id: int, enabled: bool) -> None:
        """Turn fetching each new article's web page on or off for one feed."""
        self._write(lambda conn: feeds.set_full_text(conn, feed_id, enabled))

    def remove_feed(self, key: str) -> bool:
        """Unsubscribe by URL, title or id, deleting the feed's articles."""
        return self._write(lambda conn: feeds.remove_feed(conn, key))

    def feed(self, key: str) -> FeedStatus | None:
        """The feed whose URL, title (any case) or id is `key`."""
        return self._read(lambda conn: feeds.find_feed(conn, key))

    def feeds(self, *, include_seeds: bool = True) -> list[FeedStatus]:
        return self._read(lambda conn: feeds.feed_statuses(conn, include_seeds=include_seeds))

    def fetch_state(self, feed_id: int) -> FetchState:
        """The validators (ETag, Last-Modified) remembered for one feed's next fetch."""
        return self._read(lambda conn: feeds.fetch_state(conn, feed_id))

    def fetch_states(self, feed_ids: Sequence[int]) -> dict[int, FetchState]:
        """`fetch_state` for many feeds in one query."""
        return self._read(lambda conn: feeds.fetch_states(conn, feed_ids))

    def record_failure(self, feed_id: int, error: str, *, next_due: datetime | None = None) -> None:
        self._write(
            lambda conn: feeds.record_failure(conn, feed_id, _now(), error, next_due=next_due)
        )

    def record_fetch(
        self,
        feed_id: int,
        articles: Sequence[Article] = (),
        *,
        error: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        next_due: datetime | None = None,
        title: str | None = None,
        new_url: str | None = None,
        not_modified: bool = False,
        index: bool = True,
    ) -> SaveResult:
        """Save one fetched feed in one transaction: its entries and its fetch state.

        With `error` the feed is marked failed, yet entries salvaged from it are kept.
        With `index` false the articles are not filed into related stories here: the
        caller passes `SaveResult.ids` to `index_articles` later (`unindexed` finds any
        a crash left behind).
        """

        def work(conn: sqlite3.Connection) -> SaveResult:
            now = _now()
            # Feed state first, so new articles take the publisher's title as their source.
            if error is None:
                feeds.record_success(
                    conn,
                    feed_id,
                    now,
                    etag=etag,
                    last_modified=last_modified,
                    next_due=next_due,
                    title=title,
                    new_url=new_url,
                    not_modified=not_modified,
                )
            else:
                feeds.record_failure(conn, feed_id, now, error, next_due=next_due)
            return article_queries.save_entries(
                conn, feed_id, articles, now, on_saved=stories.index_hook if index else None
            )

        return self._write(work)

    def record_not_modified(self, checks: Sequence[tuple[int, datetime | None]]) -> None:
        """Remember that these feeds answered "not modified" (feed id, next due), together.

        One transaction for many feeds: losing it to a crash costs only a repeated
        conditional GET, and a refresh of mostly unchanged feeds spends no time on commits.
        """
        if not checks:
            return

        def work(conn: sqlite3.Connection) -> None:
            now = _now()
            for feed_id, next_due in checks:
                feeds.record_success(conn, feed_id, now, next_due=next_due, not_modified=True)

        self._write(work)

    def index_articles(
        self,
        article_ids: Sequence[int],
        extracted: Mapping[int, Features] | None = None,
        *,
        unfiled_only: bool = False,
    ) -> int:
        """File saved articles into related stories in one transaction; return how many.

        Articles already filed are filed again (their text changed), unless
        `unfiled_only` (a backlog that another pass may have filed meanwhile);
        the batch is indexed together (`related.index_articles`), faster than
        one by one. `extracted` may hold the articles' features, worked out beforehand.
        """

        def work(conn: sqlite3.Connection) -> int:
            wanted = stories.unfiled(conn, article_ids) if unfiled_only else article_ids
            # Articles removed since they were saved are simply not found.
            found = article_queries.get_articles(conn, wanted)
            pairs = [(a.id, a) for a in found if a.id]
            return len(stories.index_articles(conn, pairs, extracted=extracted))

        return self._write(work) if article_ids else 0

    def articles(self, article_ids: Sequence[int]) -> list[Article]:
        """The stored articles among these ids, in the order given."""
        return self._read(lambda conn: article_queries.get_articles(conn, article_ids))

    def unfiled_count(self) -> int:
        """How many saved articles wait to be filed into related stories (two counts)."""

        def work(conn: sqlite3.Connection) -> int:
            articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            filed = conn.execute("SELECT count(*) FROM related_docs").fetchone()[0]
            return max(0, int(articles) - int(filed))

        return self._read(work)

    def unindexed(self, limit: int = 1_000) -> list[int]:
        """Saved articles not yet in the related-stories index, oldest first.

        Two counts answer first (a millisecond): the search itself reads every
        article id, which a refresh of unchanged feeds should not pay for.
        """

        def work(conn: sqlite3.Connection) -> list[int]:
            articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            filed = conn.execute("SELECT count(*) FROM related_docs").fetchone()[0]
            # Index rows go with their article (ON DELETE CASCADE), so equal counts mean
            # every article is filed.
            return [] if filed >= articles else stories.unindexed(conn, limit)

        return self._read(work)

    # -- articles ------------------------------------------------------------------------

    def save_entries(self, feed_id: int, articles: Sequence[Article]) -> SaveResult:
        """Add new entries and update changed ones (matched by guid, link, content hash)."""
        return self._write(
            lambda conn: article_queries.save_entries(
                conn, feed_id, articles, _now(), on_saved=stories.index_hook
            )
        )

    def save_full_texts(self, texts: Mapping[int, str]) -> int:
        """Store pages' main text beside their articles' teasers (one transaction)."""
        if not texts:
            return 0
        return self._write(lambda conn: article_queries.save_full_texts(conn, texts))

    def import_seeds(self, articles: Sequence[Article]) -> int:
        """Save articles read from files (one pseudo-feed per directory); return new + changed."""
        result = self._write(
            lambda conn: article_queries.import_seeds(
                conn, articles, _now(), on_saved=stories.index_hook
            )
        )
        return result.new + result.updated

    def article(self, article_id: int) -> Article | None:
        return self._read(lambda conn: article_queries.get_article(conn, article_id))

    def list_articles(
        self,
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
        """One page of a view (all, unread, starred, picked, dismissed, since_briefing).

        With `grouped`, one row per story (a `StoryRow`: its newest original report,
        with the story's outlets and reprints counted) instead of one per article.
        `total` (the view's count, when known) makes pages near the end cheap.
        """
        return self._read(
            lambda conn: article_queries.list_articles(
                conn,
                view,
                feed_id=feed_id,
                tag=tag,
                since=since,
                sort=sort,
                limit=limit,
                offset=offset,
                grouped=grouped,
                total=total,
            )
        )

    def count_articles(
        self,
        view: str = "all",
        *,
        feed_id: int | None = None,
        tag: str | None = None,
        since: datetime | None = None,
        grouped: bool = False,
    ) -> int:
        return self._read(
            lambda conn: article_queries.count_articles(
                conn, view, feed_id=feed_id, tag=tag, since=since, grouped=grouped
            )
        )

    def view_counts(self) -> dict[str, int]:
        return self._read(article_queries.view_counts)

    def search(self, query: str, limit: int = 200) -> list[tuple[ArticleRow, str]]:
        """Full-text matches, best first, with snippets marking matches by \\x02...\\x03."""
        return self._read(lambda conn: search.search(conn, query, limit))

    # -- analysis cache ------------------------------------------------------------------

    def cached_analysis(self, content_hash: str) -> Analysis | None:
        return self._read(lambda conn: analyses.cached_analysis(conn, content_hash))

    def save_analysis(self, content_hash: str, analysis: Analysis) -> None:
        self._write(lambda conn: analyses.save_analysis(conn, content_hash, analysis, _now()))

    # -- triage --------------------------------------------------------------------------

    def set_flag(self, article_id: int, flag: str, value: bool) -> None:
        """Set read, starred, picked or dismissed on one article."""
        self._write(lambda conn: triage.set_flag(conn, article_id, flag, value))

    def add_tag(self, article_id: int, tag: str) -> None:
        self._write(lambda conn: triage.add_tag(conn, article_id, tag))

    def remove_tag(self, article_id: int, tag: str) -> None:
        self._write(lambda conn: triage.remove_tag(conn, article_id, tag))

    def tags(self) -> list[tuple[str, int]]:
        return self._read(triage.tags)

    def set_mark(self, name: str, when: datetime) -> None:
        self._write(lambda conn: triage.set_mark(conn, name, when))

    def get_mark(self, name: str) -> datetime | None:
        return self._read(lambda conn: triage.get_mark(conn, name))

    # -- related stories (the method lives in briefing.store.related) ----------------------

    def related(self, article_id: int, k: int = 10) -> list[RelatedRow]:
        """Other stored articles about the same story, most similar first."""
        return self._read(lambda conn: stories.related(conn, article_id, k))

    def story_members(self, article_id: int) -> list[int]:
        """Every article in this article's story, oldest first (itself included)."""
        return self._read(lambda conn: stories.story_members(conn, article_id))

    def story_rows(self, article_id: int) -> list[ArticleRow]:
        """The list rows of this article's story, newest original report first."""
        return self._read(lambda conn: article_queries.story_rows(conn, article_id))

    # -- housekeeping --------------------------------------------------------------------

    def expire(self, older_than_days: int) -> int:
        """Delete read/dismissed articles older than N days; starred and picked stay."""
        return self._write(lambda conn: retention.expire(conn, older_than_days, _now()))

    def vacuum(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only (another Briefing is writing)")
        self._read(retention.vacuum)
