"""Fetching: status codes, conditional GET, redirects, size caps, bombs, slow and silent servers.

All offline: httpx.MockTransport for protocol cases, a server on 127.0.0.1 for real sockets.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from briefing.config import NetworkSettings
from briefing.sources.fetch import (
    FeedOutcome,
    FeedRequest,
    FetchResult,
    FetchState,
    fetch_all,
    fetch_feed,
    make_client,
    next_due,
)

RSS = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Mock</title><ttl>120</ttl>'
    b"<item><title>One</title><link>https://m.example/1</link></item></channel></rss>"
)
FAST = NetworkSettings(
    concurrency=4,
    per_host=2,
    connect_timeout=1.0,
    read_timeout=1.0,
    feed_deadline=2.0,
    max_bytes=100_000,
    max_redirects=3,
)

Handler = Callable[[httpx.Request], httpx.Response]


def _response(
    status: int, *, content: bytes = b"", headers: dict[str, str] | None = None
) -> httpx.Response:
    """A response streamed like a real one (mock responses are otherwise pre-read)."""
    return httpx.Response(status, headers=headers, stream=httpx.ByteStream(content))


def _client(handler: Handler) -> httpx.AsyncClient:
    client = make_client(FAST)
    client._transport = httpx.MockTransport(handler)  # the shared client, with a fake network
    return client


async def _fetch(handler: Handler, url: str = "https://m.example/feed", state=None) -> FetchResult:
    async with _client(handler) as client:
        return await fetch_feed(client, url, state or FetchState(), FAST)


async def test_200_returns_the_body_validators_and_sends_our_user_agent():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return _response(200, content=RSS, headers={"ETag": '"v1"', "Last-Modified": "x"})

    result = await _fetch(handler)
    assert result.ok and result.status == 200 and result.body == RSS
    assert result.state == FetchState('"v1"', "x")
    assert seen[0].headers["user-agent"] == FAST.user_agent
    assert "gzip" in seen[0].headers["accept-encoding"]


async def test_conditional_get_sends_validators_and_304_has_no_body():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers.get("if-none-match") == '"v1"':
            assert request.headers["if-modified-since"] == "Mon, 01 Jan 2024 00:00:00 GMT"
            return _response(304)
        return _response(200, content=RSS)

    state = FetchState('"v1"', "Mon, 01 Jan 2024 00:00:00 GMT")
    result = await _fetch(handler, state=state)
    assert result.not_modified and result.ok and result.body is None
    assert result.state == state  # kept for the next time


async def test_a_304_to_an_unconditional_request_is_a_failure_not_an_empty_feed():
    result = await _fetch(lambda request: _response(304, headers={"ETag": '"v9"'}))
    assert result.not_modified and not result.ok and "304" in (result.error or "")
    assert result.state == FetchState()  # its ETag would make every later fetch a 304


@pytest.mark.parametrize("status", [404, 410, 500])
async def test_http_errors_are_reported(status: int):
    result = await _fetch(lambda request: _response(status))
    assert not result.ok and result.error is not None and str(status) in result.error
    assert result.body is None


@pytest.mark.parametrize(
    ("status", "retry"), [(429, "120"), (503, "Wed, 21 Oct 2099 07:28:00 GMT")]
)
async def test_retry_after_sets_the_next_fetch(status: int, retry: str):
    result = await _fetch(lambda r: _response(status, headers={"Retry-After": retry}))
    assert result.retry_after is not None and result.retry_after >= 120
    now = datetime(2030, 1, 1, tzinfo=UTC)
    assert next_due(result, now=now) >= now + timedelta(seconds=120)


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("Retry-After", "99999999999999999999"),
        ("Retry-After", "9" * 400),
        ("Retry-After", "\u00b2"),
        ("Cache-Control", "max-age=" + "9" * 400),
    ],
)
async def test_absurd_waits_from_a_server_are_capped_not_fatal(header: str, value: str):
    result = await _fetch(
        lambda r: _response(503, headers={header: value.encode("latin-1").decode("latin-1")})
    )
    now = datetime(2030, 1, 1, tzinfo=UTC)
    assert now < next_due(result, now=now) <= now + timedelta(days=7)


async def test_one_feed_with_an_absurd_retry_after_leaves_the_others_stored_in_a_refresh():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/busy":
            return _response(503, headers={"Retry-After": "99999999999999999999"})
        return _response(200, content=RSS)

    urls = ["https://m.example/busy", "https://m.example/a", "https://n.example/b"]
    async with _client(handler) as client:
        outcomes = await fetch_all(
            [(u, FetchState()) for u in urls], FAST, client=client, parse="inline"
        )
    by_url = {o.request.url: o for o in outcomes}
    assert by_url["https://m.example/busy"].error is not None
    assert by_url["https://m.example/a"].parsed is not None
    assert by_url["https://n.example/b"].parsed is not None


async def test_a_port_past_65535_is_a_clear_failure_directly_or_by_redirect():
    def handler(request: httpx.Request) -> httpx.Response:
        return _response(302, headers={"Location": "http://127.0.0.1:99999/feed"})

    direct = await _fetch(handler, url="http://127.0.0.1:99999/feed")
    redirected = await _fetch(handler)
    for result in (direct, redirected):
        assert result.body is None
        assert result.error is not None and "port" in result.error


def test_next_due_uses_max_age_and_ttl_within_bounds():
    now = datetime(2030, 1, 1, tzinfo=UTC)
    plain = FetchResult("u", "u", status=200)
    assert next_due(plain, now=now) == now + timedelta(hours=1)
    assert next_due(plain, 120, now=now) == now + timedelta(minutes=120)
    cached = FetchResult("u", "u", status=200, max_age=30)
    assert next_due(cached, now=now) == now + timedelta(minutes=5)  # never hammer
    huge = FetchResult("u", "u", status=200, max_age=10**9)
    assert next_due(huge, now=now) == now + timedelta(days=7)


async def test_cache_control_max_age_is_read():
    result = await _fetch(
        lambda r: _response(200, content=RSS, headers={"Cache-Control": "public, max-age=900"})
    )
    assert result.max_age == 900


def _redirects(table: dict[str, tuple[int, str]]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        hop = table.get(str(request.url))
        if hop is None:
            return _response(200, content=RSS)
        return _response(hop[0], headers={"Location": hop[1]})

    return handler


async def test_permanent_redirects_are_reported_for_the_store():
    handler = _redirects(
        {
            "https://m.example/feed": (301, "/moved"),
            "https://m.example/moved": (308, "https://new.example/feed"),
        }
    )
    result = await _fetch(handler)
    assert result.ok and result.final_url == "https://new.example/feed"
    assert result.permanent_redirect == "https://new.example/feed"


async def test_a_permanent_move_to_a_broken_address_is_not_reported_as_a_move():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/feed":
            return _response(301, headers={"Location": "/gone"})
        return _response(404)

    result = await _fetch(handler)
    assert result.error is not None and "404" in result.error
    assert result.permanent_redirect is None


async def test_a_temporary_hop_makes_the_move_not_permanent():
    handler = _redirects(
        {
            "https://m.example/feed": (301, "https://m.example/a"),
            "https://m.example/a": (302, "https://m.example/b"),
        }
    )
    result = await _fetch(handler)
    assert result.ok and result.final_url == "https://m.example/b"
    assert result.permanent_redirect is None


async def test_redirect_loops_are_reported():
    handler = _redirects(
        {
            "https://m.example/feed": (302, "https://m.example/a"),
            "https://m.example/a": (302, "https://m.example/feed"),
        }
    )
    result = await _fetch(handler)
    assert result.error is not None and "loop" in result.error


async def test_too_many_redirects_are_reported():
    table = {f"https://m.example/{i}": (302, f"https://m.example/{i + 1}") for i in range(10)}
    result = await _fetch(_redirects(table), url="https://m.example/0")
    assert result.error is not None and "redirects" in result.error


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://x/y"])
async def test_redirects_to_other_schemes_are_refused(target: str):
    result = await _fetch(_redirects({"https://m.example/feed": (302, target)}))
    assert result.error is not None and "only http and https" in result.error
    assert result.body is None


@pytest.mark.parametrize(
    ("target", "scheme"), [("javascript:alert(1)", "javascript"), ("data:text/xml,<rss/>", "data")]
)
async def test_redirects_to_scripts_and_data_are_refused_naming_where_they_point(
    target: str, scheme: str
):
    result = await _fetch(_redirects({"https://m.example/feed": (302, target)}))
    assert result.error == (
        f"redirected to {target!r}, which cannot be fetched: "
        f"refusing a {scheme} address (only http and https)"
    )
    assert result.body is None


async def test_non_web_urls_are_refused_without_a_request():
    result = await _fetch(lambda r: pytest.fail("no request expected"), url="file:///etc/passwd")
    assert result.error is not None and "refusing" in result.error


async def test_gzip_and_deflate_bodies_are_decoded():
    for encoding, packed in (
        ("gzip", gzip.compress(RSS)),
        ("deflate", zlib.compress(RSS)),
        ("deflate", zlib.compress(RSS, wbits=-15) if False else _raw_deflate(RSS)),
    ):
        result = await _fetch(
            lambda r, p=packed, e=encoding: _response(
                200, content=p, headers={"Content-Encoding": e}
            )
        )
        assert result.body == RSS, encoding


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


async def test_gzip_bombs_stop_at_the_size_cap():
    bomb = gzip.compress(b"\x00" * 20_000_000)
    result = await _fetch(
        lambda r: _response(200, content=bomb, headers={"Content-Encoding": "gzip"})
    )
    assert result.error is not None and "larger than" in result.error
    assert result.body is None


async def test_oversize_bodies_are_refused():
    result = await _fetch(lambda r: _response(200, content=b"x" * 200_000))
    assert result.error is not None and "larger than" in result.error


async def test_unknown_content_encoding_is_an_error():
    result = await _fetch(
        lambda r: _response(200, content=b"??", headers={"Content-Encoding": "zstd-9"})
    )
    assert result.error is not None and "Content-Encoding" in result.error


async def test_connection_failures_are_reported():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("name does not resolve", request=request)

    result = await _fetch(handler)
    assert result.error is not None and "cannot connect" in result.error


# --- a real server on 127.0.0.1 -------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        if self.path.startswith("/drip"):
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(1000):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)
                    if self.server.stopping:  # type: ignore[attr-defined]
                        return
            except OSError:
                return
            return
        if self.path.startswith("/slow"):
            time.sleep(0.5)
        body = RSS.replace(b"Mock", self.path.encode())
        if self.headers.get("If-None-Match") == '"e"':
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("ETag", '"e"')
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.stopping = False  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.stopping = True  # type: ignore[attr-defined]
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def silent() -> Iterator[str]:
    """A port that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(50)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


async def test_a_server_that_never_answers_times_out(silent: str):
    settings = NetworkSettings(read_timeout=0.3, connect_timeout=0.3, feed_deadline=5.0)
    async with make_client(settings) as client:
        result = await fetch_feed(client, silent + "/feed", None, settings)
    assert result.error is not None and "timed out" in result.error


async def test_a_server_that_drips_is_cut_off_at_the_feed_deadline(server: str):
    settings = NetworkSettings(read_timeout=5.0, feed_deadline=0.8)
    async with make_client(settings) as client:
        result = await fetch_feed(client, server + "/drip", None, settings)
    assert result.error is not None and "within 0.8 s" in result.error


async def test_tls_to_a_plain_server_is_a_reported_failure(server: str):
    settings = NetworkSettings(read_timeout=1.0, connect_timeout=1.0, feed_deadline=3.0)
    async with make_client(settings) as client:
        result = await fetch_feed(client, server.replace("http:", "https:") + "/x", None, settings)
    assert result.error is not None and result.body is None


async def test_fetch_all_delivers_each_feed_as_it_lands_and_isolates_failures(
    server: str, silent: str
):
    settings = NetworkSettings(
        concurrency=8, per_host=4, read_timeout=0.5, connect_timeout=0.5, feed_deadline=1.5
    )
    landed: list[str] = []

    def on_result(outcome: FeedOutcome) -> None:
        landed.append(outcome.request.url)

    urls = [server + "/drip", silent + "/never", server + "/a", server + "/b", "ftp://x/y"]
    outcomes = await fetch_all(
        [(u, FetchState()) for u in urls], settings, on_result, parse="thread", collect=True
    )
    assert sorted(landed) == sorted(urls)
    by_url = {o.request.url: o for o in outcomes}
    assert landed.index(server + "/a") < landed.index(server + "/drip")
    assert by_url[server + "/a"].parsed is not None
    assert by_url[server + "/a"].parsed.title == "/a"
    assert by_url[server + "/a"].error is None
    for bad in (server + "/drip", silent + "/never", "ftp://x/y"):
        assert by_url[bad].error is not None
    assert by_url[server + "/a"].next_due > datetime.now(UTC) + timedelta(minutes=100)  # ttl 120


async def test_fetch_all_warm_run_is_all_304_with_no_parsing(server: str):
    urls = [f"{server}/feed{i}" for i in range(6)]
    cold = await fetch_all([(u, FetchState()) for u in urls], FAST, parse="process", workers=2)
    assert all(o.parsed is not None and o.parsed.ok for o in cold)
    assert all(o.fetch.body is None for o in cold)  # parsed bodies are not kept in memory
    warm_requests = [FeedRequest(o.request.url, o.fetch.state, key=i) for i, o in enumerate(cold)]
    warm = await fetch_all(warm_requests, FAST, parse="process", workers=2)
    assert all(o.fetch.not_modified and o.parsed is None and o.error is None for o in warm)
    assert sorted(o.request.key for o in warm) == list(range(6))


async def test_fetch_all_overall_deadline_reports_the_feeds_in_flight(server: str):
    settings = NetworkSettings(read_timeout=10.0, feed_deadline=10.0)
    landed: list[FeedOutcome] = []

    async def on_result(outcome: FeedOutcome) -> None:
        landed.append(outcome)

    outcomes = await fetch_all(
        [(server + "/drip", FetchState()), (server + "/ok", FetchState())],
        settings,
        on_result,
        parse="inline",
        deadline=1.0,
        collect=True,
    )
    assert len(outcomes) == len(landed) == 2
    errors = {o.request.url: o.error for o in outcomes}
    assert errors[server + "/ok"] is None
    assert "deadline" in (errors[server + "/drip"] or "")


async def test_fetch_all_with_a_callback_keeps_no_list_unless_asked(server: str):
    seen: list[FeedOutcome] = []
    returned = await fetch_all([(server + "/x", FetchState())], FAST, seen.append, parse="inline")
    assert returned == []
    assert len(seen) == 1 and seen[0].parsed is not None and seen[0].parsed.title == "/x"


def test_validators_are_dropped_when_the_body_did_not_parse():
    from briefing.sources.parse import ParsedFeed

    fetched = FetchResult("u", "u", status=200, etag='"e"', last_modified="then")
    good = FeedOutcome(FeedRequest("u"), fetched, ParsedFeed("u", "rss"), datetime.now(UTC))
    bad = FeedOutcome(FeedRequest("u"), fetched, ParsedFeed("u", None, error="x"), good.next_due)
    assert good.validators == FetchState('"e"', "then")
    assert bad.validators == FetchState()
    assert bad.error == "x"


async def test_cancelling_fetch_all_stops_every_fetch(server: str):
    import asyncio

    started = asyncio.get_running_loop().time()
    landed: list[FeedOutcome] = []
    settings = NetworkSettings(read_timeout=10.0, feed_deadline=10.0, concurrency=4)
    run = asyncio.create_task(
        fetch_all(
            [(server + f"/drip{i}", FetchState()) for i in range(4)],
            settings,
            landed.append,
            parse="inline",
        )
    )
    await asyncio.sleep(0.3)
    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run
    await asyncio.sleep(0.2)
    pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert pending == []  # no fetcher left running against a closed client
    assert landed == [] and asyncio.get_running_loop().time() - started < 5


async def test_an_error_quoting_the_server_keeps_no_escape_sequence():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            500,
            stream=httpx.ByteStream(b""),
            extensions={"reason_phrase": b"\x1b]0;owned\x07\x1b[31mBroken\x1b[0m"},
        )

    result = await _fetch(handler)
    assert result.error == "HTTP 500 Broken"


async def test_validators_that_cannot_be_sent_back_are_not_kept():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        headers = [
            (b"ETag", '"caf\u00e9"'.encode()),
            (b"Last-Modified", b"Wed, 21 Oct 2026 \x1b[31m07:28:00 GMT"),
        ]
        return httpx.Response(200, headers=headers, stream=httpx.ByteStream(RSS))

    first = await _fetch(handler)
    assert first.ok and first.state == FetchState()
    second = await _fetch(handler, state=first.state)
    assert second.ok and second.body == RSS and len(seen) == 2


async def test_a_stored_validator_that_cannot_be_sent_is_left_out_of_the_request():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return _response(200, content=RSS, headers={"ETag": '"v2"'})

    result = await _fetch(handler, state=FetchState('"caf\u00e9"', "Mi\u00e9, 21 Okt"))
    assert result.ok and result.body == RSS and result.state == FetchState('"v2"', None)
    assert "if-none-match" not in seen[0].headers
    assert "if-modified-since" not in seen[0].headers


async def test_a_move_to_an_address_with_spaces_is_reported_as_the_address_requested():
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path == "/feed":
            location = " /new feed/caf\u00e9.xml ".encode()
            return httpx.Response(
                301, headers=[(b"Location", location)], stream=httpx.ByteStream(b"")
            )
        return _response(200, content=RSS)

    result = await _fetch(handler)
    assert result.ok and seen[-1] == "https://m.example/new%20feed/caf%C3%A9.xml"
    assert result.permanent_redirect == "https://m.example/new%20feed/caf%C3%A9.xml"


@pytest.mark.parametrize("headers", [{"Location": ""}, {"Location": "  "}, {}])
async def test_a_redirect_without_an_address_says_so(headers: dict[str, str]):
    result = await _fetch(lambda request: _response(301, headers=headers))
    assert result.error == "HTTP 301 redirect names no address"
