"""Which feed a free fetcher takes next: per-host limits hold, hosts are revisited while open."""

from __future__ import annotations

import asyncio
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.sources.hostqueue import HostQueue


def _host(item: str) -> str:
    return item.split("/")[0]


async def test_a_fetcher_stays_with_its_host_while_the_host_has_feeds_and_room():
    queue = HostQueue(["a/1", "b/1", "a/2", "b/2", "a/3"], _host, per_host=2)
    first = await queue.take()
    assert first == ("a/1", "a")
    queue.done("a")
    assert await queue.take("a") == ("a/2", "a")
    queue.done("a")
    assert await queue.take("a") == ("a/3", "a")
    queue.done("a")
    assert await queue.take("a") == ("b/1", "b")  # a is empty: the first host with feeds


async def test_a_host_at_its_limit_is_passed_over_and_waiting_ends_when_a_slot_frees():
    queue = HostQueue(["a/1", "a/2", "a/3"], _host, per_host=2)
    assert (await queue.take())[0] == "a/1"
    assert (await queue.take())[0] == "a/2"
    waiting = asyncio.create_task(queue.take())
    await asyncio.sleep(0.01)
    assert not waiting.done()  # a has two requests open and nothing else is left
    queue.done("a")
    assert await asyncio.wait_for(waiting, 1) == ("a/3", "a")
    queue.done("a")
    queue.done("a")
    assert await queue.take() is None


@settings(max_examples=60, deadline=None)
@given(
    hosts=st.lists(st.integers(0, 5), min_size=1, max_size=40),
    per_host=st.integers(1, 3),
    fetchers=st.integers(1, 6),
    seed=st.integers(0, 1000),
)
def test_every_item_is_taken_once_and_no_host_exceeds_its_limit(hosts, per_host, fetchers, seed):
    items = [f"h{h}/{i}" for i, h in enumerate(hosts)]
    shuffle = random.Random(seed)

    async def run() -> list[str]:
        queue = HostQueue(items, _host, per_host)
        open_now: dict[str, int] = {}
        taken: list[str] = []

        async def fetcher() -> None:
            previous = None
            while (got := await queue.take(previous)) is not None:
                item, previous = got
                open_now[previous] = open_now.get(previous, 0) + 1
                assert open_now[previous] <= per_host
                taken.append(item)
                await asyncio.sleep(shuffle.random() / 1000)
                open_now[previous] -= 1
                queue.done(previous)

        await asyncio.gather(*(fetcher() for _ in range(fetchers)))
        return taken

    taken = asyncio.run(run())
    assert sorted(taken) == sorted(items)
