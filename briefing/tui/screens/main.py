"""The main screen: story list, reader and the three panes, and every triage key.

The screen owns the flow (which story is open, what the list shows, what can
be undone) and hands the slow parts to the `Library`, always from async
workers, so the interface never waits on the disk, the network or analysis.
"""

from __future__ import annotations

import gc
from collections.abc import Awaitable
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, ClassVar, TypeVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, OptionList, Static
from textual.worker import get_current_worker

from briefing.errors import BriefingError
from briefing.models import Article, ArticleRow
from briefing.safety import is_web_link
from briefing.tui.formatting import highlight_snippet, row_lines, safe, story_reach
from briefing.tui.library import SORTS, STANDARD_VIEWS, Flag, Library, ListQuery, Reading
from briefing.tui.screens.dialogs import PromptScreen, ViewChoice, ViewPickerScreen
from briefing.tui.widgets.panes import FiguresPane, Pane, QuotesPane, RelatedPane
from briefing.tui.widgets.reader import Reader
from briefing.tui.widgets.story_list import PAGE_SIZE, StoryList
from briefing.tui.widgets.view_bar import ViewBar

if TYPE_CHECKING:
    from briefing.tui.app import BriefingApp

__all__ = ["MainScreen", "Undo"]

T = TypeVar("T")

WARM_AHEAD = 30  # stories analysed in the background after the list appears
# Seconds the previous story stays up while the next one's analysis loads (cached: a few ms).
WAITING_DELAY = 0.05
# Seconds on a story before the stories next to it are read ahead.
READ_AHEAD_DELAY = 0.15


@dataclass(frozen=True)
class Undo:
    """How to reverse one triage action: the row as it was, and what changed."""

    before: ArticleRow
    index: int
    flag: Flag | None = None
    tag: str | None = None
    tag_added: bool = False


def _binding(
    key: str, action: str, description: str, *, show: bool = False, id: str | None = None
) -> Binding:
    """Every binding carries an id (its action's name unless given), so `[keys]` can rebind it."""
    return Binding(key, action, description, show=show, id=id or action)


class MainScreen(Screen[None]):
    """Stories on the left, the open one in the middle, quotes/figures/related on the right."""

    HELP_TITLE = "Stories and triage"

    BINDINGS: ClassVar[list[BindingType]] = [
        _binding("s", "star", "Star", show=True),
        _binding("p", "pick", "Pick", show=True),
        _binding("d", "dismiss_story", "Dismiss", show=True),
        _binding("u", "toggle_unread", "Toggle unread"),
        _binding("t", "tag", "Tag"),
        _binding("z", "undo", "Undo"),
        _binding("n", "next_unread", "Next unread"),
        _binding("N", "previous_unread", "Previous unread"),
        _binding("v", "views", "Views", show=True),
        _binding("S", "cycle_sort", "Sort by date/source/size"),
        _binding("x", "toggle_story", "Expand/collapse story"),
        _binding("slash", "search", "Search", show=True),
        _binding("o", "open_link", "Open link in browser"),
        _binding("c", "copy_link", "Copy link"),
        _binding("m", "mark_briefing", "Mark now as last briefing"),
        _binding("r", "refresh", "Refresh this feed"),
        _binding("R", "refresh_all", "Refresh all feeds"),
        _binding("F", "feeds", "Feed health"),
        _binding("e", "digest", "Digest"),
        _binding("1", "show_pane(1)", "Key quotes", id="quotes_pane"),
        _binding("2", "show_pane(2)", "Spending figures", id="figures_pane"),
        _binding("3", "show_pane(3)", "Related stories", id="related_pane"),
        _binding("0", "focus_list", "Story list"),
        _binding("escape", "back", "Back to the list"),
        _binding("tab", "cycle_focus(1)", "Next pane", id="next_pane"),
        _binding("shift+tab", "cycle_focus(-1)", "Previous pane", id="previous_pane"),
    ]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.query_state = ListQuery()
        self.previous_query: ListQuery | None = None
        self.counts: dict[str, int] = {}
        self.undo_stack: list[Undo] = []
        self.reading: Reading | None = None
        self.snippets: dict[int, str] = {}
        self.search_cut = False  # the search matched more stories than the list holds
        self.active_pane = 1
        self.ready = False
        self._waiting: Timer | None = None
        self._read_ahead_timer: Timer | None = None

    @property
    def briefing_app(self) -> BriefingApp:
        from briefing.tui.app import BriefingApp

        assert isinstance(self.app, BriefingApp)
        return self.app

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ViewBar(id="view-bar")
        with Horizontal(id="main"):
            yield StoryList(id="stories", empty_text="Loading stories\u2026")
            with Horizontal(id="body"):
                yield Reader(id="reader")
                with Vertical(id="panes"):
                    yield Static(id="pane-tabs")
                    yield QuotesPane(id="quotes")
                    yield FiguresPane(id="figures")
                    yield RelatedPane(id="related")
        yield Footer()

    @property
    def stories(self) -> StoryList:
        return self.query_one("#stories", StoryList)

    @property
    def reader(self) -> Reader:
        return self.query_one("#reader", Reader)

    @property
    def panes(self) -> list[Pane]:
        return [
            self.query_one("#quotes", QuotesPane),
            self.query_one("#figures", FiguresPane),
            self.query_one("#related", RelatedPane),
        ]

    @property
    def grouped(self) -> bool:
        """Whether the list shows one row per story (`group_stories` in the settings)."""
        return self.briefing_app.settings.general.group_stories

    def on_mount(self) -> None:
        self.query_state = replace(self.query_state, grouped=self.grouped)
        self._activate_pane(1)
        self.stories.describe = self.row_text
        self.stories.cursor_paint_delay = WAITING_DELAY
        for pane in self.panes:
            pane.show_waiting("Open a story to see this.")
        self.stories.focus()
        self.start()

    def on_unmount(self) -> None:
        # What `start` froze becomes collectable again (several apps run in one test process).
        gc.unfreeze()

    @property
    def narrow(self) -> bool:
        return self.has_class("-narrow")

    # -- start-up ---------------------------------------------------------------------------

    @work(group="start", exclusive=True)
    async def start(self) -> None:
        """Show what the store holds at once, then import the seeds and fill in."""
        app = self.briefing_app
        try:
            notice = await self.library.open()
        except BriefingError as exc:
            self.stories.empty_text = "The article store could not be opened."
            self.stories.refresh()
            self.notify(str(exc), title="Store", severity="error", markup=False, timeout=30)
            return
        if notice:
            self.notify(notice, title="Store", severity="warning", markup=False, timeout=30)
        if self.library.read_only:
            reason = self.library.read_only_reason
            self.notify(
                f"{reason}: reading the stored articles read-only."
                if reason
                else "Another Briefing is running: this one is read-only.",
                title="Store",
                severity="warning",
                markup=False,
            )
        await self.reload()
        if app.seed_paths:
            try:
                added, problems = await self.library.import_seeds(app.seed_paths)
            except BriefingError as exc:  # a full disk, say: what is stored can still be read
                self.notify(
                    f"Saved articles not imported: {exc}",
                    title="Store",
                    severity="error",
                    markup=False,
                    timeout=30,
                )
                added, problems = 0, []
            for problem in problems[:5]:
                self.notify(str(problem), title="Skipped", severity="warning", markup=False)
            if len(problems) > 5:
                self.notify(f"{len(problems) - 5} more files skipped.", severity="warning")
            if added:
                await self.reload(keep=self.stories.current)
        self.stories.empty_text = "No stories in this view."
        if not self.counts.get("all") and not self.counts.get("dismissed"):
            self.stories.empty_text = (
                "No stories yet. Add a feed with 'briefing add URL' and press R, "
                "or start with 'briefing --seeds DIR'."
            )
        self.stories.refresh()
        self.ready = True
        # What start-up built lives as long as the app: the collector stops walking it, so a
        # full collection no longer stalls a keypress for tens of milliseconds.
        gc.freeze()
        self.warm()
        if not app.offline:
            app.start_refresh(all_feeds=False, quiet=True)  # then groups what is left unfiled
        else:
            app.start_grouping()

    @work(group="warm", exclusive=True)
    async def warm(self) -> None:
        """Analyse the first stories of the list ahead of the reader."""
        rows = await self.library.rows(self.query_state, 0, WARM_AHEAD)
        await self.library.warm([row.id for row in rows])

    # -- the list ---------------------------------------------------------------------------

    async def reload(self, keep: ArticleRow | None = None) -> None:
        """Re-read the current view from the store, keeping the cursor on `keep` if present."""
        query = self.query_state
        self.library.forget_ready()
        total = await self.library.count(query)
        if query.search is not None:
            hits = await self.library.search(query.search)
            self.snippets = {hit.row.id: hit.snippet for hit in hits}
            self.search_cut = await self.library.search_cut(query.search)
        else:
            self.snippets = {}
            self.search_cut = False
        cursor = 0
        if keep is not None:
            rows = await self.library.rows(query, 0, 1000)
            cursor = next((i for i, r in enumerate(rows) if r.id == keep.id), 0)
        library = self.library

        async def loader(offset: int, limit: int) -> list[ArticleRow]:
            return await library.rows(query, offset, limit)

        first = cursor - cursor % PAGE_SIZE
        page = await library.rows(query, first, PAGE_SIZE) if total else []
        self.stories.reset(total, loader, cursor, first_page=page)
        if total == 0:
            self.reading = None
            self._cancel_waiting()
            self.reader.show_placeholder("No stories in this view.")
            for pane in self.panes:
                pane.show_waiting("No story open.")
        await self.refresh_counts()

    async def refresh_counts(self) -> None:
        self.counts = await self.library.view_counts()
        self.query_one(ViewBar).show(
            self.query_state.label,
            self.stories.total,
            self.query_state.sort,
            self.counts,
            more=self.search_cut,
        )

    def row_text(self, row: ArticleRow) -> tuple[Text, Text]:
        """List lines; in a search view the second line is the matching snippet."""
        first, second = row_lines(row, expanded=row.id in self.stories.expanded_ids)
        snippet = self.snippets.get(row.id)
        if snippet is not None:
            second = Text("  ") + highlight_snippet(snippet)
        return first, second

    @on(StoryList.Highlighted)
    def on_story_highlighted(self, event: StoryList.Highlighted) -> None:
        ready = self.library.ready(event.row.id)
        if ready is None:
            self.open_story(event.row.id, mark_read=False)
            return
        # Read ahead: shown now, in the frame that moves the cursor, with no worker or thread.
        self.workers.cancel_group(self, "open")
        self.reading = ready
        self.show_reading(ready)

    @on(StoryList.Selected)
    def on_story_selected(self, event: StoryList.Selected) -> None:
        self.open_story(event.row.id, mark_read=True)
        self.reader.focus()

    # -- reading ----------------------------------------------------------------------------

    @work(group="open", exclusive=True)
    async def open_story(self, article_id: int, mark_read: bool) -> None:
        """Show the article with its panes once its analysis is ready.

        One trip to the database thread brings the article, its cached
        analysis and its related stories, so the previous story stays up until
        then and the screen changes once; the raw text and the panes'
        "Analysing" lines appear only if the story has to be analysed and that
        takes longer than `WAITING_DELAY`.
        """
        worker = get_current_worker()
        if mark_read and not self.library.read_only:
            row = self.stories.current
            if row is not None and row.id == article_id and not row.read:
                marked = await self._save(self.library.set_flag(row, "read", True))
                if marked is not None:
                    self.stories.update_row(marked)
                    await self.refresh_counts()
        if self.reading is not None and self.reading.article.id == article_id:
            self.stories.paint_cursor()
            return
        self._cancel_waiting()
        ready = self.library.ready(article_id)
        if ready is not None:
            self.reading = ready
            self.show_reading(ready)
            return
        try:
            opening = await self.library.fetch_story(article_id)
        except BriefingError as exc:
            if worker.is_cancelled or not self.is_attached:
                return
            self.stories.paint_cursor()
            self.notify(str(exc), title="Store", severity="error", markup=False)
            return
        if worker.is_cancelled or not self.is_attached:
            return
        if opening is None:
            self.reading = None
            self.stories.paint_cursor()
            self.reader.show_placeholder("This story is no longer stored.")
            return
        if opening.related_problem is not None:
            self.notify(
                f"Related stories: {opening.related_problem}", severity="warning", markup=False
            )
        article = opening.article
        reading = opening.reading
        if reading is None:
            self.reading = None
            self._waiting = self.set_timer(WAITING_DELAY, partial(self._show_waiting, article))
            try:
                reading = await self.library.analyse(opening)
            except Exception as exc:  # noqa: BLE001 - one bad article must not close the reader
                if worker.is_cancelled or not self.is_attached:
                    return
                self.log.error(f"analysis of article {article_id} failed: {exc!r}")
                self.notify(
                    f"Could not analyse this story: {type(exc).__name__}: {safe(str(exc), 200)}",
                    severity="error",
                    markup=False,
                )
                self._show_waiting(article, "Analysis failed for this story.")
                return
            if worker.is_cancelled or not self.is_attached:
                return
        self.reading = reading
        self.show_reading(reading)

    @work(group="related", exclusive=True)
    async def refresh_related(self) -> None:
        """Fill the related pane of an open story that was waiting to be grouped."""
        reading = self.reading
        if reading is None or not reading.unfiled or reading.article.id is None:
            return
        try:
            opening = await self.library.fetch_story(reading.article.id)
        except BriefingError:
            return  # said when the story was opened; the pane keeps its note
        if opening is None or opening.unfiled or self.reading is not reading:
            return
        self.reading = replace(reading, related=opening.related, unfiled=False)
        related = self.query_one("#related", RelatedPane)
        related.show(opening.related)

    def _show_waiting(self, article: Article, message: str = "Analysing\u2026") -> None:
        """The analysis is slow: show the raw text, and say so in the panes."""
        self._cancel_waiting()
        if not self.is_attached:
            return
        self.stories.paint_cursor()
        self.reader.show_article(article)
        for pane in self.panes:
            pane.show_waiting(message)

    def _cancel_waiting(self) -> None:
        timer, self._waiting = self._waiting, None
        if timer is not None:
            timer.stop()

    def show_reading(self, reading: Reading) -> None:
        """The story, its panes and the list's cursor on it, drawn in one frame."""
        self._cancel_waiting()
        self.stories.paint_cursor()
        self.reader.show_analysis(reading.article, reading.document, reading.analysis)
        quotes, figures, related = self.panes
        assert isinstance(quotes, QuotesPane)
        assert isinstance(figures, FiguresPane)
        assert isinstance(related, RelatedPane)
        quotes.show(reading.analysis.quotes)
        figures.show(reading.analysis.figures)
        related.show(reading.related, unfiled=reading.unfiled)
        # Once the user stays on this story: reading ahead must not slow the drawing of this
        # one, nor run for every story a held key passes over.
        if self._read_ahead_timer is not None:
            self._read_ahead_timer.stop()
        self._read_ahead_timer = self.set_timer(READ_AHEAD_DELAY, self.read_ahead)

    @work(group="read-ahead", exclusive=True)
    async def read_ahead(self) -> None:
        """Ready the stories above and below the cursor, so j and k show them at once."""
        self._read_ahead_timer = None
        stories = self.stories
        rows = [stories.row_at(i) for i in (stories.cursor + 1, stories.cursor - 1) if i >= 0]
        await self.library.read_ahead([row.id for row in rows if row is not None])

    @on(OptionList.OptionHighlighted)
    def on_pane_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        pane = event.option_list
        if isinstance(pane, (QuotesPane, FiguresPane)) and pane.has_focus:
            self.reader.highlight(pane.value_at(event.option_index))

    @on(OptionList.OptionSelected)
    def on_pane_selected(self, event: OptionList.OptionSelected) -> None:
        pane = event.option_list
        if isinstance(pane, RelatedPane):
            article_id = pane.value_at(event.option_index)
            if article_id is not None:
                self.open_story(article_id, mark_read=False)
        elif isinstance(pane, (QuotesPane, FiguresPane)):
            self.reader.highlight(pane.value_at(event.option_index))

    def on_descendant_focus(self, event: object) -> None:
        focused = self.focused
        if isinstance(focused, Pane):
            self._activate_pane(focused.NUMBER)
            if focused.highlighted is None and focused.values:
                focused.highlighted = 0  # the first item's sentence lights up at once
            elif isinstance(focused, (QuotesPane, FiguresPane)):
                self.reader.highlight(focused.value_at(focused.highlighted))
        elif focused is self.stories:
            self.reader.highlight(None)

    # -- panes and focus --------------------------------------------------------------------

    def _activate_pane(self, number: int) -> None:
        self.active_pane = number
        tabs = Text()
        # Each tab's own padding separates it from the next: the line is as short as it can
        # be, so that all three fit down to 32 columns (below that it ends in an ellipsis).
        for pane in self.panes:
            active = number == pane.NUMBER
            pane.set_class(active, "-active")
            tabs.append(f" {pane.NUMBER} {pane.SHORT} ", style="reverse bold" if active else "dim")
        self.query_one("#pane-tabs", Static).update(tabs)

    def on_click(self, event: events.Click) -> None:
        """At 80 columns the tab line above the pane switches panes by mouse, too."""
        if event.widget is None or event.widget.id != "pane-tabs":
            return
        offset = event.get_content_offset(event.widget)
        if offset is None:
            return
        start = 0
        for pane in self.panes:
            width = len(f" {pane.NUMBER} {pane.SHORT} ")
            if start <= offset.x < start + width:
                self.action_show_pane(pane.NUMBER)
                return
            start += width

    def action_show_pane(self, number: int) -> None:
        self._activate_pane(number)
        pane = self.panes[number - 1]
        self.call_after_refresh(pane.focus)

    def action_focus_list(self) -> None:
        self.stories.focus()

    def action_back(self) -> None:
        if self.focused is not self.stories:
            self.stories.focus()
        elif self.previous_query is not None:
            self.set_query(self.previous_query)
            self.previous_query = None

    def _focus_ring(self) -> list[Widget]:
        return [self.stories, self.reader, *self.panes]

    def action_cycle_focus(self, step: int) -> None:
        """Tab through list, reader and panes; at 80 columns the hidden panes take turns."""
        ring = self._focus_ring()
        focused = self.focused
        index = ring.index(focused) if focused in ring else 0
        target = ring[(index + step) % len(ring)]
        if isinstance(target, Pane):
            self._activate_pane(target.NUMBER)
            self.call_after_refresh(target.focus)
        else:
            target.focus()

    # -- triage -----------------------------------------------------------------------------

    def _refuse_without_store(self) -> bool:
        """Say why a key needing the store does nothing when it could not be opened; True then.

        A key pressed while the store is still opening goes ahead: its work waits in line
        behind the opening on the store's thread.
        """
        error = self.library.open_error
        if error is None:
            return False
        self.notify(
            f"The article store could not be opened: {error}",
            title="Store",
            severity="error",
            markup=False,
        )
        return True

    def _refuse_read_only(self) -> bool:
        """Say that nothing can be changed when the store is read-only; True when it is."""
        if not self.library.read_only:
            return False
        reason = self.library.read_only_reason
        self.notify(
            f"Read-only ({reason}): nothing is changed."
            if reason
            else "Read-only: another Briefing is running.",
            severity="warning",
            markup=False,
        )
        return True

    async def _save(self, write: Awaitable[T]) -> T | None:
        """Await a write to the store; a failure is said in a notification and gives None."""
        try:
            return await write
        except BriefingError as exc:
            self.notify(f"Not saved: {exc}", title="Store", severity="error", markup=False)
            return None

    async def _triage(self, flag: Flag, value: bool | None = None, advance: bool = True) -> None:
        stories = self.stories
        row = stories.current
        if row is None:
            self.notify("No story selected.", severity="warning")
            return
        if self._refuse_read_only():
            return
        new_value = (not getattr(row, flag)) if value is None else value
        changed = await self._save(self.library.set_flag(row, flag, new_value))
        if changed is None:
            return
        self.undo_stack.append(Undo(before=row, index=stories.cursor, flag=flag))
        stories.update_row(changed)
        if advance:
            stories.cursor += 1
        await self.refresh_counts()

    async def action_star(self) -> None:
        await self._triage("starred")

    async def action_pick(self) -> None:
        await self._triage("picked")

    async def action_dismiss_story(self) -> None:
        await self._triage("dismissed")

    async def action_toggle_unread(self) -> None:
        await self._triage("read")

    def action_tag(self) -> None:
        row = self.stories.current
        if row is None:
            self.notify("No story selected.", severity="warning")
            return
        if self._refuse_read_only():
            return
        hint = "a tag to add; -tag removes it"
        current = " ".join(row.tags)
        title = f"Tag: {safe(row.title, 60)}" + (f"  (now: {current})" if current else "")
        self.app.push_screen(PromptScreen(title, hint), self._tag_chosen)

    def _tag_chosen(self, value: str | None) -> None:
        if value:
            self.apply_tag(value)

    @work(group="triage")
    async def apply_tag(self, value: str) -> None:
        stories = self.stories
        row = stories.current
        if row is None:
            return
        removing = value.startswith("-")
        tag = safe(value.lstrip("-"), 60).strip()
        if not tag or self._refuse_read_only():
            return
        if removing:
            changed = await self._save(self.library.remove_tag(row, tag))
        else:
            changed = await self._save(self.library.add_tag(row, tag))
        if changed is None:
            return
        self.undo_stack.append(
            Undo(before=row, index=stories.cursor, tag=tag, tag_added=not removing)
        )
        stories.update_row(changed)
        stories.cursor += 1
        await self.refresh_counts()

    async def action_undo(self) -> None:
        if not self.undo_stack:
            self.notify("Nothing to undo.")
            return
        if self._refuse_read_only():
            return
        undo = self.undo_stack[-1]
        before = undo.before
        if undo.flag is not None:
            write = self.library.set_flag(before, undo.flag, getattr(before, undo.flag))
        elif undo.tag is not None and undo.tag_added:
            write = self.library.remove_tag(before, undo.tag)
        elif undo.tag is not None:
            write = self.library.add_tag(before, undo.tag)
        else:
            self.undo_stack.pop()
            return
        restored = await self._save(write)
        if restored is None:
            return  # kept, so that z can try again
        self.undo_stack.pop()
        self.stories.update_row(replace(restored, tags=before.tags))
        index = self.stories.index_of(before.id)
        self.stories.cursor = index if index is not None else undo.index
        await self.refresh_counts()
        self.notify(f"Undone: {undo.flag or 'tag'}", markup=False)

    async def _find_unread(self, step: int) -> None:
        """Move to the nearest unread story below (step 1) or above (-1), page by page."""
        stories = self.stories
        index = stories.cursor + step
        while 0 <= index < stories.total:
            row = await stories.load_row(index)
            if row is not None and not row.read and not row.dismissed:
                stories.cursor = index
                return
            index += step
        self.notify("No more unread stories " + ("below." if step > 0 else "above."))

    async def action_next_unread(self) -> None:
        await self._find_unread(1)

    async def action_previous_unread(self) -> None:
        await self._find_unread(-1)

    # -- stories ----------------------------------------------------------------------------

    async def action_toggle_story(self) -> None:
        """Show a story's other reports beneath its row, or hide them again.

        Triage keys on a story's row act on the article that row shows (its
        representative); on an expanded member row they act on that member.
        """
        stories = self.stories
        if not self.query_state.grouped or self.query_state.search is not None:
            self.notify("Stories are not grouped in this list (see group_stories).")
            return
        if not stories.total:
            self.notify("No story selected.", severity="warning")
            return
        index = stories.story_index(stories.cursor)
        if stories.is_expanded(index):
            stories.collapse_story(index)
            return
        row = await stories.load_row(index)
        reach = story_reach(row) if row is not None else None
        if row is None or reach is None or reach.members <= 1:
            self.notify("This story has no other reports.")
            return
        members = [m for m in await self.library.story_rows(row.id) if m.id != row.id]
        if stories.row_at(index) is row:  # the list may have been reloaded meanwhile
            stories.expand_story(index, members)

    # -- views, sort, search ----------------------------------------------------------------

    def set_query(self, query: ListQuery) -> None:
        self.query_state = replace(query, grouped=self.grouped)
        self.reading = None
        self.switch_query()

    @work(group="list", exclusive=True)
    async def switch_query(self) -> None:
        await self.reload()
        self.stories.focus()
        if self.search_cut:
            self.notify(
                f"Showing the {self.stories.total} best matches: more stories match. "
                "Add words to narrow the search.",
                severity="warning",
            )

    @work(group="views", exclusive=True)
    async def action_views(self) -> None:
        if self._refuse_without_store():
            return
        counts = await self.library.view_counts()
        choices = [
            ViewChoice(label, counts.get(key, 0), ListQuery(view=key))
            for key, label in STANDARD_VIEWS
        ]
        sort = self.query_state.sort
        for feed in await self.library.feeds():
            title = safe(feed.title or feed.url, 60)
            query = ListQuery(feed_id=feed.id, feed_title=title, sort=sort)
            choices.append(ViewChoice(query.label, feed.articles, query))
        for tag, count in await self.library.tags():
            query = ListQuery(tag=tag, sort=sort)
            choices.append(ViewChoice(safe(query.label, 60), count, query))
        choices = [replace_sort(c, sort) for c in choices]
        self.app.push_screen(ViewPickerScreen(choices, self.query_state), self._view_chosen)

    def _view_chosen(self, chosen: ListQuery | None) -> None:
        if chosen is not None:
            self.previous_query = None
            self.set_query(chosen)

    def action_cycle_sort(self) -> None:
        if self._refuse_without_store():
            return
        sorts = list(SORTS)
        current = self.query_state.sort
        following = sorts[(sorts.index(current) + 1) % len(sorts)] if current in sorts else sorts[0]
        if self.query_state.search is not None:
            self.notify("Search results are ordered by relevance.")
            return
        self.set_query(replace(self.query_state, sort=following))
        self.notify(f"Sorted by {following}.")

    def action_search(self) -> None:
        if self._refuse_without_store():
            return
        current = self.query_state.search or ""
        self.app.push_screen(
            PromptScreen("Search titles and text", 'words, "a phrase", or prefix*', current),
            self._search_chosen,
        )

    def _search_chosen(self, text: str | None) -> None:
        if not text:
            return
        if self.query_state.search is None:
            self.previous_query = self.query_state
        self.set_query(ListQuery(search=safe(text, 200), sort=self.query_state.sort))

    # -- links ------------------------------------------------------------------------------

    def _link(self) -> tuple[str | None, str]:
        article: Article | None = self.reading.article if self.reading else self.reader.article
        url = article.url if article else None
        if url is None and self.stories.current is not None:
            url = self.stories.current.url
        return url, safe(url, 300)

    def action_open_link(self) -> None:
        url, shown = self._link()
        if not url:
            self.notify("This story has no link.", severity="warning")
            return
        if not is_web_link(url):
            self.notify(
                f"Not opened: only http and https links are opened ({shown}).",
                severity="warning",
                markup=False,
            )
            return
        self.open_in_browser(url)

    @work(thread=True, group="browser")
    def open_in_browser(self, url: str) -> None:
        """webbrowser may wait for the browser to start, so it runs on a thread."""
        import webbrowser

        try:
            opened = webbrowser.open(url, new=2)
        except webbrowser.Error as exc:
            self.app.call_from_thread(
                self.notify, f"Could not open the browser: {exc}", severity="error", markup=False
            )
            return
        message = f"Opened in your browser: {safe(url, 300)}" if opened else "No browser found."
        self.app.call_from_thread(
            self.notify, message, severity="information" if opened else "warning", markup=False
        )

    def action_copy_link(self) -> None:
        url, shown = self._link()
        if not url:
            self.notify("This story has no link.", severity="warning")
            return
        self.app.copy_to_clipboard(safe(url, 2000))
        self.notify(f"Copied the link: {shown}", markup=False)

    # -- other screens ----------------------------------------------------------------------

    @work(group="briefing-mark")
    async def action_mark_briefing(self) -> None:
        if self._refuse_without_store():
            return
        if self._refuse_read_only():
            return
        if await self._save(self.library.set_last_briefing()) is None:
            return
        await self.refresh_counts()
        self.notify("Marked: 'since last briefing' now starts here.")

    @work(group="feeds", exclusive=True)
    async def action_feeds(self) -> None:
        if self._refuse_without_store():
            return
        from briefing.tui.screens.feeds import FeedHealthScreen

        feeds = await self.library.feeds()
        self.app.push_screen(FeedHealthScreen(feeds))

    def action_refresh(self) -> None:
        """Refresh the feed being read: the one this view shows, else the current story's."""
        if self._refuse_without_store():
            return
        current = self.stories.current
        feed_id = self.query_state.feed_id or (current.feed_id if current else None)
        if feed_id is None:
            self.notify("No story is open: R refreshes all feeds.")
            return
        self.briefing_app.start_refresh(all_feeds=True, feed_id=feed_id)

    def action_refresh_all(self) -> None:
        if self._refuse_without_store():
            return
        self.briefing_app.start_refresh(all_feeds=True)

    def action_digest(self) -> None:
        if self._refuse_without_store():
            return
        self.briefing_app.start_digest()


def replace_sort(choice: ViewChoice, sort: str) -> ViewChoice:
    """The same view choice, keeping the list's current sort order."""
    return ViewChoice(choice.label, choice.count, replace(choice.query, sort=sort))
