"""SVG snapshots of the screens at 80x24 and 120x40, from fixed fixture articles.

The fixture articles carry fixed dates and the analysis is the hand-written
one from tui_support, so these pictures change only when the interface does.
Update on purpose with `pytest tests/test_tui_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from tui_support import make_app, settle

SIZES = [(80, 24), (120, 40)]

Steps = Callable[[Pilot[Any]], Coroutine[Any, Any, None]]


@pytest.fixture(autouse=True)
def private_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRIEFING_CONFIG", str(tmp_path / "absent.toml"))


def after(*keys: str) -> Steps:
    """Let the list and analysis settle, press `keys` one by one, and settle again."""

    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return steps


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_screen_with_a_story_open(snap_compare: Any, tmp_path: Path, size: Any) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=after("j"))


@pytest.mark.parametrize("size", [(60, 20), (40, 12)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_screen_on_a_small_terminal(snap_compare: Any, tmp_path: Path, size: Any) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=after("j"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_figures_pane_with_its_sentence_lit(snap_compare: Any, tmp_path: Path, size: Any) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=after("j", "2"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help_screen(snap_compare: Any, tmp_path: Path, size: Any) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=after("question_mark"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_list_after_triage(snap_compare: Any, tmp_path: Path, size: Any) -> None:
    steps = after("s", "p", "d", "k", "k")
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=steps)


def test_view_picker(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=(80, 24), run_before=after("s", "v"))


def test_search_results_view(snap_compare: Any, tmp_path: Path) -> None:
    steps = after("slash", *"levy", "enter")
    assert snap_compare(make_app(tmp_path), terminal_size=(120, 40), run_before=steps)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_digest_preview(snap_compare: Any, tmp_path: Path, size: Any) -> None:
    steps = after("j", "p", "e")
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=steps)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_feed_health_screen(snap_compare: Any, tmp_path: Path, size: Any) -> None:
    from datetime import UTC, datetime

    from briefing.models import FeedStatus
    from briefing.tui.screens.feeds import FeedHealthScreen

    seen = datetime(2026, 3, 4, 6, 0, tzinfo=UTC)
    due = datetime(2026, 3, 4, 7, 0, tzinfo=UTC)
    feeds = [
        FeedStatus(1, "https://a.example/rss", "Harbour Watch", None, 42, 7, seen, None, seen, due),
        FeedStatus(
            2,
            "https://b.example/feed",
            "Quay Notes [red]x[/red]",
            "Ports",
            0,
            0,
            None,
            "HTTP 404 Not Found \x1b[2J",
            seen,
            due,
            failures=3,
        ),  # fmt: skip
        FeedStatus(3, "https://c.example/atom", "Desk 10", "Wires", 5, 5, seen, None, seen, due),
        FeedStatus(4, "https://d.example/atom", "Desk 9", "Wires", 8, 1, seen, None, seen, due),
    ]

    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.app.push_screen(FeedHealthScreen(feeds))
        await settle(pilot)

    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=steps)
