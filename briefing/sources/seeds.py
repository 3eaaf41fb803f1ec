"""Saved articles on disk ("seeds"): .txt, .md, .html and .json files.

A seed that cannot be read becomes a `SeedProblem` naming the file; the
others still load, so one bad file never hides the rest.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from briefing.errors import SeedError
from briefing.models import Article
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


def _looks_like_title(first: str, rest: list[str]) -> bool:
    """Line 1 is a title when a blank line follows and it does not end like a sentence."""
    stripped = first.strip()
    if not stripped or len(stripped) > 300:
        return False
    if not rest or rest[0].strip():
        return False
    return not stripped.endswith((".", "!", "?", '"', "\u201d", ":"))


def _from_plain(path: Path, text: str, markdown: bool) -> Article:
    lines = text.splitlines()
    title: str | None = None
    if markdown:
        for i, line in enumerate(lines):
            if line.startswith("# "):
                title = line[2:].strip()
                del lines[i]
                break
    elif lines and _looks_like_title(lines[0], lines[1:]):
        title = lines[0].strip()
        lines = lines[2:]
    body = "\n".join(lines).strip()
    if markdown:
        body = "\n".join(_strip_markdown(line) for line in body.splitlines())
    return Article(title=title, body=body, source=path.name, path=str(path))


def _strip_markdown(line: str) -> str:
    stripped = line.lstrip("#>*- ").replace("**", "").replace("__", "")
    return stripped if line.strip() else ""


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


def _from_html(path: Path, text: str) -> Article:
    return Article(
        title=html_title(text),
        body=html_to_text(text, main_only=True),
        source=path.name,
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
    else:
        article = _from_plain(path, text, markdown=suffix == ".md")
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
