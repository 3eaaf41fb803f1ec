"""Hostile documents: entity bombs, external entities, bombs, nesting, bad bytes, odd dates."""

from __future__ import annotations

import gzip

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.sources.htmltext import html_to_text
from briefing.sources.jsonfeed import parse_json_feed
from briefing.sources.opml import parse_opml
from briefing.sources.parse import gunzip_capped, parse_feed

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "aaaaaaaaaa">\n'
    + b"".join(b'<!ENTITY %c "%s">\n' % (98 + i, (b"&%c;" % (97 + i)) * 10) for i in range(9))
    + b']>\n<rss version="2.0"><channel><title>&j;</title>'
    b"<item><title>t &j;</title></item></channel></rss>"
)
EXTERNAL = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>\n'
    b'<rss version="2.0"><channel><title>T &xxe;</title>'
    b"<item><title>a</title></item></channel></rss>"
)
SMALL_RSS = (
    b'<rss version="2.0"><channel><title>T</title><item><title>a</title>'
    b"<guid>1</guid><pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate>"
    b"<description>&lt;p&gt;Hello&lt;/p&gt;</description></item></channel></rss>"
)


def test_billion_laughs_is_not_expanded():
    feed = parse_feed(BILLION_LAUGHS, "https://x.example/")
    assert len(feed.title or "") < 100
    assert all(len(entry.title or "") < 100 for entry in feed.entries)
    assert any("entity" in problem for problem in feed.problems)


def test_external_entities_are_not_fetched():
    feed = parse_feed(EXTERNAL, "https://x.example/")
    assert feed.title is not None
    assert "\n" not in feed.title
    assert any("entity" in problem for problem in feed.problems)


def test_gzip_bomb_is_refused():
    bomb = gzip.compress(b"\x00" * 12_000_000)
    feed = parse_feed(bomb, "f.xml", max_bytes=1_000_000)
    assert feed.error is not None and "gzip" in feed.error


def test_gunzip_capped_stops_at_the_limit():
    data = gzip.compress(b"a" * 10_000)
    assert gunzip_capped(data, 10_000) == b"a" * 10_000
    with pytest.raises(ValueError, match="9,999"):
        gunzip_capped(data, 9_999)


def test_oversize_document_is_refused_before_parsing():
    feed = parse_feed(b" " * 2_000, "f.xml", max_bytes=1_000)
    assert feed.error is not None and "larger" in feed.error


def test_deeply_nested_markup_in_a_body_is_read_quickly_as_text():
    body = b"&lt;div&gt;" * 100_000 + b"deep text"
    data = SMALL_RSS.replace(b"&lt;p&gt;Hello&lt;/p&gt;", body)
    feed = parse_feed(data, "f.xml")
    assert feed.entries[0].body.endswith("deep text")


@pytest.mark.parametrize("opener", [b"&lt;b", b"&lt;p ", b"&lt;a href='x' "])
def test_tags_that_never_close_in_a_body_are_read_in_linear_time(opener: bytes):
    # Tag openers with no '>' after them cost the depth check cubic time: a 10 kB body
    # took minutes, this one centuries.
    data = b'<rss version="2.0"><channel><title>t</title><item><title>Unclosed</title>'
    body = b"&lt;p&gt;kept" + opener * 200_000
    feed = parse_feed(data + b"<description>" + body + b"</description></item></channel></rss>")
    assert feed.error is None and [entry.body for entry in feed.entries] == ["kept"]
    assert html_to_text("<p>end</p>" + "<b" * 300_000) == "end"


def test_a_huge_link_full_of_dots_is_resolved_in_linear_time():
    # Checking whether it looked like a path backtracked once per dot: minutes for this one.
    link = "a." * 500_000 + " b"
    data = (
        b'<rss version="2.0"><channel><title>t</title><link>https://x.example/</link>'
        b"<item><title>Long</title><link>" + link.encode() + b"</link></item>"
        b"<item><title>Short</title><link>story/1</link></item></channel></rss>"
    )
    feed = parse_feed(data, "https://x.example/feed")
    assert [entry.link for entry in feed.entries] == [
        "a." * 500_000 + " b",
        "https://x.example/story/1",
    ]


def test_deeply_nested_xml_elements_do_not_crash():
    data = SMALL_RSS.replace(b"<guid>", b"<x>" * 20_000 + b"</x>" * 20_000 + b"<guid>")
    feed = parse_feed(data, "f.xml")
    assert feed.kind == "rss"


def test_html_to_text_survives_pathological_nesting():
    assert html_to_text("<b><i>" * 50_000 + "end").endswith("end")
    assert html_to_text("<div>" * 300 + "<p>kept</p>") == "kept"


def test_invalid_utf8_is_read_with_a_problem():
    data = SMALL_RSS.replace(b"<title>T</title>", b"<title>T \xff\xfe\xc3</title>")
    feed = parse_feed(b'<?xml version="1.0" encoding="utf-8"?>' + data, "f.xml")
    assert feed.title is not None and feed.title.startswith("T ")
    assert feed.problems


def test_dates_out_of_range_or_negative_become_none():
    for text in (b"Sat, 01 Jan 10000 00:00:00 GMT", b"-100", b"-62135596800", b"garbage"):
        data = SMALL_RSS.replace(b"Mon, 01 Jan 2024 00:00:00 GMT", text)
        assert parse_feed(data, "f.xml").entries[0].published is None


def test_control_characters_and_escapes_in_titles_are_kept_as_text_only():
    data = SMALL_RSS.replace(
        b"<title>a</title>", b"<title>a &#x1b;[31mred [link=x]y[/link]</title>"
    )
    title = parse_feed(data, "f.xml").entries[0].title or ""
    assert "[link=x]" in title  # shown literally; the printers escape it


XMLISH = st.lists(
    st.sampled_from(
        [
            "<rss>",
            "</rss>",
            "<channel>",
            "</channel>",
            "<item>",
            "</item>",
            "<title>",
            "</title>",
            "<feed xmlns='http://www.w3.org/2005/Atom'>",
            "</feed>",
            "<entry>",
            "</entry>",
            "<link href='/x'/>",
            "<![CDATA[",
            "]]>",
            "&amp;",
            "&bogus;",
            "<!--",
            "-->",
            "<!DOCTYPE x [<!ENTITY e 'v'>]>",
            "<?xml version='1.0'?>",
            "\x00",
            "\ufeff",
            "<pubDate>",
            "</pubDate>",
            "Mon, 01 Jan 99999 00:00:00",
            "<description>",
            "</description>",
            "&lt;p&gt;",
            "text",
            "<",
            ">",
            '"',
            "{",
            "}",
            "[",
            "]",
        ]
    ),
    max_size=60,
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=XMLISH, encoding=st.sampled_from(["utf-8", "utf-16", "latin-1"]))
def test_random_xmlish_documents_never_raise(doc: str, encoding: str):
    data = doc.encode(encoding, errors="replace")
    feed = parse_feed(data, "https://x.example/feed")
    assert feed.error is not None or feed.kind is not None
    parse_opml(data)


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=2_000))
def test_random_bytes_never_raise(data: bytes):
    parse_feed(data, "f")
    parse_opml(data)


@settings(max_examples=100, deadline=None)
@given(
    position=st.integers(min_value=0, max_value=len(SMALL_RSS) - 1),
    byte=st.integers(min_value=0, max_value=255),
)
def test_mutated_feeds_never_raise(position: int, byte: int):
    data = SMALL_RSS[:position] + bytes([byte]) + SMALL_RSS[position + 1 :]
    parse_feed(data, "f")


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "version",
                    "title",
                    "items",
                    "id",
                    "url",
                    "content_html",
                    "content_text",
                    "date_published",
                    "authors",
                    "author",
                    "home_page_url",
                    "feed_url",
                    "name",
                ]
            ),
            children,
            max_size=6,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(doc=JSONISH)
def test_random_json_never_raises(doc: object):
    import json

    text = json.dumps(doc)
    feed = parse_json_feed(text)
    if isinstance(doc, dict) and isinstance(doc.get("items"), list):
        assert feed.error is None


def test_a_flood_of_entries_keeps_the_first_two_thousand():
    items = b"<item><title>a</title></item>" * 30_000
    data = b'<rss version="2.0"><channel><title>t</title>' + items + b"</channel></rss>"
    feed = parse_feed(data, "f.xml")
    assert feed.error is None
    assert len(feed.entries) == 2_000
    assert any("30,000 entries" in problem for problem in feed.problems)


def test_a_flood_of_empty_elements_is_refused():
    data = b'<rss version="2.0"><channel><title>t</title>' + b"<x/>" * 300_000
    feed = parse_feed(data + b"<item><title>a</title></item></channel></rss>", "f.xml")
    assert feed.error is not None and "XML elements" in feed.error


def test_markup_inside_cdata_does_not_count_as_elements():
    body = b"<![CDATA[" + b"<b>x</b>" * 300_000 + b"]]>"
    data = b'<rss version="2.0"><channel><title>t</title><item><title>a</title><description>'
    feed = parse_feed(data + body + b"</description></item></channel></rss>", "f.xml")
    assert feed.error is None
    assert feed.entries[0].body.startswith("x")


LATE_ENTITIES = b'<!DOCTYPE rss [<!ENTITY lol "LOLLOL"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
LATE_BODY = (
    b'<rss version="2.0"><channel><title>t &lol2;</title>'
    b"<item><title>i &lol;</title><guid>1</guid></item></channel></rss>"
)
# What may stand between the start of a document and its DOCTYPE.
BEFORE_DOCTYPE = {
    "a 70 KB comment": b'<?xml version="1.0"?><!--' + b"x" * 70_000 + b"-->",
    "a 2 MB comment": b"<!--" + b"x" * 2_000_000 + b"-->",
    "a comment holding a tag": b'<?xml version="1.0"?><!-- <b>bold</b> -->',
    "a processing instruction holding a tag": b'<?xml-stylesheet href="<x>"?>\n',
    "stray text on the line before": b"junk\n",
    "another DOCTYPE": b"<!DOCTYPE rss>",
    "an unterminated comment": b"<!-- never closed\n",
    "a CDATA section": b"<![CDATA[ <p> ]]>\n",
}


@pytest.mark.parametrize("name", sorted(BEFORE_DOCTYPE))
def test_entity_declarations_are_ignored_wherever_the_prolog_puts_the_doctype(name: str):
    feed = parse_feed(BEFORE_DOCTYPE[name] + LATE_ENTITIES + LATE_BODY, "f.xml")
    texts = [feed.title or ""] + [entry.title or "" for entry in feed.entries]
    assert not any("LOL" in text for text in texts)
    assert "entity declarations in the DOCTYPE were ignored" in feed.problems


@pytest.mark.parametrize("name", sorted(BEFORE_DOCTYPE))
def test_opml_entity_declarations_are_ignored_wherever_the_prolog_puts_the_doctype(name: str):
    opml = (
        b'<opml version="2.0"><head><title>&lol2;</title></head><body>'
        b'<outline text="&lol;" xmlUrl="https://x.example/rss"/></body></opml>'
    )
    doc = parse_opml(BEFORE_DOCTYPE[name] + LATE_ENTITIES.replace(b"rss", b"opml") + opml)
    assert "LOL" not in (doc.title or "")
    assert not any("LOL" in (feed.title or "") for feed in doc.feeds)


def test_billion_laughs_after_a_long_comment_is_not_expanded():
    late = BILLION_LAUGHS.replace(b"\n<!DOCTYPE", b"<!--" + b"x" * 70_000 + b"-->\n<!DOCTYPE")
    feed = parse_feed(late, "https://x.example/")
    assert len(feed.title or "") < 100
    assert any("entity" in problem for problem in feed.problems)


@pytest.mark.parametrize(
    "document",
    [
        LATE_BODY.replace(b"<channel>", LATE_ENTITIES + b"<channel>"),
        LATE_BODY + LATE_ENTITIES,
    ],
    ids=["inside the root", "after the root"],
)
def test_a_doctype_after_the_first_element_declares_nothing(document: bytes):
    feed = parse_feed(document, "f.xml")
    assert not any("LOL" in (entry.title or "") for entry in feed.entries)
    assert "LOL" not in (feed.title or "")


def test_many_unterminated_comments_before_the_root_are_searched_in_linear_time():
    # Quadratic searching would take hours here; linear takes milliseconds.
    prolog = b"<!--<?<![CDATA[" * 200_000
    feed = parse_feed(prolog + LATE_ENTITIES + LATE_BODY, "f.xml")
    assert "LOL" not in (feed.title or "")


PROLOG_PARTS = st.sampled_from(
    [
        b"\n",
        b"  ",
        b"<!-- c -->",
        b"<!-- <rss> -->",
        b"<!--",
        b"-->",
        b'<?pi "x"?>',
        b"<?pi <x>?>",
        b"<![CDATA[",
        b"]]>",
        b"text",
        b"<!DOCTYPE rss>",
        b"<!DOCTYPE rss [<!-- ]> -->]>",
        b"'",
        b'"',
        b"x" * 20_000,
    ]
)


@settings(max_examples=150, deadline=None)
@given(prolog=st.lists(PROLOG_PARTS, max_size=12).map(b"".join))
def test_no_prolog_lets_a_declared_entity_expand(prolog: bytes):
    feed = parse_feed(prolog + LATE_ENTITIES + LATE_BODY, "f.xml")
    assert "LOL" not in (feed.title or "")
    assert not any("LOL" in (entry.title or "") for entry in feed.entries)
    opml = b"<opml><head><title>&lol;</title></head><body/></opml>"
    assert "LOL" not in (parse_opml(prolog + LATE_ENTITIES + opml).title or "")


def test_unterminated_cdata_openers_in_a_flood_of_elements_are_counted_in_linear_time():
    # Searching to the end once per opener took minutes for a megabyte of them.
    flood = b"<x/>" * 260_000 + b"<![CDATA[" * 500_000
    data = b'<rss version="2.0"><channel><title>t</title>' + flood + b"</channel></rss>"
    feed = parse_feed(data, "f.xml")
    assert feed.error is not None and "260,003 XML elements" in feed.error
