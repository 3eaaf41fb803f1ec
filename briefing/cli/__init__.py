"""The `briefing` command: the TUI by default, subcommands for scripts.

Each subcommand lives in its own module under `briefing.cli` and exposes
`register(subparsers)`; heavy imports happen inside the command's function so
`briefing --help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from briefing.errors import BriefingError

__all__ = ["main"]

# Modules under briefing.cli that each register one or more subcommands.
COMMAND_MODULES = (
    "analyse",
    "check_feed",
    "feeds",
    "listing",
    "search",
    "vacuum",
    "refresh",
    "digest",
    "related",
)


def _app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing",
        description="A terminal news briefing. Run with no command to open the reader.",
        epilog="Commands: " + ", ".join(_command_names()) + ". Use 'briefing COMMAND --help'.",
    )
    parser.add_argument("--config", metavar="FILE", help="settings file (or $BRIEFING_CONFIG)")
    parser.add_argument("--seeds", metavar="DIR", help="read saved articles from DIR")
    parser.add_argument("--offline", action="store_true", help="do not refresh feeds on start")
    parser.add_argument("files", nargs="*", metavar="FILE", help="articles to open")
    return parser


def _command_parser() -> tuple[argparse.ArgumentParser, dict[str, str]]:
    parser = argparse.ArgumentParser(prog="briefing")
    parser.add_argument("--config", metavar="FILE", help="settings file (or $BRIEFING_CONFIG)")
    subparsers = parser.add_subparsers(dest="command", required=True)
    owners: dict[str, str] = {}
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"briefing.cli.{name}")
        before = set(subparsers.choices)
        module.register(subparsers)
        for command in set(subparsers.choices) - before:
            owners[command] = name
    return parser, owners


def _command_names() -> list[str]:
    _, owners = _command_parser()
    return sorted(owners)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser, owners = _command_parser()
    first = next((a for a in args_list if not a.startswith("-")), None)
    try:
        if first in owners:
            args = parser.parse_args(args_list)
            return int(args.run(args) or 0)
        app_args = _app_parser().parse_args(args_list)
        from briefing.cli.app import run_app

        return run_app(app_args)
    except BriefingError as exc:
        print(f"briefing: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`briefing list | head`): not an error.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
