"""Refreshing saves local feed files and feeds served from 127.0.0.1 into the store."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from briefing.config import Settings
from briefing.refresh import refresh_blocking, select_feeds
from briefing.store import Store


def rss(title: str, items: list[tuple[str, str, str]]) -> bytes:
    """An RSS 2.0 document with (guid, title, body) items, newest first."""
    start = datetime(2026, 3, 1, tzinfo=UTC)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>https://example.org/</link>",
    ]
    for n, (guid, item_title, body) in enumerate(items):
        when = (start + timedelta(hours=n)).strftime("%a, %d %b %Y %H:%M:%S GMT")
        parts.append(
            f"<item><guid>{escape(guid)}</guid><title>{escape(item_title)}</title>"
            f"<link>https://example.org/{escape(guid)}</link><pubDate>{when}</pubDate>"
            f"<description>{escape(body)}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")


class Farm:
    """Feeds served from 127.0.0.1 with ETags; counts requests and 304s."""

    def __init__(self) -> None:
        self.documents: dict[str, bytes] = {}
        self.statuses: dict[str, int] = {}
        self.redirects: dict[str, str] = {}
        self.not_modified = 0
        farm = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path in farm.redirects:
                    self.send_response(301)
                    self.send_header("Location", farm.redirects[self.path])
                    self.end_headers()
                    return
                if self.path in farm.statuses:
                    self.send_response(farm.statuses[self.path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = farm.documents.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
                if self.headers.get("If-None-Match") == etag:
                    farm.not_modified += 1
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"


@pytest.fixture
def farm() -> Iterator[Farm]:
    served = Farm()
    served.thread.start()
    yield served
    served.server.shutdown()
    served.server.server_close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "briefing.db") as opened:
        yield opened


def _refresh(store: Store, settings: Settings | None = None):  # type: ignore[no-untyped-def]
    return refresh_blocking(store, settings or Settings(), select_feeds(store), parse="inline")


def test_local_feed_file_is_read_and_unchanged_file_is_not_modified(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "local.xml"
    path.write_bytes(
        rss("Town Hall", [("a", "Budget set", "The budget passed."), ("b", "Bins", "x")])
    )
    store.add_feed(str(path))
    first = _refresh(store)
    assert (first.new, first.updated, len(first.failed)) == (2, 0, 0)
    [feed] = store.feeds()
    assert feed.title == "Town Hall" and feed.last_success is not None
    second = _refresh(store)
    assert second.not_modified == 1 and second.new == 0
    path.write_bytes(
        rss("Town Hall", [("a", "Budget set", "The budget failed."), ("c", "New", "y")])
    )
    third = _refresh(store)
    assert (third.new, third.updated) == (1, 1)
    assert store.count_articles() == 3
    assert [row.title for row, _ in store.search("failed")] == ["Budget set"]


def test_missing_local_file_fails_that_feed_only(store: Store, tmp_path: Path) -> None:
    good = tmp_path / "good.xml"
    good.write_bytes(rss("Good", [("a", "One", "Text.")]))
    store.add_feed(str(good))
    store.add_feed(str(tmp_path / "gone.xml"))
    report = _refresh(store)
    assert report.new == 1
    [failed] = report.failed
    assert failed.url.endswith("gone.xml") and "cannot read" in (failed.error or "")
    assert {f.url: f.last_error is not None for f in store.feeds()} == {
        str(good): False,
        str(tmp_path / "gone.xml"): True,
    }


def test_a_local_feed_replaced_by_a_named_pipe_fails_that_feed_only(
    store: Store, tmp_path: Path
) -> None:
    import os
    import threading

    good = tmp_path / "good.xml"
    good.write_bytes(rss("Good", [("a", "One", "Text.")]))
    pipe = tmp_path / "pipe.xml"
    os.mkfifo(pipe)
    store.add_feed(str(good))
    store.add_feed(str(pipe))
    # Someone writes a feed into the pipe once a reader opens it; a refresh must not wait.
    writer = threading.Thread(target=pipe.write_bytes, args=(rss("Pipe", [("p", "P", "T.")]),))
    writer.start()
    report = _refresh(store)
    release = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)  # lets a writer still waiting finish
    writer.join()
    os.close(release)
    assert report.new == 1
    [failed] = report.failed
    assert failed.url == str(pipe) and "not a regular file" in (failed.error or "")


def test_served_feeds_use_conditional_get_and_report_failures(store: Store, farm: Farm) -> None:
    farm.documents["/news.xml"] = rss(
        "Wire", [(f"w{n}", f"Item {n}", f"Body {n}") for n in range(5)]
    )
    farm.documents["/moved-here.xml"] = rss("Moved", [("m1", "Moved item", "Text.")])
    farm.redirects["/old.xml"] = "/moved-here.xml"
    farm.statuses["/broken.xml"] = 500
    farm.statuses["/lazy.xml"] = 304  # "not modified" to a first, unconditional request
    for path in ("/news.xml", "/old.xml", "/broken.xml", "/missing.xml", "/lazy.xml"):
        store.add_feed(farm.url(path))
    first = _refresh(store)
    assert first.new == 6
    reasons = sorted(report.error or "" for report in first.failed)
    assert reasons == [
        "HTTP 304 Not Modified to a first request",
        "HTTP 404 Not Found",
        "HTTP 500 Internal Server Error",
    ]
    urls = {feed.url for feed in store.feeds()}
    assert farm.url("/moved-here.xml") in urls and farm.url("/old.xml") not in urls
    second = _refresh(store)
    assert second.new == 0 and second.not_modified == 2 and farm.not_modified == 2
    farm.documents["/news.xml"] = rss(
        "Wire", [(f"w{n}", f"Item {n}", f"Body {n}") for n in range(7)]
    )
    third = _refresh(store)
    assert third.new == 2 and store.count_articles() == 8


def test_retention_runs_at_refresh_time(store: Store, tmp_path: Path) -> None:
    from dataclasses import replace

    path = tmp_path / "local.xml"
    path.write_bytes(rss("Old news", [("a", "Ancient", "Long ago."), ("b", "Kept", "Starred.")]))
    store.add_feed(str(path))
    _refresh(store)
    ids = {row.title: row.id for row in store.list_articles()}
    store.set_flag(ids["Ancient"], "read", True)
    store.set_flag(ids["Kept"], "read", True)
    store.set_flag(ids["Kept"], "starred", True)
    settings = Settings()
    settings = replace(settings, general=replace(settings.general, retention_days=30))
    report = _refresh(store, settings)
    assert report.expired == 1
    assert [row.title for row in store.list_articles()] == ["Kept"]


def test_a_full_disk_stops_the_refresh_with_one_error_and_nothing_logged_as_lost(
    store: Store, farm: Farm, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import gc

    from briefing.errors import StoreError

    for n in range(12):
        farm.documents[f"/f{n}"] = rss(f"Feed {n}", [(f"g{n}", f"Story {n}", "Text.")])
        store.add_feed(farm.url(f"/f{n}"))

    def full(*args: object, **kwargs: object) -> None:
        raise StoreError("database or disk is full (free some disk space)")

    monkeypatch.setattr(store, "record_fetch", full)
    with pytest.raises(StoreError, match="disk is full"):
        _refresh(store)
    gc.collect()
    lost = [r for r in caplog.records if "never retrieved" in r.getMessage()]
    assert lost == []
