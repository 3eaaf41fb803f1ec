"""The exceptions Briefing raises on purpose.

Every error a user can cause (a bad config, a broken feed, an unreadable seed,
a database that cannot be written) is one of these, so the CLI and the TUI can
show one clear line instead of a traceback.
"""

from __future__ import annotations

__all__ = [
    "BriefingError",
    "ConfigError",
    "FeedError",
    "SeedError",
    "StoreError",
    "StoreLockedError",
]


class BriefingError(Exception):
    """Base class: a problem the user can read about and act on."""


class ConfigError(BriefingError):
    """The settings file is malformed or holds a wrong key or value."""


class FeedError(BriefingError):
    """A feed could not be fetched or parsed."""


class SeedError(BriefingError):
    """A saved article could not be read."""


class StoreError(BriefingError):
    """The article database could not be opened, read or written."""


class StoreLockedError(StoreError):
    """Another Briefing process holds the database for writing."""
