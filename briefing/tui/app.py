"""The Textual application: wires settings, the library and the screens together.

Kept thin on purpose: the main screen owns the reading flow, the library owns
the store and analysis threads, and widgets only draw. Every binding is also a
command in the palette, and `[keys]` in the settings file can rebind any of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingsMap, BindingType
from textual.dom import DOMNode
from textual.screen import Screen

from briefing.config import Settings
from briefing.tui.library import Library
from briefing.tui.screens.help import HelpScreen, HelpSection

__all__ = ["BriefingApp"]


class BriefingApp(App[int]):
    """Read, triage and export a news briefing from the keyboard."""

    TITLE = "Briefing"
    CSS_PATH = "app.tcss"
    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),
        (110, "-wide"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", show=True, id="quit"),
        Binding("question_mark", "help", "Help", show=True, id="help"),
    ]

    def __init__(
        self,
        library: Library,
        *,
        settings: Settings | None = None,
        seed_paths: Sequence[Path] = (),
        offline: bool = True,
    ) -> None:
        super().__init__()
        self.library = library
        self.settings = settings or Settings()
        self.seed_paths = list(seed_paths)
        self.offline = offline
        self.unknown_keys: list[str] = []
        # The clock the digest stamps itself with; tests fix it so pictures stay the same.
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC).replace(microsecond=0)

    def on_mount(self) -> None:
        from briefing.tui.screens.main import MainScreen

        self._apply_keymap()
        self.push_screen(MainScreen(self.library))

    async def on_unmount(self) -> None:
        await self.library.close()

    # -- keys -------------------------------------------------------------------------------

    def _known_binding_ids(self) -> set[str]:
        from briefing.tui.screens.main import MainScreen

        ids = set()
        for binding in [*self.BINDINGS, *MainScreen.BINDINGS]:
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
        return ids

    def _apply_keymap(self) -> None:
        keys = dict(self.settings.keys)
        known = self._known_binding_ids()
        self.unknown_keys = sorted(k for k in keys if k not in known)
        for name in self.unknown_keys:
            del keys[name]
            self.notify(
                f"[keys] {name}: no such action (known: {', '.join(sorted(known))})",
                title="Settings",
                severity="warning",
                markup=False,
            )
        if keys:
            self.set_keymap(keys)

    def help_sections(self, screen: Screen[object]) -> list[HelpSection]:
        """Keys and descriptions per area, read from the bindings with the keymap applied."""
        from briefing.tui.widgets.panes import Pane
        from briefing.tui.widgets.reader import Reader
        from briefing.tui.widgets.story_list import StoryList

        # The screen's own keys, then those of the widgets it shows: the story list, reader and
        # panes are listed only where they are, so the feed-health screen's help lists no j/k
        # for a story list that is not there.
        areas: list[tuple[str, DOMNode | type[DOMNode]]] = [
            (getattr(screen, "HELP_TITLE", "This screen"), screen)
        ]
        for title, widget in (("Story list", StoryList), ("Reader", Reader), ("Panes", Pane)):
            if screen.query(widget):
                areas.append((title, widget))
        areas.append(("Everywhere", self))
        sections: list[HelpSection] = []
        for title, node in areas:
            bindings = node._bindings if isinstance(node, DOMNode) else BindingsMap(node.BINDINGS)
            bindings = bindings.copy()
            if self._keymap:
                bindings.apply_keymap(self._keymap)
            grouped: dict[str, list[str]] = {}
            order: list[str] = []
            cls = node if isinstance(node, type) else type(node)
            own = [b.action for b in cls.BINDINGS if isinstance(b, Binding)]
            rank: dict[str, int] = {}
            for key, binding in bindings:
                if not binding.description:
                    continue
                label = binding.description
                if label not in grouped:
                    grouped[label] = []
                    order.append(label)
                    # This area's own keys first, in the order they are declared.
                    known = binding.action in own
                    rank[label] = own.index(binding.action) if known else len(own) + len(rank)
                display = self.get_key_display(binding.with_key(key))
                if display not in grouped[label]:
                    grouped[label].append(display)
            order.sort(key=lambda label: rank[label])
            rows = [(", ".join(grouped[label]), label) for label in order]
            if title == "Everywhere":
                rows.append(("ctrl+p", "Command palette: every action by name"))
            sections.append((title, rows))
        return sections

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.help_sections(self.screen)))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every described binding of the screen and app, by name, in the command palette."""
        yield from super().get_system_commands(screen)
        seen: set[str] = set()
        for node in (screen, self):
            for _key, binding in node._bindings:
                if not binding.description or binding.action in seen:
                    continue
                seen.add(binding.action)
                yield SystemCommand(
                    binding.description,
                    f"Key: {self.get_key_display(binding)}",
                    lambda action=binding.action, target=node: self._run_from_palette(
                        target, action
                    ),
                )

    def _run_from_palette(self, node: DOMNode, action: str) -> None:
        self.call_later(self.run_action, action, node)

    # -- feeds and digest -------------------------------------------------------------------

    def start_refresh(
        self, *, all_feeds: bool, quiet: bool = False, feed_id: int | None = None
    ) -> None:
        """Fetch one feed, the due feeds or all feeds in a worker; new stories show as they land."""
        from briefing.tui.refreshing import start_refresh

        start_refresh(self, all_feeds=all_feeds, quiet=quiet, feed_id=feed_id)

    def start_grouping(self) -> None:
        """File into stories, in a worker, the articles a large refresh left unfiled."""
        from briefing.tui.grouping import start_grouping

        start_grouping(self)

    def start_digest(self) -> None:
        """Preview the digest of picked stories, then write it."""
        from briefing.tui.screens.digest import start_digest

        start_digest(self)
