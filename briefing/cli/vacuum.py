"""`briefing vacuum`: expire old articles per the retention setting and compact the database."""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["register"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "vacuum",
        help="expire old read/dismissed articles and compact the database",
        description="Apply [general] retention_days (starred and picked articles are kept), "
        "then rebuild the database file without free space.",
    )
    parser.add_argument(
        "--days",
        type=int,
        default=None,
        metavar="N",
        help="expire read/dismissed articles older than N days (overrides config)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from briefing.cli._store import open_store, settings
    from briefing.config import MAX_RETENTION_DAYS

    days = args.days if args.days is not None else settings(args).general.retention_days
    if not 0 <= days <= MAX_RETENTION_DAYS:
        print(
            f"briefing vacuum: --days must be 0 (keep everything) to {MAX_RETENTION_DAYS:,}",
            file=sys.stderr,
        )
        return 2
    with open_store(args) as store:
        before = _size(store.path)
        expired = store.expire(days) if days else 0
        store.vacuum()
        after = _size(store.path)
    kept = "kept everything (retention_days = 0)" if not days else f"expired {expired} articles"
    print(f"{kept}; database {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB")
    return 0


def _size(path: Any) -> int:
    from pathlib import Path

    total = 0
    for suffix in ("", "-wal"):
        candidate = Path(str(path) + suffix)
        if candidate.exists():
            total += candidate.stat().st_size
    return total
