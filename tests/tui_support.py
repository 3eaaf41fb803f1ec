"""Shared helpers for the TUI tests: a private data dir, fixture articles, a fixed analysis.

The fixed analysis keeps UI tests (and snapshots) independent of how the
analysis stages evolve; one test in test_tui_app.py runs the real pipeline.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual.pilot import Pilot

from briefing.models import Analysis, Article, Equivalent, Figure, Quote, SummaryLine
from briefing.tui.app import BriefingApp
from briefing.tui.library import Library

FIXTURES = Path(__file__).parent / "fixtures" / "tui"
GENERATED = datetime(2026, 3, 4, 7, 30, tzinfo=UTC)


def fixed_analysis(article: Article, sentences: int) -> Analysis:
    """A hand-written analysis: sentence i is paragraph i's text, quotes and figures by title."""
    from briefing.analysis.text import make_document

    document = make_document(article.title, article.body)
    texts = tuple(s.text for s in document.sentences)
    title = article.title or ""
    quotes: tuple[Quote, ...] = ()
    figures: tuple[Figure, ...] = ()
    if "harbour levy" in title:
        quotes = (
            Quote(
                "The storms of the last two winters left us no choice,",
                "Ines Marsh",
                "chief executive of the port authority",
                1,
            ),
            Quote(
                "A levy of this size will push cargo to other ports,",
                "Tomas Ferreira",
                "head of the regional shippers' council",
                len(texts) - 2,
            ),
        )
        figures = (
            Figure(
                "€120m",
                120e6,
                "EUR",
                0,
                "harbour levy over five years",
                None,
                (Equivalent("$130m", 130e6, "USD"),),
            ),
            Figure("€180m", 180e6, "EUR", len(texts) - 1, "total cost of the sea wall"),
        )
    summary = tuple(SummaryLine(texts[i], i) for i in range(min(sentences, len(texts), 2)))
    return Analysis(sentences=texts, summary=summary, quotes=quotes, figures=figures)


def make_app(
    data_dir: Path,
    seeds: list[Path] | None = None,
    *,
    real_analysis: bool = False,
    keys: dict[str, str] | None = None,
    grouped: bool = False,
) -> BriefingApp:
    """An app on a private database under `data_dir`, importing `seeds` (default: fixtures).

    The list shows one row per article unless `grouped` (the app's default, one per story).
    """
    from briefing.config import GeneralSettings, Settings

    if real_analysis:
        library = Library(data_dir / "briefing.db")
    else:
        library = Library(data_dir / "briefing.db", analyser=fixed_analysis)
    settings = Settings(general=GeneralSettings(group_stories=grouped), keys=dict(keys or {}))
    app = BriefingApp(library, settings=settings, seed_paths=[FIXTURES] if seeds is None else seeds)
    app.now = lambda: GENERATED
    return app


async def settle(pilot: Pilot[object]) -> None:
    """Wait until every worker is done and the screen has caught up with their messages."""
    app = pilot.app
    for _ in range(20):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in app.workers):
            await pilot.pause()
            if not any(worker.is_running for worker in app.workers):
                return
