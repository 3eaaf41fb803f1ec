"""The HTTP transport a refresh uses: httpcore's connection pool over plain asyncio sockets.

httpx's default transport reaches sockets through anyio. Per request that adds
cancel scopes, a socket poll for every idle pooled connection (to see whether
the server hung up) and a task-library lookup; over a thousand feeds it was a
third of the event loop's CPU, time the loop could not spend starting the next
request. Here the pool is httpcore's own (same HTTP/1.1, keep-alive, limits and
TLS), and only the byte stream underneath is ours: an asyncio protocol that
knows, without a system call, whether a parked connection has been closed.

httpx builds its own transport when a proxy is configured in the environment,
so `make_transport` returns None then and the caller keeps httpx's default.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import typing
from collections.abc import AsyncIterator, Iterable, Iterator

import httpcore
import httpx

__all__ = ["AsyncioBackend", "FastTransport", "make_transport"]

# Bytes a connection buffers before it stops reading from the socket (TCP flow control).
_READ_BUFFER_LIMIT = 1 << 20
# RFC 8305's recommended wait before trying the next address of a host.
_HAPPY_EYEBALLS_DELAY = 0.25

_SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)


class _Connection(asyncio.Protocol):
    """Bytes received and not yet read, and whether the peer is gone."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.eof = False
        self.error: BaseException | None = None
        self.paused = False
        self._reader: asyncio.Future[None] | None = None
        self._drained: asyncio.Future[None] | None = None
        self._write_paused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = typing.cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if len(self.buffer) > _READ_BUFFER_LIMIT and self.transport is not None:
            self.transport.pause_reading()
            self.paused = True
        self._wake_reader()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake_reader()
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self.error = exc
        self._wake_reader()
        if self._drained is not None and not self._drained.done():
            self._drained.set_result(None)

    def pause_writing(self) -> None:
        self._write_paused = True

    def resume_writing(self) -> None:
        self._write_paused = False
        if self._drained is not None and not self._drained.done():
            self._drained.set_result(None)

    def _wake_reader(self) -> None:
        if self._reader is not None and not self._reader.done():
            self._reader.set_result(None)

    async def wait_readable(self, timeout: float | None) -> None:
        loop = asyncio.get_running_loop()
        self._reader = loop.create_future()
        await _wait(self._reader, timeout, httpcore.ReadTimeout)

    async def drain(self, timeout: float | None) -> None:
        if not self._write_paused or self.eof:
            return
        loop = asyncio.get_running_loop()
        self._drained = loop.create_future()
        await _wait(self._drained, timeout, httpcore.WriteTimeout)


async def _wait(
    future: asyncio.Future[None], timeout: float | None, error: type[Exception]
) -> None:
    """Wait for `future`, raising `error` after `timeout` seconds (one timer, no task)."""
    if timeout is None:
        await future
        return
    loop = asyncio.get_running_loop()

    def expire() -> None:
        if not future.done():
            future.set_exception(error(f"no progress in {timeout:g} s"))

    timer = loop.call_later(timeout, expire)
    try:
        await future
    finally:
        timer.cancel()


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One TCP (or TLS) connection, read and written through `_Connection`."""

    def __init__(self, connection: _Connection) -> None:
        self._connection = connection

    @property
    def _transport(self) -> asyncio.Transport:
        transport = self._connection.transport
        if transport is None:  # pragma: no cover - set as soon as the connection exists
            raise httpcore.ReadError("connection is not open")
        return transport

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        connection = self._connection
        if not connection.buffer and not connection.eof:
            await connection.wait_readable(timeout)
        if connection.buffer:
            data = bytes(connection.buffer[:max_bytes])
            del connection.buffer[:max_bytes]
            if connection.paused and len(connection.buffer) <= _READ_BUFFER_LIMIT // 2:
                connection.paused = False
                self._transport.resume_reading()
            return data
        if connection.error is not None:
            raise httpcore.ReadError(str(connection.error) or "connection lost")
        return b""

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        connection = self._connection
        if connection.eof or self._transport.is_closing():
            raise httpcore.WriteError(str(connection.error or "connection closed"))
        self._transport.write(buffer)
        await connection.drain(timeout)

    async def aclose(self) -> None:
        transport = self._connection.transport
        if transport is not None:
            transport.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        connection = self._connection
        try:
            with _mapped({TimeoutError: httpcore.ConnectTimeout}, httpcore.ConnectError):
                transport = await loop.start_tls(
                    self._transport,
                    connection,
                    ssl_context,
                    server_hostname=server_hostname,
                    ssl_handshake_timeout=timeout,
                )
        except BaseException:
            await self.aclose()
            raise
        if transport is None:  # pragma: no cover - only when the loop is closing
            raise httpcore.ConnectError("TLS could not be started")
        connection.transport = transport
        return self

    def get_extra_info(self, info: str) -> typing.Any:
        transport = self._connection.transport
        if info == "is_readable":
            # What httpcore asks of every parked connection before reusing one: has the
            # server spoken or hung up? The protocol already knows.
            return bool(self._connection.buffer) or self._connection.eof
        if transport is None:
            return None
        names = {
            "ssl_object": "ssl_object",
            "client_addr": "sockname",
            "server_addr": "peername",
            "socket": "socket",
        }
        return transport.get_extra_info(names[info]) if info in names else None


@contextlib.contextmanager
def _mapped(
    specific: dict[type[BaseException], type[Exception]], other: type[Exception]
) -> Iterator[None]:
    """Turn socket-level errors into the httpcore errors the pool and httpx expect."""
    try:
        yield
    except httpcore.NetworkError:
        raise
    except (OSError, ssl.SSLError, TimeoutError, EOFError) as exc:
        for kind, mapped in specific.items():
            if isinstance(exc, kind):
                raise mapped(str(exc) or kind.__name__) from exc
        raise other(str(exc) or type(exc).__name__) from exc


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """Opens connections with the running asyncio loop."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[_SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        with _mapped({TimeoutError: httpcore.ConnectTimeout}, httpcore.ConnectError):
            async with asyncio.timeout(timeout):
                _transport, connection = await loop.create_connection(
                    _Connection,
                    host,
                    port,
                    local_addr=(local_address, 0) if local_address else None,
                    happy_eyeballs_delay=_HAPPY_EYEBALLS_DELAY,
                )
        _apply_options(connection, socket_options)
        return AsyncioStream(connection)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[_SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        with _mapped({TimeoutError: httpcore.ConnectTimeout}, httpcore.ConnectError):
            async with asyncio.timeout(timeout):
                _transport, connection = await loop.create_unix_connection(_Connection, path)
        _apply_options(connection, socket_options)
        return AsyncioStream(connection)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def _apply_options(connection: _Connection, options: Iterable[_SocketOption] | None) -> None:
    sock = connection.transport.get_extra_info("socket") if connection.transport else None
    for option in options or ():
        sock.setsockopt(*option)  # type: ignore[union-attr]


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, stream: typing.AsyncIterable[bytes]) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_errors():
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        close = getattr(self._stream, "aclose", None)
        if close is not None:
            with _httpx_errors():
                await close()


# httpcore's errors and the httpx errors callers catch, most specific first.
_HTTPX_ERRORS: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextlib.contextmanager
def _httpx_errors() -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        for kind, mapped in _HTTPX_ERRORS:
            if isinstance(exc, kind):
                raise mapped(str(exc)) from exc
        raise


# What a request meets when its connection was dropped before any answer came back.
_UNANSWERED = (httpcore.RemoteProtocolError, httpcore.ReadError, httpcore.WriteError)
_SAFE_TO_REPEAT = frozenset({"GET", "HEAD"})


class FastTransport(httpx.AsyncBaseTransport):
    """An httpx transport: httpcore's pool (HTTP/1.1, keep-alive) on `AsyncioBackend`."""

    def __init__(self, limits: httpx.Limits, *, verify: ssl.SSLContext | bool = True) -> None:
        context = verify if isinstance(verify, ssl.SSLContext) else httpx.create_ssl_context(verify)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=AsyncioBackend(),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not isinstance(request.stream, httpx.AsyncByteStream):  # pragma: no cover
            raise TypeError("an async transport needs an async request body")
        url = request.url
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_errors():
            try:
                response = await self._pool.handle_async_request(core_request)
            except _UNANSWERED:
                if request.method not in _SAFE_TO_REPEAT:
                    raise
                # A kept-alive connection the server closed as this request went out (its
                # close still on the way) fails before any answer: ask once more, which
                # takes a new connection. A request that reads nothing changes nothing.
                response = await self._pool.handle_async_request(core_request)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(typing.cast(typing.AsyncIterable[bytes], response.stream)),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


def make_transport(limits: httpx.Limits) -> FastTransport | None:
    """Our transport, or None when the environment names a proxy (httpx then routes)."""
    from urllib.request import getproxies

    if any(key in ("http", "https", "all") for key in getproxies()):
        return None
    return FastTransport(limits)
