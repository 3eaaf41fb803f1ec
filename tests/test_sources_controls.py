"""No escape sequence or control character leaves the parsers, so none is ever stored."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.cli import main
from briefing.sources.jsonfeed import parse_json_feed
from briefing.sources.opml import parse_opml
from briefing.sources.parse import ParsedEntry, ParsedFeed, parse_feed

# C0 controls but tab and newline, DEL and C1 controls: never in a stored body.
IN_BODY = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Nor, with tab and newline too, in a title, name, link or message.
IN_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")

CONTROLS = [chr(code) for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))]
PIECES = st.one_of(
    st.sampled_from(
        CONTROLS
        + [
            "\x1b[2J\x1b[31m",
            "\x1b]52;c;cHduZWQ=\x07",
            "\x1b]8;;http://evil.example/\x1b\\",
            "\x9b31m",
            "\x9d0;title\x9c",
            "word",
            " ",
            "é",
            "\u202e",
            "[bold]",
        ]
    ),
    st.characters(),
)
HOSTILE = st.lists(PIECES, max_size=25).map("".join)
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_clean_feed(feed: ParsedFeed) -> None:
    for value in (feed.title, feed.link, feed.self_url, feed.error, *feed.problems):
        assert not IN_LINE.search(value or ""), value
    for entry in feed.entries:
        for value in (entry.guid, entry.title, entry.link, entry.author):
            assert not IN_LINE.search(value or ""), value
        assert not IN_BODY.search(entry.body), entry.body


def _as_references(text: str) -> str:
    """`text` escaped for XML with every control written as a character reference."""
    return "".join(f"&#{ord(ch)};" if IN_LINE.match(ch) else escape(ch) for ch in text)


@SETTINGS
@given(text=HOSTILE, references=st.booleans())
def test_rss_fields_never_carry_controls(text: str, references: bool):
    field = _as_references(text) if references else escape(text)
    document = (
        f'<rss version="2.0"><channel><title>{field}</title><link>https://x.example/{field}</link>'
        f"<item><title>{field}</title><link>https://x.example/a{field}</link>"
        f"<guid>{field}</guid><author>{field}</author><description>{field}</description>"
        f"</item></channel></rss>"
    )
    assert_clean_feed(parse_feed(document.encode("utf-8", "surrogatepass"), "f.xml"))


@SETTINGS
@given(text=HOSTILE)
def test_atom_fields_never_carry_controls(text: str):
    field = _as_references(text)
    document = (
        f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{field}</title>'
        f"<entry><id>{field}</id><title type='html'>{escape(field)}</title>"
        f"<link href={quoteattr('https://x.example/' + text)}/>"
        f"<author><name>{field}</name></author><content type='html'>{escape(field)}</content>"
        f"</entry></feed>"
    )
    assert_clean_feed(parse_feed(document.encode("utf-8", "surrogatepass"), "f.xml"))


@SETTINGS
@given(text=HOSTILE)
def test_json_feed_fields_never_carry_controls(text: str):
    item = {
        "id": text,
        "title": text,
        "url": "https://x.example/" + text,
        "content_text": text + "\n\n" + text,
        "authors": [{"name": text}],
    }
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": text,
        "home_page_url": "https://x.example/" + text,
        "items": [item, {**item, "content_text": None, "content_html": f"<p>{text}</p>"}],
    }
    assert_clean_feed(parse_json_feed(json.dumps(document)))


@SETTINGS
@given(text=HOSTILE)
def test_opml_names_and_addresses_never_carry_controls(text: str):
    attribute = quoteattr(text)
    document = (
        f"<opml version='2.0'><head><title>{escape(text)}</title></head><body>"
        f"<outline text={attribute}><outline text={attribute} "
        f"xmlUrl={quoteattr('https://x.example/' + text)} htmlUrl={attribute}/>"
        f"</outline></body></opml>"
    )
    doc = parse_opml(document.encode("utf-8", "surrogatepass"))
    values = [doc.title, *doc.folders]
    for feed in doc.feeds:
        values += [feed.url, feed.title, feed.html_url, *feed.folder]
    assert not any(IN_LINE.search(value or "") for value in values)


@settings(max_examples=300)
@given(text=HOSTILE)
def test_every_entry_is_cleaned_however_it_was_built(text: str):
    entry = ParsedEntry(text, text, text, None, body=text, author=text)
    for value in (entry.guid, entry.title, entry.link, entry.author):
        assert not IN_LINE.search(value or "")
    assert not IN_BODY.search(entry.body)


def test_escape_sequences_go_whole_and_links_keep_their_address():
    entry = ParsedEntry(
        "g\x07",
        "B\x1b]52;c;cHduZWQ=\x07 clipboard \x1b[31mred\x1b[0m",
        "https://x.example/a\x1b[2Jb",
        None,
        body="one\x07\n\ntwo\tthree\r",
        author="\x9bA. Writer",
    )
    assert entry.title == "B clipboard red"
    assert entry.link == "https://x.example/a%1B[2Jb"
    assert entry.body == "one\n\ntwo\tthree"
    assert entry.guid == "g"


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "briefing.toml"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRIEFING_CONFIG", str(config))
    return tmp_path


def test_nothing_stored_carries_controls(isolated: Path, capsys: pytest.CaptureFixture[str]):
    hostile = [
        "A\x1b[2J\x1b[31mred\x1b[0m clear",
        "B\x1b]52;c;cHduZWQ=\x07 clipboard",
        "C\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\ end",
        "D\x9b31m c1\x85 csi\x9d0;title\x9c",
        "F line\rOVERWRITE\x08\x08bs \x07bell\x7f",
    ]
    items = "".join(
        f"<item><title>{escape(text)}</title><link>https://x.example/{escape(text)}</link>"
        f"<guid>g{number}</guid><pubDate>Mon, 01 Jan 2024 10:00:0{number} GMT</pubDate>"
        f"<description>{escape(text)} clipboard text.</description></item>"
        for number, text in enumerate(hostile)
    )
    feed = isolated / "hostile.xml"
    feed.write_text(
        f'<rss version="2.0"><channel><title>Feed \x1b[5mblink</title>{items}</channel></rss>',
        encoding="utf-8",
    )
    assert main(["add", str(feed)]) == 0
    assert main(["refresh"]) == 0
    capsys.readouterr()
    for command in (["list", "--json"], ["search", "--json", "clipboard"], ["feeds", "--json"]):
        assert main(command) == 0
        records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert records
        strings = [value for record in records for value in record.values()]
        assert not any(IN_BODY.search(value) for value in strings if isinstance(value, str))


def test_lone_surrogates_from_json_escapes_are_stored_as_replacement_characters(
    isolated: Path, capsys: pytest.CaptureFixture[str]
):
    # json.dumps writes each lone surrogate as a "\udxxx" escape, which json.loads reads back.
    item = {
        "id": "id\ud800",
        "title": "Title \udc00 end",
        "content_text": "Body \udfff text.",
        "url": "https://x.example/\ud800",
        "authors": [{"name": "Ann \ud83d"}],
    }
    document = {"version": "https://jsonfeed.org/version/1.1", "title": "S\ud800", "items": [item]}
    hostile = isolated / "surrogates.json"
    hostile.write_text(json.dumps(document), encoding="ascii")
    plain_feed = isolated / "plain.json"
    plain_feed.write_text(
        json.dumps({**document, "title": "Plain", "items": [{"id": "p", "title": "Fine"}]}),
        encoding="ascii",
    )
    assert main(["check-feed", str(hostile)]) == 0
    assert "Title \ufffd end" in capsys.readouterr().out
    assert main(["add", str(hostile)]) == 0
    assert main(["add", str(plain_feed)]) == 0
    assert main(["refresh"]) == 0
    capsys.readouterr()
    assert main(["list", "--json"]) == 0
    titles = sorted(json.loads(line)["title"] for line in capsys.readouterr().out.splitlines())
    assert titles == ["Fine", "Title \ufffd end"]
