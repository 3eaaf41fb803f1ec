"""The quick lxml reader gives exactly what the feedparser path gives, or steps aside."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

import briefing.sources.parse as parse
from briefing.sources import fastfeed
from briefing.sources.parse import ParsedFeed, parse_feed

EVAL_FEEDS = Path(__file__).parents[1].parent / "shared" / "eval" / "feeds" / "docs"
URL = "https://news.example.org/feeds/main.xml"
WORDS = [
    "council",
    "budget",
    "harbour",
    "ferry",
    "minister",
    "spending",
    "report",
    "tariff",
    "grid",
    "union",
]


def both_ways(data: bytes, url: str = URL) -> tuple[ParsedFeed, ParsedFeed, bool]:
    """(quick-path result, feedparser result, whether the quick reader answered)."""
    answered: list[bool] = []
    original = parse.read_feed

    def spy(document: bytes) -> object:
        found = original(document)
        answered.append(found is not None)
        return found

    parse.read_feed = spy  # type: ignore[assignment]
    try:
        quick = parse_feed(data, url)
        parse.QUICK_READER = False
        slow = parse_feed(data, url)
    finally:
        parse.QUICK_READER = True
        parse.read_feed = original
    return quick, slow, bool(answered and answered[0])


def synthetic(seed: int) -> bytes:
    """An RSS 2.0, Atom 1.0 or RSS 1.0 document with varied but ordinary items."""
    rng = random.Random(seed)
    shape = seed % 3

    def sentence() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12))).capitalize()

    items = []
    for n in range(rng.randint(1, 8)):
        title = sentence() + rng.choice(["", " &amp; more", " &lt;b&gt;bold&lt;/b&gt;", " €5bn"])
        body = "".join(f"<p>{sentence()}.</p>" for _ in range(rng.randint(1, 4)))
        link = rng.choice([f"https://news.example.org/a/{n}", f"/a/{n}?x=1&amp;y=2", ""])
        day = 1 + n % 28
        if shape == 0:
            guid = rng.choice(
                [
                    f"<guid>https://news.example.org/p/{n}</guid>",
                    f'<guid isPermaLink="false">item-{n}</guid>',
                    "",
                ]
            )
            date = rng.choice(
                [
                    f"<pubDate>Mon, {day:02d} Jun 2025 09:30:00 +0200</pubDate>",
                    f"<dc:date>2025-06-{day:02d}T09:30:00Z</dc:date>",
                    "<pubDate>yesterday</pubDate>",
                    "",
                ]
            )
            content = rng.choice(
                ["", f"<content:encoded><![CDATA[{body}<p>More.</p>]]></content:encoded>"]
            )
            author = rng.choice(
                [
                    "",
                    "<author>desk@example.org (News Desk)</author>",
                    "<dc:creator>A. Writer</dc:creator>",
                ]
            )
            items.append(
                f"<item><title>{title}</title>"
                + (f"<link>{link}</link>" if link else "")
                + f"{guid}{date}<description><![CDATA[{body}]]></description>{content}"
                f"{author}<category>News</category></item>"
            )
        elif shape == 1:
            alternate = f'<link rel="alternate" type="text/html" href="{link}"/>' if link else ""
            kind = rng.choice(['type="html"', 'type="text"', ""])
            text = body.replace("<", "&lt;") if "html" in kind else sentence()
            items.append(
                f'<entry><title type="text">{title}</title>{alternate}'
                f"<id>tag:news.example.org,2025:{n}</id>"
                f"<updated>2025-06-{day:02d}T10:00:00+01:00</updated>"
                + rng.choice(["", f"<published>2025-06-{day:02d}T08:00:00Z</published>"])
                + f"<summary>{sentence()}</summary><content {kind}>{text}</content>"
                + rng.choice(
                    ["", "<author><name>Ana</name><email>ana@example.org</email></author>"]
                )
                + "</entry>"
            )
        else:
            items.append(
                f'<item rdf:about="https://news.example.org/r/{n}"><title>{title}</title>'
                f"<link>https://news.example.org/r/{n}</link>"
                f"<description>{sentence()}</description>"
                f"<dc:date>2025-06-{day:02d}T07:00:00Z</dc:date></item>"
            )
    joined = "\n".join(items)
    if shape == 0:
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
            "<title>Harbour &amp; Council News</title><link>https://news.example.org/</link>"
            '<atom:link rel="self" type="application/rss+xml" href="https://news.example.org/rss"/>'
            f"<description>Local news</description><ttl>{rng.choice([30, 60])}</ttl>"
            f"<image><url>https://news.example.org/logo.png</url><title>Logo</title>"
            f"<link>https://news.example.org/</link></image>{joined}</channel></rss>"
        ).encode()
    if shape == 1:
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            "<title>Harbour Atom</title><id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>"
            '<link rel="self" href="https://news.example.org/atom"/>'
            '<link href="https://news.example.org/"/><updated>2025-06-02T00:00:00Z</updated>'
            f"<author><name>Desk</name></author>{joined}</feed>"
        ).encode()
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<channel rdf:about="https://news.example.org/"><title>Harbour RDF</title>'
        "<link>https://news.example.org/</link><description>d</description>"
        '<items><rdf:Seq><rdf:li rdf:resource="https://news.example.org/r/0"/></rdf:Seq>'
        f"</items></channel>{joined}</rdf:RDF>"
    ).encode()


@pytest.mark.parametrize("seed", range(60))
def test_quick_reader_matches_feedparser_on_ordinary_feeds(seed: int) -> None:
    quick, slow, answered = both_ways(synthetic(seed))
    assert answered, "an ordinary feed should not need feedparser"
    assert quick == slow
    assert quick.entries


FAMILIAR = {
    "podcast": b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
    b'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
    b'xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Cast</title>'
    b"<link>https://cast.example/</link><itunes:owner><itunes:name>Ana</itunes:name>"
    b"<itunes:email>ana@cast.example</itunes:email></itunes:owner>"
    b'<itunes:category text="News"><itunes:category text="Politics"/></itunes:category>'
    b"<item><title>Episode 1</title><link>https://cast.example/1</link>"
    b'<enclosure url="https://cast.example/1.mp3" type="audio/mpeg" length="1"/>'
    b'<media:content url="https://cast.example/1.jpg"><media:credit>Ana</media:credit>'
    b"</media:content><description>The budget vote.</description></item></channel></rss>",
    "atom with language and source": b'<feed xmlns="http://www.w3.org/2005/Atom" '
    b'xml:lang="en"><title xml:lang="en">Wire</title><id>urn:x:feed</id>'
    b"<published>2025-01-01T00:00:00Z</published>"
    b'<entry><title>Story</title><link href="https://wire.example/s"/><id>urn:x:1</id>'
    b"<source><title>Origin</title><id>urn:x:origin</id>"
    b'<link href="https://origin.example/"/><updated>2025-01-01T00:00:00Z</updated></source>'
    b"<updated>2025-01-02T00:00:00Z</updated><summary>Text.</summary></entry></feed>",
}


@pytest.mark.parametrize("name", sorted(FAMILIAR))
def test_quick_reader_handles_common_extensions(name: str) -> None:
    quick, slow, answered = both_ways(FAMILIAR[name])
    assert answered
    assert quick == slow
    assert quick.entries and quick.title


UNUSUAL = {
    "doctype": b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY who "Ana">]><rss version="2.0">'
    b"<channel><title>&who;</title><item><title>x</title></item></channel></rss>",
    "xml base": b'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://b.example/x/">'
    b'<title>t</title><entry><title>a</title><link href="p/1"/><id>1</id></entry></feed>',
    "markup in a title": b'<rss version="2.0"><channel><title>t</title><item>'
    b"<title>a <b>bold</b> move</title></item></channel></rss>",
    "xhtml content": b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry>'
    b'<title>a</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
    b"<p>Hi</p></div></content></entry></feed>",
    "two titles": b'<rss version="2.0"><channel><title>t</title><item><title>a</title>'
    b"<title>b</title></item></channel></rss>",
    "media title": b'<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>'
    b"<title>t</title><item><title>a</title><media:title>m</media:title></item></channel></rss>",
    "not well-formed": b'<rss version="2.0"><channel><title>t</title><item><title>a & b'
    b"</title></item></channel></rss>",
    "undefined entity": b'<rss version="2.0"><channel><title>t&nbsp;</title></channel></rss>',
    "atom 0.3": b'<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>t</title></feed>',
    "rss 0.90": b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    b'xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>t</title></channel>'
    b"</rdf:RDF>",
}


@pytest.mark.parametrize("name", sorted(UNUSUAL))
def test_quick_reader_steps_aside_when_unsure(name: str) -> None:
    quick, slow, answered = both_ways(UNUSUAL[name])
    assert not answered
    assert quick == slow


def test_quick_reader_never_expands_entities_or_fetches() -> None:
    document = (
        b'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd">'
        b'<rss version="2.0"><channel><title>t</title></channel></rss>'
    )
    assert fastfeed.read_feed(document) is None
    bomb = b'<rss version="2.0"><channel><title>&a;</title></channel></rss>'
    assert fastfeed.read_feed(bomb) is None


def test_quick_reader_reads_titles_links_dates_and_bodies() -> None:
    document = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        b"<title>Desk</title><link>https://news.example.org/</link><ttl>45</ttl>"
        b"<item><title>Ferry &amp; fares</title><link>/a/1</link>"
        b"<guid isPermaLink='false'>id-1</guid>"
        b"<pubDate>Tue, 03 Jun 2025 09:30:00 +0200</pubDate>"
        b"<description>&lt;p&gt;First.&lt;/p&gt;&lt;p&gt;Second.&lt;/p&gt;</description>"
        b"</item></channel></rss>"
    )
    reading = fastfeed.read_feed(document)
    assert reading is not None
    parsed = parse_feed(document, URL)
    assert parsed.ttl_minutes == 45
    (entry,) = parsed.entries
    assert entry.title == "Ferry & fares"
    assert entry.link == "https://news.example.org/a/1"
    assert entry.guid == "id-1"
    assert (
        entry.published is not None and entry.published.isoformat() == "2025-06-03T07:30:00+00:00"
    )
    assert entry.body == "First.\n\nSecond."


def _eval_documents() -> Iterator[Path]:
    if EVAL_FEEDS.is_dir():
        yield from sorted(path for path in EVAL_FEEDS.iterdir() if path.is_file())


@pytest.mark.skipif(not EVAL_FEEDS.is_dir(), reason="shared evaluation feeds not present")
def test_quick_reader_matches_feedparser_on_every_evaluation_document() -> None:
    answered_any = False
    for path in _eval_documents():
        quick, slow, answered = both_ways(path.read_bytes(), path.as_uri())
        answered_any = answered_any or answered
        assert quick == slow, path.name
    assert answered_any


def test_quick_reader_refuses_a_doctype_however_late_it_comes() -> None:
    document = (
        b'<?xml version="1.0"?><!--' + b"x" * 70_000 + b'--><!DOCTYPE rss [<!ENTITY e "E">]>'
        b'<rss version="2.0"><channel><title>t</title></channel></rss>'
    )
    assert fastfeed.read_feed(document) is None
