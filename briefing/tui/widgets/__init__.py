"""Widgets of the Briefing app: story list, reader, panes and the view bar."""
