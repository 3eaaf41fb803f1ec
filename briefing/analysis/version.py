"""Which analyser made a cached analysis: a fingerprint of this package's code.

Analyses are cached by article text, so a better rule for quotes or figures
would otherwise never reach an article analysed before the upgrade. The
fingerprint changes whenever a module here (or the summariser library) does,
so no version number has to be remembered by hand. Nothing is read until it
is first asked for.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.resources

__all__ = ["analyser_version"]


@functools.cache
def analyser_version() -> int:
    """A 56-bit number that differs between analysers that may give different results."""
    digest = hashlib.sha256()
    package = importlib.resources.files("briefing.analysis")
    for entry in sorted(package.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".py") and entry.is_file():
            digest.update(entry.name.encode("utf-8") + b"\0")
            digest.update(entry.read_bytes())
    digest.update(importlib.metadata.version("sumy").encode("utf-8"))
    return int.from_bytes(digest.digest()[:7], "big")
