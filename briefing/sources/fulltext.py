"""Full text for teaser feeds: fetch an article's page and keep only its main text.

Pages are fetched with the same rules as feeds (`fetch.fetch_feed`: timeouts,
size cap, redirects checked) and the main text is extracted with trafilatura,
which scores blocks of the page and drops navigation, comments and boilerplate;
a plain reading of the page's <article>/<main> is the fallback when it finds
nothing. trafilatura is heavy, so it is imported on first use, and extraction
runs in a worker thread. Escape sequences and control characters are taken
out, as from feed text. Nothing here writes anywhere; the caller stores the
text beside the feed's teaser.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from briefing.config import NetworkSettings
from briefing.safety import strip_controls
from briefing.sources.charset import decode_document
from briefing.sources.fetch import fetch_feed

__all__ = ["FullText", "extract_main_text", "fetch_full_text"]

PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
MIN_TEXT = 200  # shorter than this, trafilatura probably caught a cookie banner


@dataclass(frozen=True)
class FullText:
    """An article page's main text (None when it could not be had) and why not."""

    url: str
    text: str | None
    title: str | None = None
    error: str | None = None


def extract_main_text(html: str, url: str | None = None) -> tuple[str | None, str | None]:
    """(main text, title) of an HTML page; paragraphs separated by blank lines."""
    from briefing.sources.htmltext import html_title, html_to_text

    text: str | None = None
    extract: Callable[..., str | None] | None
    try:
        from trafilatura import extract
    except ImportError:  # optional: the plain reading below still works
        extract = None
    if extract is not None:
        extracted = extract(
            html,
            url=url,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
        )
        if extracted:
            paragraphs = (" ".join(line.split()) for line in extracted.splitlines())
            text = "\n\n".join(p for p in paragraphs if p) or None
    fallback = html_to_text(html, main_only=True)
    if text is None or (len(text) < MIN_TEXT and len(fallback) > 3 * len(text)):
        text = fallback or None
    title = html_title(html)
    # Stored beside the feed's text, so cleaned the way parsed entries are.
    return (
        strip_controls(text, lines=True) or None if text else None,
        " ".join(strip_controls(title).split()) or None if title else None,
    )


async def fetch_full_text(
    client: httpx.AsyncClient, url: str, settings: NetworkSettings | None = None
) -> FullText:
    """Download `url` and extract its main text; never raises for network or page trouble."""
    settings = settings or NetworkSettings()
    result = await fetch_feed(client, url, None, settings, accept=PAGE_ACCEPT)
    if result.error or result.body is None:
        return FullText(url, None, error=result.error or "no page returned")
    kind = result.headers.get("content-type", "")
    if kind and not any(word in kind.lower() for word in ("html", "xml", "text/plain")):
        return FullText(url, None, error=f"not a web page ({kind.split(';')[0]})")
    page = decode_document(result.body, kind).text
    text, title = await asyncio.to_thread(extract_main_text, page, result.final_url)
    if not text:
        return FullText(url, None, title, error="no article text found on the page")
    return FullText(result.final_url, text, title)
