"""Feed parsing: formats, links, dates, text, charsets and dedupe keys."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefing.sources.parse import parse_feed, parse_timestamp, sniff_format

FEEDS = Path(__file__).parent / "fixtures" / "feeds"


def _parse(name: str, url: str | None = None):
    return parse_feed((FEEDS / name).read_bytes(), url or str(FEEDS / name))


def test_rss_relative_links_resolve_against_the_channel_link_made_absolute_by_self():
    feed = _parse("rss_relative.xml")
    assert feed.kind == "rss"
    assert feed.error is None
    assert feed.title == "Harbour Council & Budget News"
    assert feed.link == "https://council.example.org/news/"
    assert feed.self_url == "https://council.example.org/news/feed.xml"
    assert feed.entries[0].link == "https://council.example.org/news/2024/ferry-budget"


def test_rss_titles_lose_markup_and_bodies_lose_scripts():
    first = _parse("rss_relative.xml").entries[0]
    assert first.title == "Council approves new ferry budget"
    assert first.body == "The council voted on Tuesday.\n\nThe ferry gets €4m."
    assert "alert" not in first.body


def test_rss_dates_become_utc_and_missing_dates_stay_none():
    entries = _parse("rss_relative.xml").entries
    assert entries[0].published == datetime(2024, 3, 5, 8, 30, tzinfo=UTC)
    assert entries[1].published is None


def test_a_guid_that_is_not_a_web_address_is_not_used_as_the_link():
    entries = _parse("rss_relative.xml").entries
    assert entries[2].guid == "urn:council:minutes-12"
    assert entries[2].link is None
    assert entries[1].link == "https://council.example.org/news/2024/postponed"


def test_rss_ttl_is_read_for_scheduling():
    assert _parse("rss_relative.xml").ttl_minutes == 90


def test_atom_xml_base_resolves_links_and_html_titles_become_text():
    feed = _parse("atom_base.xml")
    assert feed.kind == "atom"
    assert feed.title == "Field Notes"
    assert feed.entries[0].link == "https://blog.example.net/notes/tidal-survey.html"
    assert feed.entries[0].published == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert feed.entries[0].body == "Survey results are in."


def test_atom_entry_without_link_has_no_link_and_falls_back_to_updated():
    entry = _parse("atom_base.xml").entries[1]
    assert entry.link is None
    assert entry.published == datetime(2024, 4, 20, 12, 0, tzinfo=UTC)


def test_rdf_is_reported_as_rdf_with_dc_dates():
    feed = _parse("rdf.xml")
    assert feed.kind == "rdf"
    assert [e.title for e in feed.entries] == ["Port strike ends"]
    assert feed.entries[0].published == datetime(2023, 11, 30, 13, 15, tzinfo=UTC)


def test_relative_links_use_the_document_url_when_the_feed_names_no_base():
    data = (
        b'<rss version="2.0"><channel><title>t</title>'
        b"<item><title>a</title><link>/a/1</link></item></channel></rss>"
    )
    feed = parse_feed(data, "https://host.example/feeds/main.xml")
    assert feed.entries[0].link == "https://host.example/a/1"


def test_twelve_hour_clock_is_read_correctly():
    data = (
        b'<rss version="2.0"><channel><title>t</title><item><title>a</title>'
        b"<pubDate>Sat, Dec 16 2023 02:02:33 PM</pubDate></item></channel></rss>"
    )
    assert parse_feed(data).entries[0].published == datetime(2023, 12, 16, 14, 2, 33, tzinfo=UTC)


def test_dedupe_keys_change_with_content_but_not_with_identity():
    data = (
        b'<rss version="2.0"><channel><title>t</title><item><title>A</title>'
        b"<guid>g-1</guid><link>https://x.example/1</link><description>one</description>"
        b"</item></channel></rss>"
    )
    before = parse_feed(data).entries[0].keys
    after = parse_feed(data.replace(b"one", b"two")).entries[0].keys
    assert (before.guid, before.link) == (after.guid, after.link) == ("g-1", "https://x.example/1")
    assert before.content != after.content


def test_entry_becomes_an_article():
    entry = _parse("atom_base.xml").entries[0]
    article = entry.to_article(source="Field Notes", feed_id=7)
    assert (article.title, article.url, article.guid, article.feed_id) == (
        entry.title,
        entry.link,
        entry.guid,
        7,
    )
    assert article.content_hash == entry.keys.content


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty"),
        (b"  \n", "empty"),
        (b'\xef\xbb\xbf{"version": 1}', "json"),
        (b'<?xml version="1.0"?>\n<!-- c --><opml version="1.0"/>', "opml"),
        (b"<!DOCTYPE html><html><head></head></html>", "html"),
        (b"<rss/>", "xml"),
    ],
)
def test_sniff_format_tells_documents_apart(data: bytes, expected: str):
    assert sniff_format(data) == expected


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty document"),
        (b"<!-- nothing here -->", "no feed"),
        (b'<?xml version="1.0"?><note><to>x</to></note>', "not a feed"),
        (b"<opml><body/></opml>", "OPML"),
        (b"{not json", "not valid JSON"),
        (b'{"hello": "world"}', "not a JSON Feed"),
        (b'<rss version="2.0"><channel><title>Cut', "truncated"),
        (b"<rss><channel><title>a</titel></channel></rss>", "XML"),
    ],
)
def test_unusable_documents_report_an_error(data: bytes, fragment: str):
    feed = parse_feed(data, "https://example.com/feed")
    assert feed.error is not None
    assert fragment in feed.error
    assert not feed.ok


def test_html_page_error_names_the_feed_it_advertises():
    page = (
        b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml">'
        b"</head><body>hi</body></html>"
    )
    feed = parse_feed(page, "https://site.example/")
    assert feed.error is not None
    assert "https://site.example/rss.xml" in feed.error


def test_truncated_feed_is_an_error_but_keeps_the_complete_entries():
    whole = (FEEDS / "atom_base.xml").read_bytes()
    cut = whole[: whole.index(b"<title>Only an id")]
    feed = parse_feed(cut, "https://blog.example.net/notes/atom.xml")
    assert feed.error is not None and "truncated" in feed.error
    assert feed.entries[0].title == "Tidal survey results"


def test_leading_whitespace_before_the_xml_declaration_is_tolerated():
    data = (
        b'\n\n  <?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>a</title></item></channel></rss>"
    )
    feed = parse_feed(data)
    assert feed.error is None
    assert feed.title == "T"


def test_declared_charset_is_used_and_bom_wins():
    latin = (
        '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel>'
        "<title>Café</title><item><title>Über</title></item></channel></rss>"
    )
    assert parse_feed(latin.encode("latin-1")).title == "Café"
    utf16 = latin.replace("iso-8859-1", "utf-16").encode("utf-16")
    assert parse_feed(utf16).entries[0].title == "Über"


def test_utf8_declaration_over_latin1_bytes_is_reported_and_read():
    data = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Café crème</title><item><title>x</title></item></channel></rss>"
    ).encode("cp1252")
    feed = parse_feed(data)
    assert feed.title == "Café crème"
    assert any("not utf-8" in problem for problem in feed.problems)


def test_server_charset_is_overridden_by_valid_utf8():
    data = '<rss version="2.0"><channel><title>Zürich</title></channel></rss>'.encode()
    feed = parse_feed(data, "https://x.example/", {"Content-Type": "text/xml; charset=ISO-8859-1"})
    assert feed.title == "Zürich"


def test_gzip_file_without_content_encoding_is_unpacked():
    import gzip

    data = gzip.compress((FEEDS / "rdf.xml").read_bytes())
    feed = parse_feed(data, "file.xml")
    assert feed.title == "Wire Service"
    assert any("gzip" in problem for problem in feed.problems)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-02-10T12:00:00+01:00", datetime(2024, 2, 10, 11, 0, tzinfo=UTC)),
        ("2024-02-10T12:00:00Z", datetime(2024, 2, 10, 12, 0, tzinfo=UTC)),
        ("Sat, 10 Feb 2024 12:00:00 GMT", datetime(2024, 2, 10, 12, 0, tzinfo=UTC)),
        ("10000-01-01T00:00:00Z", None),
        ("0001-01-01T00:00:00Z", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_timestamp(text: str | None, expected: datetime | None):
    assert parse_timestamp(text) == expected


def test_plain_text_titles_keep_angle_brackets_that_are_not_tags():
    data = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title type="text">Vector&lt;int&gt; tips'
        b"</title><entry><title>a &lt; b &gt; c</title><id>1</id></entry></feed>"
    )
    feed = parse_feed(data)
    assert feed.title == "Vector<int> tips"
    assert feed.entries[0].title == "a < b > c"


@pytest.mark.parametrize(
    "document",
    [
        b'<?xml version="1.0"?><rss version="2.0"/>',
        b'<rss version="2.0"><channel>\n</channel></rss>',
        b'<feed xmlns="http://www.w3.org/2005/Atom"></feed>',
    ],
)
def test_a_feed_with_nothing_in_it_says_so(document: bytes):
    feed = parse_feed(document, "https://news.example/feed.xml")
    assert feed.error is None and not feed.entries
    assert "the feed is empty: no title, no link and no entries" in feed.problems


@pytest.mark.parametrize(
    "channel", ["<title>Quiet desk</title>", "<link>https://news.example/</link>"]
)
def test_a_quiet_feed_with_no_entries_yet_is_not_a_problem(channel: str):
    document = f'<rss version="2.0"><channel>{channel}</channel></rss>'.encode()
    feed = parse_feed(document, "https://news.example/feed.xml")
    assert feed.error is None and not feed.entries
    assert not feed.problems
