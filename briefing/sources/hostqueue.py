"""Which feed a free connection fetches next: the same host again while it can.

A refresh runs a fixed number of fetchers. Handing them feeds in list order
sends each one to a new host, so every request pays for a new connection (and
on the real web a TLS handshake) while the pool closes another that was still
open. Here a fetcher that has just finished with a host takes that host's next
feed, as long as the host is under its limit of simultaneous requests, and
keeps its open connection; otherwise it takes the first host in the list that
has room. Each host still gets at most `per_host` requests at once.
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

__all__ = ["HostQueue"]

T = TypeVar("T")


class HostQueue(Generic[T]):
    """Items waiting to be fetched, grouped by host, with a per-host limit."""

    def __init__(self, items: Iterable[T], host_of: Callable[[T], str], per_host: int) -> None:
        self._waiting: dict[str, deque[T]] = {}
        for item in items:
            self._waiting.setdefault(host_of(item), deque()).append(item)
        self._active: Counter[str] = Counter()
        self._per_host = max(1, per_host)
        self._freed = asyncio.Event()

    async def take(self, previous: str | None = None) -> tuple[T, str] | None:
        """The next item and its host (counted as active until `done`), or None when empty.

        Waits while every host with items left is at its limit.
        """
        while self._waiting:
            host = self._pick(previous)
            if host is not None:
                queue = self._waiting[host]
                item = queue.popleft()
                if not queue:
                    del self._waiting[host]
                self._active[host] += 1
                return item, host
            self._freed.clear()
            await self._freed.wait()
        return None

    def done(self, host: str) -> None:
        """A request to `host` has finished: its slot is free again."""
        self._active[host] -= 1
        if self._active[host] <= 0:
            del self._active[host]
        self._freed.set()

    def _pick(self, previous: str | None) -> str | None:
        if previous in self._waiting and self._active[previous or ""] < self._per_host:
            return previous
        # Hosts at their limit are few (at most fetchers / per_host), so this stops early.
        for host in self._waiting:
            if self._active[host] < self._per_host:
                return host
        return None
