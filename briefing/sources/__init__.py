"""Where articles come from: saved files (seeds), feeds, OPML lists, full-text pages.

Sources return `briefing.models` dataclasses and raise `briefing.errors`
exceptions; they never import the UI toolkit or the store.
"""
