"""Feed dates: an impossible date is no date, never a different real one."""

from __future__ import annotations

import calendar
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.cli import main
from briefing.sources.dates import entry_date, impossible_date, parse_timestamp
from briefing.sources.jsonfeed import parse_json_feed
from briefing.sources.parse import parse_feed

IMPOSSIBLE = [
    "2024-02-30T10:00:00Z",
    "2023-02-29",
    "-0001-01-01",
    "-0001-01-01T00:00:00Z",
    "0000-01-01T00:00:00Z",
    "2024-13-01",
    "2024-00-10",
    "2024-12-00",
    "2024-13",
    "20240230T100000Z",
    "2024/02/30 10:00:00",
    "2024-01-01T24:30:00Z",
    "2024-01-01 24:00:00 +00:00",
    "01 Jan 2024 24:00:00 GMT",
    "2024-01-01T10:61:00Z",
    "2024-01-01T10:00:00+25:00",
    "2024-W53",
    "2023-366",
    "Fri, 30 Feb 2024 10:00:00 GMT",
    "Mon, 31 Jun 2024 10:00:00 GMT",
    "Mon, 01 Jan 2024 25:00:00 GMT",
    "Mon, 01 Jan 2024 10:00:00 +9999",
    "Mon, 01 Jan 0000 00:00:00 GMT",
    "Fri Feb 30 10:00:00 2024",
    "February 29, 2023",
]


@pytest.mark.parametrize("text", IMPOSSIBLE)
def test_an_impossible_date_is_no_date(text: str):
    assert impossible_date(text)
    assert parse_timestamp(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-02-29", datetime(2024, 2, 29, tzinfo=UTC)),
        ("Thu, 29 Feb 2024 10:00:00 GMT", datetime(2024, 2, 29, 10, tzinfo=UTC)),
        ("2024-01-01T23:59:59.5Z", datetime(2024, 1, 1, 23, 59, 59, 500000, tzinfo=UTC)),
        ("2024/02/10 10:00:00", datetime(2024, 2, 10, 10, tzinfo=UTC)),
        ("2024.2.5", datetime(2024, 2, 5, tzinfo=UTC)),
        ("2024-W01-3T10:00:00Z", datetime(2024, 1, 3, 10, tzinfo=UTC)),
        ("2020-W53", datetime(2020, 12, 28, tzinfo=UTC)),
        ("2024-060", datetime(2024, 2, 29, tzinfo=UTC)),
        ("Tue, 31 Dec 2024 23:30:00 -0500", datetime(2025, 1, 1, 4, 30, tzinfo=UTC)),
        ("Thu, 07 Dec 17 10:00:29 -0800", datetime(2017, 12, 7, 18, 0, 29, tzinfo=UTC)),
        ("2024-01", datetime(2024, 1, 1, tzinfo=UTC)),
    ],
)
def test_real_dates_in_many_forms_are_read_as_written(text: str, expected: datetime):
    assert not impossible_date(text)
    assert parse_timestamp(text) == expected


def test_a_date_feedparser_invents_from_a_bare_clock_is_dropped():
    # feedparser reads "10:30 PM, 5 Jan 2024" as today at 10:30.
    assert parse_timestamp("10:30 PM, 5 Jan 2024") is None


FIELDS = st.tuples(
    st.integers(-1, 2100),  # year (0 and -1 do not exist)
    st.integers(0, 13),  # month
    st.integers(0, 32),  # day
    st.integers(0, 25),  # hour (24:00 is read as 00:00 of the same day by feedparser)
    st.integers(0, 61),  # minute
    st.integers(0, 59),  # second
)


def _real(year: int, month: int, day: int, hour: int, minute: int, second: int):
    """The moment the fields name, or None when they name none (or an implausible year)."""
    if not (year >= 1900 and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]):
        return None
    if hour > 23 or minute > 59:
        return None
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def _forms(year: int, month: int, day: int, hour: int, minute: int, second: int) -> list[str]:
    sign = "-" if year < 0 else ""
    iso = f"{sign}{abs(year):04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}Z"
    forms = [iso, iso.replace("T", " ").replace("Z", " +00:00")]
    if 1 <= month <= 12 and year >= 0:
        name = calendar.month_abbr[month]
        forms.append(f"{day:02d} {name} {year:04d} {hour:02d}:{minute:02d}:{second:02d} GMT")
    return forms


@settings(max_examples=300, deadline=None)
@given(FIELDS)
def test_written_fields_give_that_moment_or_no_date(fields: tuple[int, ...]):
    expected = _real(*fields)
    for text in _forms(*fields):
        assert parse_timestamp(text) == expected, text


@settings(max_examples=150, deadline=None)
@given(FIELDS)
def test_feed_entries_carry_the_written_moment_or_no_date(fields: tuple[int, ...]):
    expected = _real(*fields)
    for text in _forms(*fields):
        rss = (
            '<rss version="2.0"><channel><title>t</title><item><title>a</title><guid>1</guid>'
            f"<pubDate>{text}</pubDate></item></channel></rss>"
        )
        atom = (
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>a</title>'
            f"<id>1</id><updated>{text}</updated></entry></feed>"
        )
        for document in (rss, atom):
            [entry] = parse_feed(document.encode(), "f.xml").entries
            assert entry.published == expected, (document, entry.published)


def test_entry_date_ignores_feedparser_s_rolled_over_tuple():
    rolled = (2024, 3, 1, 10, 0, 0, 4, 61, 0)  # what feedparser makes of February 30
    assert entry_date("2024-02-30T10:00:00Z", rolled) is None
    assert entry_date("2024-03-01T10:00:00Z", rolled) == datetime(2024, 3, 1, 10, tzinfo=UTC)


def test_impossible_dates_are_a_problem_and_fall_back_to_the_next_date():
    document = (
        '<rss version="2.0"><channel><title>t</title>'
        "<item><title>neg</title><guid>1</guid><pubDate>-0001-01-01T00:00:00Z</pubDate></item>"
        "<item><title>feb30</title><guid>2</guid><pubDate>2024-02-30T10:00:00Z</pubDate>"
        "<dc:date xmlns:dc='http://purl.org/dc/elements/1.1/'>2024-02-28T10:00:00Z</dc:date>"
        "</item></channel></rss>"
    )
    feed = parse_feed(document.encode(), "f.xml")
    assert [entry.published for entry in feed.entries] == [
        None,
        datetime(2024, 2, 28, 10, tzinfo=UTC),
    ]
    [problem] = [p for p in feed.problems if "no real day" in p]
    assert problem.startswith("2 dates") and "'2024-02-30T10:00:00Z'" in problem


def test_json_feed_impossible_dates_are_named_and_treated_as_missing():
    text = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "items": [
                {"id": "a", "title": "neg", "date_published": "-0001-01-01"},
                {
                    "id": "b",
                    "title": "feb30",
                    "date_published": "2024-02-30T10:00:00Z",
                    "date_modified": "2024-02-28T10:00:00Z",
                },
            ],
        }
    )
    feed = parse_json_feed(text)
    assert [entry.published for entry in feed.entries] == [
        None,
        datetime(2024, 2, 28, 10, tzinfo=UTC),
    ]
    assert sum("names no real day or time" in problem for problem in feed.problems) == 2


def test_check_feed_reports_impossible_dates(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    feed = tmp_path / "dates.xml"
    feed.write_text(
        '<rss version="2.0"><channel><title>t</title><item><title>neg</title><guid>1</guid>'
        "<pubDate>-0001-01-01T00:00:00Z</pubDate></item></channel></rss>",
        encoding="utf-8",
    )
    assert main(["check-feed", "--json", str(feed)]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["items"][0]["published"] is None
    assert any("no real day" in problem for problem in record["problems"])
