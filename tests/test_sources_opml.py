"""OPML import and export: folders both ways, lenient reading of broken files."""

from __future__ import annotations

from pathlib import Path

from briefing.sources.opml import OpmlFeed, parse_opml, write_opml

FEEDS = Path(__file__).parent / "fixtures" / "feeds"


def test_folders_are_kept_as_paths_and_bare_ampersands_recovered():
    doc = parse_opml((FEEDS / "folders.opml").read_bytes())
    assert doc.error is None
    assert doc.title == "Morning reading"
    assert doc.folders == ("Politics", "Politics/Budget")
    assert [(f.url, f.folder) for f in doc.feeds] == [
        ("https://treasury.example.gov/feed?lang=en&section=budget", ("Politics", "Budget")),
        ("https://parliament.example.org/rss", ("Politics",)),
        ("https://wire.example.com/rss.xml", ()),
    ]
    assert any("&" in problem for problem in doc.problems)


def test_export_then_import_keeps_feeds_titles_and_folders():
    feeds = [
        OpmlFeed(
            "https://a.example/feed?x=1&y=2", 'Quotes "and" <angles>', None, ("News", "World")
        ),
        OpmlFeed("https://b.example/rss", "B", "https://b.example/", ("News",)),
        OpmlFeed("https://c.example/atom", None, None, ()),
    ]
    text = write_opml(feeds, title="Mine & yours")
    doc = parse_opml(text.encode())
    assert doc.problems == ()
    assert doc.title == "Mine & yours"
    assert [(f.url, f.folder) for f in doc.feeds] == [(f.url, f.folder) for f in feeds]
    assert doc.feeds[0].title == 'Quotes "and" <angles>'
    assert doc.feeds[1].html_url == "https://b.example/"
    assert doc.feeds[2].title == "https://c.example/atom"


def test_export_drops_characters_xml_cannot_hold():
    text = write_opml([OpmlFeed("https://a.example/", "bell\x07 and nul\x00")])
    assert parse_opml(text.encode()).feeds[0].title == "bell and nul"


def test_raw_quotes_inside_attributes_fall_back_to_a_tag_scan():
    data = (
        b'<?xml version="1.0"?><opml version="1.0"><head><title>T</title></head><body>'
        b'<outline text="Paper "Daily" news" xmlUrl="https://p.example/rss"/>'
        b'<outline text="Other" xmlUrl="https://o.example/rss"/></body></opml>'
    )
    doc = parse_opml(data)
    assert doc.error is None
    assert [f.url for f in doc.feeds] == ["https://p.example/rss", "https://o.example/rss"]


def test_truncated_file_is_an_error_that_keeps_what_came_before():
    whole = (FEEDS / "folders.opml").read_bytes()
    doc = parse_opml(whole[: whole.index(b"Wire") - 30])
    assert doc.error is not None and "truncated" in doc.error
    assert len(doc.feeds) == 2


def test_missing_body_and_foreign_roots_are_errors():
    assert parse_opml(b'<opml version="1.0"><head><title>x</title></head></opml>').error
    assert parse_opml(b"<rss><channel/></rss>").error
    assert parse_opml(b"").error == "empty document"


def test_entity_declarations_are_never_expanded():
    data = (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b"<opml><head><title>&b;</title></head><body>"
        b'<outline text="x" xmlUrl="https://x.example/"/></body></opml>'
    )
    doc = parse_opml(data)
    assert "aaaa" not in (doc.title or "")
    assert any("entity" in problem for problem in doc.problems)
