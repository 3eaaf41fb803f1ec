"""OPML import and export: folders both ways, lenient reading of broken files."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.sources.opml import (
    MAX_FOLDER_DEPTH,
    OpmlFeed,
    import_refusal,
    parse_opml,
    write_opml,
)

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


def _nested_opml(depth: int, *, broken: bool = False) -> bytes:
    """Folders f0/f1/... `depth` deep, a feed at the bottom, at level 3 and after the nest."""
    opening = "".join(f'<outline text="f{level}">' for level in range(depth))
    closing = "</outline>" * depth
    shallow = '<outline text="s0"><outline text="s1"><outline text="s2">'
    shallow += (
        '<outline text="mid" xmlUrl="https://mid.example/rss"/></outline></outline></outline>'
    )
    quirk = ' note="say "hi""' if broken else ""  # raw quotes: only the tag scan reads it
    return (
        f'<?xml version="1.0"?><opml version="2.0"><head><title>deep</title></head><body>'
        f'{shallow}{opening}<outline text="bottom"{quirk} xmlUrl="https://deep.example/rss"/>'
        f'{closing}<outline text="after" xmlUrl="https://after.example/rss"/></body></opml>'
    ).encode()


@pytest.mark.parametrize("broken", [False, True], ids=["xml", "tag-scan"])
@pytest.mark.parametrize("depth", [MAX_FOLDER_DEPTH + 1, 5_000, 100_000])
def test_folders_deeper_than_the_limit_merge_into_their_deepest_kept_ancestor(
    depth: int, broken: bool
):
    doc = parse_opml(_nested_opml(depth, broken=broken))
    assert doc.error is None
    kept = tuple(f"f{level}" for level in range(MAX_FOLDER_DEPTH))
    assert [(f.url, f.folder) for f in doc.feeds] == [
        ("https://mid.example/rss", ("s0", "s1", "s2")),
        ("https://deep.example/rss", kept),
        ("https://after.example/rss", ()),
    ]
    assert len(doc.folders) == 3 + MAX_FOLDER_DEPTH
    assert doc.folders[-1] == "/".join(kept)
    merged = depth - MAX_FOLDER_DEPTH
    assert any(f"{merged:,} folders nested more than" in p for p in doc.problems)


def test_folders_at_the_limit_are_kept_without_a_problem():
    doc = parse_opml(_nested_opml(MAX_FOLDER_DEPTH))
    assert doc.problems == ()
    assert len(doc.feeds[1].folder) == MAX_FOLDER_DEPTH


def test_export_of_a_very_long_folder_path_is_well_formed_and_reads_back_capped():
    folder = tuple(f"level {n}" for n in range(3_000))
    text = write_opml([OpmlFeed("https://a.example/rss", "A", None, folder)])
    doc = parse_opml(text.encode())
    assert doc.error is None
    assert doc.feeds[0].folder == folder[:MAX_FOLDER_DEPTH]


NAMES = st.text(alphabet=string.ascii_letters + string.digits + " &<>\"'", min_size=1, max_size=8)
FEED_LISTS = st.lists(
    st.tuples(
        st.sampled_from(["https://a.example/rss", "https://b.example/feed?x=1&y=2", "http://c/"]),
        st.none() | NAMES,
        st.lists(NAMES, max_size=MAX_FOLDER_DEPTH + 4).map(tuple),
    ),
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(FEED_LISTS)
def test_written_lists_read_back_with_their_folders_up_to_the_depth_limit(
    entries: list[tuple[str, str | None, tuple[str, ...]]],
):
    feeds = [OpmlFeed(url, title, None, folder) for url, title, folder in entries]
    doc = parse_opml(write_opml(feeds).encode())
    assert doc.error is None
    read = sorted((f.url, f.folder) for f in doc.feeds)
    expected = sorted(
        (f.url, tuple(" ".join(part.split()) for part in f.folder[:MAX_FOLDER_DEPTH]))
        for f in feeds
    )
    assert read == expected


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://x.example/rss", None),
        ("HTTP://X.EXAMPLE/feed?a=1&b=2", None),
        ("file:///etc/passwd", "local file"),
        ("FILE:/etc/passwd", "local file"),
        ("/etc/passwd", "local file"),
        ("feeds/local.xml", "local file"),
        ("~/feed.xml", "local file"),
        ("feeds/a:b.xml", "local file"),
        ("C:\\feeds\\x.xml", "local file"),
        ("javascript:alert(1)", "not an http(s) address"),
        ("data:text/xml,<rss/>", "not an http(s) address"),
        ("ftp://x.example/rss", "not an http(s) address"),
        ("http://x.example/$(touch /tmp/x) y", "not a usable web address"),
        ("https://x.example/\x1b[2J", "not a usable web address"),
    ],
)
def test_only_web_feeds_are_importable_from_an_opml_list(url: str, reason: str | None):
    refusal = import_refusal(url)
    if reason is None:
        assert refusal is None
    else:
        assert refusal is not None and reason in refusal


def test_stray_quotes_in_a_damaged_list_are_read_in_linear_time():
    # Read from every '<', each stray quote sent the old reader to the end of the file:
    # hours for this one.
    first = b'<outline text="Kept" xmlUrl="https://a.example/feed"/>'
    data = b"<opml><head>" + b"<title>" * 14_000 + b"<body>" + first + b'<outline a="' * 200_000
    doc = parse_opml(data)
    assert [feed.url for feed in doc.feeds] == ["https://a.example/feed"]
    assert doc.title is None and doc.error is not None and "ends early" in doc.error


def test_a_raw_quote_inside_a_value_loses_that_outline_only():
    data = (
        b'<opml><body><outline text="5" tall" xmlUrl="https://a.example/1"/>\n'
        b'<outline text="B" xmlUrl="https://b.example/2"/>\n'
        b'<outline text="C & D" xmlUrl="https://c.example/3"/></body></opml>'
    )
    doc = parse_opml(data)
    assert [(feed.url, feed.title) for feed in doc.feeds] == [
        ("https://b.example/2", "B"),
        ("https://c.example/3", "C & D"),
    ]
    assert doc.error is None
