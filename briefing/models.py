"""Plain data passed between sources, the store, analysis and the UI.

Nothing here does I/O or imports the UI toolkit; every other layer speaks in
these dataclasses, so each can be tested without the others.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

__all__ = [
    "Analysis",
    "Article",
    "ArticleRow",
    "FeedStatus",
    "RelatedRow",
    "Equivalent",
    "Figure",
    "Quote",
    "SummaryLine",
    "attribution",
    "content_hash",
]

UNATTRIBUTED = "unattributed"


def attribution(speaker: str | None, role: str | None) -> str:
    """Who a quote is from, as a reader sees it: "Ines Marsh, chief executive", "The
    nurses' union" (an organisation or unnamed person is its description), or "unattributed".
    """
    if speaker and role:
        return f"{speaker}, {role}"
    return speaker or role or UNATTRIBUTED


def content_hash(title: str | None, body: str) -> str:
    """A stable key for an article's text: analysis results are cached by it."""
    digest = hashlib.sha256()
    digest.update((title or "").encode("utf-8", "replace"))
    digest.update(b"\x00")
    digest.update(body.encode("utf-8", "replace"))
    return digest.hexdigest()


@dataclass(frozen=True)
class Article:
    """One news article, from a feed or a saved file.

    `body` is plain text with paragraphs separated by blank lines; markup has
    already been removed by the source that produced it. `full_text` is the main
    text of the article's web page when its feed only carries teasers (the feed's
    `full_text` setting); `text` is what a reader or an analysis should use.
    """

    title: str | None
    body: str
    url: str | None = None
    published: datetime | None = None
    source: str = ""
    path: str | None = None
    guid: str | None = None
    id: int | None = None
    feed_id: int | None = None
    full_text: str | None = None

    @property
    def content_hash(self) -> str:
        """The key of the feed's own text (title and teaser): how entries are matched."""
        return content_hash(self.title, self.body)

    @property
    def text(self) -> str:
        """The fullest text we have: the page's main text when fetched, else the body."""
        return self.full_text or self.body

    @property
    def text_hash(self) -> str:
        """The key of `text`: cache analyses of `text` under this, not `content_hash`."""
        return content_hash(self.title, self.text)

    def analysis_key(self, sentences: int) -> str:
        """Where the analysis of `text` with a summary of `sentences` is cached."""
        return f"{self.text_hash}/{sentences}"


@dataclass(frozen=True)
class Quote:
    """Words someone said, with who said them and where in the article."""

    text: str
    speaker: str | None
    role: str | None
    sentence: int


@dataclass(frozen=True)
class Equivalent:
    """A conversion printed beside a figure, e.g. the "$547bn" in "€500bn ($547bn)"."""

    text: str
    amount: float
    currency: str


@dataclass(frozen=True)
class Figure:
    """One sum of money as the article states it, with its conversions."""

    text: str
    amount: float
    currency: str
    sentence: int
    context: str = ""
    period: str | None = None
    equivalents: tuple[Equivalent, ...] = ()


@dataclass(frozen=True)
class SummaryLine:
    """A sentence chosen for the summary and its index in the article."""

    text: str
    sentence: int


@dataclass(frozen=True)
class Analysis:
    """Everything the panes show about one article."""

    sentences: tuple[str, ...]
    summary: tuple[SummaryLine, ...] = ()
    quotes: tuple[Quote, ...] = ()
    figures: tuple[Figure, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ArticleRow:
    """One line of the story list: enough to draw it without loading the body."""

    id: int
    title: str
    source: str
    published: datetime | None
    url: str | None = None
    feed_id: int | None = None
    read: bool = False
    starred: bool = False
    picked: bool = False
    dismissed: bool = False
    tags: tuple[str, ...] = ()
    story: str | None = None
    story_size: int = 1
    duplicate_of: int | None = None
    words: int = 0


@dataclass(frozen=True)
class RelatedRow:
    """Another stored article about the same story, and why we think so."""

    id: int
    title: str
    source: str
    published: datetime | None
    score: float
    reason: str = ""
    duplicate: bool = False


@dataclass(frozen=True)
class FeedStatus:
    """A subscription and its health, as `briefing feeds` and the health screen show it."""

    id: int
    url: str
    title: str
    folder: str | None = None
    articles: int = 0
    unread: int = 0
    last_success: datetime | None = None
    last_error: str | None = None
    last_attempt: datetime | None = None
    next_due: datetime | None = None
    full_text: bool = False
    failures: int = 0  # fetches failed in a row since the last success
    kind: str = "feed"  # "feed" (a URL or a local feed file) or "seeds" (saved articles)
