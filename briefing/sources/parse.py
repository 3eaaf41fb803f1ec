"""Parse a downloaded feed (RSS, Atom, RDF or JSON Feed) into plain dataclasses.

`parse_feed(data, url, headers)` is the one entry point: it sniffs the format,
decodes the bytes (`charset`), disarms hostile XML (entity declarations,
oversize or compressed payloads) and hands RSS/Atom/RDF to `fastfeed` (lxml,
for plain well-formed documents, giving what feedparser would) or else to
feedparser, and JSON to `jsonfeed`. The result always comes back, with `error` set when the feed is
unusable and `problems` listing everything else that looked wrong; nothing in
here raises for bad input. It is CPU-bound: callers run it off the event loop.
It does no network or file I/O and knows nothing of the store.
"""

from __future__ import annotations

import contextlib
import html
import io
import os
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from briefing.models import Article, content_hash
from briefing.safety import clean_link, strip_controls
from briefing.sources.charset import byte_order_mark, decode_document
from briefing.sources.dates import (
    entry_date,
    impossible_date,
    parse_timestamp,
    to_utc,
)
from briefing.sources.fastfeed import read_feed

__all__ = [
    "FEED_KINDS",
    "MAX_DOCUMENT_BYTES",
    "EntryKeys",
    "ParsedEntry",
    "ParsedFeed",
    "absolute_link",
    "body_text",
    "disarm_doctype",
    "distinct_entries",
    "repeated_entries_problem",
    "gunzip_capped",
    "impossible_dates_problem",
    "is_absolute_web",
    "normalise_declaration",
    "parse_feed",
    "parse_timestamp",
    "parser_process_started",
    "plain_text",
    "skip_prolog",
    "sniff_format",
    "to_utc",
]

FEED_KINDS = ("rss", "atom", "rdf", "jsonfeed")
MAX_DOCUMENT_BYTES = 10_000_000
MAX_ENTRIES = 2_000
# feedparser spends ~50 microseconds per element; a flood of empty tags is an attack.
MAX_ELEMENTS = 250_000
MAX_TITLE = 1_000
# How much lower a parser process runs than the process that starts it (`os.nice`).
PARSER_NICENESS = 5
# Read plain RSS/Atom/RDF with `fastfeed` (lxml) first; False sends everything to feedparser.
QUICK_READER = True

_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")
_DOCTYPE = re.compile(r"<!DOCTYPE", re.I)
# The start of an element as feedparser finds the first one (`<\w` in bytes).
_ELEMENT_START = re.compile(r"<[A-Za-z0-9_]")
# Constructs skipped whole while looking for DOCTYPEs before the first element.
_SKIPPED = (("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>"))
# Inside a DOCTYPE, what can hide a ']' or '>' that does not end it (or that does).
_DOCTYPE_MARK = re.compile(r"[\"'\[\]>]|<!--|<\?")
_FIRST_ELEMENT = re.compile(r"<([A-Za-z_][\w.:-]*)")
# Only text shaped like a path or query is resolved: "Link to story" stays as written.
_SPACE = re.compile(r"\s")
_PATH_MARK = re.compile(r"[/?#.]")
_LOOKS_LIKE_HTML = re.compile(
    r"</?(?:a|b|i|u|s|em|strong|p|br|hr|span|div|img|code|pre|sup|sub|small|big|font|ul|ol|li"
    r"|blockquote|table|h[1-6])\b[^<>]*>|<!--|<!\[CDATA\[",
    re.I,
)
_ENTRY_START = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s>/]")
_START_TAG = re.compile(r"<[A-Za-z_]")
_ENTITY_REF = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z][\w.-]*);")
_VERSION_KIND = {
    "rss090": "rdf",
    "rss10": "rdf",
    "atom01": "atom",
    "atom02": "atom",
    "atom03": "atom",
    "atom10": "atom",
    "atom": "atom",
    "cdf": "rss",
}
# A document missing all of these at its end was cut off mid-way.
_ROOT_CLOSERS = {"rss": ("</rss>", "</channel>"), "atom": ("</feed>",), "rdf": ("</rdf:rdf>",)}


@dataclass(frozen=True)
class EntryKeys:
    """What identifies an entry across refreshes, strongest first.

    The store matches an incoming entry to a stored one by `guid`, else by
    `link`, else by `content`; a match with a different `content` is an update.
    """

    guid: str | None
    link: str | None
    content: str


@dataclass(frozen=True)
class ParsedEntry:
    """One item of a feed, as plain text with absolute links and UTC times."""

    guid: str | None
    title: str | None
    link: str | None
    published: datetime | None
    updated: datetime | None = None
    body: str = ""
    author: str | None = None

    def __post_init__(self) -> None:
        # Every reader (feedparser, the quick reader, JSON Feed) builds entries here, so this
        # is the one place that keeps escape sequences and control characters out of the store.
        _set_clean(self, "guid", _clean_line(self.guid))
        _set_clean(self, "title", _clean_line(self.title))
        _set_clean(self, "author", _clean_line(self.author))
        _set_clean(self, "link", clean_link(self.link) or None if self.link else None)
        _set_clean(self, "body", strip_controls(self.body, lines=True) if self.body else "")

    @property
    def keys(self) -> EntryKeys:
        return EntryKeys(self.guid, self.link, content_hash(self.title, self.body))

    def to_article(self, source: str = "", feed_id: int | None = None) -> Article:
        """This entry as the `Article` the analysis and the store work with."""
        return Article(
            title=self.title,
            body=self.body,
            url=self.link,
            published=self.published,
            source=source,
            guid=self.guid,
            feed_id=feed_id,
        )


@dataclass(frozen=True)
class ParsedFeed:
    """A parsed feed: `error` is None when it is usable; `entries` is what was salvaged."""

    url: str
    kind: str | None
    title: str | None = None
    link: str | None = None
    self_url: str | None = None
    entries: tuple[ParsedEntry, ...] = ()
    problems: tuple[str, ...] = ()
    error: str | None = None
    ttl_minutes: int | None = None
    encoding: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # The feed's own fields and the messages quoting its text, like `ParsedEntry`'s.
        _set_clean(self, "title", _clean_line(self.title))
        _set_clean(self, "link", clean_link(self.link) or None if self.link else None)
        _set_clean(self, "self_url", clean_link(self.self_url) or None if self.self_url else None)
        _set_clean(self, "error", strip_controls(self.error) if self.error else self.error)
        _set_clean(self, "problems", tuple(strip_controls(problem) for problem in self.problems))

    @property
    def ok(self) -> bool:
        return self.error is None


def _clean_line(value: str | None) -> str | None:
    """A one-line field without controls; white space a removed sequence left is collapsed."""
    if not value:
        return value
    cleaned = strip_controls(value)
    if cleaned is not value:
        cleaned = " ".join(cleaned.split())
    return cleaned or None


def _set_clean(instance: object, name: str, value: object) -> None:
    """Set a field of a frozen dataclass from its `__post_init__`, only when it changed."""
    if value is not getattr(instance, name):
        object.__setattr__(instance, name, value)


def distinct_entries(entries: Sequence[ParsedEntry]) -> tuple[ParsedEntry, ...]:
    """`entries` with each repeated entry kept once, as its last copy, in document order.

    The store takes entries with the same id (else the same link) as one article:
    saving every copy would rewrite it once per copy on every refresh and report
    each as "updated" although the feed never changed. The last copy is the one
    saving them all would have left. Copies with neither id nor link are all kept:
    the store tells them apart by their text.
    """
    seen: set[tuple[str, str]] = set()
    kept: list[ParsedEntry] = []
    for entry in reversed(entries):
        key = ("guid", entry.guid) if entry.guid else ("link", entry.link) if entry.link else None
        if key is None or key not in seen:
            if key is not None:
                seen.add(key)
            kept.append(entry)
    return tuple(reversed(kept))


def repeated_entries_problem(entries: Sequence[ParsedEntry]) -> str | None:
    """A problem line when entries repeat an id or link (all are listed; the last is saved)."""
    repeated = len(entries) - len(distinct_entries(entries))
    if not repeated:
        return None
    return (
        f"{repeated} {'entry repeats' if repeated == 1 else 'entries repeat'} an earlier "
        "entry's id or link; only the last copy of each is saved"
    )


def gunzip_capped(data: bytes, limit: int) -> bytes:
    """Decompress gzip `data`, refusing to produce more than `limit` bytes (bombs)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = inflater.decompress(data, limit + 1)
    if len(out) > limit:
        raise ValueError(f"expands beyond {limit:,} bytes")
    return out


def sniff_format(data: bytes | str) -> str:
    """'json', 'opml', 'html', 'xml' or 'empty', from the first meaningful characters."""
    if isinstance(data, bytes):
        # A UTF-16 or UTF-32 byte order mark decides the reading, or "{" would hide behind it.
        encoding, start = byte_order_mark(data) or ("utf-8", 0)
        head = data[start : start + 4096].decode(encoding, "replace")
    else:
        head = data[:4096]
    head = head.lstrip("\ufeff\x00 \t\r\n")
    if not head.replace("\x00", ""):
        return "empty"
    if head.startswith(("{", "[")):
        return "json"
    body = skip_prolog(head.replace("\x00", ""))
    match = _FIRST_ELEMENT.match(body)
    if match is None:
        return "xml"
    name = match.group(1).lower()
    if name == "opml":
        return "opml"
    if name == "html":
        return "html"
    return "xml"


def skip_prolog(text: str) -> str:
    """Text from the first element on, past declarations, comments and the DOCTYPE."""
    position = 0
    length = len(text)
    while position < length:
        while position < length and text[position] in " \t\r\n":
            position += 1
        if text.startswith("<?", position):
            end = text.find("?>", position)
        elif text.startswith("<!--", position):
            end = text.find("-->", position)
            end = end + 1 if end >= 0 else -1
        elif text.startswith("<!", position):
            end = _doctype_end(text, position)
            end = end - 2 if end >= 0 else -1
        else:
            return text[position:]
        if end < 0:
            return ""
        position = end + 2
    return ""


def _doctype_end(text: str, start: int) -> int:
    """Index just past the DOCTYPE starting at `start`, or -1 when it never ends.

    Its internal subset may hold '>' and ']' inside quoted values, comments and
    processing instructions; none of those ends it.
    """
    depth = 0
    position = start + 2
    while (mark := _DOCTYPE_MARK.search(text, position)) is not None:
        found = mark.group()
        if found in ('"', "'", "<!--", "<?"):
            closer = {"<!--": "-->", "<?": "?>"}.get(found, found)
            close = text.find(closer, mark.end())
            if close < 0:
                return -1
            position = close + len(closer)
            continue
        position = mark.end()
        if found == "[":
            depth += 1
        elif found == "]":
            depth = max(depth - 1, 0)
        elif depth == 0:  # '>'
            return position
    return -1


def disarm_doctype(text: str, problems: list[str]) -> str:
    """Drop every DOCTYPE before the first element, so no entity declared in one can expand.

    expat honours a DOCTYPE anywhere in the prolog, after comments and
    processing instructions of any length, and feedparser re-declares the
    simple entities of a DOCTYPE it finds before its first `<\\w` for its
    lenient parser too. So everything up to the first element is searched,
    past comments, processing instructions, CDATA sections and stray text.
    After the first element a DOCTYPE is not XML and no parser used here
    honours it. The text comes back unchanged (the same object) without one.
    """
    kept: list[str] = []
    copied = 0
    entities = False
    missing: dict[str, int] = {}  # closer -> a position after which it never occurs
    position = text.find("<")
    while position >= 0 and _ELEMENT_START.match(text, position) is None:
        if _DOCTYPE.match(text, position) is not None:
            end = _doctype_end(text, position)
            kept.append(text[copied:position])
            if end < 0:
                problems.append("unterminated DOCTYPE")
                return "".join(kept)
            entities = entities or "<!ENTITY" in text[position:end].upper()
            copied = end
            position = text.find("<", end)
            continue
        step = 1  # stray markup: not XML before the first element, look past it
        for opener, closer in _SKIPPED:
            if text.startswith(opener, position) and position < missing.get(closer, len(text)):
                close = text.find(closer, position + len(opener))
                if close < 0:
                    missing[closer] = position  # never search for it again: linear time
                else:
                    step = close + len(closer) - position
                break
        position = text.find("<", position + step)
    if entities:
        problems.append("entity declarations in the DOCTYPE were ignored")
    if not kept:
        return text
    kept.append(text[copied:])
    return "".join(kept)


def normalise_declaration(text: str) -> str:
    """The text with leading junk before `<?xml` removed and its encoding made utf-8."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<?xml"):
        end = stripped.find("?>")
        if end > 0:
            return '<?xml version="1.0" encoding="utf-8"?>' + stripped[end + 2 :]
    return stripped


def _is_html(value: str, kind: str | None) -> bool:
    """Whether `value` is markup: its declared type, or real tags in text called plain."""
    if kind in _HTML_TYPES:
        return True
    return "<" in value and _LOOKS_LIKE_HTML.search(value) is not None


def plain_text(value: Any, kind: str | None = None) -> str | None:
    """Text of a title or name: markup removed when it is HTML, whitespace collapsed."""
    if not isinstance(value, str):
        return None
    if _is_html(value, kind):
        from briefing.sources.htmltext import html_to_text

        value = html_to_text(value)
    elif _ENTITY_REF.search(value):
        value = html.unescape(value)
    value = " ".join(value.split())
    return value[:MAX_TITLE] or None


def body_text(value: str, kind: str | None) -> str:
    """An entry body as paragraphs of plain text, whether it came as HTML or text."""
    if not value:
        return ""
    if _is_html(value, kind):
        from briefing.sources.htmltext import html_to_text

        return html_to_text(value)
    paragraphs = (" ".join(part.split()) for part in re.split(r"\n\s*\n", html.unescape(value)))
    return "\n\n".join(part for part in paragraphs if part)


def absolute_link(link: str | None, base: str | None) -> str | None:
    """`link` made absolute against `base`; unchanged when either cannot be used."""
    if not link:
        return None
    link = link.strip()
    if not link:
        return None
    try:
        if urlsplit(link).scheme or not base or not _is_reference(link):
            return link
        return urljoin(base, link)
    except ValueError:
        return link


def _is_reference(link: str) -> bool:
    """Whether `link` is shaped like a path or query: it starts with one of / ? # . or,
    holding no white space, has a '/' or '.' before any '?' or '#'.

    Searched, not matched with one pattern: backtracking over a long link full of dots
    and ending in a space took quadratic time (minutes for a 1 MB link).
    """
    if link.startswith(("/", "?", "#", ".")):
        return True
    if _SPACE.search(link):
        return False
    mark = _PATH_MARK.search(link)
    return mark is not None and mark.group() in "/."


def is_absolute_web(url: str | None) -> bool:
    if not url:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _link_base(url: str, feed_link: str | None, self_url: str | None) -> str | None:
    """What relative entry links resolve against: the site link, the self link, the URL read."""
    document = url if is_absolute_web(url) else None
    self_absolute = absolute_link(self_url, document)
    site = absolute_link(feed_link, self_absolute or document)
    for candidate in (site, self_absolute, document):
        if is_absolute_web(candidate):
            return candidate
    return None


def _feed_links(feed: Mapping[str, Any]) -> tuple[str | None, str | None]:
    site = feed.get("link") if isinstance(feed.get("link"), str) else None
    self_url = None
    for link in feed.get("links") or ():
        if not isinstance(link, Mapping):
            continue
        if link.get("rel") == "self" and self_url is None:
            self_url = link.get("href")
        elif link.get("rel") == "alternate" and site is None:
            site = link.get("href")
    return site, self_url


def _entry_link(entry: Mapping[str, Any], kind: str) -> str | None:
    """The entry's page: its alternate link; a permalink guid only when it is a URL."""
    links = [item for item in entry.get("links") or () if isinstance(item, Mapping)]
    for item in links:
        if item.get("rel", "alternate") == "alternate" and item.get("href"):
            return str(item["href"])
    for item in links:
        if item.get("rel") not in ("self", "enclosure", "replies", "edit") and item.get("href"):
            return str(item["href"])
    link = entry.get("link")
    if not isinstance(link, str) or not link:
        return None
    # feedparser copies an id into .link; an Atom id or a non-URL guid is not a page.
    if link == entry.get("id") and (kind == "atom" or not is_absolute_web(link)):
        return None
    return link


def _entry_body(entry: Mapping[str, Any]) -> str:
    best_value = ""
    best_kind: str | None = None
    for content in entry.get("content") or ():
        if (
            isinstance(content, Mapping)
            and isinstance(content.get("value"), str)
            and len(content["value"]) > len(best_value)
        ):
            best_value = content["value"]
            best_kind = content.get("type")
    summary = entry.get("summary")
    if isinstance(summary, str) and len(summary) > len(best_value):
        best_value = summary
        best_kind = (entry.get("summary_detail") or {}).get("type")
    return body_text(best_value, best_kind)


def _entry(
    entry: Mapping[str, Any], kind: str, base: str | None, impossible: list[str]
) -> ParsedEntry:
    guid = entry.get("id") if isinstance(entry.get("id"), str) else None
    title_kind = (entry.get("title_detail") or {}).get("type")
    published, updated, created = (
        _date(entry, key, impossible) for key in ("published", "updated", "created")
    )
    return ParsedEntry(
        guid=(guid.strip() or None) if guid else None,
        title=plain_text(entry.get("title"), title_kind),
        link=absolute_link(_entry_link(entry, kind), base),
        published=published or updated or created,
        updated=updated,
        body=_entry_body(entry),
        author=plain_text(entry.get("author")),
    )


def _date(entry: Mapping[str, Any], key: str, impossible: list[str]) -> datetime | None:
    """The entry's `key` date; a written date naming no real day is noted in `impossible`."""
    # dict.get: feedparser's own lookup quietly swaps "updated" and "published".
    written = dict.get(entry, key)  # type: ignore[call-overload]
    value = entry_date(written, dict.get(entry, f"{key}_parsed"))  # type: ignore[call-overload]
    if value is None and isinstance(written, str) and impossible_date(written):
        impossible.append(written.strip())
    return value


def impossible_dates_problem(written: list[str]) -> str:
    """One problem for the dates that name no real day or time, now treated as missing."""
    distinct = list(dict.fromkeys(repr(text[:40]) for text in written))
    shown = ", ".join(distinct[:5]) + (", ..." if len(distinct) > 5 else "")
    if len(written) == 1:
        return f"a date names no real day or time and was treated as missing: {shown}"
    return f"{len(written)} dates name no real day or time and were treated as missing: {shown}"


def _ttl(value: Any) -> int | None:
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return minutes if 0 < minutes < 525_600 else None


def _xml_problem(exception: BaseException | None) -> str:
    if exception is None:
        return "not well-formed XML"
    message = getattr(exception, "getMessage", None)
    text = message() if callable(message) else str(exception)
    line = getattr(exception, "getLineNumber", None)
    if callable(line):
        column = getattr(exception, "getColumnNumber", lambda: "?")()
        return f"not well-formed XML (line {line()}, column {column}): {text}"
    return f"not well-formed XML: {text}"


def _truncated(text: str, kind: str) -> bool:
    closers = _ROOT_CLOSERS.get(kind)
    if closers is None:
        return False
    tail = text[-4096:].rstrip().lower()
    return not any(closer in tail for closer in closers) and not tail.endswith("/>")


def _element_count(text: str) -> int:
    """XML start tags outside CDATA sections; cheap when there are few.

    Sections are found with `str.find`, once each: a regular expression would
    search to the end of the document again for every unterminated opener.
    """
    if text.count("<") <= MAX_ELEMENTS:
        return 0
    total = 0
    position = 0
    while True:
        start = text.find("<![CDATA[", position)
        close = text.find("]]>", start + 9) if start >= 0 else -1
        if close < 0:  # no more complete sections: every tag from here on counts
            return total + len(_START_TAG.findall(text, position))
        total += len(_START_TAG.findall(text, position, start))
        position = close + 3


def _keep_first_entries(text: str, problems: list[str]) -> tuple[str, bool]:
    """The document cut before entry MAX_ENTRIES + 1, closed again; and whether it was cut.

    feedparser builds every entry before we could drop any, so a document of
    a hundred thousand tiny items would cost minutes and gigabytes.
    """
    starts = _ENTRY_START.finditer(text)
    for count, match in enumerate(starts, 1):
        if count > MAX_ENTRIES:
            root = _FIRST_ELEMENT.match(skip_prolog(text))
            if root is None:
                return text, False
            name = root.group(1)
            closers = f"</channel></{name}>" if name.lower() == "rss" else f"</{name}>"
            total = count + sum(1 for _ in starts)
            problems.append(f"{total:,} entries; kept the first {MAX_ENTRIES:,}")
            return text[: match.start()] + closers, True
    return text, False


def _parse_xml(text: str, url: str, problems: list[str], encoding: str) -> ParsedFeed:
    import feedparser

    declared = normalise_declaration(text)
    text = disarm_doctype(declared, problems)
    plain = text is declared  # no DOCTYPE: the quick reader may try it
    text, cut = _keep_first_entries(text, problems)
    elements = _element_count(text)
    if elements > MAX_ELEMENTS:
        return ParsedFeed(
            url,
            None,
            problems=tuple(problems),
            error=f"{elements:,} XML elements is more than any feed needs; not parsed",
            encoding=encoding,
        )
    data = text.encode("utf-8", "surrogatepass")
    quick = read_feed(data) if plain and QUICK_READER else None
    if quick is not None:
        version, feed, raw_entries = quick
        result: Mapping[str, Any] = {}
    else:
        result = feedparser.parse(
            io.BytesIO(data),
            response_headers={"content-type": "application/xml; charset=utf-8"},
            resolve_relative_uris=False,
            sanitize_html=False,
        )
        version = result.get("version") or ""
        raw_entries = list(result.get("entries") or ())
        feed = result.get("feed") or {}
    kind = _VERSION_KIND.get(version, "rss" if version.startswith("rss") else None)
    error: str | None = None
    if result.get("bozo"):
        exception = result.get("bozo_exception")
        if not isinstance(exception, feedparser.CharacterEncodingOverride):
            problems.append(_xml_problem(exception))
            if kind is not None and not cut and _truncated(text, kind):
                error = "document ends early (truncated download?)"
            elif not raw_entries and not feed.get("title"):
                error = problems[-1]
    if kind is None:
        first = _FIRST_ELEMENT.match(skip_prolog(text))
        if first is None:
            error = "no feed in the document (only comments or declarations)"
        else:
            error = error or f"not a feed: the root element is <{first.group(1)}>"
        raw_entries = []
    if len(raw_entries) > MAX_ENTRIES:
        problems.append(f"{len(raw_entries):,} entries; kept the first {MAX_ENTRIES:,}")
        raw_entries = raw_entries[:MAX_ENTRIES]
    site, self_url = _feed_links(feed)
    if kind is not None and error is None and not (raw_entries or feed.get("title") or site):
        # "<rss/>" parses, yet says nothing: a quiet feed still has a title or a link.
        problems.append("the feed is empty: no title, no link and no entries")
    base = _link_base(url, site, self_url)
    impossible: list[str] = []
    entries = tuple(_entry(entry, kind or "rss", base, impossible) for entry in raw_entries)
    repeated = repeated_entries_problem(entries)
    if repeated:
        problems.append(repeated)
    if impossible:
        problems.append(impossible_dates_problem(impossible))
    undated = sum(1 for entry in entries if entry.published is None)
    if undated:
        problems.append(f"{undated} of {len(entries)} entries have no usable date")
    return ParsedFeed(
        url=url,
        kind=kind,
        title=plain_text(feed.get("title"), (feed.get("title_detail") or {}).get("type")),
        link=absolute_link(site, base),
        self_url=absolute_link(self_url, url if is_absolute_web(url) else None),
        entries=entries,
        problems=tuple(problems),
        error=error,
        ttl_minutes=_ttl(feed.get("ttl")),
        encoding=encoding,
    )


def parser_process_started() -> None:
    """Set up a process that only parses feeds: it runs below the one that started it.

    The fetching loop, the store's writer and the reader's screen come first;
    parsing uses what CPU is left (see PARSER_NICENESS).
    """
    with contextlib.suppress(OSError):  # not permitted here: parse at the normal priority
        os.nice(PARSER_NICENESS)


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def parse_feed(
    data: bytes,
    url: str = "",
    headers: Mapping[str, str] | None = None,
    *,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> ParsedFeed:
    """Parse feed bytes read from `url` (a web address or a file name) with its HTTP `headers`.

    Never raises for bad input: an unusable document comes back with `error` set.
    """
    problems: list[str] = []
    if len(data) > max_bytes:
        return ParsedFeed(url, None, error=f"document is larger than {max_bytes:,} bytes")
    if data[:2] == b"\x1f\x8b":
        try:
            data = gunzip_capped(data, max_bytes)
        except (OSError, EOFError, zlib.error, ValueError) as exc:
            return ParsedFeed(url, None, error=f"gzip-compressed document is unreadable: {exc}")
        problems.append("document is gzip-compressed without saying so")
    form = sniff_format(data)
    if form == "empty":
        return ParsedFeed(url, None, problems=tuple(problems), error="empty document")
    decoded = decode_document(data, _header(headers, "content-type"))
    problems.extend(decoded.problems)
    if form == "json":
        from briefing.sources.jsonfeed import parse_json_feed

        return parse_json_feed(decoded.text, url, problems=problems, encoding=decoded.encoding)
    if form == "opml":
        return ParsedFeed(
            url,
            None,
            problems=tuple(problems),
            error="an OPML subscription list, not a feed (import it instead)",
        )
    try:
        parsed = _parse_xml(decoded.text, url, problems, decoded.encoding)
    except RecursionError:
        return ParsedFeed(url, None, problems=tuple(problems), error="markup nested too deeply")
    if form == "html" and parsed.kind is None:
        # Some "feeds" are an HTML page with the feed inside; only a page without one fails.
        return ParsedFeed(
            url,
            None,
            problems=tuple(problems),
            error="an HTML page, not a feed" + _alternate_hint(decoded.text, url),
        )
    return parsed


def _alternate_hint(text: str, url: str) -> str:
    """Name the feed an HTML page advertises, so the user can subscribe to that instead."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(text[:1_000_000])
    for node in tree.css("link[rel~=alternate]"):
        kind = (node.attributes.get("type") or "").lower()
        href = node.attributes.get("href")
        if href and any(word in kind for word in ("rss", "atom", "feed+json", "json")):
            return (
                f"; it names a feed at {absolute_link(href, url if is_absolute_web(url) else None)}"
            )
    return ""
