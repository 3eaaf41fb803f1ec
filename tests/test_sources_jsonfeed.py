"""JSON Feed 1.0/1.1: fields, wrong types and broken documents."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from briefing.sources.jsonfeed import parse_json_feed
from briefing.sources.parse import distinct_entries, parse_feed

FEEDS = Path(__file__).parent / "fixtures" / "feeds"


def test_json_feed_fields_and_relative_urls():
    feed = parse_feed((FEEDS / "feed.json").read_bytes(), "feed.json")
    assert feed.kind == "jsonfeed"
    assert feed.error is None
    assert feed.title == "Civic Ledger"
    first = feed.entries[0]
    assert first.link == "https://ledger.example.org/2024/rail-fund"
    assert first.body == "The fund rises to $2bn."
    assert first.author == "R. Okafor"
    assert first.published == datetime(2024, 2, 10, 11, 0, tzinfo=UTC)


def test_wrong_types_are_problems_and_the_rest_is_kept():
    feed = parse_feed((FEEDS / "feed.json").read_bytes(), "feed.json")
    assert [entry.guid for entry in feed.entries] == ["2", "1", "3"]
    second = feed.entries[1]
    assert second.title is None
    assert second.body == "Bridge repairs start.\n\nTraffic will be diverted."
    assert second.published == datetime(2024, 2, 9, 8, 0, tzinfo=UTC)
    assert any("'title' should be a string" in p for p in feed.problems)
    assert any("should be an object" in p for p in feed.problems)


def test_external_url_is_used_when_there_is_no_url_and_bad_dates_are_problems():
    third = parse_feed((FEEDS / "feed.json").read_bytes(), "feed.json").entries[2]
    assert third.link == "https://other.example.com/story"
    assert third.published is None


def test_json_feed_1_0_author_and_numeric_id():
    doc = {
        "version": "https://jsonfeed.org/version/1",
        "title": "Old",
        "author": {"name": "Ed"},
        "items": [{"id": 42, "content_text": "Hello", "author": {"name": "Ann"}}],
    }
    feed = parse_json_feed(json.dumps(doc))
    assert feed.entries[0].guid == "42"
    assert feed.entries[0].author == "Ann"


def test_items_of_the_wrong_type_make_an_empty_feed_with_a_problem():
    feed = parse_json_feed('{"version": "https://jsonfeed.org/version/1.1", "items": {}}')
    assert feed.error is None
    assert feed.entries == ()
    assert any("'items' should be a list" in p for p in feed.problems)


def test_truncated_json_is_an_error():
    text = (FEEDS / "feed.json").read_text()
    feed = parse_json_feed(text[: len(text) // 2])
    assert feed.error is not None and "not valid JSON" in feed.error


def test_deeply_nested_json_is_an_error_not_a_crash():
    feed = parse_json_feed("[" * 200_000 + "]" * 200_000)
    assert feed.error is not None


def test_html_entities_in_titles_are_decoded():
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Blog &#8211; News",
        "items": [{"id": "a", "title": "Q&amp;A"}],
    }
    feed = parse_json_feed(json.dumps(doc))
    assert feed.title == "Blog – News"
    assert feed.entries[0].title == "Q&A"


def test_a_json_feed_in_utf16_or_utf32_with_a_byte_order_mark_is_read():
    document = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "Caf\u00e9 news",
            "items": [{"id": "1", "title": "\u00c9t\u00e9"}],
        },
        ensure_ascii=False,
    )
    for encoding in ("utf-16", "utf-16-be", "utf-32", "utf-8-sig"):
        data = document.encode(encoding)
        if encoding == "utf-16-be":
            data = b"\xfe\xff" + data
        feed = parse_feed(data, "https://news.example/feed.json", {})
        assert (feed.kind, feed.error, feed.title) == ("jsonfeed", None, "Caf\u00e9 news"), encoding
        assert [entry.title for entry in feed.entries] == ["\u00c9t\u00e9"]


def test_items_repeating_an_id_are_listed_and_reported():
    items = [
        {"id": "1", "title": "First"},
        {"id": "2", "title": "Other"},
        {"id": "1", "title": "First, corrected"},
    ]
    document = {"version": "https://jsonfeed.org/version/1.1", "items": items}
    feed = parse_json_feed(json.dumps(document))
    assert [entry.title for entry in feed.entries] == ["First", "Other", "First, corrected"]
    assert any("1 entry repeats" in problem for problem in feed.problems)
    assert [entry.title for entry in distinct_entries(feed.entries)] == [
        "Other",
        "First, corrected",
    ]
