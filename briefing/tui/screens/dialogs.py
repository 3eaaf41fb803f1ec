"""Small modal screens: a one-line prompt (tag, search) and the view picker."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from briefing.tui.library import ListQuery

__all__ = ["PromptScreen", "ViewChoice", "ViewPickerScreen"]


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line of text; Enter returns it, Escape returns None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, hint: str = "", value: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.prompt_title = title
        self.hint = hint
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.prompt_title, style="bold"), classes="dialog-title")
            yield Input(value=self.value, placeholder=self.hint, id="prompt-input")
            yield Static(Text("Enter to confirm \u00b7 Esc to cancel", style="dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ViewChoice:
    """One line of the view picker: a label, a count and the query it selects."""

    def __init__(self, label: str, count: int, query: ListQuery) -> None:
        self.label = label
        self.count = count
        self.query = query


class ViewPickerScreen(ModalScreen[ListQuery | None]):
    """Choose a view: the standard ones, then one per feed and one per tag."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,v,q", "cancel", "Cancel"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, choices: Sequence[ViewChoice], current: ListQuery) -> None:
        super().__init__(classes="dialog-screen")
        self.choices = list(choices)
        self.current = current

    def compose(self) -> ComposeResult:
        options = []
        for choice in self.choices:
            prompt = Text(choice.label)
            # These count articles while the line above the list counts stories ("All 9"
            # from 14 articles), so the unit is said.
            unit = "article" if choice.count == 1 else "articles"
            prompt.append(f"  {choice.count} {unit}", style="dim")
            options.append(Option(prompt))
        with Vertical(classes="dialog"):
            yield Static(Text("Show which stories?", style="bold"), classes="dialog-title")
            yield OptionList(*options, id="view-options")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        for index, choice in enumerate(self.choices):
            same = (choice.query.view, choice.query.feed_id, choice.query.tag) == (
                self.current.view,
                self.current.feed_id,
                self.current.tag,
            )
            if same and self.current.search is None:
                options.highlighted = index
                break
        else:
            options.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[event.option_index].query)

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
