"""Refreshing subscriptions: feeds from the store, fetched and parsed, saved back.

Web feeds go through `briefing.sources.fetch.fetch_all` (one shared client,
bounded concurrency, conditional GET); local feed files are read directly,
with their size and modification time standing in for an ETag. Each feed is
saved in its own transaction as soon as it lands, so a crash loses at most
the feeds still in flight and the reader can show new stories feed by feed.
Saves run on one writer thread fed by a bounded queue: the event loop never
waits on SQLite, and feeds parsed faster than they can be saved wait in the
queue (bounded memory) rather than pile up. For feeds with `full_text` on,
each new article's page is fetched over the same client, per-host limit and
deadline, and its main text is stored beside the teaser. Saved articles are
filed into related stories in separate transactions, in batches whenever the
writer has nothing to save, and the rest before the run ends unless a large
backlog is left (a first refresh of many feeds: see `briefing.grouping`); feeds that
answered 304 have their schedule recorded in batches. After the run,
retention expires old read/dismissed articles. This module draws nothing:
callers (the CLI, the reader) get a `FeedReport` per feed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import errno
import functools
import inspect
import itertools
import logging
import queue
import stat
import threading
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from briefing.config import Settings
from briefing.errors import StoreError
from briefing.models import Article, FeedStatus

if TYPE_CHECKING:
    import httpx

    from briefing.sources.fetch import FeedOutcome, ParseMode
    from briefing.sources.parse import ParsedFeed
    from briefing.store import Store

__all__ = [
    "FeedReport",
    "RefreshReport",
    "is_local_feed",
    "refresh",
    "refresh_blocking",
    "select_feeds",
]

# Below this many web feeds a process pool costs more to start than it saves.
PROCESS_POOL_FROM = 24
# Feeds parsed but not yet saved, at most: beyond this, landed feeds wait for the writer.
WRITE_QUEUE = 16
# Articles left unfiled when the last feed is saved that the refresh still files before it
# returns; a larger backlog is left to `briefing.grouping` (see _Indexer.finish).
GROUP_AT_END_UP_TO = 2_000
# New articles added to the search index together during a refresh (one FTS5 segment each).
SEARCH_BATCH = 2_000
# Feeds that answered 304, recorded together in one transaction (a crash costs a re-check).
NOT_MODIFIED_BATCH = 100
# Articles filed into related stories per transaction while the writer has nothing to save.
INDEX_BATCH = 200
# File saved articles into related stories during the run (off: saving only, e.g. to time it).
INDEX_RELATED = True

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeedReport:
    """What refreshing one feed did."""

    feed_id: int
    title: str
    url: str
    new: int = 0
    updated: int = 0
    not_modified: bool = False
    error: str | None = None
    problems: tuple[str, ...] = ()
    article_ids: tuple[int, ...] = ()
    moved_to: str | None = None
    full_texts: int = 0  # new articles whose page text was fetched and stored

    @property
    def outcome(self) -> str:
        """One word: "failed", "not modified" or "ok"."""
        if self.error:
            return "failed"
        return "not modified" if self.not_modified else "ok"


@dataclass
class RefreshReport:
    """The whole run: one report per feed, in the order they landed, and what expired."""

    feeds: list[FeedReport] = field(default_factory=list)
    expired: int = 0
    indexed: int = 0  # articles filed into related stories after saving
    ungrouped: int = 0  # saved articles left for `briefing.grouping` to file into stories

    @property
    def new(self) -> int:
        return sum(report.new for report in self.feeds)

    @property
    def updated(self) -> int:
        return sum(report.updated for report in self.feeds)

    @property
    def not_modified(self) -> int:
        return sum(report.not_modified for report in self.feeds)

    @property
    def failed(self) -> list[FeedReport]:
        return [report for report in self.feeds if report.error]


OnFeed = Callable[[FeedReport], Awaitable[None] | None]


def is_local_feed(url: str) -> bool:
    """Subscriptions that are files on this computer (stored as absolute paths)."""
    return not url.lower().startswith(("http://", "https://", "seeds:"))


def select_feeds(
    store: Store, *, names: Sequence[str] = (), due_only: bool = False
) -> list[FeedStatus]:
    """The subscriptions to refresh: the named ones, or every feed (only the due ones)."""
    from briefing.errors import FeedError

    if names:
        chosen = []
        for name in names:
            feed = store.feed(name)
            if feed is None:
                raise FeedError(f"no subscription matches {name!r}")
            chosen.append(feed)
        return chosen
    feeds = [feed for feed in store.feeds(include_seeds=False)]
    if due_only:
        now = datetime.now(UTC)
        feeds = [feed for feed in feeds if feed.next_due is None or feed.next_due <= now]
    return feeds


def _articles(parsed: ParsedFeed, feed: FeedStatus) -> list[Article]:
    from briefing.sources.parse import distinct_entries

    source = feed.title if feed.title != feed.url else (parsed.title or feed.title)
    # A feed repeating an entry's id is saved as its last copy, once (see distinct_entries).
    return [
        entry.to_article(source=source, feed_id=feed.id)
        for entry in distinct_entries(parsed.entries)
    ]


def _name(feed: FeedStatus, parsed: ParsedFeed | None) -> str:
    """The user's name for the feed, else the publisher's, else its address."""
    if feed.title != feed.url or parsed is None or not parsed.title:
        return feed.title
    return parsed.title


def _file_validator(path: Path) -> str:
    info = path.stat()
    return f"file:{info.st_mtime_ns}:{info.st_size}"


def _read_local(path: Path, limit: int) -> bytes:
    # Opening a named pipe waits for a writer, and a device may never end: either would hold
    # the refresh (and the database) with no deadline. A subscription is a regular file.
    if not stat.S_ISREG(path.stat().st_mode):
        raise OSError(errno.EINVAL, "not a regular file")
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OverflowError
    return data


class _Indexer:
    """Saved articles waiting for the search index and the story index (writer thread only).

    Saving a feed and indexing its articles are separate transactions: a feed's
    articles are stored (and shown) without waiting for either index. New
    articles reach the search index SEARCH_BATCH at a time (the store holds
    them back meanwhile, see `Store.hold_search`), and are filed into related
    stories in batches whenever the writer has nothing to save. The search
    index catches up fully before the refresh returns, and so do the stories
    unless more than GROUP_AT_END_UP_TO articles wait (see `finish`). Articles
    a crash left unfiled are found by `Store.unindexed` and filed by the next
    refresh or grouping; any left out of search are added by the store's next write.
    """

    def __init__(self, store: Store, enabled: bool) -> None:
        self._store = store
        self._pending: dict[int, None] = {}
        self._unsearchable = 0
        self.enabled = enabled
        self.indexed = 0
        self.left = 0  # articles left unfiled at the end, for `briefing.grouping`
        self.problem: StoreError | None = None

    def add(self, article_ids: Sequence[int], new: int = 0) -> None:
        """Articles just saved (`new` of them inserted, so not yet in the search index)."""
        if self.enabled:
            self._pending.update(dict.fromkeys(article_ids))
        self._unsearchable += new
        if self._unsearchable >= SEARCH_BATCH:
            self._index_search()

    def _index_search(self) -> bool:
        if not self._unsearchable or self.problem is not None:
            return False
        try:
            self._store.index_search()
        except StoreError as exc:  # saving matters more; reported at the end
            self.problem = exc
            return False
        self._unsearchable = 0
        return True

    def step(self) -> bool:
        """Index one batch; False when nothing was waiting (or the store refused).

        A backlog already larger than GROUP_AT_END_UP_TO is not touched: it is
        left to `briefing.grouping` at the end, and in a run that brings so much
        an idle writer does not mean an idle CPU (the parsers use it).
        """
        if self._index_search():
            return True
        if not self._pending or self.problem is not None:
            return False
        if len(self._pending) > GROUP_AT_END_UP_TO:
            return False
        batch = list(itertools.islice(self._pending, INDEX_BATCH))
        try:
            self.indexed += self._store.index_articles(batch)
        except StoreError as exc:  # disk full, say: saving matters more; reported at the end
            self.problem = exc
            return False
        for article_id in batch:
            del self._pending[article_id]
        return True

    def finish(self) -> int:
        """Index what is still waiting, and articles earlier runs left unfiled.

        A backlog larger than GROUP_AT_END_UP_TO (a first refresh of many
        feeds) is left to `briefing.grouping`: filing it
        would hold this refresh for as long again as fetching took.
        """
        self._index_search()
        if not self.enabled:
            if self.problem is not None:
                raise self.problem
            return self.indexed
        if self.problem is None:
            self._pending.update(dict.fromkeys(self._store.unindexed(limit=10_000_000)))
        if len(self._pending) > GROUP_AT_END_UP_TO:
            self.left = len(self._pending)
            self._pending.clear()  # not for the writer's idle steps either: they are left
        elif self.problem is None:
            from briefing.grouping import group_backlog

            try:
                # The run's own articles may be filed already: their text changed since.
                self.indexed += group_backlog(self._store, list(self._pending), refile=True)
            except StoreError as exc:  # disk full, say: saving matters more; reported below
                self.problem = exc
            else:
                self._pending.clear()
        if self.problem is not None:
            raise self.problem
        return self.indexed


class _Writer:
    """One thread that runs the store's writes in order, so the event loop never waits on them.

    `submit` waits while `limit` writes are queued: feeds parsed faster than they can be
    saved stay with the fetcher (whose concurrency is bounded) instead of piling up here.
    When no write is queued the thread runs `idle` (one short step of deferred work).
    """

    def __init__(self, limit: int, idle: Callable[[], bool] | None = None) -> None:
        self._idle = idle
        self._loop = asyncio.get_running_loop()
        self._room = asyncio.Semaphore(limit)
        self._jobs: queue.SimpleQueue[tuple[Callable[[], Any], asyncio.Future[Any]] | None]
        self._jobs = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="refresh-writer", daemon=True)
        self._thread.start()

    async def submit(self, work: Callable[[], T]) -> asyncio.Future[T]:
        """Queue `work`; the returned future settles on the event loop once it has run."""
        await self._room.acquire()
        future: asyncio.Future[T] = self._loop.create_future()
        self._jobs.put((work, future))
        return future

    async def run(self, work: Callable[[], T]) -> T:
        return await (await self.submit(work))

    def _next(self) -> tuple[Callable[[], Any], asyncio.Future[Any]] | None:
        while self._idle is not None:
            try:
                return self._jobs.get_nowait()
            except queue.Empty:
                if not self._idle():
                    break
        return self._jobs.get()

    def _run(self) -> None:
        while (job := self._next()) is not None:
            work, future = job
            try:
                result = work()
            except BaseException as exc:  # handed to the awaiting coroutine, which re-raises
                self._loop.call_soon_threadsafe(self._settle, future, None, exc)
            else:
                self._loop.call_soon_threadsafe(self._settle, future, result, None)

    def _settle(
        self, future: asyncio.Future[Any], result: Any, error: BaseException | None
    ) -> None:
        self._room.release()
        if future.cancelled():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    async def close(self) -> None:
        self._jobs.put(None)
        await asyncio.to_thread(self._thread.join)


@dataclass
class _FullTextRun:
    """What fetching article pages shares: the client, per-host limits and the run's end."""

    client: httpx.AsyncClient
    settings: Settings
    ends: float | None  # loop time when the whole refresh must stop, if it has a deadline
    overall: asyncio.Semaphore
    hosts: dict[str, asyncio.Semaphore] = field(default_factory=dict)

    async def page(self, url: str) -> tuple[str | None, str | None]:
        """(main text, problem) of one article page, within the limits."""
        from urllib.parse import urlsplit

        from briefing.sources.fulltext import fetch_full_text

        host = (urlsplit(url).hostname or "").lower()
        limit = self.hosts.setdefault(host, asyncio.Semaphore(self.settings.network.per_host))
        async with limit, self.overall:
            found = await fetch_full_text(self.client, url, self.settings.network)
        return found.text, found.error

    async def pages(self, urls: dict[int, str]) -> tuple[dict[int, str], list[str]]:
        """Main texts by article id, and a problem line for each page that gave none."""
        ids = list(urls)
        tasks = [asyncio.ensure_future(self.page(urls[article_id])) for article_id in ids]
        if not tasks:
            return {}, []
        timeout = None
        if self.ends is not None:
            timeout = max(0.0, self.ends - asyncio.get_running_loop().time())
        _done, pending = await asyncio.wait(tasks, timeout=timeout)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)
        texts: dict[int, str] = {}
        problems: list[str] = []
        for article_id, task in zip(ids, tasks, strict=True):
            if task.cancelled():
                problems.append(f"full text of {urls[article_id]}: refresh deadline passed")
                continue
            text, problem = task.result()
            if text:
                texts[article_id] = text
            else:
                problems.append(f"full text of {urls[article_id]}: {problem or 'no text found'}")
        return texts, problems


def _new_pages(store: Store, ids: Sequence[int]) -> dict[int, str]:
    """The web links of the articles just added, to fetch their full text."""
    from briefing.safety import is_web_link

    urls: dict[int, str] = {}
    for article_id in ids:
        article = store.article(article_id)
        if article is not None and article.url and is_web_link(article.url):
            urls[article_id] = article.url.strip()
    return urls


async def _add_full_text(
    store: Store, writer: _Writer, pages: _FullTextRun, report: FeedReport, new_ids: Sequence[int]
) -> FeedReport:
    """Fetch and store the page text of a full-text feed's new articles."""
    if not new_ids:
        return report
    urls = await writer.run(lambda: _new_pages(store, new_ids))
    texts, problems = await pages.pages(urls)
    saved = await writer.run(lambda: store.save_full_texts(texts)) if texts else 0
    return dataclasses.replace(report, full_texts=saved, problems=report.problems + tuple(problems))


async def _settle_quietly(saving: asyncio.Future[Any], failures: list[BaseException]) -> None:
    """Wait for a write nobody else awaits, keeping its failure for the run to report."""
    try:
        await saving
    except BaseException as exc:
        failures.append(exc)
        raise


def _save_local(
    store: Store, feed: FeedStatus, settings: Settings, indexer: _Indexer
) -> tuple[FeedReport, tuple[int, ...]]:
    """Read, parse and save a local feed file (runs on the writer thread)."""
    from briefing.sources.parse import parse_feed

    path = Path(feed.url)
    state = store.fetch_state(feed.id)
    try:
        validator = _file_validator(path)
        if state.etag == validator:
            store.record_fetch(feed.id, not_modified=True)
            return FeedReport(feed.id, feed.title, feed.url, not_modified=True), ()
        data = _read_local(path, settings.network.max_bytes)
    except OverflowError:
        error = f"file larger than {settings.network.max_bytes:,} bytes"
    except OSError as exc:
        error = f"cannot read the file: {exc.strerror or exc}"
    else:
        parsed = parse_feed(data, str(path), None, max_bytes=settings.network.max_bytes)
        saved = store.record_fetch(
            feed.id,
            _articles(parsed, feed),
            error=parsed.error,
            etag=None if parsed.error else validator,
            title=parsed.title,
            index=False,
        )
        indexer.add(saved.ids, saved.new)
        report = FeedReport(
            feed.id,
            _name(feed, parsed),
            feed.url,
            new=saved.new,
            updated=saved.updated,
            error=parsed.error,
            problems=parsed.problems,
            article_ids=saved.ids,
        )
        return report, saved.new_ids
    store.record_fetch(feed.id, error=error)
    return FeedReport(feed.id, feed.title, feed.url, error=error), ()


def _save_outcome(
    store: Store, feed: FeedStatus, outcome: FeedOutcome, indexer: _Indexer
) -> tuple[FeedReport, tuple[int, ...]]:
    """Save one fetched feed in one transaction (runs on the writer thread)."""
    fetch = outcome.fetch
    parsed = outcome.parsed
    error = outcome.error
    articles = _articles(parsed, feed) if parsed is not None else []
    saved = store.record_fetch(
        feed.id,
        articles,
        error=error,
        etag=fetch.etag,
        last_modified=fetch.last_modified,
        next_due=outcome.next_due,
        title=parsed.title if parsed is not None else None,
        new_url=fetch.permanent_redirect,
        not_modified=fetch.not_modified,
        index=False,
    )
    indexer.add(saved.ids, saved.new)
    report = FeedReport(
        feed.id,
        _name(feed, parsed),
        feed.url,
        new=saved.new,
        updated=saved.updated,
        not_modified=fetch.not_modified and error is None,
        error=error,
        problems=parsed.problems if parsed is not None else (),
        article_ids=saved.ids,
        moved_to=fetch.permanent_redirect,
    )
    return report, saved.new_ids


async def refresh(
    store: Store,
    settings: Settings,
    feeds: Sequence[FeedStatus],
    *,
    on_feed: OnFeed | None = None,
    client: httpx.AsyncClient | None = None,
    parse: ParseMode | None = None,
    deadline: float | None = None,
) -> RefreshReport:
    """Fetch `feeds`, save each as it lands (calling `on_feed`), then apply retention.

    Feeds with `full_text` on are reported once their new articles' pages are in.
    New articles are filed into stories before this returns, unless more than
    GROUP_AT_END_UP_TO wait at the end (see `RefreshReport.ungrouped`).
    """
    from briefing.sources.fetch import FeedRequest, FetchState, fetch_all, make_client

    report = RefreshReport()
    loop = asyncio.get_running_loop()
    own_client = client is None
    http = client or make_client(settings.network)
    indexer = _Indexer(store, INDEX_RELATED)
    writer = _Writer(WRITE_QUEUE, indexer.step)
    pages = _FullTextRun(
        http,
        settings,
        None if deadline is None else loop.time() + deadline,
        asyncio.Semaphore(settings.network.concurrency),
    )
    finishing: set[asyncio.Task[None]] = set()
    failures: list[BaseException] = []
    spaced = False  # checkpoints spaced out for this run (restored at its end)
    held = False  # new articles held back from the search index (released at its end)

    async def deliver(feed_report: FeedReport) -> None:
        report.feeds.append(feed_report)
        if on_feed is not None:
            maybe = on_feed(feed_report)
            if inspect.isawaitable(maybe):
                await maybe

    async def finish(
        feed: FeedStatus, saving: asyncio.Future[tuple[FeedReport, tuple[int, ...]]]
    ) -> None:
        try:
            feed_report, new_ids = await saving
            if feed.full_text:
                feed_report = await _add_full_text(store, writer, pages, feed_report, new_ids)
            await deliver(feed_report)
        except BaseException as exc:
            failures.append(exc)
            raise

    def done_finishing(task: asyncio.Task[None]) -> None:
        finishing.discard(task)
        if not task.cancelled():
            task.exception()  # kept in `failures` and raised from there, not logged as lost

    async def hand_over(feed: FeedStatus, work: Callable[[], Any]) -> None:
        if failures:  # the store failed (disk full, say): stop saving, report it below
            raise failures[0]
        task = asyncio.create_task(finish(feed, await writer.submit(work)))
        finishing.add(task)
        task.add_done_callback(done_finishing)

    try:
        await writer.run(store.hold_search)
        held = True
        for feed in [feed for feed in feeds if is_local_feed(feed.url)]:
            await hand_over(feed, functools.partial(_save_local, store, feed, settings, indexer))

        web = [feed for feed in feeds if not is_local_feed(feed.url)]
        by_id = {feed.id: feed for feed in web}
        if len(web) >= PROCESS_POOL_FROM:
            await writer.run(store.spaced_checkpoints)
            spaced = True
        states = await writer.run(lambda: store.fetch_states([feed.id for feed in web]))
        requests = []
        for feed in web:
            state = states.get(feed.id)
            validators = FetchState(state.etag, state.last_modified) if state else FetchState()
            requests.append(FeedRequest(feed.url, validators, feed.id))

        unchanged: list[tuple[int, datetime | None]] = []

        async def record_unchanged() -> None:
            checks = unchanged.copy()
            unchanged.clear()
            if checks:
                saving = await writer.submit(lambda: store.record_not_modified(checks))
                task = asyncio.create_task(_settle_quietly(saving, failures))
                finishing.add(task)
                task.add_done_callback(done_finishing)

        async def landed(outcome: FeedOutcome) -> None:
            key = outcome.request.key
            assert isinstance(key, int)  # the feed id given to FeedRequest above
            feed = by_id[key]
            fetch = outcome.fetch
            if fetch.not_modified and outcome.error is None and not fetch.permanent_redirect:
                # Nothing to save but the schedule: written in batches, reported at once.
                if failures:
                    raise failures[0]
                unchanged.append((feed.id, outcome.next_due))
                if len(unchanged) >= NOT_MODIFIED_BATCH:
                    await record_unchanged()
                await deliver(FeedReport(feed.id, feed.title, feed.url, not_modified=True))
                return
            await hand_over(feed, lambda: _save_outcome(store, feed, outcome, indexer))

        if requests:
            mode: ParseMode = parse or (
                "process" if len(requests) >= PROCESS_POOL_FROM else "thread"
            )
            await fetch_all(
                requests,
                settings.network,
                landed,
                client=http,
                parse=mode,
                deadline=deadline,
            )
            await record_unchanged()
        while finishing:
            await asyncio.gather(*finishing, return_exceptions=True)
        if failures:
            raise failures[0]
        report.indexed = await writer.run(indexer.finish)
        report.ungrouped = indexer.left
        if settings.general.retention_days > 0:
            days = settings.general.retention_days
            report.expired = await writer.run(lambda: store.expire(days))
    finally:
        for task in finishing:
            task.cancel()
        if held:
            try:
                await writer.run(store.release_search)
            except StoreError as exc:  # the store's next write indexes what is left
                log.info("could not finish the search index: %s", exc)
        if spaced:
            try:
                await writer.run(store.regular_checkpoints)
            except StoreError as exc:  # the run's own outcome (or error) matters more
                log.info("could not restore the checkpoint interval: %s", exc)
        await writer.close()
        if own_client:
            await http.aclose()
    return report


def refresh_blocking(
    store: Store,
    settings: Settings,
    feeds: Sequence[FeedStatus],
    *,
    on_feed: OnFeed | None = None,
    parse: ParseMode | None = None,
) -> RefreshReport:
    """`refresh` for callers without an event loop (the command line)."""
    return asyncio.run(refresh(store, settings, feeds, on_feed=on_feed, parse=parse))
