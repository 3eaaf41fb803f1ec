"""Saved articles on disk ("seeds"): .txt, .md, .html and .json files.

.txt is a title line, a blank line and the body; .md may start with a `---`
block giving title, source, published and url; .html takes those from the
page's own meta tags; .json is {title, url, published, source, body}.
A seed that cannot be read becomes a `SeedProblem` naming the file; the
others still load, so one bad file never hides the rest. Nothing here
analyses the text or touches the network.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from briefing.errors import SeedError
from briefing.models import Article
from briefing.safety import is_web_link
from briefing.sources.htmltext import html_title, html_to_text

__all__ = ["SEED_SUFFIXES", "SeedProblem", "load_seed", "load_seeds"]

SEED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".json")
MAX_SEED_BYTES = 5_000_000


@dataclass(frozen=True)
class SeedProblem:
    """A file that was skipped, and why, in words a user can act on."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_SEED_BYTES:
            raise SeedError(f"{path}: too large ({size:,} bytes; the limit is {MAX_SEED_BYTES:,})")
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise SeedError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise SeedError(f"{path}: is a directory") from exc
    except OSError as exc:
        raise SeedError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if b"\x00" in data[:4096]:
        raise SeedError(f"{path}: looks like a binary file, not an article")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


# A headline may ask a question ("Have hackers recruited your PC?"); an opening
# paragraph that asks one is usually longer, or answered by the next paragraph.
_QUESTION_TITLE_MAX_WORDS = 14
_ANSWERS = re.compile(
    r"""^(?:yes|no|not|well|so|and|but|or|that|this|it|the\s+answer|maybe|perhaps)\b""",
    re.IGNORECASE,
)


def _is_question_headline(line: str, following: str) -> bool:
    """A short question standing alone, not answered or carried on by the next paragraph."""
    if len(line.split()) > _QUESTION_TITLE_MAX_WORDS or line.startswith(('"', "\u201c")):
        return False
    opening = following.lstrip("\"'\u201c\u2018(")
    return bool(opening) and opening[0].isupper() and not _ANSWERS.match(opening)


def _looks_like_title(first: str, rest: list[str]) -> bool:
    """Line 1 is a title when a blank line follows and it does not end like a sentence.

    A short question counts as a title too, when the paragraph after it starts
    afresh rather than answering it.
    """
    stripped = first.strip()
    if not stripped or len(stripped) > 300:
        return False
    if not rest or rest[0].strip():
        return False
    if stripped.endswith("?"):
        following = next((line.strip() for line in rest if line.strip()), "")
        return _is_question_headline(stripped, following)
    return not stripped.endswith((".", "!", "?", '"', "\u201d", ":"))


def _from_plain(path: Path, text: str) -> Article:
    lines = text.splitlines()
    title: str | None = None
    if lines and _looks_like_title(lines[0], lines[1:]):
        title = lines[0].strip()
        lines = lines[2:]
    body = "\n".join(lines).strip()
    if not body and title:
        body = title  # a headline-only item: the line is all there is to read
    return Article(
        title=title, body=body, source=_dateline_outlet(body) or path.name, path=str(path)
    )


# A wire dateline names the outlet: "OSLO, Oct 7 (Baltic Wire) - ...".
_DATELINE = re.compile(
    r"^[A-Z][A-Z .'-]{1,40}(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?)?\s*"
    r"\(([A-Z][\w&.' -]{1,40})\)\s*[-\u2013\u2014]"
)


def _dateline_outlet(body: str) -> str | None:
    """The outlet a wire dateline names, so a plain-text seed shows who published it."""
    match = _DATELINE.match(body)
    return match.group(1).strip() if match else None


_FRONT_MATTER_KEYS = ("title", "source", "published", "url")


def _front_matter(path: Path, lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """Split off a leading `---` block of `key: value` lines (title, source, published, url).

    Saved Markdown often carries such a block; without it a .md seed could not
    say which outlet published it or when.
    """
    if not lines or lines[0].strip() != "---":
        return {}, lines
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            break
    else:
        raise SeedError(f"{path}: front matter opened with '---' but never closed")
    fields: dict[str, str] = {}
    for line in lines[1:end]:
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        if sep and key in _FRONT_MATTER_KEYS:
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            fields[key] = value
    return fields, lines[end + 1 :]


_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")
_MD_PREFIX = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+(?!\s))")


def _strip_markdown(line: str) -> str:
    """One line of Markdown as the words a reader sees: no markers, links kept as their text."""
    line = _MD_PREFIX.sub("", line)
    line = _MD_IMAGE.sub("", line)
    line = _MD_LINK.sub(r"\1", line)
    return _MD_EMPHASIS.sub(r"\2", line).strip()


def _from_markdown(path: Path, text: str) -> Article:
    fields, lines = _front_matter(path, text.splitlines())
    title = fields.get("title") or None
    for i, line in enumerate(lines):
        if line.startswith("# "):
            title = title or line[2:].strip()
            del lines[i]
            break
    body = "\n".join(_strip_markdown(line) for line in lines).strip()
    return Article(
        title=title,
        body=body,
        url=fields.get("url") or None,
        published=_parse_published(fields.get("published"), path),
        source=fields.get("source") or path.name,
        path=str(path),
    )


def _parse_published(value: object, path: Path) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise SeedError(f"{path}: 'published' must be a date string")
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise SeedError(f"{path}: 'published' is not an ISO 8601 date: {value!r}") from exc
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def _from_json(path: Path, text: str) -> Article:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SeedError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    if not isinstance(data, dict):
        raise SeedError(f"{path}: expected a JSON object with title and body")
    body = data.get("body")
    if not isinstance(body, str) or not body.strip():
        raise SeedError(f"{path}: 'body' must be a non-empty string")
    for key in ("title", "url", "source"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise SeedError(f"{path}: '{key}' must be a string")
    return Article(
        title=data.get("title") or None,
        body=body,
        url=data.get("url") or None,
        published=_parse_published(data.get("published"), path),
        source=data.get("source") or path.name,
        path=str(path),
    )


def _html_meta(markup: str) -> dict[str, str]:
    """The outlet, link and date a saved page declares about itself, where it does."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(markup[:MAX_SEED_BYTES])
    found: dict[str, str] = {}
    wanted = {
        "og:site_name": "source",
        "application-name": "source",
        "og:url": "url",
        "article:published_time": "published",
        "date": "published",
        "pubdate": "published",
    }
    for node in tree.css("meta"):
        key = (node.attributes.get("property") or node.attributes.get("name") or "").lower()
        value = (node.attributes.get("content") or "").strip()
        if key in wanted and value and wanted[key] not in found:
            found[wanted[key]] = value
    canonical = tree.css_first('link[rel="canonical"]')
    if canonical is not None and (canonical.attributes.get("href") or "").strip():
        found["url"] = (canonical.attributes.get("href") or "").strip()
    if "published" not in found:
        stamp = tree.css_first("time[datetime]")
        if stamp is not None and (stamp.attributes.get("datetime") or "").strip():
            found["published"] = (stamp.attributes.get("datetime") or "").strip()
    return found


# Parts of a saved page that sit inside the article but are not its story.
_PAGE_FURNITURE = (
    "figure, figcaption, aside, [class*=caption], [class*=byline], [class*=newsletter],"
    " [class*=promo], [class*=share-], [class*=related-]"
)


def _without_furniture(markup: str) -> str:
    """The page without photo captions, bylines and sign-up boxes, which repeat or mislead."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(markup[:MAX_SEED_BYTES])
    for node in tree.css(_PAGE_FURNITURE):
        node.decompose()
    return tree.html or ""


def _from_html(path: Path, text: str) -> Article:
    title = html_title(text)
    body = html_to_text(_without_furniture(text), main_only=True)
    first, _, rest = body.partition("\n\n")
    if title and " ".join(first.split()) == title:
        body = rest  # the headline is the title, not the first paragraph
    meta = _html_meta(text)
    url = meta.get("url")
    try:
        published = _parse_published(meta.get("published"), path)
    except SeedError:
        published = None  # a page's odd date format is not a reason to refuse its text
    return Article(
        title=title,
        body=body,
        url=url if is_web_link(url) else None,
        published=published,
        source=meta.get("source") or path.name,
        path=str(path),
    )


def load_seed(path: Path) -> Article:
    """Read one saved article; raise `SeedError` with the file's name when it cannot."""
    suffix = path.suffix.lower()
    if suffix not in SEED_SUFFIXES:
        raise SeedError(f"{path}: not an article file (expected {', '.join(SEED_SUFFIXES)})")
    text = _read_text(path)
    if suffix == ".json":
        article = _from_json(path, text)
    elif suffix in (".html", ".htm"):
        article = _from_html(path, text)
    elif suffix == ".md":
        article = _from_markdown(path, text)
    else:
        article = _from_plain(path, text)
    if not article.body.strip():
        raise SeedError(f"{path}: no article text found")
    return article


def load_seeds(paths: Iterable[Path]) -> tuple[list[Article], list[SeedProblem]]:
    """Load every article under `paths` (files or directories), in name order."""
    articles: list[Article] = []
    problems: list[SeedProblem] = []
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        elif path.exists():
            files = [path]
        else:
            problems.append(SeedProblem(str(path), "no such file or directory"))
            continue
        for file in files:
            try:
                articles.append(load_seed(file))
            except SeedError as exc:
                problems.append(SeedProblem(str(file), str(exc).removeprefix(f"{file}: ")))
    return articles, problems
