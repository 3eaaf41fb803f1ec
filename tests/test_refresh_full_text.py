"""Full-text feeds: each new article's page is fetched once and kept beside the teaser."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from briefing.cli import main
from briefing.config import Settings
from briefing.errors import StoreError
from briefing.refresh import refresh
from briefing.sources.fetch import make_client
from briefing.store import Store

FEED_URL = "https://news.example/feed.xml"
STORY = " ".join(
    f"Paragraph sentence {i} says the harbour board approved the dredging contract today."
    for i in range(5)
)


def feed(items: list[str]) -> bytes:
    entries = "".join(
        f"<item><guid>{guid}</guid><title>Story {guid}</title>"
        f"<link>https://news.example/a/{guid}</link>"
        f"<description>Teaser for {guid}.</description></item>"
        for guid in items
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title>'
        f"<link>https://news.example/</link>{entries}</channel></rss>"
    ).encode()


def page(guid: str) -> bytes:
    paragraphs = "".join(f"<p>{STORY} ({guid}, part {n})</p>" for n in range(3))
    return (
        f"<html><head><title>Story {guid}</title></head><body><nav>Home | Sport</nav>"
        f"<article><h1>Story {guid}</h1>{paragraphs}</article></body></html>"
    ).encode()


class Site:
    """A MockTransport site: the feed, article pages, and a count of what was asked."""

    def __init__(self) -> None:
        self.items = ["one", "two"]
        self.missing = {"two"}
        self.requests: Counter[str] = Counter()

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests[request.url.path] += 1
        if str(request.url) == FEED_URL:
            return httpx.Response(
                200,
                headers={"Content-Type": "application/rss+xml"},
                stream=httpx.ByteStream(feed(self.items)),
            )
        guid = request.url.path.rsplit("/", 1)[-1]
        if guid in self.missing or guid not in self.items:
            return httpx.Response(404, stream=httpx.ByteStream(b""))
        return httpx.Response(
            200, headers={"Content-Type": "text/html"}, stream=httpx.ByteStream(page(guid))
        )

    def client(self) -> httpx.AsyncClient:
        client = make_client(Settings().network)
        client._transport = httpx.MockTransport(self.handle)
        return client


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "briefing.db") as opened:
        yield opened


async def _run(store: Store, site: Site) -> object:
    async with site.client() as client:
        return await refresh(store, Settings(), store.feeds(include_seeds=False), client=client)


async def test_new_articles_of_a_full_text_feed_get_their_page_text(store: Store) -> None:
    feed_id = store.add_feed(FEED_URL, full_text=True).id
    site = Site()
    report = await _run(store, site)
    (landed,) = report.feeds  # type: ignore[attr-defined]
    assert landed.new == 2 and landed.full_texts == 1
    assert any("full text of https://news.example/a/two" in p for p in landed.problems)
    by_guid = {
        article.guid: article
        for article in (store.article(row.id) for row in store.list_articles(feed_id=feed_id))
        if article is not None
    }
    one, two = by_guid["one"], by_guid["two"]
    assert one.body == "Teaser for one." and one.full_text is not None
    assert "part 2" in one.full_text and "Sport" not in one.full_text
    assert one.text == one.full_text
    assert two.full_text is None and two.text == "Teaser for two."

    # Only new articles are fetched: a second run asks for the page of "three" alone.
    site.items.append("three")
    site.requests.clear()
    report = await _run(store, site)
    assert report.feeds[0].new == 1 and report.feeds[0].full_texts == 1  # type: ignore[attr-defined]
    assert site.requests == Counter({"/feed.xml": 1, "/a/three": 1})


async def test_feeds_without_full_text_fetch_no_pages(store: Store) -> None:
    store.add_feed(FEED_URL)
    site = Site()
    report = await _run(store, site)
    assert report.feeds[0].new == 2 and report.feeds[0].full_texts == 0  # type: ignore[attr-defined]
    assert site.requests == Counter({"/feed.xml": 1})


async def test_a_failing_store_stops_the_refresh_with_its_error(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add_feed(FEED_URL)

    def broken(*args: object, **kwargs: object) -> None:
        raise StoreError("disk full")

    monkeypatch.setattr(store, "record_fetch", broken)
    with pytest.raises(StoreError, match="disk full"):
        await _run(store, Site())


def test_add_turns_full_text_on_and_off_for_an_existing_subscription(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRIEFING_CONFIG", str(tmp_path / "none.toml"))

    def setting() -> bool:
        with Store.open(tmp_path / "data" / "briefing.db") as opened:
            found = opened.feed(FEED_URL)
            assert found is not None
            return found.full_text

    assert main(["add", FEED_URL, "--full-text"]) == 0
    assert "full text on" in capsys.readouterr().out
    assert setting() is True
    assert main(["add", FEED_URL, "--folder", "News"]) == 0  # leaves the setting alone
    assert setting() is True
    assert main(["add", FEED_URL, "--no-full-text"]) == 0
    assert setting() is False
    capsys.readouterr()
    assert main(["feeds", "--json"]) == 0
    assert '"full_text": false' in capsys.readouterr().out
