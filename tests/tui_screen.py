"""Reading the screen as the user sees it: the characters and highlights the app drew.

The TUI tests check what is on screen rather than how widgets are built, so a
widget can change how it draws without its tests changing.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.strip import Strip
from textual.widget import Widget


def _strips(app: App[Any]) -> list[Strip]:
    return list(app.screen._compositor.render_strips())


def screen_lines(app: App[Any]) -> list[str]:
    """Every line on screen as plain characters."""
    return [strip.text for strip in _strips(app)]


def widget_lines(app: App[Any], widget: Widget) -> list[str]:
    """The lines the screen shows inside `widget`'s content area, trailing spaces removed."""
    region = widget.scrollable_content_region
    lines = _strips(app)[region.y : region.bottom]
    return [strip.crop(region.x, region.right).text.rstrip() for strip in lines]


def widget_text(app: App[Any], widget: Widget) -> str:
    """What `widget` shows, its lines joined and runs of spaces made one (wrapping undone)."""
    return " ".join(" ".join(widget_lines(app, widget)).split())


def reversed_text(app: App[Any], widget: Widget) -> str:
    """The characters drawn in reverse video inside `widget`, joined as `widget_text` joins."""
    region = widget.scrollable_content_region
    runs: list[str] = []
    for strip in _strips(app)[region.y : region.bottom]:
        for segment in strip.crop(region.x, region.right):
            if segment.style is not None and segment.style.reverse:
                runs.append(segment.text)
            else:
                runs.append(" ")
        runs.append(" ")
    return " ".join("".join(runs).split())


def flat(text: str) -> str:
    """`text` with its runs of whitespace made one space, to compare with wrapped lines."""
    return " ".join(text.split())
