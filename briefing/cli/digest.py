"""`briefing digest`: write the morning briefing (picked stories) as Markdown, HTML or JSON.

The stories come from the store (`briefing.digest_stories`), the rendering
from `briefing.digest`. A digest that was written moves the "last briefing"
mark; one that could not be written changes nothing, not even the old file.
"""

from __future__ import annotations

import argparse
import stat
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["register", "run"]

# --format value -> the renderer's name for it.
_FORMATS = {"md": "markdown", "markdown": "markdown", "html": "html", "json": "json"}
_LAST = "last"


def _since(text: str) -> datetime | str:
    """`last` (since the last digest) or a date / relative age as `briefing list` reads them."""
    if text.strip().lower() == _LAST:
        return _LAST
    from briefing.cli._store import parse_since

    return parse_since(text)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "digest",
        help="write a briefing of picked stories (Markdown, HTML or JSON)",
        description="Write the picked stories with their summaries, key quotes, figures and "
        "the other outlets that reported them. Writing a digest sets the 'last briefing' "
        "mark used by --since last and the reader's 'since briefing' view.",
    )
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument(
        "--picked",
        dest="view",
        action="store_const",
        const="picked",
        help="picked stories (the default)",
    )
    chosen.add_argument(
        "--starred", dest="view", action="store_const", const="starred", help="starred stories"
    )
    chosen.add_argument(
        "--all", dest="view", action="store_const", const="all", help="every stored story"
    )
    parser.add_argument(
        "--since",
        metavar="DATE|last",
        type=_since,
        help="only stories published on or after DATE (2026-01-31, 12h, 3d), or 'last': "
        "only stories received since the last digest was written",
    )
    parser.add_argument(
        "--format",
        choices=sorted(_FORMATS),
        help="output format (default: the one the -o file's ending names, .md, .html or "
        ".json; Markdown on standard output)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE, replacing it in one step (default, or '-': standard output)",
    )
    parser.add_argument("--title", metavar="T", help="the digest's heading (default: Briefing)")
    parser.set_defaults(run=run, view="picked")


def _summary_sentences(args: argparse.Namespace) -> int:
    from briefing.analysis.pipeline import DEFAULT_SENTENCES
    from briefing.config import load_settings
    from briefing.errors import ConfigError

    try:
        return load_settings(getattr(args, "config", None)).analysis.summary_sentences
    except ConfigError as exc:
        print(f"briefing digest: {exc} (using {DEFAULT_SENTENCES} sentences)", file=sys.stderr)
        return DEFAULT_SENTENCES


def _write(text: str, output: str | None) -> str | None:
    """Deliver the digest; return a one-line reason when it could not be written."""
    from briefing.atomic import write_text_atomically

    if output is None or output == "-":
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except OSError as exc:
            return f"cannot write to standard output ({exc.strerror or exc})"
        return None
    path = Path(output)
    if path.is_dir():
        return f"{output}: is a directory; name a file to write"
    try:
        write_text_atomically(path, text)
    except OSError as exc:
        return f"cannot write {output}: {exc.strerror or exc}; nothing was changed"
    return None


def _format(args: argparse.Namespace) -> str | None:
    """The renderer asked for: --format, else the output file's ending; None if it names none."""
    from briefing.digest import format_for_name

    if args.format is not None:
        return _FORMATS[args.format]
    if args.output is None or args.output == "-":
        return "markdown"
    named = format_for_name(args.output)
    if named is None and _is_stream(Path(args.output)):
        return "markdown"  # a pipe's or a device's name says nothing about a format
    return named


def _is_stream(path: Path) -> bool:
    """Whether `path` is something other than a regular file: a pipe, a device, a socket."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def run(args: argparse.Namespace) -> int:
    from briefing.cli._store import group_waiting, open_store_for_reading
    from briefing.digest import DEFAULT_TITLE, render_digest
    from briefing.digest_stories import build_digest_stories, digest_article_ids, mark_briefing
    from briefing.errors import StoreError
    from briefing.safety import plain

    fmt = _format(args)
    if fmt is None:
        print(
            f"briefing digest: {plain(args.output)}: cannot tell which format to write from "
            "its ending; name it .md, .html or .json, or give --format",
            file=sys.stderr,
        )
        return 2
    sentences = _summary_sentences(args)

    def problem(article_id: int, message: str) -> None:
        print(f"briefing digest: article {article_id} {plain(message)}", file=sys.stderr)

    with open_store_for_reading(args) as store:
        group_waiting(args, store)
        since_last = args.since == _LAST
        ids = digest_article_ids(
            store,
            args.view,
            since=None if since_last else args.since,
            since_last_briefing=since_last,
        )
        if not ids:
            which = "" if args.view == "all" else f"{args.view} "
            print(f"briefing digest: no {which}stories to include", file=sys.stderr)
        stories = build_digest_stories(store, ids, sentences=sentences, on_problem=problem)
        now = datetime.now(UTC)
        text = render_digest(
            stories,
            fmt,
            title=args.title if args.title is not None else DEFAULT_TITLE,
            generated=now.replace(microsecond=0),
        )
        failure = _write(text, args.output)
        if failure is not None:
            print(f"briefing digest: {plain(failure)}", file=sys.stderr)
            return 2
        if store.read_only:
            print(
                "briefing digest: the database is open read-only (another Briefing is "
                "writing it, or its directory is read-only), so the last-briefing mark "
                "was not moved",
                file=sys.stderr,
            )
        else:
            try:
                mark_briefing(store, now)
            except StoreError as exc:
                print(
                    f"briefing digest: the digest was written, but the last-briefing mark "
                    f"was not moved: {plain(str(exc))}",
                    file=sys.stderr,
                )
                return 2
        if args.output not in (None, "-"):
            print(
                f"briefing digest: wrote {len(stories)} "
                f"{'story' if len(stories) == 1 else 'stories'} to {plain(args.output)}",
                file=sys.stderr,
            )
    return 0
