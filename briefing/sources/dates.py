"""Feed dates read so that a day that does not exist is no date at all.

feedparser, and `calendar.timegm` after it, roll impossible fields over into
real dates: "2024-02-30" becomes 1 March, a year "-0001" becomes 2000, "T25:00"
the next morning. A wrong date files a story among the wrong day's news; a
missing one only falls back to when the story was fetched. So the fields
written in a date are checked before any parser sees it (`impossible_date`),
parsed tuples become datetimes without arithmetic, forms feedparser misreads
(ISO week and ordinal dates, "2024/02/10") are rewritten as YYYY-MM-DD first,
and a parsed date in none of the years the text writes is dropped as invented.
This module knows nothing of feeds beyond their date strings and does no I/O.
"""

from __future__ import annotations

import calendar
import re
import time
from datetime import UTC, date, datetime, timedelta, timezone

__all__ = [
    "EARLIEST_YEAR",
    "LATEST_YEAR",
    "entry_date",
    "from_struct",
    "impossible_date",
    "parse_timestamp",
    "to_utc",
]

# Dates outside these years are typos or attacks, not publication times.
EARLIEST_YEAR = 1900
LATEST_YEAR = 9999

_MONTHS = {name: number for number, name in enumerate(calendar.month_abbr) if name}
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# A numeric date at the start: 2024-02-30, 2024/02/30, 2024.02.30, 20240230, -0001-01-01, 2024-13.
_NUMERIC_DATE = re.compile(
    r"\s*(?P<sign>[+-]?)(?:"
    r"(?P<year>\d{4,})(?P<sep>[-/.])(?P<month>\d{1,2})(?:(?P=sep)(?P<day>\d{1,2}))?(?![\d/.-])"
    r"|(?P<byear>\d{4})(?P<bmonth>\d{2})(?P<bday>\d{2})(?=[Tt\s]|$))"
)
# A written day and month name: "30 Feb 2024", "Feb 30, 2024", "Fri Feb 30 10:00:00 2024".
_DAY_MONTH_YEAR = re.compile(rf"(?<!\d)(\d{{1,2}})\s+{_MONTH},?\s+(\d{{4}})(?!\d)", re.I)
_MONTH_DAY_YEAR = re.compile(
    rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?:[\d:]+\s+(?:[+-]\d{{4}}\s+|[A-Z]{{1,5}}\s+)?)?"
    r"(\d{4})(?!\d)",
    re.I,
)
_CLOCK = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])")
_BASIC_CLOCK = re.compile(r"^\s*\d{8}[Tt](\d{2})(\d{2})(\d{2})?")
# A zone offset after a clock time: +05:30, -0800, +25:00.
_OFFSET = re.compile(r"[\d.]\s*(?:[A-Za-z]{1,5})?\s*([+-])(\d{2}):?(\d{2})\s*\)?\s*$")
# ISO 8601 week and ordinal dates, which feedparser reads as other days.
_WEEK_DATE = re.compile(r"^\s*(\d{4})-?W(\d{2})(?:-?([1-7]))?(?![\d])")
_ORDINAL_DATE = re.compile(r"^\s*(\d{4})-?(\d{3})(?![\d-])")
# "-100" and five-digit years: feedparser would still invent a date from them.
_HUGE_YEAR = re.compile(r"(?:^|[^\d:.])[+-]?\d{5,}(?:-|\s|$)")
# Text without a year ("yesterday", "-100") is no date, whatever feedparser makes of it.
_YEARISH = re.compile(r"\d{4}|\d{1,2}\s+[A-Za-z]{3}[a-z]*\.?\s+\d{2}\b")
# A written year (not a zone offset such as -0800).
_FOUR_DIGITS = re.compile(r"(?<![\d+-])([12]\d{3})(?!\d)")
# The two forms nearly every feed uses, read here in one step (see `_common_form`).
_RFC822 = re.compile(
    r"\s*(?:[A-Za-z]{3},\s*)?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2})(?::(\d{2}))?"
    r" (GMT|UTC|UT|Z|[+-]\d{4})\s*$"
)
_RFC3339 = re.compile(
    r"\s*(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6})\d*)?"
    r"([Zz]|[+-]\d{2}:\d{2})\s*$"
)
_TWELVE_HOUR = re.compile(r"\b(\d{1,2}):(\d{2})(:\d{2})?\s*([AaPp])\.?[Mm]\b\.?")


def to_utc(value: datetime | None) -> datetime | None:
    """`value` in UTC (naive means UTC), or None when outside sane years."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        value = value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        return None
    return value


def from_struct(parsed: time.struct_time | tuple[int, ...] | None) -> datetime | None:
    """A UTC time tuple as a datetime; None when its fields name no real moment.

    The fields are used as they are: `calendar.timegm` would carry a day 30 of
    February into March.
    """
    if parsed is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(field) for field in tuple(parsed)[:6])
        # struct_time allows a leap second (60) and a double one (61); datetime does not.
        return to_utc(datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC))
    except (OverflowError, ValueError, TypeError):
        return None


def _common_form(text: str) -> tuple[bool, datetime | None]:
    """(whether `text` is plain RFC 822 or RFC 3339, the moment it names or None if none).

    These two forms are most of all feed dates; reading their fields straight
    into a datetime (which refuses February 30 and 25:00) costs a few
    microseconds, where the general checks and feedparser take ten times that.
    The moment keeps its zone and any year: `to_utc` decides whether it is usable.
    """
    fraction = "0"
    rfc822 = _RFC822.match(text)
    if rfc822 is not None:
        day, month_name, year, hour, minute, second, zone = rfc822.groups()
        month = _MONTHS.get(month_name.title())
        if month is None:
            return False, None
        second = second or "0"
        zone = "+0000" if zone[0] not in "+-" else zone
    else:
        rfc3339 = _RFC3339.match(text)
        if rfc3339 is None:
            return False, None
        year, month_text, day, hour, minute, second, given_fraction, zone = rfc3339.groups()
        month = int(month_text)
        fraction = (given_fraction or "0").ljust(6, "0")
        zone = "+0000" if zone in "Zz" else zone.replace(":", "")
    if second == "60":
        return False, None  # a leap second: the general way reads it as the next second
    if int(zone[3:5]) > 59:
        return True, None
    offset = int(zone[1:3]) * 60 + int(zone[3:5])
    try:
        zone_offset = timezone(timedelta(minutes=-offset if zone[0] == "-" else offset))
        moment = datetime(
            int(year), month, int(day), int(hour), int(minute), int(second), int(fraction)
        )
    except ValueError:
        return True, None
    return True, moment.replace(tzinfo=zone_offset)


def _day_exists(year: int, month: int, day: int) -> bool:
    if not 1 <= year <= 9999:  # no year 0; beyond 9999 is to_utc's to refuse
        return year > 9999
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def impossible_date(text: str) -> bool:
    """Whether `text` writes a day, time or zone that does not exist (February 30, 25:00).

    A year before year 1 ("-0001", "0000") counts as impossible; a possible
    but implausible year (1850, 12000) does not, that is `to_utc`'s business.
    """
    common, moment = _common_form(text)
    if common:
        return moment is None
    calendar_text = _calendar_form(text)
    if calendar_text is None:
        return True
    text = calendar_text
    numeric = _NUMERIC_DATE.match(text)
    if numeric is not None:
        year = int(numeric["year"] or numeric["byear"])
        if numeric["sign"] == "-" or year == 0:
            return True
        month = numeric["month"] or numeric["bmonth"]
        day = numeric["day"] or numeric["bday"]
        if month is not None and not 1 <= int(month) <= 12:
            return True
        if day is not None and not _day_exists(year, int(month), int(day)):
            return True
    for match in _DAY_MONTH_YEAR.finditer(text):
        day, month_name, year_text = match.groups()
        if not _day_exists(int(year_text), _MONTHS[month_name[:3].title()], int(day)):
            return True
    for match in _MONTH_DAY_YEAR.finditer(text):
        month_name, day, year_text = match.groups()
        if not _day_exists(int(year_text), _MONTHS[month_name[:3].title()], int(day)):
            return True
    clocks = [match.groups() for match in _CLOCK.finditer(text)]
    basic = _BASIC_CLOCK.match(text)
    if basic is not None:
        clocks.append(basic.groups())
    for hour_text, minute_text, second_text in clocks:
        hour, minute, second = int(hour_text), int(minute_text), int(second_text or 0)
        # 24:00 is gone from RFC 3339 and ISO 8601-1:2019, and feedparser reads it as 00:00
        # of the same day; 60 seconds is a leap second.
        if hour > 23 or minute > 59 or second > 60:
            return True
    offset = _OFFSET.search(text)
    return offset is not None and (int(offset[2]) > 23 or int(offset[3]) > 59)


def _calendar_form(text: str) -> str | None:
    """`text` with its date written as YYYY-MM-DD where feedparser would misread it.

    ISO week and ordinal dates and numeric dates with '/' or '.' or one-digit
    fields come back rewritten (None when the week or day does not exist);
    anything else comes back as it is.
    """
    week = _WEEK_DATE.match(text)
    if week is not None:
        year, number, weekday = int(week[1]), int(week[2]), int(week[3] or 1)
        try:
            day = date.fromisocalendar(year, number, weekday)
        except ValueError:
            return None
        return day.isoformat() + text[week.end() :]
    ordinal = _ORDINAL_DATE.match(text)
    if ordinal is not None:
        year, number = int(ordinal[1]), int(ordinal[2])
        if not 1 <= number <= (366 if calendar.isleap(year) else 365):
            return None
        day = date(year, 1, 1) + timedelta(days=number - 1)
        return day.isoformat() + text[ordinal.end() :]
    numeric = _NUMERIC_DATE.match(text)
    if numeric is not None and numeric["day"] is not None and not numeric["sign"]:
        fields = (numeric["year"], numeric["month"], numeric["day"])
        if numeric["sep"] != "-" or len(fields[1]) == 1 or len(fields[2]) == 1:
            year, month, day_of_month = (int(field) for field in fields)
            return f"{year:04d}-{month:02d}-{day_of_month:02d}" + text[numeric.end() :]
    return text


def _written_year_agrees(text: str, value: datetime | None) -> datetime | None:
    """`value`, unless the text writes years and `value` is in none of them (an invented date).

    A year apart is allowed: the zone can move a New Year's Eve story into UTC's next year.
    """
    if value is None:
        return None
    years = {int(year) for year in _FOUR_DIGITS.findall(text)}
    if years and not any(abs(value.year - year) <= 1 for year in years):
        return None
    return value


def parse_timestamp(text: str | None) -> datetime | None:
    """A date in RFC 3339, RFC 822 or another common form, in UTC; None when unreadable.

    A date naming a day or time that does not exist is unreadable too.
    """
    if not text or not isinstance(text, str):
        return None
    text = text.strip()[:100]
    common, moment = _common_form(text)
    if common:
        return to_utc(moment)
    if _HUGE_YEAR.search(text):
        return None
    calendar_text = _calendar_form(text)
    if calendar_text is None or impossible_date(calendar_text):
        return None
    text = calendar_text
    candidate = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return to_utc(datetime.fromisoformat(candidate))
    except ValueError:
        pass
    from feedparser.datetimes import _parse_date

    return _written_year_agrees(text, from_struct(_parse_date(text)))


def entry_date(written: object, parsed: object) -> datetime | None:
    """An entry's date from its text as written and feedparser's parsed tuple of that text.

    The tuple is used only when the text names a real day in a form feedparser
    reads correctly; otherwise the text is read here, or the date is None.
    """
    if not isinstance(written, str):
        return from_struct(parsed) if isinstance(parsed, tuple) else None
    common, moment = _common_form(written)
    if common:
        return to_utc(moment)
    if _HUGE_YEAR.search(written) or not _YEARISH.search(written) or impossible_date(written):
        return None
    if _TWELVE_HOUR.search(written):
        converted = _TWELVE_HOUR.sub(_to_24_hour, written, count=1)
        # Without a zone feedparser gives up; RSS dates without one are read as UTC.
        return parse_timestamp(converted) or parse_timestamp(converted + " GMT")
    if _calendar_form(written) != written:
        return parse_timestamp(written)  # a form feedparser reads as another day
    if not isinstance(parsed, tuple):
        return None
    return _written_year_agrees(written, from_struct(parsed))


def _to_24_hour(match: re.Match[str]) -> str:
    hour = int(match.group(1)) % 12
    if match.group(4).lower() == "p":
        hour += 12
    return f"{hour:02d}:{match.group(2)}{match.group(3) or ':00'}"
