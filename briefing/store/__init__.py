"""The durable store: SQLite holding feeds, articles, triage, search and cached analyses.

Everything the reader shows comes from here, so it works offline. This package
never imports the UI toolkit and never fetches anything.
"""

from briefing.store.articles import SORTS, VIEWS, SaveResult
from briefing.store.database import Store
from briefing.store.feeds import FetchState
from briefing.store.search import MATCH_END, MATCH_START

__all__ = ["MATCH_END", "MATCH_START", "SORTS", "VIEWS", "FetchState", "SaveResult", "Store"]
