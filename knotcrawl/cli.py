"""The ``knotcrawl`` command line: a thin dispatcher.

Each command lives in ``knotcrawl.commands.<name>`` with ``register(subparsers)``, which adds
its parser and sets ``run`` (``args -> exit status``). Commands import heavy libraries inside
``run`` so that ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any, TextIO

from knotcrawl import __version__
from knotcrawl.errors import KnotcrawlError, OutputFailed, Terminated, database_failure
from knotcrawl.files import reason

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
    _name_innermost_parsers(parser)
    return parser


def _name_innermost_parsers(parser: argparse.ArgumentParser) -> None:
    """Every (sub)command's parser records itself, so that an unknown option is reported with
    the usage of the innermost command given (`db current --bogus`: `db current`'s usage)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command_parser in action.choices.values():
                command_parser.set_defaults(command_parser=command_parser)
                _name_innermost_parsers(command_parser)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()  # imports every command's module
        args, unknown = parser.parse_known_args(argv)
    except KeyboardInterrupt:  # Ctrl-C as the command starts: no traceback either
        print("knotcrawl: interrupted", file=sys.stderr)
        return 130
    if unknown:
        # Said by the command's parser (its usage, its one-line errors), not the top level's.
        message = f"unrecognized arguments: {' '.join(unknown)}"
        if args.command == "search" and any(u.startswith("-") for u in unknown):
            message += " (a QUERY that starts with - goes after --: knotcrawl search -- '-b a')"
        args.command_parser.error(message)
    from knotcrawl.hosts import CANONICAL_ERROR

    if CANONICAL_ERROR is not None:
        print(f"knotcrawl {args.command}: {CANONICAL_ERROR}", file=sys.stderr)
        return 2
    global _stop_asked
    _stop_asked = None
    previous = _stop_on_sigterm()
    previous_sigint = _note_ctrl_c()
    stdout = sys.stdout
    sys.stdout = _StandardOutput(stdout)
    try:
        status: int = args.run(args)
    except Terminated:
        return _interrupted(args.command, "SIGTERM")
    except KnotcrawlError as exc:
        if _stop_asked is not None:
            return _interrupted(args.command, _stop_asked)
        print(f"knotcrawl {args.command}: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        return _interrupted(args.command, "Ctrl-C")
    except BrokenPipeError:
        # `knotcrawl export ... | head` closes the pipe early; that is not an error.
        sys.stderr.close()
        return 0
    except Exception as exc:
        # A database error no command caught: the server stopped or went away mid-command, a
        # write this user may not make. One line, as for every failure (no traceback).
        failure = database_failure(exc)
        if failure is None:
            raise
        if _stop_asked is not None:
            return _interrupted(args.command, _stop_asked)
        print(f"knotcrawl {args.command}: {failure}", file=sys.stderr)
        return failure.status
    finally:
        sys.stdout = stdout
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        if previous_sigint is not None and signal.getsignal(signal.SIGINT) is _raise_interrupted:
            # Only our own handler is undone: a crawl that was interrupted ignores a further
            # Ctrl-C while the process exits, and that must stay so.
            signal.signal(signal.SIGINT, previous_sigint)
    return status


def _interrupted(command: str, how: str) -> int:
    # 130 for Ctrl-C and SIGTERM alike, as a crawl stopped by either exits: one "interrupted"
    # status, whatever error the stop surfaced as.
    said = "" if how == "Ctrl-C" else f" ({how})"
    print(f"knotcrawl {command}: interrupted{said}", file=sys.stderr)
    return 130


class _StandardOutput:
    """``sys.stdout`` while a command runs: an error writing it (``> file`` on a full disk, a
    lost mount) becomes :class:`OutputFailed`, one line and status 1, where it would be a
    traceback that no other file's error can be told from. A closed pipe (``| head``) stays
    a BrokenPipeError, the quiet end. Everything else is the stream's own."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputFailed(f"writing standard output: {reason(exc)}") from exc

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputFailed(f"writing standard output: {reason(exc)}") from exc

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


# The stop asked for while the command runs ("Ctrl-C", "SIGTERM"), or None. The exception a
# signal raises does not always reach the command line: SQLite turns one raised inside
# knotcrawl's SQL functions (the phrase index, case folding) into "user-defined function
# raised exception", and the command ends with that database error. An error that follows a
# stop is the stop's doing, and is reported as the stop.
_stop_asked: str | None = None


def _raise_terminated(signum: int, frame: object) -> None:
    global _stop_asked
    _stop_asked = "SIGTERM"
    raise Terminated


def _raise_interrupted(signum: int, frame: object) -> None:
    global _stop_asked
    _stop_asked = "Ctrl-C"
    raise KeyboardInterrupt


def _note_ctrl_c() -> Any:
    """Make Ctrl-C note itself in ``_stop_asked`` before it raises KeyboardInterrupt, as
    Python's own handler raises it (crawls replace it with Scrapy's graceful stop); the
    handler it replaced, or None when left alone."""
    if threading.current_thread() is not threading.main_thread():
        return None
    previous = signal.getsignal(signal.SIGINT)
    if previous is not signal.default_int_handler:
        return None
    signal.signal(signal.SIGINT, _raise_interrupted)
    return previous


def _stop_on_sigterm() -> signal.Handlers | None:
    """Make SIGTERM raise :class:`Terminated` (crawls replace it with Scrapy's graceful stop
    once their reactor runs); the handler it replaced, or None when left alone."""
    if threading.current_thread() is not threading.main_thread():
        return None
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return None
    signal.signal(signal.SIGTERM, _raise_terminated)
    return signal.SIG_DFL


if __name__ == "__main__":
    sys.exit(main())
