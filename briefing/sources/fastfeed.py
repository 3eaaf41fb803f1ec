"""A quick reading of plain, well-formed RSS 2.0, Atom 1.0 and RSS 1.0 (RDF) documents.

feedparser spends most of a refresh's CPU time walking documents event by
event in Python. `read_feed` parses the same text with lxml (libxml2, in C)
and builds the few parts of feedparser's result that `briefing.sources.parse`
reads (feed title and links, ttl, and per entry its id, title, links, dates,
author, summary and content), applying the same clean-ups feedparser applies
to each element's text. It answers only when it is sure to agree with
feedparser: anything unusual (a DOCTYPE, xml:base, markup nested inside a
text element, an element feedparser treats specially that is not handled
here, repeated fields, a parser complaint, another format or version) gives
None and the caller uses feedparser. The parser never expands entities,
never reads from the network and keeps libxml2's size limits.
This module does no I/O and knows nothing of the store.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from functools import cache
from typing import Any

__all__ = ["read_feed"]

_ATOM = "http://www.w3.org/2005/Atom"
_RSS1 = "http://purl.org/rss/1.0/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# feedparser turns "&name;" left in a link's text into "&name" (query strings written badly).
_LINK_ENTITY = re.compile(r"&([A-Za-z0-9_]+);")
_RSS_VERSIONS = {"0.91": "rss091u", "0.92": "rss092", "0.93": "rss093", "0.94": "rss094"}
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# Keys of feedparser's result that the caller reads: an unknown element by one of these
# names would be stored under it by feedparser.
_READ_KEYS = frozenset(
    {
        "title",
        "title_detail",
        "link",
        "links",
        "id",
        "summary",
        "summary_detail",
        "content",
        "published",
        "published_parsed",
        "updated",
        "updated_parsed",
        "created",
        "created_parsed",
        "author",
        "ttl",
        "guidislink",
    }
)
# Elements feedparser handles that change nothing the caller reads, by context.
_FEED_HARMLESS = frozenset(
    {
        "description",
        "subtitle",
        "tagline",
        "language",
        "copyright",
        "rights",
        "managingeditor",
        "webmaster",
        "pubdate",
        "lastbuilddate",
        "updated",
        "published",
        "modified",
        "issued",
        "created",
        "info",
        "feedburner:browserfriendly",
        "feedburner:info",
        "generator",
        "docs",
        "cloud",
        "category",
        "icon",
        "logo",
        "author",
        "contributor",
        "name",
        "email",
        "uri",
        "url",
        "sy:updateperiod",
        "sy:updatefrequency",
        "sy:updatebase",
        "dc:language",
        "dc:rights",
        "dc:publisher",
        "dc:date",
        "dc:creator",
        "dc:subject",
        "admin:generatoragent",
        "admin:errorreportsto",
        "itunes:author",
        "itunes:owner",
        "itunes:image",
        "itunes:category",
        "itunes:explicit",
        "itunes:summary",
        "itunes:subtitle",
        "itunes:keywords",
        "itunes:block",
        "itunes:type",
        "media:thumbnail",
        "media:credit",
        "media:rating",
        "media:copyright",
        "media:keywords",
        "media:category",
    }
)
_ENTRY_HARMLESS = frozenset(
    {
        "category",
        "comments",
        "enclosure",
        "rights",
        "contributor",
        "dc:subject",
        "dc:publisher",
        "dc:rights",
        "dc:language",
        "slash:comments",
        "slash:section",
        "slash:department",
        "slash:hit_parade",
        "wfw:commentrss",
        "wfw:comment",
        "feedburner:origlink",
        "thr:total",
        "media:content",
        "media:thumbnail",
        "media:credit",
        "media:keywords",
        "media:rating",
        "media:category",
        "media:copyright",
        "media:player",
        "media:license",
        "media:restriction",
        "itunes:duration",
        "itunes:image",
        "itunes:explicit",
        "itunes:episode",
        "itunes:season",
        "itunes:episodetype",
        "itunes:block",
        "itunes:keywords",
        "georss:point",
        "geo:lat",
        "geo:long",
    }
)
# Elements feedparser handles inside a skipped subtree without touching anything read here:
# the owner's name and email under itunes:owner (filed as the publisher), nested iTunes
# categories and media credits or ratings (filed as tags and media details).
_QUIET_INSIDE = frozenset(
    {
        "name",
        "email",
        "uri",
        "url",
        "itunes:name",
        "itunes:email",
        "itunes:category",
        "media:credit",
        "media:rating",
        "media:keywords",
        "media:category",
        "media:copyright",
        "media:thumbnail",
        "media:player",
        "media:license",
        "media:restriction",
        "media:hash",
    }
)
# Children of <image>/<textinput>: feedparser files them under the image, not the feed.
_IMAGE_PARTS = frozenset({"title", "link", "url", "description", "width", "height", "name", "href"})


class _Unsure(Exception):
    """The document is outside what this reader reproduces exactly: use feedparser."""


@cache
def _feedparser_parts() -> tuple[dict[str, str], Callable[[str], bool], Any, Any, type]:
    """What feedparser itself uses: namespace prefixes, HTML sniffing, dates, URLs, handlers."""
    from feedparser.datetimes import _parse_date
    from feedparser.html import _cp1252
    from feedparser.mixin import _FeedParserMixin
    from feedparser.urls import _urljoin

    namespaces = {uri.lower(): prefix for uri, prefix in _FeedParserMixin.namespaces.items()}
    table = str.maketrans(_cp1252)

    def urljoin(value: str) -> str:
        return str(_urljoin("", value))

    return (
        namespaces,
        _FeedParserMixin.looks_like_html,
        _parse_date,
        (table, urljoin),
        _FeedParserMixin,
    )


@cache
def _xml_parser() -> Any:
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        recover=False,
        remove_blank_text=False,
    )


def _name(element: Any) -> str:
    """The element's name as feedparser spells it: standard prefix, lower case."""
    tag = element.tag
    if not isinstance(tag, str):
        raise _Unsure  # a comment or processing instruction where feedparser sees none
    if tag.startswith("{"):
        uri, local = tag[1:].split("}", 1)
        lowered = uri.lower()
        if "backend.userland.com/rss" in lowered:
            lowered = "http://backend.userland.com/rss"
        prefix = _feedparser_parts()[0].get(lowered, element.prefix)
    else:
        prefix, local = None, tag
    local = local.lower()
    return f"{prefix.lower()}:{local}" if prefix else local


def _handled(name: str) -> bool:
    """Whether feedparser has its own handler for an element of this name."""
    prefix, _, suffix = name.rpartition(":")
    method = f"_{prefix}_{suffix}" if prefix else f"_{suffix}"
    parser = _feedparser_parts()[4]
    return hasattr(parser, "_start" + method) or hasattr(parser, "_end" + method)


def _attributes(element: Any) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in element.attrib.items():
        if key == _XML_LANG:
            continue  # the language: feedparser keeps it where nothing here reads it
        if key.startswith("{"):
            raise _Unsure  # namespaced attributes: feedparser's keys depend on prefixes
        values[key.lower()] = value
    return values


def _finish(text: str) -> str:
    """What feedparser does to every element's text before storing it (encoding repairs)."""
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        text = text.encode("iso-8859-1").decode("utf-8")
    return text.translate(_feedparser_parts()[3][0])


def _text(element: Any) -> str:
    """The element's own text, stripped; nested markup is feedparser's business."""
    if len(element):
        raise _Unsure
    return (element.text or "").strip()


def _content_type(element: Any, default: str, atom: bool) -> str:
    kind = _attributes(element).get("type", default).lower()
    kind = {"text": "text/plain", "plain": "text/plain", "html": "text/html"}.get(kind, kind)
    if kind not in ("text/plain", "text/html"):
        raise _Unsure  # xhtml, base64 or another media type
    if "mode" in element.attrib or "src" in element.attrib:
        raise _Unsure
    return kind


class _Reader:
    """Builds feedparser-shaped dicts for one document, raising `_Unsure` on doubt."""

    def __init__(self, atom: bool) -> None:
        self.atom = atom
        self.feed: dict[str, Any] = {}
        self.entries: list[dict[str, Any]] = []

    # -- pieces shared by feed and entries ---------------------------------------------------

    def _textual(self, element: Any, default: str) -> tuple[str, str]:
        kind = _content_type(element, default, self.atom)
        value = _finish(_text(element))
        if not self.atom and kind == "text/plain" and _feedparser_parts()[1](value):
            kind = "text/html"
        return value, kind

    def _link(self, context: dict[str, Any], element: Any, in_entry: bool) -> None:
        attributes = _attributes(element)
        if "url" in attributes or "uri" in attributes:
            raise _Unsure
        rel = attributes.setdefault("rel", "alternate")
        attributes.setdefault("type", "application/atom+xml" if rel == "self" else "text/html")
        links = context.setdefault("links", [])
        if "href" in attributes:
            if len(element) or (element.text or "").strip():
                raise _Unsure
            attributes["href"] = _feedparser_parts()[3][1](attributes["href"])
            links.append(attributes)
            if rel == "alternate" and attributes["type"].lower() in _HTML_TYPES:
                context["link"] = attributes["href"]
            return
        links.append(attributes)
        value = _finish(_feedparser_parts()[3][1](_text(element)))
        if in_entry:
            value = _LINK_ENTITY.sub(r"&\g<1>", value.replace("&amp;", "&"))
        else:
            value = _LINK_ENTITY.sub(r"&\g<1>", value)
        context["link"] = value
        if value or not in_entry:
            links[-1]["href"] = value

    def _guid(self, context: dict[str, Any], element: Any, atom_id: bool) -> None:
        attributes = _attributes(element)
        is_link = atom_id or attributes.get("ispermalink", "true") == "true"
        value = _text(element)
        if is_link:
            value = _feedparser_parts()[3][1](value)
        value = _finish(value)
        context["id"] = value
        context.setdefault("guidislink", is_link and "link" not in context)
        if is_link:
            context.setdefault("link", value)

    def _date(self, context: dict[str, Any], key: str, element: Any) -> None:
        value = _finish(_text(element))
        context[key] = value
        context[f"{key}_parsed"] = _feedparser_parts()[2](value)

    # -- the feed ----------------------------------------------------------------------------

    def read_feed_level(self, element: Any) -> None:
        """Children of <channel> (RSS) or <feed> (Atom), entries included."""
        seen: set[str] = set()
        for child in element:
            name = _name(child)
            if name in ("item", "entry"):
                self.entries.append(self.read_entry(child))
                continue
            if name in ("title", "ttl", "id"):
                if name in seen:
                    raise _Unsure
                seen.add(name)
            if name == "title":
                value, kind = self._textual(child, "text/plain")
                self.feed["title"] = value
                self.feed["title_detail"] = {"type": kind}
            elif name == "link":
                self._link(self.feed, child, in_entry=False)
            elif name == "id":
                self._guid(self.feed, child, atom_id=True)
            elif name == "ttl":
                self.feed["ttl"] = _finish(_text(child))
            elif name in ("image", "textinput"):
                if _attributes(child):
                    raise _Unsure
                for part in child.iter():
                    if part is not child and _name(part) not in _IMAGE_PARTS:
                        raise _Unsure
            elif name in _FEED_HARMLESS:
                self._check_quiet(child)
            else:
                self._unknown(child)

    def _check_quiet(self, element: Any) -> None:
        """A subtree skipped as harmless must not hide elements feedparser would act on."""
        for part in element.iterdescendants():
            name = _name(part)
            if name in _QUIET_INSIDE:
                continue
            if _handled(name) or name in _READ_KEYS or name in ("item", "entry"):
                raise _Unsure

    def _unknown(self, element: Any) -> None:
        name = _name(element)
        if _handled(name) or name.replace(":", "_") in _READ_KEYS:
            raise _Unsure
        self._check_quiet(element)

    # -- entries -----------------------------------------------------------------------------

    def read_entry(self, element: Any) -> dict[str, Any]:
        entry: dict[str, Any] = {}
        attributes = _attributes(element) if not self.rdf else {}
        if attributes:
            raise _Unsure  # CDF attributes (href, lastmod) feedparser would act on
        if self.rdf:
            for key in element.attrib:
                if key != f"{{{_RDF}}}about":
                    raise _Unsure
            about = element.get(f"{{{_RDF}}}about")
            if about:
                entry["id"] = about
        seen: set[str] = set()
        has_content = False
        for child in element:
            name = _name(child)
            group = _GROUPS.get(name, name)
            if group in ("title", "id", "published", "updated", "created", "author", "summary"):
                if group in seen:
                    raise _Unsure
                seen.add(group)
            if name == "title":
                value, kind = self._textual(child, "text/plain")
                entry["title"] = value
                entry["title_detail"] = {"type": kind}
            elif name == "link":
                self._link(entry, child, in_entry=True)
            elif name in ("guid", "id"):
                self._guid(entry, child, atom_id=name == "id")
            elif group in ("published", "updated", "created"):
                self._date(entry, group, child)
            elif group == "summary":
                if "summary" in entry and not has_content:
                    raise _Unsure  # feedparser would file it as content
                default = "text/html" if name == "description" else "text/plain"
                value, kind = self._textual(child, default)
                entry["summary"] = value
                entry["summary_detail"] = {"type": kind}
            elif name in ("content", "content:encoded"):
                if "content" in entry:
                    raise _Unsure
                has_content = True
                default = "text/plain" if name == "content" else "text/html"
                value, kind = self._textual(child, default)
                entry["content"] = [{"type": kind, "value": value}]
                entry.setdefault("summary", value)
            elif group == "author":
                entry["author"] = self._author(child)
            elif name == "source":
                self._check_source(child)
            elif name in _ENTRY_HARMLESS:
                self._check_quiet(child)
            else:
                self._unknown(child)
        return entry

    def _check_source(self, element: Any) -> None:
        """An entry's <source>: feedparser files everything in it under the source."""
        for part in element.iterdescendants():
            if _name(part) in ("item", "entry", "image", "textinput", "source", "content"):
                raise _Unsure

    def _author(self, element: Any) -> str:
        if _attributes(element):
            raise _Unsure
        if not len(element):
            return _finish(_text(element))
        if (element.text or "").strip():
            raise _Unsure
        parts: dict[str, str] = {}
        for child in element:
            name = _name(child)
            if name not in ("name", "email", "uri") or name in parts or len(child):
                raise _Unsure
            parts[name] = (child.text or "").strip()
        person, email = parts.get("name"), parts.get("email")
        if person and email:
            return f"{person} ({email})"
        return person or email or ""

    rdf = False


_GROUPS = {
    "pubdate": "published",
    "published": "published",
    "issued": "published",
    "dcterms:issued": "published",
    "updated": "updated",
    "modified": "updated",
    "dc:date": "updated",
    "dcterms:modified": "updated",
    "created": "created",
    "dcterms:created": "created",
    "author": "author",
    "dc:creator": "author",
    "dc:author": "author",
    "description": "summary",
    "summary": "summary",
    "guid": "id",
    "id": "id",
}


def _version(root: Any) -> tuple[str, Any, bool] | None:
    """(feedparser version, element holding the feed's fields, is RDF) for known shapes."""
    tag = root.tag
    if tag == "rss":
        attributes = _attributes(root)
        version = attributes.get("version", "")
        version = _RSS_VERSIONS.get(version) or ("rss20" if version.startswith("2.") else "rss")
        channels = [child for child in root if _name(child) == "channel"]
        others = [child for child in root if _name(child) != "channel"]
        if len(channels) != 1 or others or _RSS1 in root.nsmap.values():
            return None
        return version, channels[0], False
    if tag == f"{{{_ATOM}}}feed":
        if _attributes(root).get("version") or _RSS1 in root.nsmap.values():
            return None
        return "atom10", root, False
    if tag == f"{{{_RDF}}}RDF":
        namespaces = set(root.nsmap.values())
        if _RSS1 not in namespaces or _ATOM in namespaces:
            return None
        return "rss10", root, True
    return None


def read_feed(data: bytes) -> tuple[str, dict[str, Any], list[dict[str, Any]]] | None:
    """(version, feed, entries) as feedparser would give them, or None when unsure.

    `data` is the UTF-8 document the caller would hand feedparser (declaration
    already saying utf-8, DOCTYPE already removed by the caller; one that is
    still there, wherever it is, makes this answer None).
    """
    if b"xml:base" in data:
        return None
    from lxml import etree

    parser = _xml_parser()
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if len(parser.error_log):
        return None
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        return None  # a DOCTYPE anywhere: its declarations are feedparser's (disarmed) business
    try:
        shape = _version(root)
        if shape is None:
            return None
        version, holder, rdf = shape
        reader = _Reader(atom=version == "atom10")
        reader.rdf = rdf
        if rdf:
            if _attributes(root):
                return None
            for child in root:
                name = _name(child)
                if name == "channel":
                    for key in child.attrib:
                        if key != f"{{{_RDF}}}about":
                            return None
                    _read_rdf_channel(reader, child)
                elif name == "item":
                    reader.entries.append(reader.read_entry(child))
                elif name in ("image", "textinput"):
                    reader.read_feed_level(_Wrapper(child))
                else:
                    reader._unknown(child)
        else:
            if version != "atom10" and (holder.attrib and set(holder.attrib) - {"about"}):
                return None
            reader.read_feed_level(holder)
    except _Unsure:
        return None
    return version, reader.feed, reader.entries


class _Wrapper:
    """One element seen as the only child of an imaginary parent (for RDF image/textinput)."""

    def __init__(self, element: Any) -> None:
        self.element = element

    def __iter__(self) -> Any:
        return iter((self.element,))


def _read_rdf_channel(reader: _Reader, channel: Any) -> None:
    """RSS 1.0: the channel holds the feed's fields; its <items> only lists item addresses."""
    kept = []
    for child in channel:
        name = _name(child)
        if name == "items":
            for part in child.iterdescendants():
                if _name(part) not in ("rdf:seq", "rdf:li", "rdf:bag"):
                    raise _Unsure
            continue
        kept.append(child)
    reader.read_feed_level(kept)
