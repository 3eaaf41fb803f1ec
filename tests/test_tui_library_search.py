"""The library runs a search once per list load, and a mark made since is never hidden."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from briefing.models import Article
from briefing.store import Store
from briefing.tui.library import Library, ListQuery


def _fill(path: Path) -> None:
    with Store.open(path) as store:
        feed = store.add_feed("https://news.example/rss")
        store.save_entries(
            feed.id,
            [
                Article(
                    title=f"Shippers report {n}",
                    body=f"Shippers moved {n} cargoes through the port.",
                    url=f"https://news.example/{n}",
                    guid=f"g{n}",
                    published=datetime(2026, 3, n, tzinfo=UTC),
                )
                for n in range(1, 4)
            ],
        )


async def test_one_list_load_runs_the_full_text_query_once(tmp_path: Path) -> None:
    path = tmp_path / "briefing.db"
    _fill(path)
    library = Library(path)
    await library.open()
    calls: list[str] = []
    original = library.store.search

    def counted(text: str, limit: int = 200) -> list:  # type: ignore[type-arg]
        calls.append(text)
        return original(text, limit)

    library.store.search = counted  # type: ignore[method-assign]
    query = ListQuery(search="shippers")
    try:
        assert await library.count(query) == 3
        hits = await library.search("shippers")
        rows = await library.rows(query, 0, 10)
        assert [row.id for row in rows] == [hit.row.id for hit in hits]
        assert calls == ["shippers"]
        await library.search("cargoes")
        assert calls == ["shippers", "cargoes"]
    finally:
        await library.close()


async def test_a_mark_set_after_a_search_shows_in_the_next_search(tmp_path: Path) -> None:
    path = tmp_path / "briefing.db"
    _fill(path)
    library = Library(path)
    await library.open()
    try:
        query = ListQuery(search="shippers")
        [first, *_] = await library.rows(query, 0, 10)
        assert not first.starred
        await library.set_flag(first, "starred", True)
        again = await library.rows(query, 0, 10)
        assert next(row for row in again if row.id == first.id).starred
    finally:
        await library.close()
