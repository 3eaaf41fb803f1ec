"""Download feeds politely and defensively over one shared `httpx.AsyncClient`.

`fetch_feed` gets one feed: conditional GET (ETag / Last-Modified), redirects
followed by hand (loops, non-web schemes and permanent moves are reported), a
streamed body capped in size after gzip/deflate decoding (bombs stop early),
connect/read timeouts and an overall per-feed deadline. It never raises for
network trouble: the `FetchResult` carries `error`. `fetch_all` runs many
feeds with bounded concurrency (overall and per host), parses each body off
the event loop (a process pool by default: feedparser is CPU-bound) and calls
back as each feed lands, so one slow or broken feed never holds up the rest.
This module knows nothing of the store; the caller persists results.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import email.utils
import functools
import inspect
import logging
import os
import re
import time
import zlib
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpx

from briefing.config import NetworkSettings
from briefing.processes import spawn_pool
from briefing.safety import strip_controls
from briefing.sources.hostqueue import HostQueue
from briefing.sources.parse import ParsedFeed, parse_feed, parser_process_started

__all__ = [
    "DEFAULT_INTERVAL",
    "FeedOutcome",
    "FeedRequest",
    "FetchResult",
    "FetchState",
    "fetch_all",
    "fetch_feed",
    "make_client",
    "next_due",
]

DEFAULT_INTERVAL = timedelta(hours=1)
MIN_INTERVAL = timedelta(minutes=5)
MAX_INTERVAL = timedelta(days=7)
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
_REDIRECTS = (301, 302, 303, 307, 308)
_PERMANENT = (301, 308)
# The request extension where `_note_location` keeps a redirect's Location.
_LOCATION = "briefing.location"
_MAX_AGE = re.compile(r"(?:^|,)\s*(s-maxage|max-age)\s*=\s*\"?(\d+)", re.I)
_HEADER_TEXT = re.compile(r"[\x20-\x7e]+")
_CHUNK = 65_536
# A leftover body up to this size is read to the end so its connection can be kept.
_REUSE_BODY_LIMIT = 16_384

ParseMode = Literal["process", "thread", "inline"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FetchState:
    """What the store remembers between fetches of one feed, for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchResult:
    """One fetch: the body (None for 304 or failure), where it came from, when to come back."""

    url: str
    final_url: str
    status: int | None = None
    body: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    permanent_redirect: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    retry_after: float | None = None
    max_age: float | None = None
    error: str | None = None
    elapsed: float = 0.0

    def __post_init__(self) -> None:
        # An error can quote the server (a status line's reason phrase, a Location): it is
        # stored and shown, so it keeps no escape sequence or control character.
        if self.error:
            object.__setattr__(self, "error", strip_controls(self.error))

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def state(self) -> FetchState:
        """The validators to send next time."""
        return FetchState(self.etag, self.last_modified)


@dataclass(frozen=True)
class FeedRequest:
    """A feed to fetch: its URL, the remembered validators and a key the caller recognises."""

    url: str
    state: FetchState = field(default_factory=FetchState)
    key: object = None


@dataclass(frozen=True)
class FeedOutcome:
    """A fetched feed and, when there was a body, its parse."""

    request: FeedRequest
    fetch: FetchResult
    parsed: ParsedFeed | None
    next_due: datetime

    @property
    def validators(self) -> FetchState:
        """The ETag/Last-Modified to store: none after a failed parse, so it is fetched again."""
        if self.parsed is not None and self.parsed.error:
            return FetchState()
        return self.fetch.state

    @property
    def error(self) -> str | None:
        """Why this feed failed, or None."""
        if self.fetch.error:
            return self.fetch.error
        if self.parsed is not None and self.parsed.error:
            return self.parsed.error
        return None


def make_client(settings: NetworkSettings) -> httpx.AsyncClient:
    """The one client a refresh shares: timeouts, connection limits and our User-Agent."""
    from briefing.sources.transport import make_transport

    limits = httpx.Limits(
        max_connections=settings.concurrency,
        max_keepalive_connections=settings.concurrency,
    )
    return httpx.AsyncClient(
        timeout=httpx.Timeout(
            connect=settings.connect_timeout,
            read=settings.read_timeout,
            write=settings.read_timeout,
            pool=settings.feed_deadline,
        ),
        limits=limits,
        transport=make_transport(limits),
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        follow_redirects=False,
        event_hooks={"response": [_note_location]},
    )


async def _note_location(response: httpx.Response) -> None:
    """Keep a redirect's Location on its request: httpx refuses some before we see them."""
    location = response.headers.get("location")
    if location is not None:
        response.request.extensions[_LOCATION] = location


def _refused_redirect(current: str, request: httpx.Request, exc: httpx.InvalidURL) -> str:
    """Why a redirect httpx refused cannot be followed, naming where it pointed if known."""
    location = request.extensions.get(_LOCATION)
    if not isinstance(location, str):
        return f"redirected to an address that cannot be fetched: {exc}"
    try:
        reason = _web_url(urljoin(current, location.strip())) or str(exc)
    except ValueError:
        reason = str(exc)
    return f"redirected to {location[:200]!r}, which cannot be fetched: {reason}"


def _web_url(url: str) -> str | None:
    """Why `url` cannot be fetched, or None when it is an http(s) address."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return f"not a valid address: {url[:200]!r}"
    if parts.scheme.lower() not in ("http", "https"):
        return f"refusing a {parts.scheme or 'scheme-less'} address (only http and https)"
    if not parts.hostname:
        return "address has no host"
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return f"not a valid port in {url[:200]!r}"
    return None


def _seconds(value: str | None, now: float) -> float | None:
    """A Retry-After value (seconds or an HTTP date) as seconds from now."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def _validator(value: str | None) -> str | None:
    """An ETag or Last-Modified worth keeping: one that can be sent back as it came.

    A request header must be printable ASCII. A server that sends "café" (or a
    control character) in one would otherwise have every later request to that
    feed fail before it leaves, for as long as the value stays stored.
    """
    if not value or not _HEADER_TEXT.fullmatch(value):
        return None
    return value


def _max_age(headers: httpx.Headers) -> float | None:
    cache = headers.get("cache-control", "")
    if "no-store" in cache.lower() or "no-cache" in cache.lower():
        return 0.0
    match = _MAX_AGE.search(cache)
    return float(match.group(2)) if match else None


class _Decoder:
    """gzip/deflate decoding that refuses to grow past a byte limit."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.size = 0
        encoding = encoding.strip().lower()
        self._zlib: zlib._Decompress | None = None
        self._deflate = encoding == "deflate"
        if encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding not in ("", "identity", "deflate"):
            raise ValueError(f"unsupported Content-Encoding {encoding!r}")

    def feed(self, chunk: bytes) -> bytes:
        if self._deflate and self._zlib is None:
            # "deflate" is zlib-wrapped by the spec but raw in practice; the first byte tells.
            wbits = zlib.MAX_WBITS if chunk[:1] and (chunk[0] & 0x0F) == 8 else -zlib.MAX_WBITS
            self._zlib = zlib.decompressobj(wbits)
        if self._zlib is None:
            out = chunk
        else:
            out = self._zlib.decompress(chunk, self.limit - self.size + 1)
            if self._zlib.unconsumed_tail:
                raise OverflowError
        self.size += len(out)
        if self.size > self.limit:
            raise OverflowError
        return out


async def _read_body(response: httpx.Response, limit: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if (
        declared.isdigit()
        and int(declared) > limit
        and not response.headers.get("content-encoding")
    ):
        raise OverflowError
    decoder = _Decoder(response.headers.get("content-encoding", ""), limit)
    parts: list[bytes] = []
    async for chunk in response.aiter_raw(_CHUNK):
        parts.append(decoder.feed(chunk))
    return b"".join(parts)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return "timed out connecting"
    if isinstance(exc, httpx.ReadTimeout):
        return "timed out waiting for data"
    if isinstance(exc, httpx.PoolTimeout):
        return "timed out waiting for a free connection"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.ConnectError):
        text = str(exc) or type(exc).__name__
        if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
            return f"TLS failure: {text}"
        return f"cannot connect: {text}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"server broke the HTTP protocol: {exc}"
    return f"{type(exc).__name__}: {exc}"


async def fetch_feed(
    client: httpx.AsyncClient,
    url: str,
    state: FetchState | None = None,
    settings: NetworkSettings | None = None,
    *,
    accept: str = ACCEPT,
) -> FetchResult:
    """GET `url` conditionally; never raises for network or server trouble."""
    settings = settings or NetworkSettings()
    state = state or FetchState()
    started = time.monotonic()
    current = url
    permanent = True
    redirected = False
    seen = {url}
    headers = {"Accept": accept}
    etag = _validator(state.etag)
    last_modified = _validator(state.last_modified)
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified

    def done(**values: object) -> FetchResult:
        # Only a move that ends in a working feed is worth rewriting the subscription for.
        landed = values.get("error") is None
        moved = current if landed and redirected and permanent and current != url else None
        fields: dict[str, object] = {
            "url": url,
            "final_url": current,
            "permanent_redirect": moved,
            "elapsed": time.monotonic() - started,
        }
        fields.update(values)
        return FetchResult(**fields)  # type: ignore[arg-type]

    try:
        async with asyncio.timeout(settings.feed_deadline):
            for _hop in range(settings.max_redirects + 1):
                problem = _web_url(current)
                if problem:
                    return done(error=problem)
                request = client.build_request("GET", current, headers=headers)
                try:
                    response = await client.send(request, stream=True)
                except httpx.InvalidURL as exc:
                    # httpx checks a redirect's Location before handing the response back.
                    return done(error=_refused_redirect(current, request, exc))
                try:
                    status = response.status_code
                    location = response.headers.get("location")
                    if status in _REDIRECTS and not (location or "").strip():
                        # Resolved against this address, an empty Location would read as a loop.
                        return done(status=status, error=f"HTTP {status} redirect names no address")
                    if status in _REDIRECTS and location is not None:
                        # As the request will go: a space or a non-ASCII letter in the
                        # Location percent-encoded, so a permanent move stores a usable address.
                        target = str(httpx.URL(urljoin(current, location.strip())))
                        if target in seen:
                            return done(status=status, error=f"redirect loop back to {target}")
                        seen.add(target)
                        permanent = permanent and status in _PERMANENT
                        redirected = True
                        current = target
                        continue
                    simple = {k.lower(): v for k, v in response.headers.items()}
                    common = {
                        "status": status,
                        "headers": simple,
                        "etag": _validator(response.headers.get("etag")) or etag,
                        "last_modified": _validator(response.headers.get("last-modified"))
                        or last_modified,
                        "max_age": _max_age(response.headers),
                        "retry_after": _seconds(response.headers.get("retry-after"), time.time())
                        if status in (429, 503)
                        else None,
                    }
                    if status == 304:
                        if not (etag or last_modified):
                            # Nothing was asked conditionally, so there is no copy to keep.
                            common.update(etag=None, last_modified=None)
                            return done(**common, error="HTTP 304 Not Modified to a first request")
                        return done(**common)
                    if status >= 400 or status < 200:
                        reason = response.reason_phrase or "error"
                        return done(**common, error=f"HTTP {status} {reason}".strip())
                    try:
                        body = await _read_body(response, settings.max_bytes)
                    except OverflowError:
                        return done(
                            **common, error=f"body larger than {settings.max_bytes:,} bytes"
                        )
                    except (ValueError, zlib.error) as exc:
                        return done(**common, error=f"cannot decode the body: {exc}")
                    common["etag"] = _validator(response.headers.get("etag"))
                    common["last_modified"] = _validator(response.headers.get("last-modified"))
                    return done(**common, body=body)
                finally:
                    await _release(response)
            return done(error=f"more than {settings.max_redirects} redirects")
    except TimeoutError:
        return done(error=f"no complete answer within {settings.feed_deadline:g} s")
    except httpx.InvalidURL as exc:
        return done(error=f"not a valid address: {exc}")
    except httpx.HTTPError as exc:
        return done(error=_describe(exc))
    except (ValueError, UnicodeError) as exc:
        # A malformed header or address from the server: that feed's problem, not ours.
        return done(error=f"unusable response: {exc}")


async def _release(response: httpx.Response) -> None:
    """Close a response, first reading what is left of a short body (a 304, a redirect,
    an error page) so its connection can carry the next request to that host."""
    if not response.is_stream_consumed:
        read = 0
        async for chunk in response.aiter_raw():
            read += len(chunk)
            if read > _REUSE_BODY_LIMIT:
                break  # not worth reading on: the connection is dropped instead
    await response.aclose()


def next_due(
    result: FetchResult,
    ttl_minutes: int | None = None,
    *,
    interval: timedelta = DEFAULT_INTERVAL,
    now: datetime | None = None,
) -> datetime:
    """When to fetch again: Retry-After first, then the longer of max-age and the RSS ttl."""
    now = now or datetime.now(UTC)
    if result.retry_after is not None:
        wait = _bounded(result.retry_after)
        return now + min(max(wait, MIN_INTERVAL), MAX_INTERVAL)
    wait = interval
    hints = []
    if result.max_age is not None:
        hints.append(_bounded(result.max_age))
    if ttl_minutes is not None:
        hints.append(timedelta(minutes=ttl_minutes))
    if hints:
        wait = max(max(hints), MIN_INTERVAL)
    if result.error and result.status is not None and result.status >= 500:
        wait = max(wait, interval)
    return now + min(wait, MAX_INTERVAL)


def _bounded(seconds: float) -> timedelta:
    """A server's wait as a timedelta no longer than MAX_INTERVAL.

    The number comes from a header: "Retry-After: 99999999999999999999" would
    overflow timedelta, and NaN compares false with everything.
    """
    if not seconds >= 0:  # negative or NaN
        return timedelta(0)
    return timedelta(seconds=min(seconds, MAX_INTERVAL.total_seconds()))


def _executor(mode: ParseMode, workers: int | None) -> concurrent.futures.Executor | None:
    if mode == "inline":
        return None
    count = workers or max(1, min(4, os.cpu_count() or 1))
    if mode == "thread":
        return concurrent.futures.ThreadPoolExecutor(count, thread_name_prefix="feed-parse")
    try:
        return spawn_pool(count, initializer=parser_process_started)
    except OSError as exc:  # no new processes allowed here: parse on threads instead
        log.warning("parsing feeds on threads: no parser processes (%s)", exc)
        return concurrent.futures.ThreadPoolExecutor(count, thread_name_prefix="feed-parse")


OnResult = Callable[[FeedOutcome], Awaitable[None] | None]


async def fetch_all(
    feeds: Iterable[FeedRequest | tuple[str, FetchState]],
    settings: NetworkSettings | None = None,
    on_result: OnResult | None = None,
    *,
    client: httpx.AsyncClient | None = None,
    parse: ParseMode = "process",
    workers: int | None = None,
    deadline: float | None = None,
    interval: timedelta = DEFAULT_INTERVAL,
    collect: bool | None = None,
) -> list[FeedOutcome]:
    """Fetch and parse every feed concurrently, calling `on_result` as each one lands.

    `deadline` (seconds) bounds the whole run: feeds still in flight then are
    reported as failed. Once a body is parsed it is dropped from the outcome
    (`fetch.body` is None) to keep memory flat. The outcomes are also returned,
    in the order they landed, when `collect` is true (the default only when
    there is no `on_result`: a caller that handles each feed needs no list).
    """
    keep = on_result is None if collect is None else collect
    settings = settings or NetworkSettings()
    requests = [f if isinstance(f, FeedRequest) else FeedRequest(f[0], f[1]) for f in feeds]
    # Twice the connections: enough to keep parsers busy while the next bodies download.
    in_flight = asyncio.Semaphore(2 * settings.concurrency)
    waiting = HostQueue(requests, _host_of, settings.per_host)
    outcomes: list[FeedOutcome] = []
    own_client = client is None
    http = client or make_client(settings)
    executor = _executor(parse, workers)
    loop = asyncio.get_running_loop()

    async def parse_body(result: FetchResult) -> ParsedFeed | None:
        if result.body is None:
            return None
        # A partial of `parse_feed` itself: a parser process then imports only the parsing
        # modules, not this one (httpx is ten megabytes per process).
        job = functools.partial(
            parse_feed, result.body, result.final_url, result.headers, max_bytes=settings.max_bytes
        )
        nonlocal executor
        pool = executor
        try:
            if pool is None:
                return job()
            return await loop.run_in_executor(pool, job)
        except concurrent.futures.BrokenExecutor as exc:
            return ParsedFeed(result.final_url, None, error=f"parser crashed: {exc}")
        except OSError as exc:
            # Parsing reads bytes in memory: an OSError is the pool failing to start a
            # process (a process limit, say). Parse this feed and the rest on threads.
            if not isinstance(pool, concurrent.futures.ProcessPoolExecutor):
                raise
            if executor is pool:
                log.warning("parsing feeds on threads: a parser process failed to start (%s)", exc)
                executor = _executor("thread", workers)
                pool.shutdown(wait=False)
            return await loop.run_in_executor(executor, job)

    delivered: set[int] = set()

    async def deliver(outcome: FeedOutcome) -> None:
        delivered.add(id(outcome.request))
        if keep:
            outcomes.append(outcome)
        if on_result is not None:
            maybe = on_result(outcome)
            if inspect.isawaitable(maybe):
                await maybe

    async def failed(request: FeedRequest, error: BaseException) -> None:
        result = FetchResult(request.url, request.url, error=f"internal error: {error!r}")
        await deliver(FeedOutcome(request, result, None, next_due(result)))

    async def finish(request: FeedRequest, result: FetchResult) -> None:
        # Holds its place in `in_flight` until the outcome is handed over: bodies waiting
        # for a parser, and parses waiting for a slow `on_result`, never pile up in memory.
        try:
            try:
                parsed = await parse_body(result)
                if result.body is not None:
                    result = dataclasses.replace(result, body=None)
                ttl = parsed.ttl_minutes if parsed is not None else None
                outcome = FeedOutcome(
                    request, result, parsed, next_due(result, ttl, interval=interval)
                )
            except Exception as exc:  # one feed's surprise is that feed's failure, not the run's
                await failed(request, exc)
                return
            await deliver(outcome)  # raises only what `on_result` raised (the store failing)
        finally:
            in_flight.release()

    finishing: set[asyncio.Task[None]] = set()

    async def fetcher() -> None:
        host: str | None = None
        while (taken := await waiting.take(host)) is not None:
            request, host = taken
            await in_flight.acquire()
            try:
                result = await fetch_feed(http, request.url, request.state, settings)
            except Exception as exc:
                in_flight.release()
                await failed(request, exc)
                continue
            except BaseException:
                in_flight.release()
                raise
            finally:
                waiting.done(host)
            task = asyncio.create_task(finish(request, result))
            finishing.add(task)

    async def run_all() -> None:
        fetchers = [asyncio.create_task(fetcher()) for _ in range(settings.concurrency)]
        try:
            await asyncio.gather(*fetchers)
            # Parses still running; each raises only what `on_result` raised.
            await asyncio.gather(*finishing)
        finally:
            for task in (*fetchers, *finishing):
                task.cancel()
            await asyncio.wait({*fetchers, *finishing})

    try:
        if requests:
            everything = asyncio.create_task(run_all())
            try:
                _done, late = await asyncio.wait({everything}, timeout=deadline)
            except BaseException:  # our caller gave up (the reader closing): stop fetching
                everything.cancel()
                raise
            if late:
                everything.cancel()
                await asyncio.wait(late)
            elif everything.exception() is not None:
                raise everything.exception()  # type: ignore[misc]
            for request in requests:
                if id(request) not in delivered:
                    result = FetchResult(
                        request.url,
                        request.url,
                        error=f"refresh deadline of {deadline:g} s passed",
                    )
                    await deliver(FeedOutcome(request, result, None, next_due(result)))
    finally:
        if own_client:
            await http.aclose()
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
    return outcomes


def _host_of(request: FeedRequest) -> str:
    try:
        return (urlsplit(request.url).hostname or "").lower()
    except ValueError:
        return ""
