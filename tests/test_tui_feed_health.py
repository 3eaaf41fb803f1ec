"""The feed-health screen (F): failing feeds first, then by name in natural order."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_support import make_app, settle

from briefing.models import FeedStatus
from briefing.store import Store
from briefing.tui.screens.feeds import FeedHealthScreen, health_order

FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>{title}</title>
<item><title>{title} report</title><link>https://example.org/{slug}</link>
<guid>{slug}</guid><description>Text.</description></item>
</channel></rss>
"""


@pytest.fixture(autouse=True)
def private_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRIEFING_CONFIG", str(tmp_path / "absent.toml"))


def test_failing_feeds_come_first_then_names_in_natural_order() -> None:
    feeds = [
        FeedStatus(1, "u1", "Desk 10"),
        FeedStatus(2, "u2", "desk 9"),
        FeedStatus(3, "u3", "Zeta", last_error="HTTP 404"),
        FeedStatus(4, "u4", "Desk " + "9" * 5000),
        FeedStatus(5, "u5", "Alpha", last_error="timed out"),
        FeedStatus(6, "u6", "Desk 010"),
    ]
    assert [f.id for f in health_order(feeds)] == [5, 3, 2, 1, 6, 4]


async def test_the_health_screen_opens_on_the_failing_feed(tmp_path: Path) -> None:
    paths = []
    for title in ("Desk 10", "Desk 9", "Gone"):
        path = tmp_path / f"{title.replace(' ', '-').lower()}.xml"
        path.write_text(FEED.format(title=title, slug=path.stem), encoding="utf-8")
        paths.append(path)
    with Store.open(tmp_path / "briefing.db") as store:
        for path in paths:
            store.add_feed(str(path))
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        paths[2].unlink()  # the next refresh of "Gone" fails
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FeedHealthScreen)
        table = screen.query_one("#feeds-table")
        rows = [table.get_row_at(i) for i in range(table.row_count)]  # type: ignore[attr-defined]
        names = [str(row[0]) for row in rows]
        assert names[0] == "Gone"
        assert str(rows[0][1]) != "ok"
        assert names.index("Desk 9") < names.index("Desk 10")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, FeedHealthScreen)
