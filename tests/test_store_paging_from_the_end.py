"""Pages read from the far end of a view are the same pages read from the start."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from briefing.models import Article
from briefing.sources.seeds import load_seeds
from briefing.store import Store

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    opened = Store.open(tmp_path_factory.mktemp("paging") / "briefing.db")
    articles, problems = load_seeds([SEEDS])
    assert not problems
    opened.import_seeds(articles)
    feed = opened.add_feed("https://news.example/rss")
    same_time = datetime(2026, 11, 1, tzinfo=UTC)
    opened.save_entries(
        feed.id,
        [
            Article(
                title=f"Harbour notice {n}",
                body=f"Notice {n}: berth {n} closes for repairs to the quay wall.",
                url=f"https://news.example/{n}",
                guid=f"n{n}",
                # Equal dates in pairs: the id must break the tie the same way both ways.
                published=same_time - timedelta(days=n // 2),
                source="Harbour Post" if n % 3 else "Quay Daily",
            )
            for n in range(23)
        ],
    )
    opened.set_flag(1, "dismissed", True)
    yield opened
    opened.close()


@pytest.mark.parametrize("grouped", [False, True])
@pytest.mark.parametrize("sort", ["date", "source", "size"])
@pytest.mark.parametrize("view", ["all", "unread", "dismissed"])
def test_every_page_is_the_same_read_from_either_end(
    store: Store, grouped: bool, sort: str, view: str
) -> None:
    total = store.count_articles(view, grouped=grouped)
    whole = [row.id for row in store.list_articles(view, sort=sort, grouped=grouped, limit=1000)]
    assert len(whole) == total
    for limit in (1, 4, 7):
        for offset in range(total + 2):
            page = store.list_articles(
                view, sort=sort, grouped=grouped, limit=limit, offset=offset, total=total
            )
            assert [row.id for row in page] == whole[offset : offset + limit], (limit, offset)
