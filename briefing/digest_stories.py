"""Stored articles -> `DigestStory` values: what `briefing digest` and the reader's preview share.

Chooses which stored articles go into a briefing, reads (or computes and
caches) each one's analysis, and lists the other outlets that reported the
same story. It renders nothing (that is `briefing.digest`), writes no files
and prints nothing: problems are handed to the caller's `on_problem`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from briefing.digest import DigestStory, Outlet
from briefing.errors import StoreError
from briefing.models import Analysis, Article, RelatedRow

if TYPE_CHECKING:
    from briefing.store import Store

__all__ = [
    "DIGEST_VIEWS",
    "LAST_BRIEFING",
    "RELATED_SCAN",
    "Analyser",
    "build_digest_stories",
    "digest_article_ids",
    "mark_briefing",
    "story_analysis",
]

log = logging.getLogger(__name__)

# The mark a written digest moves; `--since last` and the "since briefing" view read it.
LAST_BRIEFING = "last_briefing"
# The store views a digest may be drawn from.
DIGEST_VIEWS = ("picked", "starred", "all")
# How many related reports are read per story to find the other outlets.
RELATED_SCAN = 50
_PAGE = 500

Analyser = Callable[[Article, int], Analysis]
ProblemHandler = Callable[[int, str], None]

# Mistakes an analysis stage can make on odd text. One story's failure must not cost the
# reader the whole briefing, so these are reported and the story goes in without analysis.
_ANALYSIS_FAILURES = (ArithmeticError, LookupError, ValueError, TypeError, RecursionError)


def _all_ids(store: Store, view: str, since: datetime | None = None) -> list[int]:
    """Every article id in a view, page by page, newest first."""
    ids: list[int] = []
    while True:
        rows = store.list_articles(view, since=since, limit=_PAGE, offset=len(ids))
        ids += [row.id for row in rows]
        if len(rows) < _PAGE:
            return ids


def digest_article_ids(
    store: Store,
    view: str = "picked",
    *,
    since: datetime | None = None,
    since_last_briefing: bool = False,
) -> list[int]:
    """The articles a briefing covers, newest first.

    `since` keeps articles published (or, undated, stored) on or after that time;
    `since_last_briefing` keeps articles the store received after the last digest
    was written (all of them when none was).
    """
    if view not in DIGEST_VIEWS:
        raise ValueError(f"unknown digest view {view!r} (known: {', '.join(DIGEST_VIEWS)})")
    ids = _all_ids(store, view, since)
    if since_last_briefing and store.get_mark(LAST_BRIEFING) is not None:
        arrived = set(_all_ids(store, "since_briefing"))
        ids = [article_id for article_id in ids if article_id in arrived]
    return ids


def mark_briefing(store: Store, when: datetime | None = None) -> datetime:
    """Record that a briefing was delivered at `when` (now by default); return that time."""
    stamp = when or datetime.now(UTC)
    store.set_mark(LAST_BRIEFING, stamp)
    return stamp


def story_analysis(
    store: Store,
    article: Article,
    sentences: int,
    *,
    analyser: Analyser | None = None,
) -> Analysis:
    """The article's analysis from the cache, or computed now and cached for next time.

    A cache that cannot be written (read-only store, full disk) costs only the
    saving: the fresh analysis is still returned.
    """
    key = article.analysis_key(sentences)
    cached = store.cached_analysis(key)
    if cached is not None:
        return cached
    if analyser is None:
        from briefing.analysis.pipeline import analyse

        analyser = analyse
    analysis = analyser(article, sentences)
    if not store.read_only:
        try:
            store.save_analysis(key, analysis)
        except StoreError as exc:
            log.warning("analysis of article %s not cached: %s", article.id, exc)
    return analysis


def _other_outlets(store: Store, article: Article, related: Iterable[RelatedRow]) -> list[Outlet]:
    """One report per other outlet, most similar first, with its link and date."""
    seen = {(article.source or "").casefold()}
    outlets: list[Outlet] = []
    for row in related:
        name = row.source.strip()
        if not name or name.casefold() in seen:
            continue
        seen.add(name.casefold())
        other = store.article(row.id)
        outlets.append(
            Outlet(
                name=name,
                url=other.url if other is not None else None,
                published=row.published,
                title=row.title or None,
            )
        )
    return outlets


def build_digest_stories(
    store: Store,
    article_ids: Sequence[int],
    *,
    sentences: int | None = None,
    analyser: Analyser | None = None,
    on_problem: ProblemHandler | None = None,
) -> list[DigestStory]:
    """The digest's stories for these articles, in the order given.

    Articles no longer stored are skipped; an article whose analysis fails is
    kept with an empty analysis. Both are reported through `on_problem(id, message)`.
    """
    if sentences is None:
        from briefing.analysis.pipeline import DEFAULT_SENTENCES

        sentences = DEFAULT_SENTENCES
    stories: list[DigestStory] = []
    for article_id in article_ids:
        article = store.article(article_id)
        if article is None:
            if on_problem is not None:
                on_problem(article_id, "no longer stored; left out")
            continue
        try:
            analysis = story_analysis(store, article, sentences, analyser=analyser)
        except _ANALYSIS_FAILURES as exc:
            if on_problem is not None:
                on_problem(article_id, f"could not be analysed ({type(exc).__name__}: {exc})")
            analysis = Analysis(sentences=())
        related = store.related(article_id, RELATED_SCAN)
        members = len(store.story_members(article_id))
        stories.append(
            DigestStory(
                article=article,
                analysis=analysis,
                related=max(len(related), members - 1),
                outlets=tuple(_other_outlets(store, article, related)),
            )
        )
    return stories
