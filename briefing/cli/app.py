"""`briefing` with no subcommand: open the reader on the store, seeds and files.

Settings come from the config file; seeds named by `--seeds`, by FILE
arguments or by `general.seeds` (relative to the working directory) are
imported into the store when the app starts, in a worker.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["run_app", "seed_paths"]


def seed_paths(args: argparse.Namespace, configured: tuple[str, ...]) -> list[Path]:
    """Which files and directories to import: FILEs, else --seeds, else the configured seeds."""
    files = [Path(f).expanduser() for f in (getattr(args, "files", None) or [])]
    if files:
        return files
    if getattr(args, "seeds", None):
        return [Path(args.seeds).expanduser()]
    return [Path(p).expanduser() for p in configured if Path(p).expanduser().exists()]


def run_app(args: argparse.Namespace) -> int:
    """Start the Textual app; returns the exit code."""
    from briefing.config import Settings, load_settings
    from briefing.errors import ConfigError

    try:
        settings = load_settings(getattr(args, "config", None))
    except ConfigError as exc:
        # The reader still starts: a broken settings file should not lock anyone out.
        print(f"briefing: {exc}; using the default settings", file=sys.stderr)
        settings = Settings()
    paths = seed_paths(args, settings.general.seeds)
    missing = [p for p in paths if not p.exists()]
    for path in missing:
        print(f"briefing: {path}: no such file or directory", file=sys.stderr)
    if missing and len(missing) == len(paths) and (args.files or args.seeds):
        return 2

    from briefing.tui.app import BriefingApp
    from briefing.tui.library import Library

    library = Library(summary_sentences=settings.analysis.summary_sentences)
    offline = bool(getattr(args, "offline", False)) or not settings.general.refresh_on_start
    app = BriefingApp(
        library,
        settings=settings,
        seed_paths=[p for p in paths if p.exists()],
        offline=offline,
    )
    result = app.run()
    if app.return_code:
        return app.return_code  # the reader stopped on an error (its traceback is printed)
    return int(result or 0)
