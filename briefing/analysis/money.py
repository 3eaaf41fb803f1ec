"""Sums of money and their conversions (interim)."""

from __future__ import annotations

from briefing.analysis.document import Document
from briefing.models import Figure


def extract_figures(document: Document) -> list[Figure]:
    """Every sum of money in `document`, conversions grouped with their figure."""
    return []
