"""Screens of the Briefing app: main, help, dialogs, feed health and digest preview."""
