"""A cleaned article body split into paragraphs and sentences with offsets.

Quotes and figures are found on the whole text (a quotation can span several
sentences) and then mapped back to the sentence they start in, so the UI can
highlight the source.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cached_property

__all__ = ["Document", "Sentence"]


@dataclass(frozen=True)
class Sentence:
    """A sentence of the cleaned text: `text == document.text[start:end]`."""

    text: str
    start: int
    end: int
    paragraph: int


@dataclass(frozen=True)
class Document:
    """The cleaned body (paragraphs joined by a blank line) and its sentences."""

    title: str | None
    text: str
    sentences: tuple[Sentence, ...]

    def sentence_at(self, offset: int) -> int:
        """Index of the sentence holding character `offset` (the nearest one before it)."""
        if not self.sentences:
            return 0
        return max(0, bisect.bisect_right(self._starts, offset) - 1)

    @cached_property
    def _starts(self) -> list[int]:
        # Built once: quotes and figures look up a sentence for every match.
        return [s.start for s in self.sentences]

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n\n") if self.text else []
