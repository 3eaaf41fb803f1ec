"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) read into `ParsedFeed`.

A small, forgiving reader: a field of the wrong type is skipped and named in
`problems`, an item without anything to show is dropped, and only a document
that is not JSON (or not a JSON Feed at all) sets `error`. It does no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from briefing.sources.dates import impossible_date, parse_timestamp
from briefing.sources.parse import (
    MAX_ENTRIES,
    ParsedEntry,
    ParsedFeed,
    absolute_link,
    body_text,
    is_absolute_web,
    plain_text,
    repeated_entries_problem,
)

__all__ = ["parse_json_feed"]


def _string(
    data: Mapping[str, Any], key: str, where: str, problems: list[str], *, numbers: bool = False
) -> str | None:
    """`data[key]` when it is a string (or a number, for ids); otherwise a problem."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if numbers and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    problems.append(f"{where}: '{key}' should be a string, not {type(value).__name__}")
    return None


def _author(data: Mapping[str, Any], where: str, problems: list[str]) -> str | None:
    authors = data.get("authors")
    if authors is not None and not isinstance(authors, list):
        problems.append(f"{where}: 'authors' should be a list")
        authors = None
    candidates = list(authors or [])
    if isinstance(data.get("author"), Mapping):
        candidates.append(data["author"])
    for author in candidates:
        if isinstance(author, Mapping) and isinstance(author.get("name"), str):
            return plain_text(author["name"])
    return None


def _date(text: str | None, key: str, where: str, problems: list[str]) -> datetime | None:
    """A date field, or None with a problem saying whether it was unreadable or impossible."""
    value = parse_timestamp(text)
    if text and value is None:
        if impossible_date(text.strip()):
            problems.append(
                f"{where}: {key} {text[:40]!r} names no real day or time; treated as missing"
            )
        else:
            problems.append(f"{where}: unreadable {key} {text[:40]!r}")
    return value


def _item(item: Any, index: int, base: str | None, problems: list[str]) -> ParsedEntry | None:
    where = f"item {index + 1}"
    if not isinstance(item, Mapping):
        problems.append(f"{where}: should be an object, not {type(item).__name__}")
        return None
    guid = _string(item, "id", where, problems, numbers=True)
    url = _string(item, "url", where, problems)
    external = _string(item, "external_url", where, problems)
    title = _string(item, "title", where, problems)
    content_html = _string(item, "content_html", where, problems)
    content_text = _string(item, "content_text", where, problems)
    summary = _string(item, "summary", where, problems)
    if content_html:
        body = body_text(content_html, "html")
    elif content_text:
        body = body_text(content_text, "text")
    else:
        body = body_text(summary or "", "html")
    published_text = _string(item, "date_published", where, problems)
    updated_text = _string(item, "date_modified", where, problems)
    published = _date(published_text, "date_published", where, problems)
    updated = _date(updated_text, "date_modified", where, problems)
    if guid is None:
        problems.append(f"{where}: no 'id'")
    if not (guid or title or body or url):
        problems.append(f"{where}: no id, title, content or url; skipped")
        return None
    return ParsedEntry(
        guid=guid.strip() if guid else None,
        title=plain_text(title) if title else None,
        link=absolute_link(url or external, base),
        published=published or updated,
        updated=updated,
        body=body,
        author=_author(item, where, problems),
    )


def parse_json_feed(
    text: str,
    url: str = "",
    *,
    problems: list[str] | None = None,
    encoding: str | None = "utf-8",
) -> ParsedFeed:
    """Parse a JSON Feed document; never raises for bad input."""
    problems = list(problems or [])
    try:
        data = json.loads(text)
    except RecursionError:
        return ParsedFeed(url, None, problems=tuple(problems), error="JSON nested too deeply")
    except ValueError as exc:
        return ParsedFeed(url, None, problems=tuple(problems), error=f"not valid JSON: {exc}")
    if not isinstance(data, Mapping):
        return ParsedFeed(
            url, None, problems=tuple(problems), error="JSON, but not a JSON Feed (not an object)"
        )
    version = data.get("version")
    items = data.get("items")
    if not (isinstance(version, str) and "jsonfeed.org" in version):
        if not isinstance(items, list):
            return ParsedFeed(
                url,
                None,
                problems=tuple(problems),
                error="JSON, but not a JSON Feed (no 'version' or 'items')",
            )
        problems.append("no JSON Feed 'version'; read it as one anyway")
    if items is None:
        problems.append("no 'items'")
        items = []
    elif not isinstance(items, list):
        problems.append(f"'items' should be a list, not {type(items).__name__}")
        items = []
    title = _string(data, "title", "feed", problems)
    home = _string(data, "home_page_url", "feed", problems)
    feed_url = _string(data, "feed_url", "feed", problems)
    document = url if is_absolute_web(url) else None
    feed_absolute = absolute_link(feed_url, document)
    home_absolute = absolute_link(home, feed_absolute or document)
    base = next((c for c in (home_absolute, feed_absolute, document) if is_absolute_web(c)), None)
    if len(items) > MAX_ENTRIES:
        problems.append(f"{len(items):,} items; kept the first {MAX_ENTRIES:,}")
        items = items[:MAX_ENTRIES]
    entries = []
    for index, item in enumerate(items):
        entry = _item(item, index, base, problems)
        if entry is not None:
            entries.append(entry)
    repeated = repeated_entries_problem(entries)
    if repeated:
        problems.append(repeated)
    return ParsedFeed(
        url=url,
        kind="jsonfeed",
        title=plain_text(title) if title else None,
        link=home_absolute,
        self_url=feed_absolute,
        entries=tuple(entries),
        problems=tuple(problems),
        encoding=encoding,
    )
