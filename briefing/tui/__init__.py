"""The Textual reader: story list, reader, quotes, figures and related panes.

Only this package imports Textual; it reads everything through
`briefing.tui.library`, which runs the store and analysis on threads.
"""

from __future__ import annotations

__all__: list[str] = []
