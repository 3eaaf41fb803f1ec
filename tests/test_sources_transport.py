"""The refresh transport: httpcore's pool on asyncio sockets, against real servers on 127.0.0.1.

Plain HTTP, TLS with a certificate from a throwaway authority (trustme), a
certificate nobody vouches for, a server that hangs up on a parked
connection, timeouts, a body larger than the read buffer, and the
keep-alive that lets feeds on one host share one connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import struct
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
import trustme

from briefing.config import NetworkSettings
from briefing.sources.fetch import FetchState, fetch_all, fetch_feed, make_client
from briefing.sources.transport import FastTransport, make_transport

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
LIMITS = httpx.Limits(max_connections=4, max_keepalive_connections=4)
SETTINGS = NetworkSettings(connect_timeout=1.0, read_timeout=1.0, feed_deadline=3.0)

Respond = Callable[[asyncio.StreamReader, asyncio.StreamWriter, bytes], Awaitable[bool]]


class Server:
    """An HTTP/1.1 server on 127.0.0.1 that counts connections and requests."""

    def __init__(self, respond: Respond) -> None:
        self.respond = respond
        self.connections = 0
        self.requests: list[bytes] = []
        self.url = ""

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                self.requests.append(head)
                if not await self.respond(reader, writer, head):
                    break
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
            pass
        finally:
            writer.close()


@contextlib.asynccontextmanager
async def serving(respond: Respond, tls: ssl.SSLContext | None = None) -> AsyncIterator[Server]:
    state = Server(respond)
    server = await asyncio.start_server(state.handle, "127.0.0.1", 0, ssl=tls)
    port = server.sockets[0].getsockname()[1]
    state.url = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    async with server:
        yield state


def _answer(status: str, body: bytes, *extra: str) -> bytes:
    headers = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", *extra]
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + body


async def feed(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: bytes) -> bool:
    if b'if-none-match: "v1"' in head.lower():
        writer.write(_answer("304 Not Modified", b"", 'ETag: "v1"'))
    else:
        writer.write(_answer("200 OK", RSS, 'ETag: "v1"', "Content-Type: application/rss+xml"))
    await writer.drain()
    return True


def _client(transport: httpx.AsyncBaseTransport) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=transport, timeout=2.0)


async def test_a_plain_request_returns_status_headers_and_body():
    async with serving(feed) as server, _client(FastTransport(LIMITS)) as client:
        response = await client.get(server.url + "/feed.xml")
    assert response.status_code == 200
    assert response.headers["etag"] == '"v1"'
    assert response.content == RSS


async def test_tls_with_a_trusted_certificate_works():
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1")
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(server_context)
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)
    transport = FastTransport(LIMITS, verify=client_context)
    async with serving(feed, tls=server_context) as server, _client(transport) as client:
        first = await client.get(server.url + "/a")
        second = await client.get(server.url + "/b")
    assert first.status_code == second.status_code == 200
    assert first.content == RSS
    assert server.connections == 1  # the TLS connection was kept for the second request


async def test_a_certificate_nobody_vouches_for_is_a_reported_failure():
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    untrusting = _client(FastTransport(LIMITS))
    async with serving(feed, tls=server_context) as server, untrusting as client:
        result = await fetch_feed(client, server.url + "/feed", FetchState(), SETTINGS)
    assert result.body is None
    assert result.error is not None and "certificate" in result.error.lower()


async def test_a_connection_the_server_closed_while_parked_is_not_reused():
    async def once(_r: asyncio.StreamReader, writer: asyncio.StreamWriter, _h: bytes) -> bool:
        writer.write(_answer("200 OK", RSS))  # says nothing about closing, then closes
        await writer.drain()
        return False

    async with serving(once) as server, _client(FastTransport(LIMITS)) as client:
        first = await client.get(server.url + "/a")
        await asyncio.sleep(0.1)  # the close reaches us while the connection is parked
        second = await client.get(server.url + "/b")
    assert first.status_code == second.status_code == 200
    assert server.connections == 2


async def test_a_request_on_a_connection_closed_as_it_went_out_is_sent_once_more():
    async def drop_the_second(
        _r: asyncio.StreamReader, writer: asyncio.StreamWriter, _h: bytes
    ) -> bool:
        if len(server.requests) == 2:  # the kept-alive connection, closed without an answer
            return False
        writer.write(_answer("200 OK", RSS))
        await writer.drain()
        return True

    async with serving(drop_the_second) as server, _client(FastTransport(LIMITS)) as client:
        first = await client.get(server.url + "/a")
        second = await client.get(server.url + "/b")
    assert first.status_code == second.status_code == 200
    assert second.content == RSS
    assert (server.connections, len(server.requests)) == (2, 3)


async def test_a_server_that_always_hangs_up_is_asked_twice_then_reported():
    async def hang_up(_r: asyncio.StreamReader, _w: asyncio.StreamWriter, _h: bytes) -> bool:
        return False

    async with serving(hang_up) as server, _client(FastTransport(LIMITS)) as client:
        result = await fetch_feed(client, server.url + "/feed", FetchState(), SETTINGS)
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post(server.url + "/form", content=b"x")
    assert result.body is None and result.error is not None
    assert "disconnected" in result.error.lower()
    assert len(server.requests) == 3  # the GET twice, the POST once


async def test_a_silent_server_raises_httpx_read_timeout():
    async def silent(_r: asyncio.StreamReader, _w: asyncio.StreamWriter, _h: bytes) -> bool:
        await asyncio.sleep(5)
        return False

    impatient = httpx.AsyncClient(transport=FastTransport(LIMITS), timeout=0.3)
    async with serving(silent) as server, impatient as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.get(server.url + "/x")


async def test_nothing_listening_raises_httpx_connect_error():
    async with serving(feed) as server:
        url = server.url
    async with _client(FastTransport(LIMITS)) as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(url + "/x")


async def test_a_body_larger_than_the_read_buffer_arrives_whole():
    body = bytes(range(256)) * 16_384  # 4 MB: the connection pauses and resumes reading

    async def big(_r: asyncio.StreamReader, writer: asyncio.StreamWriter, _h: bytes) -> bool:
        writer.write(_answer("200 OK", body))
        await writer.drain()
        return True

    async with (
        serving(big) as server,
        _client(FastTransport(LIMITS)) as client,
        client.stream("GET", server.url + "/big") as response,
    ):
        chunks = [chunk async for chunk in response.aiter_raw()]
    assert b"".join(chunks) == body


async def test_feeds_on_one_host_share_a_connection_when_they_answer_304():
    settings = NetworkSettings(concurrency=2, per_host=1, read_timeout=1.0, feed_deadline=3.0)
    async with serving(feed) as server:
        urls = [f"{server.url}/feed{i}.xml" for i in range(6)]
        outcomes = await fetch_all(
            [(u, FetchState(etag='"v1"')) for u in urls], settings, parse="inline", collect=True
        )
    assert all(o.fetch.not_modified for o in outcomes)
    assert server.connections == 1  # one request at a time to the host, over one connection


async def test_the_shared_client_uses_this_transport_unless_a_proxy_is_configured(
    monkeypatch: pytest.MonkeyPatch,
):
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("ALL_PROXY", raising=False)
    assert isinstance(make_transport(LIMITS), FastTransport)
    async with serving(feed) as server, make_client(SETTINGS) as client:
        result = await fetch_feed(client, server.url + "/feed", FetchState(), SETTINGS)
    assert result.ok and result.body == RSS
    monkeypatch.setenv("https_proxy", "http://127.0.0.1:9")
    assert make_transport(LIMITS) is None  # httpx's own transport then goes through the proxy


async def _fetch_from(respond: Respond) -> tuple[bytes | None, str | None]:
    async with serving(respond) as server, make_client(SETTINGS) as client:
        result = await fetch_feed(client, server.url + "/feed", FetchState(), SETTINGS)
    return result.body, result.error


async def test_a_body_that_ends_when_the_server_closes_arrives_whole():
    async def old_style(_r: asyncio.StreamReader, writer: asyncio.StreamWriter, _h: bytes) -> bool:
        writer.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n" + RSS)
        await writer.drain()
        return False

    body, error = await _fetch_from(old_style)
    assert (body, error) == (RSS, None)


async def test_a_chunked_gzip_body_is_decoded():
    import gzip

    packed = gzip.compress(RSS)
    chunks = b"".join(
        f"{len(packed[i : i + 20]):x}\r\n".encode() + packed[i : i + 20] + b"\r\n"
        for i in range(0, len(packed), 20)
    )

    async def chunked(_r: asyncio.StreamReader, writer: asyncio.StreamWriter, _h: bytes) -> bool:
        head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n"
        writer.write(head.encode() + chunks + b"0\r\n\r\n")
        await writer.drain()
        return True

    body, error = await _fetch_from(chunked)
    assert (body, error) == (RSS, None)


async def test_a_connection_cut_halfway_through_the_body_is_a_reported_failure():
    async def cut(_r: asyncio.StreamReader, writer: asyncio.StreamWriter, _h: bytes) -> bool:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + RSS)
        await writer.drain()
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset
        return False

    body, error = await _fetch_from(cut)
    assert body is None and error is not None


@pytest.mark.parametrize(
    "garbage",
    [
        b"SSH-2.0-OpenSSH_9.6\r\n\r\n",  # not HTTP at all
        b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n",  # a header without end
        b"HTTP/1.1 999999 Odd\r\nContent-Length: 0\r\n\r\n",
    ],
)
async def test_a_server_that_does_not_speak_http_is_a_reported_failure(garbage: bytes):
    async def nonsense(_r: asyncio.StreamReader, writer: asyncio.StreamWriter, _h: bytes) -> bool:
        writer.write(garbage)
        await writer.drain()
        return False

    body, error = await _fetch_from(nonsense)
    assert body is None and error
