"""The story list: a virtual list that draws only the rows on screen.

A heavy user keeps 100,000 articles, so the list never makes a widget per
story: it knows the total, draws lines with the Line API, and asks its
`loader` for the page of rows it is about to draw. It does no database work
itself; the screen hands it an async loader that does.

A story row can be expanded in place: the screen hands over the story's other
reports and they are drawn indented beneath it. Indexes the screen sees
(`cursor`, `row_at`, `load_row`) count those member rows; pages are fetched by
the position of rows in the store's list, which knows nothing of expansion.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from briefing.models import ArticleRow
from briefing.tui.formatting import member_lines, row_lines

__all__ = ["RowLoader", "StoryList"]

RowLoader = Callable[[int, int], Awaitable[list[ArticleRow]]]

ROW_HEIGHT = 2
PAGE_SIZE = 100
MAX_PAGES = 40  # pages kept in memory; far-away pages are dropped and reloaded on demand


class StoryList(ScrollView, can_focus=True):
    """Stories in the current view, two lines each, with a cursor."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"story-list--cursor", "story-list--empty"}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Next story", show=False),
        Binding("k,up", "cursor_up", "Previous story", show=False),
        Binding("home,g", "first", "First story", show=False),
        Binding("end,G", "last", "Last story", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("enter", "select", "Open", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Highlighted(Message):
        """The cursor moved onto a story whose row is loaded."""

        def __init__(self, story_list: StoryList, index: int, row: ArticleRow) -> None:
            super().__init__()
            self.story_list = story_list
            self.index = index
            self.row = row

    class Selected(Message):
        """The user asked to open the story under the cursor."""

        def __init__(self, story_list: StoryList, index: int, row: ArticleRow) -> None:
            super().__init__()
            self.story_list = story_list
            self.index = index
            self.row = row

    def __init__(
        self,
        *,
        empty_text: str = "No stories in this view.",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.empty_text = empty_text
        self.total = 0
        self._loader: RowLoader | None = None
        self._pages: OrderedDict[int, list[ArticleRow]] = OrderedDict()
        self._pending: set[int] = set()
        self._generation = 0
        self._announced: int | None = None
        self.describe: Callable[[ArticleRow], tuple[Text, Text]] = row_lines
        self.describe_member: Callable[[ArticleRow], tuple[Text, Text]] = member_lines
        self._stored_total = 0
        # Expanded stories: the store position of the story row -> its other reports.
        self._expanded: dict[int, list[ArticleRow]] = {}
        self._expanded_ids: dict[int, int] = {}  # the same positions -> the story row's id
        # Seconds a cursor move may wait to be drawn, so that it shows in the same frame as the
        # story it opens (whose screen calls `paint_cursor`); 0 draws it at once.
        self.cursor_paint_delay = 0.0
        self._unpainted: set[int] = set()
        self._paint_timer: Timer | None = None
        self._last_described: tuple[int, ArticleRow, tuple[Text, Text]] | None = None
        self._base_style: Style | None = None

    # -- data -------------------------------------------------------------------------------

    def reset(
        self,
        total: int,
        loader: RowLoader,
        cursor: int = 0,
        first_page: list[ArticleRow] | None = None,
    ) -> None:
        """Show a new set of stories: `total` of them, fetched page by page with `loader`.

        `first_page` is the page holding `cursor`, read already: the list then redraws
        in one frame instead of showing placeholder rows (a reload while feeds land).
        """
        self._generation += 1
        self._loader = loader
        self._pages.clear()
        if first_page is not None:
            self._pages[max(0, cursor) // PAGE_SIZE] = list(first_page)
        self._pending.clear()
        self._expanded.clear()
        self._expanded_ids.clear()
        self._stored_total = max(0, total)
        self.total = self._stored_total
        self._announced = None
        self.virtual_size = Size(self.size.width, self.total * ROW_HEIGHT)
        self.cursor = min(max(0, cursor), max(0, self.total - 1))
        self.refresh()

    # -- expanded stories -------------------------------------------------------------------

    def _locate(self, index: int) -> tuple[int, int | None]:
        """The store position of the row at `index`, and its place among a story's members."""
        extra = 0
        for position in sorted(self._expanded):
            members = self._expanded[position]
            shown = position + extra  # where the story's own row is drawn
            if index <= shown:
                break
            if index <= shown + len(members):
                return position, index - shown - 1
            extra += len(members)
        return index - extra, None

    def _index_of_position(self, position: int) -> int:
        return position + sum(len(m) for p, m in self._expanded.items() if p < position)

    @property
    def expanded_ids(self) -> set[int]:
        """The articles whose story rows are expanded (for drawing them as open)."""
        return set(self._expanded_ids.values())

    def is_member(self, index: int) -> bool:
        """Whether `index` is one of an expanded story's other reports."""
        return self._locate(index)[1] is not None

    def story_index(self, index: int) -> int:
        """The index of the story row that `index` belongs to (itself, for a story row)."""
        return self._index_of_position(self._locate(index)[0])

    def is_expanded(self, index: int) -> bool:
        position, member = self._locate(index)
        return member is None and position in self._expanded

    def expand_story(self, index: int, members: list[ArticleRow]) -> None:
        """Show `members` indented beneath the story row at `index`."""
        position, member = self._locate(index)
        if member is not None or not members:
            return
        story = self.row_at(index)
        if story is None:
            return
        self._expanded[position] = list(members)
        self._expanded_ids[position] = story.id
        self._resize()

    def collapse_story(self, index: int) -> None:
        """Hide the members of the story `index` belongs to; the cursor goes to its row."""
        position, _ = self._locate(index)
        self._expanded_ids.pop(position, None)
        if self._expanded.pop(position, None) is not None:
            self._resize()
            self.cursor = self._index_of_position(position)

    def _resize(self) -> None:
        self.total = self._stored_total + sum(len(m) for m in self._expanded.values())
        self.virtual_size = Size(self.size.width, self.total * ROW_HEIGHT)
        self.refresh()

    # -- rows -------------------------------------------------------------------------------

    def row_at(self, index: int) -> ArticleRow | None:
        """The row at `index` if it is loaded."""
        position, member = self._locate(index)
        if member is not None:
            return self._expanded[position][member]
        page = self._pages.get(position // PAGE_SIZE)
        if page is None:
            return None
        offset = position % PAGE_SIZE
        return page[offset] if offset < len(page) else None

    @property
    def current(self) -> ArticleRow | None:
        """The row under the cursor, if any and loaded."""
        return self.row_at(self.cursor) if self.total else None

    def index_of(self, article_id: int) -> int | None:
        """Where a loaded story sits in the list."""
        for number, page in self._pages.items():
            for offset, row in enumerate(page):
                if row.id == article_id:
                    return self._index_of_position(number * PAGE_SIZE + offset)
        for position, members in self._expanded.items():
            for offset, row in enumerate(members):
                if row.id == article_id:
                    return self._index_of_position(position) + 1 + offset
        return None

    def update_row(self, row: ArticleRow) -> None:
        """Redraw a story whose marks changed, wherever it is loaded."""
        for page in [*self._pages.values(), *self._expanded.values()]:
            for offset, old in enumerate(page):
                if old.id == row.id:
                    page[offset] = row
        self.refresh()

    async def load_row(self, index: int) -> ArticleRow | None:
        """The row at `index`, fetching its page first if needed (used to find the next unread)."""
        if not 0 <= index < self.total:
            return None
        position, member = self._locate(index)
        number = position // PAGE_SIZE
        if member is None and number not in self._pages:
            await self._fetch(number, self._generation)
        return self.row_at(index)

    def _want(self, index: int) -> None:
        number = self._locate(index)[0] // PAGE_SIZE
        if number in self._pages or number in self._pending or self._loader is None:
            return
        self._pending.add(number)
        self.run_worker(self._fetch(number, self._generation), group="story-pages")

    async def _fetch(self, number: int, generation: int) -> None:
        loader = self._loader
        if loader is None:
            return
        try:
            rows = await loader(number * PAGE_SIZE, PAGE_SIZE)
        finally:
            self._pending.discard(number)
        if generation != self._generation:
            return
        self._pages[number] = list(rows)
        self._pages.move_to_end(number)
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        self.refresh()
        self._announce()

    def _announce(self) -> None:
        row = self.current
        if row is not None and self._announced != self.cursor:
            self._announced = self.cursor
            self.post_message(self.Highlighted(self, self.cursor, row))

    # -- cursor -----------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return min(max(0, value), max(0, self.total - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        self._announced = None if old != new else self._announced
        if self.total:
            if self.row_at(new) is None:
                self._want(new)
            self._announce()
        self._unpainted.update((old, new))
        if self.cursor_paint_delay <= 0 or not self.is_attached:
            self.paint_cursor()
        elif self._paint_timer is None:
            # Not restarted by the next move: a held key still shows the cursor moving.
            self._paint_timer = self.set_timer(self.cursor_paint_delay, self.paint_cursor)

    def paint_cursor(self) -> None:
        """Scroll to the cursor and draw the rows it has left and reached since the last time.

        Only those rows are drawn again, unless the list has to scroll.
        """
        timer, self._paint_timer = self._paint_timer, None
        if timer is not None:
            timer.stop()
        if not self._unpainted:
            return
        if self.total:
            region = Region(0, self.cursor * ROW_HEIGHT, max(1, self.size.width), ROW_HEIGHT)
            self.scroll_to_region(region, animate=False, force=True)
        for index in self._unpainted:
            self.refresh_lines(index * ROW_HEIGHT, ROW_HEIGHT)
        self._unpainted.clear()

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = self.total - 1

    def action_page_down(self) -> None:
        self.cursor += max(1, self.scrollable_content_region.height // ROW_HEIGHT)

    def action_page_up(self) -> None:
        self.cursor -= max(1, self.scrollable_content_region.height // ROW_HEIGHT)

    def action_select(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Selected(self, self.cursor, row))

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = (offset.y + self.scroll_offset.y) // ROW_HEIGHT
        if 0 <= index < self.total:
            self.cursor = index
            self.action_select()

    # -- drawing ----------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, self.total * ROW_HEIGHT)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self._base_style or self.rich_style
        line = self.scroll_offset.y + y
        index, part = divmod(line, ROW_HEIGHT)
        if self.total == 0:
            lines = Text(self.empty_text).wrap(self.app.console, max(1, width - 2))
            if line < len(lines):
                empty = self.get_component_rich_style("story-list--empty")
                return self._strip(Text(" ") + lines[line], width, base + empty)
            return Strip.blank(width, base)
        if index >= self.total:
            return Strip.blank(width, base)
        row = self.row_at(index)
        if row is None:
            self._want(index)
            text = Text("  \u2026" if part == 0 else "")
        else:
            text = self._describe(index, row)[part]
        style = base
        if index == self.cursor:
            style = base + self.get_component_rich_style("story-list--cursor")
        return self._strip(text, width, style)

    def render_lines(self, crop: Region) -> list[Strip]:
        self._last_described = None  # what a row shows may have changed since the last frame
        self._base_style = self.rich_style  # once per frame, not per line
        try:
            return super().render_lines(crop)
        finally:
            self._base_style = None

    def _describe(self, index: int, row: ArticleRow) -> tuple[Text, Text]:
        """Both lines of a row; they are drawn one after the other, so the last row is kept."""
        last = self._last_described
        if last is not None and last[0] == index and last[1] is row:
            return last[2]
        lines = self.describe_member(row) if self.is_member(index) else self.describe(row)
        self._last_described = (index, row, lines)
        return lines

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        text = text.copy()
        text.no_wrap = True
        text.truncate(max(0, width), overflow="ellipsis", pad=True)
        segments = [
            Segment(segment.text, style + segment.style if segment.style else style)
            for segment in text.render(self.app.console)
            if segment.text != "\n"
        ]
        return Strip(segments, width).adjust_cell_length(width, style)
