"""The ``knotcrawl`` command line: a thin dispatcher.

Each command lives in ``knotcrawl.commands.<name>`` with ``register(subparsers)``, which adds
its parser and sets ``run`` (``args -> exit status``). Commands import heavy libraries inside
``run`` so that ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from knotcrawl import __version__
from knotcrawl.errors import KnotcrawlError

# In the order `knotcrawl --help` lists them.
COMMANDS: tuple[str, ...] = (
    "replica",
    "parse",
    "db",
    "reparse",
    "update",
    "crawl",
    "demo",
    "search",
    "list",
    "show",
    "export",
    "stats",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="knotcrawl",
        description="Crawl the Caucasian Knot news sites (English and Russian editions) into an "
        "archive database, keep it up to date, and query, export and chart it.",
    )
    parser.add_argument("--version", action="version", version=f"knotcrawl {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"knotcrawl.commands.{name}").register(subparsers)
    for command_parser in subparsers.choices.values():
        command_parser.set_defaults(command_parser=command_parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        # Said by the command's parser (its usage, its one-line errors), not the top level's.
        args.command_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        status: int = args.run(args)
    except KnotcrawlError as exc:
        print(f"knotcrawl {args.command}: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print(f"knotcrawl {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `knotcrawl export ... | head` closes the pipe early; that is not an error.
        sys.stderr.close()
        return 0
    return status


if __name__ == "__main__":
    sys.exit(main())
