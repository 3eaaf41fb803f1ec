"""One call that turns an article into everything the panes show.

Each stage is its own module; this file only decides their order and feeds
them the same cleaned `Document`.
"""

from __future__ import annotations

from briefing.analysis.money import extract_figures
from briefing.analysis.quotes import extract_quotes
from briefing.analysis.summary import summarise
from briefing.analysis.text import make_document
from briefing.models import Analysis, Article, SummaryLine

__all__ = ["DEFAULT_SENTENCES", "analyse"]

DEFAULT_SENTENCES = 3


def analyse(
    article: Article, sentences: int = DEFAULT_SENTENCES, method: str = "briefing"
) -> Analysis:
    """Summarise `article` and pull out its quotes and money figures.

    `method` is one of `briefing.analysis.summary.SUMMARY_METHODS`.
    """
    document = make_document(article.title, article.text)
    figures = extract_figures(document)
    quotes = extract_quotes(document)
    chosen = summarise(document, sentences, quotes=quotes, figures=figures, method=method)
    return Analysis(
        sentences=tuple(s.text for s in document.sentences),
        summary=tuple(SummaryLine(document.sentences[i].text, i) for i in chosen),
        quotes=tuple(quotes),
        figures=tuple(figures),
    )
