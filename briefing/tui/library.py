"""The app's one door to the article store, safe to call from the event loop.

Every store call runs on a single dedicated database thread (SQLite
connections belong to the thread that opened them) and every analysis runs on
a small pool of analysis threads; the UI awaits the results and never blocks.
This module knows no widgets and must not import the UI toolkit: screens turn
its results into things to draw.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from briefing.analysis.document import Document
from briefing.models import Analysis, Article, ArticleRow, FeedStatus, RelatedRow

if TYPE_CHECKING:
    from briefing.config import Settings
    from briefing.digest import DigestStory
    from briefing.refresh import FeedReport, RefreshReport
    from briefing.sources.seeds import SeedProblem
    from briefing.store import Store

__all__ = [
    "FLAGS",
    "SORTS",
    "STANDARD_VIEWS",
    "Library",
    "ListQuery",
    "Opening",
    "Reading",
    "SearchHit",
    "default_analyser",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

Flag = Literal["read", "starred", "picked", "dismissed"]
FLAGS: tuple[Flag, ...] = ("read", "starred", "picked", "dismissed")
SORTS: tuple[str, ...] = ("date", "source", "size")

# The views every user has, in the order the view picker lists them, with their labels.
STANDARD_VIEWS: tuple[tuple[str, str], ...] = (
    ("all", "All"),
    ("unread", "Unread"),
    ("starred", "Starred"),
    ("picked", "Picked"),
    ("dismissed", "Dismissed"),
    ("since_briefing", "Since last briefing"),
)
LAST_BRIEFING = "last_briefing"
SEARCH_LIMIT = 500
READ_AHEAD_KEPT = 8  # stories kept ready to show (each holds its text and analysis)
RELATED_SHOWN = 8  # related stories listed beside an open story
# Articles filed per transaction while grouping a backlog: the list's reads wait at most for
# one batch (about a fifth of a second on real news text; larger batches file faster).
GROUPING_BATCH = 100


@dataclass(frozen=True)
class ListQuery:
    """Which stories the list shows and in what order."""

    view: str = "all"
    feed_id: int | None = None
    feed_title: str = ""
    tag: str | None = None
    search: str | None = None
    sort: str = "date"
    grouped: bool = False  # one row per story (search results are never grouped)

    @property
    def label(self) -> str:
        """The view's name as the view bar shows it (plain text; may hold feed text)."""
        if self.search is not None:
            return f"Search: {self.search}"
        if self.feed_id is not None:
            return f"Feed: {self.feed_title or self.feed_id}"
        if self.tag is not None:
            return f"Tag: {self.tag}"
        return dict(STANDARD_VIEWS).get(self.view, self.view)


@dataclass(frozen=True)
class SearchHit:
    """A search result: the row and a snippet with \\x02 and \\x03 around each match."""

    row: ArticleRow
    snippet: str


@dataclass(frozen=True)
class Reading:
    """An article ready to read: its cleaned document and its analysis."""

    article: Article
    document: Document
    analysis: Analysis
    related: tuple[RelatedRow, ...] = ()
    unfiled: bool = False  # not in a story yet: a large refresh left it for the grouping


@dataclass(frozen=True)
class Opening:
    """What one trip to the database finds for a story the reader opens.

    `reading` is there when the analysis was cached; otherwise `Library.analyse`
    makes it. `related_problem` says why the related stories could not be read.
    """

    article: Article
    reading: Reading | None
    related: tuple[RelatedRow, ...]
    related_problem: str | None = None
    unfiled: bool = False


Analyser = Callable[[Article, int], Analysis]


def default_analyser(article: Article, sentences: int) -> Analysis:
    """The analysis pipeline, imported on first use so start-up stays fast."""
    from briefing.analysis.pipeline import analyse

    return analyse(article, sentences)


def _document(article: Article) -> Document:
    from briefing.analysis.text import make_document

    return make_document(article.title, article.text)


class Library:
    """Asynchronous access to one `Store`, opened and used on its own thread."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        summary_sentences: int = 3,
        analyser: Analyser = default_analyser,
    ) -> None:
        self.path = path
        self.summary_sentences = summary_sentences
        self.analyser = analyser
        self.read_only = False
        self.read_only_reason: str | None = None  # None: another Briefing holds the store
        self._store: Store | None = None
        self.open_error: str | None = None  # why the store could not be opened, if it could not
        self.closing = False  # close() has begun: no new background work
        # Stories read ahead of the reader (the neighbours of the open one), ready to show.
        self._ready: OrderedDict[tuple[int, int], Reading] = OrderedDict()
        # The last search's hits: one list load asks for its count, snippets and pages, and
        # each would otherwise run the full-text query again. Any write forgets it.
        self._searched: tuple[str, list[SearchHit]] | None = None
        # Whether the last search found more than SEARCH_LIMIT matches (only those are listed).
        self._search_cut = False
        # Each view's size as last counted: a page near the end is then read from the end.
        self._totals: dict[ListQuery, int] = {}
        # One grouping of a backlog at a time (see group_backlog), on its own thread.
        self._grouping = asyncio.Lock()
        self._stop_grouping = threading.Event()  # the running job's: set, it stops after a batch
        self._grouper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="briefing-grouping")
        self._grouping_job: Future[int] | None = None
        # Refreshes running (see grouping_paused): no grouping files meanwhile.
        self._paused = 0
        self._resumed = asyncio.Event()
        self._resumed.set()
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="briefing-store")
        self._cpu = ThreadPoolExecutor(max_workers=2, thread_name_prefix="briefing-analysis")

    # -- plumbing ---------------------------------------------------------------------------

    async def _on_db(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._db, partial(func, *args, **kwargs))

    @property
    def store(self) -> Store:
        """The open store; only ever touched on the database thread."""
        if self._store is None:
            from briefing.errors import StoreError

            raise StoreError("the article store is not open")
        return self._store

    def _forget_views(self) -> None:
        """Any write may change what a view holds: forget the last search and the counts."""
        self._searched = None
        self._totals.clear()

    # -- lifecycle --------------------------------------------------------------------------

    async def open(self) -> str | None:
        """Open the store; a second running copy of Briefing makes this one read-only.

        Returns the store's notice for the user (a foreign file moved aside), if any.
        """
        from briefing.errors import BriefingError

        try:
            await self._on_db(self._open)
        except BriefingError as exc:
            self.open_error = str(exc)
            raise
        return self.store.notice

    def _open(self) -> None:
        from briefing.errors import StoreError, StoreLockedError
        from briefing.store import Store

        try:
            self._store = Store.open(self.path)
        except StoreLockedError:
            self._store = Store.open(self.path, read_only=True)
            self.read_only = True
        except StoreError as exc:
            # A read-only disk: the writer's lock cannot be made, but the articles can be read.
            from briefing.locations import database_path

            if not (self.path or database_path()).exists():
                raise
            try:
                self._store = Store.open(self.path, read_only=True)
            except StoreError as read_exc:
                raise StoreError(f"{exc}; nor can it be read read-only: {read_exc}") from read_exc
            self.read_only = True
            self.read_only_reason = str(exc)

    async def close(self) -> None:
        """Close the store and stop the threads; safe to call twice."""
        self.closing = True
        self._stop_grouping.set()
        job = self._grouping_job
        if job is not None and not job.done():
            # It stops after its batch; the store must stay open until then.
            from briefing.errors import BriefingError

            try:
                await asyncio.wrap_future(job)
            except BriefingError as exc:  # its worker is gone: nobody else will say it
                log.warning("grouping stopped as the reader closed: %s", exc)
        if self._store is not None:
            await self._on_db(self._close)
        self._grouper.shutdown(wait=False, cancel_futures=True)
        self._db.shutdown(wait=False, cancel_futures=True)
        self._cpu.shutdown(wait=False, cancel_futures=True)

    def _close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    # -- importing --------------------------------------------------------------------------

    async def import_seeds(self, paths: Sequence[Path]) -> tuple[int, list[SeedProblem]]:
        """Read saved articles (on an analysis thread) and store the new ones."""
        from briefing.sources.seeds import load_seeds

        loop = asyncio.get_running_loop()
        articles, problems = await loop.run_in_executor(self._cpu, load_seeds, list(paths))
        if not articles or self.read_only:
            return 0, problems
        added = await self._on_db(lambda: self.store.import_seeds(articles))
        self._forget_views()
        return int(added), problems

    # -- the story list ---------------------------------------------------------------------

    def _list_kwargs(self, query: ListQuery) -> dict[str, Any]:
        kwargs: dict[str, Any] = {}
        if query.feed_id is not None:
            kwargs["feed_id"] = query.feed_id
        if query.tag is not None:
            kwargs["tag"] = query.tag
        return kwargs

    def _view_name(self, query: ListQuery) -> str:
        return "all" if query.feed_id is not None or query.tag is not None else query.view

    async def count(self, query: ListQuery) -> int:
        """How many stories `query` shows (search results are capped)."""
        if query.search is not None:
            return len(await self.search(query.search))

        def work() -> int:
            return int(
                self.store.count_articles(
                    self._view_name(query), grouped=query.grouped, **self._list_kwargs(query)
                )
            )

        total = await self._on_db(work)
        self._totals[query] = total
        return total

    async def rows(self, query: ListQuery, offset: int, limit: int) -> list[ArticleRow]:
        """One page of the list, in the query's order."""
        if query.search is not None:
            hits = await self.search(query.search)
            return [hit.row for hit in hits[offset : offset + limit]]

        total = self._totals.get(query)

        def work() -> list[ArticleRow]:
            return list(
                self.store.list_articles(
                    self._view_name(query),
                    sort=query.sort,
                    limit=limit,
                    offset=offset,
                    grouped=query.grouped,
                    total=total,
                    **self._list_kwargs(query),
                )
            )

        return await self._on_db(work)

    async def story_rows(self, article_id: int) -> list[ArticleRow]:
        """Every report of this article's story, newest original first, reprints last."""
        return await self._on_db(lambda: list(self.store.story_rows(article_id)))

    async def view_counts(self) -> dict[str, int]:
        """Counts for the standard views, keyed as in `STANDARD_VIEWS`."""

        def work() -> dict[str, int]:
            return {str(k): int(v) for k, v in self.store.view_counts().items()}

        return await self._on_db(work)

    async def feeds(self) -> list[FeedStatus]:
        return await self._on_db(lambda: list(self.store.feeds()))

    async def tags(self) -> list[tuple[str, int]]:
        """Every tag in use with how many stories carry it."""

        def work() -> list[tuple[str, int]]:
            found = self.store.tags()
            if isinstance(found, dict):
                return sorted((str(k), int(v)) for k, v in found.items())
            pairs: list[tuple[str, int]] = []
            for item in found:
                if isinstance(item, tuple):
                    pairs.append((str(item[0]), int(item[1])))
                else:
                    pairs.append((str(item), int(self.store.count_articles("all", tag=item))))
            return pairs

        return await self._on_db(work)

    async def search(self, text: str) -> list[SearchHit]:
        """Full-text search over titles, bodies and page text, best matches first."""
        if self._searched is not None and self._searched[0] == text:
            return self._searched[1]

        def work() -> list[SearchHit]:
            # One more than is listed, to know whether the list is cut.
            found = self.store.search(text, SEARCH_LIMIT + 1)
            return [SearchHit(row, snippet) for row, snippet in found]

        hits = await self._on_db(work)
        self._search_cut = len(hits) > SEARCH_LIMIT
        hits = hits[:SEARCH_LIMIT]
        self._searched = (text, hits)
        return hits

    async def search_cut(self, text: str) -> bool:
        """Whether the search for `text` matched more stories than it lists."""
        await self.search(text)
        return self._search_cut

    # -- one story --------------------------------------------------------------------------

    async def article(self, article_id: int) -> Article | None:
        return await self._on_db(lambda: self.store.article(article_id))

    async def reading(self, article: Article) -> Reading:
        """The article's document and analysis: from the cache, or analysed and then cached."""
        key = article.analysis_key(self.summary_sentences)
        cached: Analysis | None = await self._on_db(lambda: self.store.cached_analysis(key))
        loop = asyncio.get_running_loop()
        if cached is not None:
            document = await loop.run_in_executor(self._cpu, _document, article)
            analysis = cached
        else:
            document, analysis = await loop.run_in_executor(self._cpu, self._analyse, article)
            if not self.read_only:
                await self._on_db(lambda: self.store.save_analysis(key, analysis))
        return Reading(article, document, analysis)

    def _analyse(self, article: Article) -> tuple[Document, Analysis]:
        """Clean and analyse on an analysis thread (pure CPU work, no store access)."""
        return _document(article), self.analyser(article, self.summary_sentences)

    async def fetch_story(self, article_id: int) -> Opening | None:
        """The article, its cached analysis and its related stories in one database trip.

        A cached story's text is cleaned on the database thread too (about a
        millisecond): under load every hop between threads costs more than that.
        """
        from briefing.errors import BriefingError

        sentences = self.summary_sentences

        def work() -> Opening | None:
            article = self.store.article(article_id)
            if article is None:
                return None
            problem = None
            unfiled = False
            try:
                related = tuple(self.store.related(article_id, RELATED_SHOWN))
                unfiled = not related and not self.store.story_members(article_id)
            except BriefingError as exc:
                related, problem = (), str(exc)
            cached = self.store.cached_analysis(article.analysis_key(sentences))
            reading = None
            if cached is not None:
                reading = Reading(article, _document(article), cached, related, unfiled)
            return Opening(article, reading, related, problem, unfiled)

        return await self._on_db(work)

    async def analyse(self, opening: Opening) -> Reading:
        """The reading of a story whose analysis was not cached: analysed, then cached."""
        reading = await self.reading(opening.article)
        return replace(reading, related=opening.related, unfiled=opening.unfiled)

    async def related(self, article_id: int, k: int = 8) -> list[RelatedRow]:
        """Other reports of the same story, best first."""

        return await self._on_db(lambda: list(self.store.related(article_id, k)))

    def ready(self, article_id: int) -> Reading | None:
        """The story as `read_ahead` left it (related stories included), if it did."""
        return self._ready.get((article_id, self.summary_sentences))

    def forget_ready(self) -> None:
        """Drop the stories read ahead and the last search: new articles may change both."""
        self._ready.clear()
        self._forget_views()

    async def read_ahead(self, article_ids: Sequence[int]) -> None:
        """Fetch, clean and analyse these stories now, so opening one needs no waiting."""
        for article_id in article_ids:
            key = (article_id, self.summary_sentences)
            if key in self._ready:
                self._ready.move_to_end(key)
                continue
            try:
                opening = await self.fetch_story(article_id)
                if opening is None or opening.related_problem is not None:
                    continue
                reading = opening.reading or await self.analyse(opening)
            except Exception as exc:  # noqa: BLE001 - opening the story will say what is wrong
                log.warning("reading article %s ahead failed: %r", article_id, exc)
                continue
            self._ready[key] = reading
            while len(self._ready) > READ_AHEAD_KEPT:
                self._ready.popitem(last=False)

    async def warm(self, article_ids: Sequence[int]) -> int:
        """Analyse stories ahead of the reader so opening them is instant; returns how many."""
        done = 0
        for article_id in article_ids:
            article = await self.article(article_id)
            if article is None:
                continue
            key = article.analysis_key(self.summary_sentences)
            if await self._on_db(lambda k=key: self.store.cached_analysis(k)) is not None:
                continue
            try:
                await self.reading(article)
            except Exception as exc:  # noqa: BLE001 - opening the story will say what is wrong
                log.warning("analysing article %s ahead failed: %r", article_id, exc)
                continue
            done += 1
        return done

    # -- triage -----------------------------------------------------------------------------

    async def set_flag(self, row: ArticleRow, flag: Flag, value: bool) -> ArticleRow:
        """Set one mark and return the row as it now is."""
        self._forget_views()
        await self._on_db(lambda: self.store.set_flag(row.id, flag, value))
        changes: dict[str, Any] = {flag: value}
        return replace(row, **changes)

    async def add_tag(self, row: ArticleRow, tag: str) -> ArticleRow:
        self._forget_views()
        await self._on_db(lambda: self.store.add_tag(row.id, tag))
        tags = row.tags if tag in row.tags else (*row.tags, tag)
        return replace(row, tags=tags)

    async def remove_tag(self, row: ArticleRow, tag: str) -> ArticleRow:
        self._forget_views()
        await self._on_db(lambda: self.store.remove_tag(row.id, tag))
        return replace(row, tags=tuple(t for t in row.tags if t != tag))

    async def set_last_briefing(self, when: datetime | None = None) -> datetime:
        """Mark now (or `when`) as the last briefing: "since last briefing" starts here."""
        stamp = when or datetime.now(UTC)
        await self._on_db(lambda: self.store.set_mark(LAST_BRIEFING, stamp))
        return stamp

    # -- feeds ------------------------------------------------------------------------------

    async def refreshable_feeds(self, *, due_only: bool) -> list[FeedStatus]:
        """Subscriptions a refresh would fetch (never the seeds folders)."""
        from briefing.refresh import select_feeds

        return await self._on_db(lambda: select_feeds(self.store, due_only=due_only))

    async def refresh(
        self,
        settings: Settings,
        feeds: Sequence[FeedStatus],
        on_feed: Callable[[FeedReport], None],
    ) -> RefreshReport:
        """Fetch `feeds`; the refresh module keeps store calls and parsing off the event loop."""
        from briefing.refresh import refresh

        self._forget_views()
        return await refresh(self.store, settings, feeds, on_feed=on_feed)

    # -- grouping ---------------------------------------------------------------------------

    async def unfiled_count(self, *, read_only_too: bool = False) -> int:
        """Saved articles not yet filed into related stories (a large refresh leaves them).

        0 in a read-only reader, which cannot file them, unless `read_only_too`.
        """
        if (self.read_only and not read_only_too) or self.closing or self._store is None:
            return 0
        return await self._on_db(lambda: self.store.unfiled_count())

    async def group_backlog(self, on_progress: Callable[[int, int], None]) -> int:
        """File every unfiled article into its story, on a thread of its own.

        Not on the database thread: each batch holds the store only briefly, so
        list reads go on between batches. `on_progress(done, total)` is called
        on that thread. `stop_grouping` ends it between two batches; a refresh
        (`grouping_paused`) stops it there too, and it goes on once the refresh is done.
        """
        from briefing.grouping import group_backlog

        filed = 0
        while not self.closing:
            await self._resumed.wait()
            async with self._grouping:
                if self._paused:
                    continue  # a refresh began while this waited for the last grouping
                stop = self._stop_grouping = threading.Event()

                def stopped(stop: threading.Event = stop) -> bool:
                    return stop.is_set() or self._paused > 0

                def report(done: int, total: int, stopped: Callable[[], bool] = stopped) -> None:
                    if not stopped():  # a stopped job's last batch is nobody's news
                        on_progress(done, total)

                job = self._grouping_job = self._grouper.submit(
                    group_backlog,
                    self.store,
                    batch=GROUPING_BATCH,
                    on_progress=report,
                    stop=stopped,
                )
                try:
                    filed += await asyncio.wrap_future(job)
                finally:
                    if not job.done():  # the worker was cancelled: the thread stops after its batch
                        stop.set()
                    self._forget_views()
                if stop.is_set() or not self._paused:
                    break
        return filed

    @contextlib.asynccontextmanager
    async def grouping_paused(self) -> AsyncIterator[None]:
        """No grouping files while the block runs (a refresh, which files its own articles).

        A running grouping stops after its batch, before the block begins; one
        started by someone else (the digest preview) then waits and goes on after it.
        """
        self._paused += 1
        self._resumed.clear()
        try:
            await self.grouping_finished()
            yield
        finally:
            self._paused -= 1
            if not self._paused:
                self._resumed.set()

    def stop_grouping(self) -> None:
        """Ask a running `group_backlog` to stop after its batch (a refresh takes over)."""
        self._stop_grouping.set()

    async def grouping_finished(self) -> None:
        """Wait for a running `group_backlog`, if any."""
        async with self._grouping:
            pass

    # -- digest -----------------------------------------------------------------------------

    async def digest_stories(
        self, view: str = "picked", problems: list[str] | None = None
    ) -> list[DigestStory]:
        """The stories a briefing of `view` would hold, with their analyses and outlets.

        A story left out or left without its analysis is said in `problems`, if given.
        """
        from briefing.digest_stories import build_digest_stories, digest_article_ids

        found: list[str] = []

        def work() -> list[DigestStory]:
            ids = digest_article_ids(self.store, view)
            return build_digest_stories(
                self.store,
                ids,
                sentences=self.summary_sentences,
                analyser=self.analyser,
                on_problem=lambda article_id, message: found.append(
                    f"article {article_id}: {message}"
                ),
            )

        stories = await self._on_db(work)
        for problem in found:
            log.warning("digest: %s", problem)
        if problems is not None:
            problems.extend(found)
        return stories

    async def render_digest(
        self, stories: Sequence[DigestStory], fmt: str, generated: datetime
    ) -> str:
        from briefing.digest import render_digest

        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._cpu, partial(render_digest, list(stories), fmt, generated=generated)
        )

    async def write_digest(
        self, stories: Sequence[DigestStory], path: Path, generated: datetime
    ) -> None:
        """Render in the format the file name asks for, write it in one step, move the mark.

        ValueError when the name's ending names no format Briefing writes (see
        `format_for_name`): nothing is written.
        """
        from briefing.atomic import write_text_atomically
        from briefing.digest import format_for_name

        fmt = format_for_name(path)
        if fmt is None:
            raise ValueError(f"{path.name}: name it .md, .html or .json")
        text = await self.render_digest(stories, fmt, generated)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._cpu, write_text_atomically, path, text)
        if not self.read_only:
            # The mark is the real time of writing: stories stored after it are "new".
            await self.set_last_briefing(datetime.now(UTC))
