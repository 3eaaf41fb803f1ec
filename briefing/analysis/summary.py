"""Extractive summary of a document (interim: lead sentences until measured)."""

from __future__ import annotations

from collections.abc import Sequence

from briefing.analysis.document import Document
from briefing.models import Figure, Quote


def summarise(
    document: Document,
    count: int,
    quotes: Sequence[Quote] = (),
    figures: Sequence[Figure] = (),
) -> list[int]:
    """Indices of the sentences that make the summary, in article order."""
    return list(range(min(count, len(document.sentences))))
