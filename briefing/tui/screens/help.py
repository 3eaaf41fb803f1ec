"""The help screen, written from the key bindings themselves.

It lists what the bindings say (after the user's keymap is applied), so the
help never disagrees with the keys that actually work.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

__all__ = ["HelpScreen", "HelpSection"]

HelpSection = tuple[str, Sequence[tuple[str, str]]]


class HelpScreen(ModalScreen[None]):
    """Keys by section: each row is the keys and what they do."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close help"),
        Binding("j,down", "scroll_down", "Scroll down", show=False),
        Binding("k,up", "scroll_up", "Scroll up", show=False),
    ]

    def __init__(self, sections: Sequence[HelpSection]) -> None:
        super().__init__(classes="dialog-screen")
        self.sections = list(sections)

    def compose(self) -> ComposeResult:
        text = Text()
        width = max((len(keys) for _, rows in self.sections for keys, _ in rows), default=8)
        for number, (title, rows) in enumerate(self.sections):
            if number:
                text.append("\n")
            text.append(title + "\n", style="bold underline")
            for keys, description in rows:
                text.append(f"  {keys:<{width}}  ", style="bold")
                text.append(description + "\n")
        with Vertical(classes="dialog help"):
            yield Static(Text("Keys", style="bold"), classes="dialog-title")
            with VerticalScroll(id="help-body"):
                yield Static(text, id="help-text")
            yield Static(Text("Esc or ? closes this help", style="dim"))

    def action_scroll_down(self) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_up(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
