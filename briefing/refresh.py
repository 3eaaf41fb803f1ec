"""Refreshing subscriptions: feeds from the store, fetched and parsed, saved back.

Web feeds go through `briefing.sources.fetch.fetch_all` (one shared client,
bounded concurrency, conditional GET); local feed files are read directly,
with their size and modification time standing in for an ETag. Each feed is
saved in its own transaction as soon as it lands, so a crash loses at most
the feeds still in flight and the reader can show new stories feed by feed.
After the run, retention expires old read/dismissed articles. This module
draws nothing: callers (the CLI, the reader) get a `FeedReport` per feed.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.config import Settings
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
    source = feed.title if feed.title != feed.url else (parsed.title or feed.title)
    return [entry.to_article(source=source, feed_id=feed.id) for entry in parsed.entries]


def _name(feed: FeedStatus, parsed: ParsedFeed | None) -> str:
    """The user's name for the feed, else the publisher's, else its address."""
    if feed.title != feed.url or parsed is None or not parsed.title:
        return feed.title
    return parsed.title


def _file_validator(path: Path) -> str:
    stat = path.stat()
    return f"file:{stat.st_mtime_ns}:{stat.st_size}"


def _read_local(path: Path, limit: int) -> bytes:
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OverflowError
    return data


async def _refresh_local(store: Store, feed: FeedStatus, settings: Settings) -> FeedReport:
    from briefing.sources.parse import parse_feed

    path = Path(feed.url)
    state = await asyncio.to_thread(store.fetch_state, feed.id)
    try:
        validator = _file_validator(path)
        if state.etag == validator:
            await asyncio.to_thread(store.record_fetch, feed.id, not_modified=True)
            return FeedReport(feed.id, feed.title, feed.url, not_modified=True)
        data = await asyncio.to_thread(_read_local, path, settings.network.max_bytes)
    except OverflowError:
        error = f"file larger than {settings.network.max_bytes:,} bytes"
    except OSError as exc:
        error = f"cannot read the file: {exc.strerror or exc}"
    else:
        parsed = await asyncio.to_thread(
            parse_feed, data, str(path), None, max_bytes=settings.network.max_bytes
        )
        articles = _articles(parsed, feed)
        saved = await asyncio.to_thread(
            store.record_fetch,
            feed.id,
            articles,
            error=parsed.error,
            etag=None if parsed.error else validator,
            title=parsed.title,
        )
        return FeedReport(
            feed.id,
            _name(feed, parsed),
            feed.url,
            new=saved.new,
            updated=saved.updated,
            error=parsed.error,
            problems=parsed.problems,
            article_ids=saved.ids,
        )
    await asyncio.to_thread(store.record_fetch, feed.id, error=error)
    return FeedReport(feed.id, feed.title, feed.url, error=error)


async def _save_outcome(store: Store, feed: FeedStatus, outcome: FeedOutcome) -> FeedReport:
    fetch = outcome.fetch
    parsed = outcome.parsed
    error = outcome.error
    articles = _articles(parsed, feed) if parsed is not None else []
    saved = await asyncio.to_thread(
        store.record_fetch,
        feed.id,
        articles,
        error=error,
        etag=fetch.etag,
        last_modified=fetch.last_modified,
        next_due=outcome.next_due,
        title=parsed.title if parsed is not None else None,
        new_url=fetch.permanent_redirect,
        not_modified=fetch.not_modified,
    )
    return FeedReport(
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
    """Fetch `feeds`, save each as it lands (calling `on_feed`), then apply retention."""
    from briefing.sources.fetch import FeedRequest, FetchState, fetch_all

    report = RefreshReport()

    async def deliver(feed_report: FeedReport) -> None:
        report.feeds.append(feed_report)
        if on_feed is not None:
            maybe = on_feed(feed_report)
            if inspect.isawaitable(maybe):
                await maybe

    local = [feed for feed in feeds if is_local_feed(feed.url)]
    web = [feed for feed in feeds if not is_local_feed(feed.url)]
    for feed in local:
        await deliver(await _refresh_local(store, feed, settings))

    by_id = {feed.id: feed for feed in web}
    states = await asyncio.to_thread(store.fetch_states, [feed.id for feed in web])
    requests = []
    for feed in web:
        state = states.get(feed.id)
        validators = FetchState(state.etag, state.last_modified) if state else FetchState()
        requests.append(FeedRequest(feed.url, validators, feed.id))

    async def landed(outcome: FeedOutcome) -> None:
        key = outcome.request.key
        assert isinstance(key, int)  # the feed id given to FeedRequest above
        feed = by_id[key]
        await deliver(await _save_outcome(store, feed, outcome))

    if requests:
        mode: ParseMode = parse or ("process" if len(requests) >= PROCESS_POOL_FROM else "thread")
        await fetch_all(
            requests,
            settings.network,
            landed,
            client=client,
            parse=mode,
            deadline=deadline,
        )
    if settings.general.retention_days > 0:
        report.expired = await asyncio.to_thread(store.expire, settings.general.retention_days)
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
