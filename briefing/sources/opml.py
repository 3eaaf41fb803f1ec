"""OPML subscription lists: read leniently, written strictly, folders kept both ways.

Real OPML exports are often not well-formed XML (bare "&" in attributes, raw
quotes inside attribute values, files cut short). `parse_opml` tries strict
XML, then XML with bare ampersands escaped, then a tag-level scan, and says in
`problems` which repair it needed; `error` is set only when nothing trustworthy
could be read (no <body>, a truncated file), with whatever was salvaged still in
`feeds`. A folder is an outline without `xmlUrl` that holds other outlines; its
path ("News/World") is kept on every feed inside it. Folders deeper than
MAX_FOLDER_DEPTH are merged into their deepest kept ancestor (a problem says
so), and outlines are walked without recursion, so no nesting can crash the
reader. No I/O happens here.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from briefing.safety import clean_link, is_web_link, strip_controls
from briefing.sources.charset import decode_document
from briefing.sources.parse import disarm_doctype, normalise_declaration

__all__ = [
    "MAX_FOLDER_DEPTH",
    "MAX_OPML_BYTES",
    "OpmlDocument",
    "OpmlFeed",
    "import_refusal",
    "parse_opml",
    "write_opml",
]

MAX_OPML_BYTES = 20_000_000
# Real lists nest a few folders; a path hundreds of names long is unreadable in every listing.
MAX_FOLDER_DEPTH = 16
_BARE_AMPERSAND = re.compile(r"&(?!#\d+;|#x[0-9a-fA-F]+;|[A-Za-z][\w.-]*;)")
_TAG_START = re.compile(r"<(/?)([A-Za-z][\w:.-]*)")
# What a walk through a tag's attributes stops at: its end, or a quote to skip past.
_TAG_MARK = re.compile(r"[>\"']")
_ATTRIBUTE = re.compile(r"([A-Za-z_][\w:.-]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_TITLE_OPEN = re.compile(r"<title>", re.I)
_TITLE_CLOSE = re.compile(r"</title>", re.I)
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


@dataclass(frozen=True)
class OpmlFeed:
    """One subscription: its feed URL, name, site and folder path (outermost first)."""

    url: str
    title: str | None = None
    html_url: str | None = None
    folder: tuple[str, ...] = ()

    @property
    def folder_path(self) -> str:
        return "/".join(self.folder)


@dataclass(frozen=True)
class OpmlDocument:
    """A read OPML file: its title, feeds and folders in document order."""

    title: str | None
    feeds: tuple[OpmlFeed, ...] = ()
    folders: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class _Builder:
    """Collects feeds and folders from a stream of outline open/close events."""

    def __init__(self) -> None:
        self.feeds: list[OpmlFeed] = []
        self.folders: list[str] = []
        # Per open outline: its attributes and whether it turned out to be a folder on the path.
        self._stack: list[tuple[dict[str, str], bool | None]] = []
        self._path: list[str] = []
        self.flattened = 0  # folders too deep to keep, merged into their kept ancestor

    def open(self, attributes: dict[str, str], empty: bool) -> None:
        lowered = {key.lower(): value for key, value in attributes.items()}
        url = clean_link((lowered.get("xmlurl") or "").strip())
        if self._stack and self._stack[-1][1] is None:
            parent, _ = self._stack[-1]
            on_path = False
            if not (parent.get("xmlurl") or "").strip():
                if len(self._path) < MAX_FOLDER_DEPTH:
                    on_path = True
                    self._path.append(_name(parent))
                    self.folders.append("/".join(self._path))
                else:
                    self.flattened += 1
            self._stack[-1] = (parent, on_path)
        if url:
            self.feeds.append(
                OpmlFeed(
                    url=url,
                    title=_name(lowered) or None,
                    html_url=clean_link((lowered.get("htmlurl") or "").strip()) or None,
                    folder=tuple(self._path),
                )
            )
        if not empty:
            self._stack.append((lowered, None))

    def close(self) -> None:
        if not self._stack:
            return
        _, on_path = self._stack.pop()
        if on_path and self._path:
            self._path.pop()

    def problems(self) -> list[str]:
        if not self.flattened:
            return []
        return [
            f"{self.flattened:,} folders nested more than {MAX_FOLDER_DEPTH} levels deep were "
            f"merged into the level-{MAX_FOLDER_DEPTH} folder above them, which keeps their feeds"
        ]


def _name(attributes: dict[str, str]) -> str:
    """An outline's name (a feed title or a folder), one line without control characters."""
    return _line(attributes.get("text") or attributes.get("title") or "")


def _line(text: str) -> str:
    return " ".join(strip_controls(text).split())


def _from_tree(root: ElementTree.Element) -> tuple[str | None, _Builder | None]:
    title_node = root.find("head/title")
    title = _line(title_node.text) if title_node is not None and title_node.text else None
    body = root.find("body")
    if body is None:
        return title, None
    builder = _Builder()
    # An explicit stack of child iterators: a file may nest outlines far deeper than
    # Python's recursion limit.
    pending = [iter(body)]
    while pending:
        child = next(pending[-1], None)
        if child is None:
            pending.pop()
            if pending:  # the outline whose children were just read is done
                builder.close()
            continue
        if not _is_outline(child):
            continue
        nested = any(_is_outline(grandchild) for grandchild in child)
        builder.open(dict(child.attrib), empty=not nested)
        if nested:
            pending.append(iter(child))
    return title, builder


def _is_outline(element: ElementTree.Element) -> bool:
    return isinstance(element.tag, str) and element.tag.lower() == "outline"


class _TagEnds:
    """Where each tag ends in a damaged document, in time linear in its length.

    A stray quote can leave the rest of a file inside an attribute value, so a
    tag read from there never ends, and neither does one read from any later
    '<' that meets that quote the same way. Tried from every '<', a regular
    expression would walk to the end of the text each time (a 2 MB file took
    hours). Here a walk stops at a quote or '>' an earlier failed walk passed:
    each is walked past at most once.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        # 1 at each quote from which a walk, outside any value, never finds a '>'.
        self.dead = bytearray(len(text) + 1)
        self.dead[len(text)] = 1
        self._ahead = (0, -1)  # (from, mark): the next mark from any start in between

    def end(self, start: int) -> int:
        """The index of the '>' ending the tag whose attributes begin at `start`, or -1."""
        text = self.text
        walked: list[int] = []
        mark = self._mark_after(start)
        while not self.dead[mark]:
            if text[mark] == ">":
                return mark
            walked.append(mark)
            close = text.find(text[mark], mark + 1)
            if close < 0:
                break
            found = _TAG_MARK.search(text, close + 1)
            mark = found.start() if found else len(text)
        for position in walked:
            self.dead[position] = 1
        return -1

    def _mark_after(self, start: int) -> int:
        # Tags are tried left to right, so one search serves every start before its mark.
        since, mark = self._ahead
        if since <= start <= mark:
            return mark
        found = _TAG_MARK.search(self.text, start)
        mark = found.start() if found else len(self.text)
        self._ahead = (start, mark)
        return mark


def _title(text: str) -> str | None:
    opened = _TITLE_OPEN.search(text, 0, 100_000)
    closed = _TITLE_CLOSE.search(text, opened.end(), 100_000) if opened else None
    if opened is None or closed is None:
        return None
    return _line(html.unescape(text[opened.end() : closed.start()]))


def _scan(text: str) -> tuple[str | None, _Builder | None, bool]:
    """Tag-level reading for documents no XML parser accepts; says whether </opml> was seen."""
    title = _title(text)
    builder: _Builder | None = None
    closed = False
    ends = _TagEnds(text)
    position = 0
    while (tag := _TAG_START.search(text, position)) is not None:
        end = ends.end(tag.end())
        if end < 0:  # never closed: not a tag, but a '<' further on may start one
            position = tag.start() + 1
            continue
        position = end + 1
        closing, name, rest = tag.group(1), tag.group(2).lower(), text[tag.end() : end]
        if name == "body" and not closing:
            builder = builder or _Builder()
        elif name == "opml" and closing:
            closed = True
        elif name == "outline" and builder is not None:
            if closing:
                builder.close()
            else:
                attributes = {
                    m.group(1): html.unescape(m.group(2) if m.group(2) is not None else m.group(3))
                    for m in _ATTRIBUTE.finditer(rest)
                }
                builder.open(attributes, empty=rest.rstrip().endswith("/"))
    return title, builder, closed


def parse_opml(data: bytes) -> OpmlDocument:
    """Read an OPML file leniently; never raises for bad input."""
    if len(data) > MAX_OPML_BYTES:
        return OpmlDocument(None, error=f"file is larger than {MAX_OPML_BYTES:,} bytes")
    if not data.strip():
        return OpmlDocument(None, error="empty document")
    decoded = decode_document(data)
    problems = list(decoded.problems)
    text = disarm_doctype(normalise_declaration(decoded.text), problems)
    error: str | None = None
    builder: _Builder | None = None
    title: str | None = None
    root: ElementTree.Element | None = None
    for attempt in ("strict", "ampersands"):
        candidate = text if attempt == "strict" else _BARE_AMPERSAND.sub("&amp;", text)
        try:
            root = ElementTree.fromstring(candidate)
        except ElementTree.ParseError as exc:
            if attempt == "strict":
                problems.append(f"not well-formed XML: {exc}")
            continue
        except RecursionError:
            return OpmlDocument(None, problems=tuple(problems), error="outlines nested too deeply")
        if attempt == "ampersands":
            problems.append("escaped bare '&' characters to read it")
        break
    if root is not None:
        if root.tag.lower() != "opml":
            return OpmlDocument(
                None, problems=tuple(problems), error=f"not OPML: the root element is <{root.tag}>"
            )
        title, builder = _from_tree(root)
    else:
        title, builder, closed = _scan(text)
        problems.append("read tag by tag; some names may be damaged")
        if not closed:
            error = "file ends early (truncated?); the feeds before the cut were kept"
    if builder is None:
        return OpmlDocument(title, problems=tuple(problems), error="invalid OPML: no <body>")
    problems.extend(builder.problems())
    return OpmlDocument(
        title=title,
        feeds=tuple(builder.feeds),
        folders=tuple(builder.folders),
        problems=tuple(problems),
        error=error,
    )


def import_refusal(url: str) -> str | None:
    """Why an outline's `xmlUrl` is not subscribed to on import; None for a web feed.

    An OPML list comes from elsewhere, so only http and https feeds are taken
    from it: a file:// address or a path would have every refresh read a
    local file the list's author chose. `briefing add PATH` subscribes to a
    local file; `write_opml` callers leave such subscriptions out likewise.
    """
    if is_web_link(url):
        return None
    match = _SCHEME.match(url.strip())
    scheme = match.group(1).lower() if match else ""
    if scheme in ("", "file") or len(scheme) == 1:  # a path, or a Windows drive letter
        return (
            "is a local file: OPML lists subscribe only to http(s) feeds (use 'briefing add PATH')"
        )
    if scheme in ("http", "https"):
        return "is not a usable web address (it holds spaces or control characters)"
    return "is not an http(s) address"


def write_opml(feeds: Iterable[OpmlFeed], title: str = "Briefing subscriptions") -> str:
    """OPML 2.0 text for `feeds`, nesting folder paths as outlines; only well-formed XML."""
    tree: dict[str, object] = {}
    order: list[OpmlFeed] = []
    for feed in feeds:
        order.append(feed)
        node = tree
        for part in feed.folder:
            child = node.setdefault("\x00" + part, {})
            assert isinstance(child, dict)
            node = child
        items = node.setdefault("\x01feeds", [])
        assert isinstance(items, list)
        items.append(feed)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{_escape_text(title)}</title>",
        "  </head>",
        "  <body>",
    ]
    _write_node(tree, lines, 2)
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _write_node(root: dict[str, object], lines: list[str], depth: int) -> None:
    """Write a folder tree; an explicit stack, since a folder path may be of any length."""
    pending = [iter(root.items())]
    while pending:
        indent = "  " * (depth + len(pending) - 1)
        item = next(pending[-1], None)
        if item is None:
            pending.pop()
            if pending:
                lines.append(f"{indent[2:]}</outline>")
            continue
        key, value = item
        if key == "\x01feeds":
            assert isinstance(value, list)
            for feed in value:
                name = feed.title or feed.url
                attributes = f'type="rss" text={_attr(name)} title={_attr(name)}'
                attributes += f" xmlUrl={_attr(feed.url)}"
                if feed.html_url:
                    attributes += f" htmlUrl={_attr(feed.html_url)}"
                lines.append(f"{indent}<outline {attributes}/>")
        else:
            assert isinstance(value, dict)
            name = key[1:]
            lines.append(f"{indent}<outline text={_attr(name)} title={_attr(name)}>")
            pending.append(iter(value.items()))


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _attr(value: str) -> str:
    return quoteattr(_XML_INVALID.sub("", value), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _escape_text(value: str) -> str:
    return html.escape(_XML_INVALID.sub("", value), quote=False)
