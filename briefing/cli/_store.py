"""Helpers shared by the commands that work on the article database.

Opening the store the same way everywhere (config, notices, locked database),
reading dates from the command line and printing tables of untrusted text.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefing.config import Settings
    from briefing.store import Store

__all__ = [
    "format_time",
    "group_waiting",
    "open_store",
    "open_store_for_reading",
    "parse_since",
    "program",
    "settings",
    "table",
]

_RELATIVE = re.compile(r"^\s*(\d+)\s*([hdw])\s*$", re.I)


def settings(args: argparse.Namespace) -> Settings:
    """The settings named by --config / $BRIEFING_CONFIG; ConfigError propagates (exit 2)."""
    from briefing.config import load_settings

    return load_settings(getattr(args, "config", None))


def program(args: argparse.Namespace) -> str:
    """How messages name the command they come from: "briefing add"."""
    command = getattr(args, "command", None)
    return f"briefing {command}" if command else "briefing"


def open_store(args: argparse.Namespace, *, read_only: bool = False) -> Store:
    """Open the store, telling the user on stderr if a damaged file was moved aside.

    `StoreLockedError` (another Briefing writes) propagates: `main` makes it exit 1.
    """
    from briefing.store import Store

    store = Store.open(read_only=read_only)
    if store.notice:
        print(f"{program(args)}: {store.notice}", file=sys.stderr)
    return store


def group_waiting(args: argparse.Namespace, store: Store) -> None:
    """File the articles a refresh left ungrouped, so that stories read whole; progress on stderr.

    A reader (another Briefing writes, or the directory is read-only) leaves
    them to a Briefing that can write, and says the stories may be incomplete.
    A store that refuses the writes is reported, and the command goes on with
    the stories as they are.
    """
    from briefing.errors import StoreError
    from briefing.grouping import group_backlog

    waiting = store.unfiled_count()
    if not waiting:
        return
    if store.read_only:
        print(
            f"{program(args)}: {waiting} articles are not grouped into stories yet and the "
            "store is read-only here, so stories may be incomplete (a Briefing that can write "
            "the store groups them)",
            file=sys.stderr,
        )
        return
    print(f"{program(args)}: grouping {waiting} articles into stories", file=sys.stderr)
    try:
        if sys.stderr.isatty():
            _group_with_progress_bar(store, waiting)
        else:
            group_backlog(store)
    except StoreError as exc:
        print(f"{program(args)}: stories left as they are: {exc}", file=sys.stderr)


def _group_with_progress_bar(store: Store, waiting: int) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from briefing.grouping import group_backlog

    with Progress(
        TextColumn("grouping"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task("articles", total=waiting)
        group_backlog(
            store,
            on_progress=lambda done, total: progress.update(task, completed=done, total=total),
        )


def open_store_for_reading(args: argparse.Namespace) -> Store:
    """A writer if possible (it brings the schema and search index up to date), else a reader.

    A reader when another Briefing writes, or when the data directory cannot be written
    (a read-only disk: the writer's lock file cannot be created).
    """
    from briefing.errors import StoreError, StoreLockedError
    from briefing.locations import database_path

    try:
        return open_store(args)
    except StoreLockedError:
        return open_store(args, read_only=True)
    except StoreError as exc:
        try:
            store = open_store(args, read_only=True)
        except StoreError as read_exc:
            if not database_path().exists():
                raise exc from None  # nothing to read: why it cannot be written says it all
            # Both reasons: why it cannot be written (a read-only directory) and why it cannot
            # be read either (a journal left behind by a writer that was killed).
            raise StoreError(f"{exc}; nor can it be read read-only: {read_exc}") from read_exc
        print(f"{program(args)}: {exc}; reading it read-only", file=sys.stderr)
        return store


def parse_since(text: str) -> datetime:
    """An ISO date or time (UTC unless it says otherwise), or a relative age: 12h, 3d, 2w."""
    relative = _RELATIVE.match(text)
    if relative:
        count, unit = int(relative.group(1)), relative.group(2).lower()
        hours = {"h": 1, "d": 24, "w": 24 * 7}[unit] * count
        try:
            return datetime.now(UTC) - timedelta(hours=hours)
        except OverflowError:  # further back than the calendar goes: every article is newer
            return datetime.min.replace(tzinfo=UTC)
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"not a date: {text!r} (use 2026-01-31, 2026-01-31T08:00, or 12h / 3d / 2w)"
        ) from exc
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def format_time(when: datetime | None) -> str:
    if when is None:
        return "-".ljust(16)
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]) -> str:
    """Aligned columns of text already made safe by `plain`; cells cut to each column's width."""

    def cell(text: str, width: int) -> str:
        return text if len(text) <= width else text[: max(1, width - 1)] + "\u2026"

    cut = [[cell(value, width) for value, width in zip(row, widths, strict=True)] for row in rows]
    sizes = [max([len(header), *(len(row[i]) for row in cut)]) for i, header in enumerate(headers)]
    lines = ["  ".join(h.ljust(sizes[i]) for i, h in enumerate(headers)).rstrip()]
    lines += ["  ".join(v.ljust(sizes[i]) for i, v in enumerate(row)).rstrip() for row in cut]
    return "\n".join(lines)
