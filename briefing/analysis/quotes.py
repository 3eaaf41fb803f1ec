"""Quotations and their speakers (interim)."""

from __future__ import annotations

from briefing.analysis.document import Document
from briefing.models import Quote


def extract_quotes(document: Document) -> list[Quote]:
    """Every quotation in `document` with its speaker and role."""
    return []
