"""The `briefing` command: the TUI by default, subcommands for scripts.

Each subcommand lives in its own module under `briefing.cli` and exposes
`register(subparsers)`; heavy imports happen inside the command's function so
`briefing --help` stays fast. `main` turns the errors a command lets through
into one line naming the command and the README's exit codes: 1 when another
Briefing holds the database, 2 for every other `BriefingError`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Collection, Sequence

from briefing.errors import BriefingError, StoreLockedError

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

CONFIG_HELP = "settings file (or $BRIEFING_CONFIG)"
# `briefing`'s own options that take a value, as a separate word or after "=".
_OPTIONS_WITH_VALUE = ("--config", "--seeds")


def _app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing",
        description="A terminal news briefing. Run with no command to open the reader.",
        epilog="Commands: " + ", ".join(_command_names()) + ". Use 'briefing COMMAND --help'.",
        allow_abbrev=False,
    )
    parser.add_argument("--config", metavar="FILE", help=CONFIG_HELP)
    parser.add_argument("--seeds", metavar="DIR", help="read saved articles from DIR")
    parser.add_argument("--offline", action="store_true", help="do not refresh feeds on start")
    parser.add_argument("files", nargs="*", metavar="FILE", help="articles to open")
    return parser


def _command_parser() -> tuple[argparse.ArgumentParser, dict[str, str]]:
    parser = argparse.ArgumentParser(prog="briefing", allow_abbrev=False)
    parser.add_argument("--config", metavar="FILE", help=CONFIG_HELP)
    subparsers = parser.add_subparsers(dest="command", required=True)
    owners: dict[str, str] = {}
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"briefing.cli.{name}")
        before = set(subparsers.choices)
        module.register(subparsers)
        for command in set(subparsers.choices) - before:
            owners[command] = name
    # Aliases share their command's parser: give each parser the option once.
    for command_parser in {id(p): p for p in subparsers.choices.values()}.values():
        # Also accepted after the command (`briefing refresh --config FILE`). SUPPRESS keeps
        # the subcommand's default from overwriting a --config given before the command.
        command_parser.add_argument(
            "--config", metavar="FILE", default=argparse.SUPPRESS, help=CONFIG_HELP
        )
    return parser, owners


def _command_name(args: Sequence[str], commands: Collection[str]) -> str | None:
    """The subcommand `args` name, or None when they are the reader's FILE arguments.

    The command is the first word that is neither an option nor the value of one of
    `briefing`'s own options: in `briefing --config FILE feeds` it is "feeds", not FILE.
    """
    expects_value = False
    for arg in args:
        if expects_value:
            expects_value = False
        elif arg == "--":
            return None
        elif arg in _OPTIONS_WITH_VALUE:
            expects_value = True
        elif not arg.startswith("-"):
            return arg if arg in commands else None
    return None


def _command_names() -> list[str]:
    _, owners = _command_parser()
    return sorted(owners)


def _has_surrogate(text: str) -> bool:
    return not text.isascii() and any("\ud800" <= char <= "\udfff" for char in text)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser, owners = _command_parser()
    command = _command_name(args_list, owners)
    program = f"briefing {command}" if command else "briefing"
    undecodable = next((arg for arg in args_list if _has_surrogate(arg)), None)
    if undecodable is not None:
        # Python keeps bytes that are not UTF-8 as lone surrogates, which neither the
        # database nor the terminal can take: refuse the word instead of failing later.
        shown = repr(os.fsencode(undecodable))[1:]
        print(
            f"{program}: {shown} is not UTF-8 text; give names and paths as UTF-8", file=sys.stderr
        )
        return 2
    try:
        if command is not None:
            args = parser.parse_args(args_list)
            return int(args.run(args) or 0)
        app_args = _app_parser().parse_args(args_list)
        from briefing.cli.app import run_app

        return run_app(app_args)
    except StoreLockedError as exc:
        # Not a mistake in the command: the same command works once the other one is done.
        print(f"{program}: {exc}", file=sys.stderr)
        return 1
    except BriefingError as exc:
        print(f"{program}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`briefing list | head`): not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
