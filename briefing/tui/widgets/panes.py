"""The three side panes: key quotes, spending figures and related stories.

Each pane is an `OptionList` of `rich.text.Text` prompts (never markup). A
quote or figure remembers the sentence it came from, so the screen can light
it up in the reader; a related story remembers its article id.

Each change replaces the options in one step, and a pane already saying the
same "waiting" message is left alone, so opening a story repaints each pane
once rather than clearing and refilling it several times.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from briefing.models import Figure, Quote, RelatedRow
from briefing.tui.formatting import figure_text, quote_text, related_text

__all__ = ["FiguresPane", "Pane", "QuotesPane", "RelatedPane"]


class Pane(OptionList):
    """A titled list in the side column; `values[i]` is what option i points at."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False),
        Binding("k,up", "cursor_up", "Up", show=False),
        Binding("enter", "select", "Light up its sentence; open a related story", show=False),
    ]

    TITLE = ""
    SHORT = ""
    NUMBER = 0
    EMPTY = "Nothing here."

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="pane")
        self.values: list[int] = []
        self.border_title = f"{self.NUMBER} {self.TITLE}"
        # The message shown while there is nothing to list, or None once items are shown.
        self.waiting: str | None = None

    def show_waiting(self, message: str = "Analysing\u2026") -> None:
        """Show `message` as the only (disabled) line; nothing happens if it is shown already."""
        if self.waiting == message and not self.values:
            return
        self.waiting = message
        self.values = []
        self.border_subtitle = ""
        self.set_options([Option(Text(message, style="dim"), disabled=True)])

    def _fill(
        self, prompts: Sequence[Text], values: Sequence[int], empty: str | None = None
    ) -> None:
        self.waiting = None
        self.values = list(values)
        if prompts:
            self.set_options([Option(prompt) for prompt in prompts])
        else:
            self.set_options([Option(Text(empty or self.EMPTY, style="dim"), disabled=True)])
        self.border_subtitle = str(len(prompts)) if prompts else ""

    def value_at(self, index: int | None) -> int | None:
        """The sentence (or article id) behind option `index`."""
        if index is None or not 0 <= index < len(self.values):
            return None
        return self.values[index]


class QuotesPane(Pane):
    """Who said what, in what role."""

    TITLE = "Key quotes"
    SHORT = "Quotes"
    NUMBER = 1
    EMPTY = "No quotes in this story."

    def show(self, quotes: Sequence[Quote]) -> None:
        self._fill([quote_text(q) for q in quotes], [q.sentence for q in quotes])


class FiguresPane(Pane):
    """Every sum of money, with its conversions on the same row."""

    TITLE = "Spending figures"
    SHORT = "Figures"
    NUMBER = 2
    EMPTY = "No sums of money in this story."

    def show(self, figures: Sequence[Figure]) -> None:
        self._fill([figure_text(f) for f in figures], [f.sentence for f in figures])


class RelatedPane(Pane):
    """The same story from other outlets; Enter opens one."""

    TITLE = "Related stories"
    SHORT = "Related"
    NUMBER = 3
    EMPTY = "No other reports of this story."
    UNFILED = "Not grouped into a story yet."

    def show(self, related: Sequence[RelatedRow], *, unfiled: bool = False) -> None:
        """`unfiled`: the article awaits grouping, so no list says nothing yet."""
        self._fill(
            [related_text(r) for r in related],
            [r.id for r in related],
            empty=self.UNFILED if unfiled else self.EMPTY,
        )
