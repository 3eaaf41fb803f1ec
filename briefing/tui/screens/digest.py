"""The digest preview: the picked stories as the briefing will read, then written to a file.

`e` builds the stories in a worker, shows the Markdown here as plain text,
and `w` asks where to write it; the file name's extension chooses the format
(.md, .html or .json), and a file already there is replaced only when the
name is given twice. Writing moves the "last briefing" mark.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from briefing.digest import format_for_name
from briefing.errors import BriefingError
from briefing.safety import plain
from briefing.tui.formatting import safe
from briefing.tui.grouping import group_now
from briefing.tui.screens.dialogs import PromptScreen

if TYPE_CHECKING:
    from briefing.digest import DigestStory
    from briefing.tui.app import BriefingApp

__all__ = ["DigestPreviewScreen", "start_digest"]


def start_digest(app: BriefingApp) -> None:
    """Build the picked stories in a worker, then show the preview."""
    app.run_worker(_open_preview(app), group="digest", exclusive=True)


async def _open_preview(app: BriefingApp) -> None:
    if app.library.read_only:
        waiting = await app.library.unfiled_count(read_only_too=True)
        if waiting:
            app.notify(
                f"{waiting:,} articles are not grouped into stories yet and this Briefing is "
                "read-only: the briefing may list one story as several.",
                severity="warning",
            )
    waiting = await app.library.unfiled_count()
    if waiting:
        # A briefing of half-grouped stories would list one story as several.
        app.notify(f"Grouping {waiting:,} articles into stories first\u2026")
        await group_now(app)
    problems: list[str] = []
    stories = await app.library.digest_stories("picked", problems)
    for problem in problems[:5]:
        app.notify(f"Briefing: {problem}", severity="warning", markup=False)
    if len(problems) > 5:
        app.notify(f"Briefing: {len(problems) - 5} more stories with problems.", severity="warning")
    if not stories:
        app.notify("Nothing picked yet: press p on the stories for the briefing.")
        return
    generated = app.now()
    text = await app.library.render_digest(stories, "markdown", generated)
    app.push_screen(DigestPreviewScreen(stories, text, generated))


class DigestPreviewScreen(Screen[None]):
    """The Markdown digest, scrollable; `w` writes it out."""

    HELP_TITLE = "Digest preview"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("w", "write", "Write to a file", id="write_digest"),
        Binding("escape,q", "close", "Back to stories"),
        Binding("j,down", "scroll_down", "Scroll down", show=False),
        Binding("k,up", "scroll_up", "Scroll up", show=False),
    ]

    def __init__(self, stories: Sequence[DigestStory], text: str, generated: datetime) -> None:
        super().__init__()
        self.stories = list(stories)
        self.text = text
        self.generated = generated

    def compose(self) -> ComposeResult:
        count = len(self.stories)
        head = Text(f" Digest preview: {count} picked {'story' if count == 1 else 'stories'}")
        head.stylize("bold")
        head.append("  \u00b7 w writes .md, .html or .json", style="dim")
        yield Static(head, id="view-bar")
        with VerticalScroll(id="digest-preview"):
            yield Static(Text(plain(self.text, 2_000_000)), id="digest-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#digest-preview").focus()

    def default_path(self) -> str:
        return f"briefing-{self.generated:%Y-%m-%d}.html"

    def action_write(self) -> None:
        self.app.push_screen(
            PromptScreen(
                "Write the digest to", "file.md, file.html or file.json", self.default_path()
            ),
            self._path_chosen,
        )

    def _path_chosen(self, value: str | None, *, confirmed: Path | None = None) -> None:
        if not value:
            return
        path = Path(value).expanduser()
        if format_for_name(path) is None:
            # "briefing.pdf" would get Markdown under a name that promises something else.
            self.app.push_screen(
                PromptScreen(
                    f"Cannot write {safe(path.suffix, 40)} files: name it .md, .html or .json",
                    "file.md, file.html or file.json",
                    value,
                ),
                self._path_chosen,
            )
            return
        if path.is_file() and path != confirmed:
            # An earlier briefing (today's default name is taken by the first export of the
            # day) is replaced only when asked again for the same name.
            self.app.push_screen(
                PromptScreen(
                    f"{safe(str(path), 200)} exists: Enter replaces it",
                    "or type another name; Esc writes nothing",
                    value,
                ),
                partial(self._path_chosen, confirmed=path),
            )
            return
        self.write_to(path)

    @work(group="digest-write", exclusive=True)
    async def write_to(self, path: Path) -> None:
        from briefing.tui.app import BriefingApp

        app = self.app
        assert isinstance(app, BriefingApp)
        count = len(self.stories)
        wrote = f"Wrote {count} {'story' if count == 1 else 'stories'} to "
        try:
            await app.library.write_digest(self.stories, path, self.generated)
        except OSError as exc:
            self.notify(
                f"Could not write {safe(str(path), 200)}: {exc.strerror or exc}; nothing changed.",
                severity="error",
                markup=False,
            )
            return
        except BriefingError as exc:
            # The file is written; only the mark that starts "since last briefing" is not.
            self.notify(
                f"{wrote}{safe(str(path.resolve()), 200)}, but the last-briefing mark stays "
                f"where it was: {safe(str(exc), 200)}",
                severity="warning",
                markup=False,
            )
            return
        from briefing.tui.screens.main import MainScreen

        for screen in app.screen_stack:
            if isinstance(screen, MainScreen):
                await screen.refresh_counts()
        where = safe(str(path.resolve()), 200)
        self.notify(
            f"{wrote}{where}."
            + ("" if app.library.read_only else " 'Since last briefing' starts now."),
            markup=False,
        )

    def action_scroll_down(self) -> None:
        self.query_one("#digest-preview", VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.query_one("#digest-preview", VerticalScroll).scroll_up(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
