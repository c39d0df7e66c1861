"""What the analyst commands (search, list, show, export, stats) share: options, errors, output."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, NoReturn

from knotcrawl.errors import UsageError

BOLD, PLAIN = "\x1b[1m", "\x1b[0m"
# Options whose value may start with "-".
VALUE_OPTIONS = frozenset({"--sort"})


def one_line_errors(parser: argparse.ArgumentParser, command: str) -> None:
    """Make argparse report bad options as one line on stderr (status 2), no usage dump."""

    def error(message: str) -> NoReturn:
        print(f"knotcrawl {command}: {message} (see knotcrawl {command} --help)", file=sys.stderr)
        sys.exit(2)

    parser.error = error  # type: ignore[method-assign]

    # `--sort -published`: argparse would read "-published" as an option; join such a value
    # to its option (`--sort=-published`) before parsing.
    parse_known_args = parser.parse_known_args

    def parse_known(args: Any = None, namespace: Any = None) -> Any:
        if args is not None:
            args = list(args)
            joined: list[str] = []
            i = 0
            while i < len(args):
                if (
                    args[i] in VALUE_OPTIONS
                    and i + 1 < len(args)
                    and args[i + 1][:1] == "-"
                    and args[i + 1][:2] != "--"  # `--sort --title`: a missing value, not -title
                ):
                    joined.append(f"{args[i]}={args[i + 1]}")
                    i += 2
                    continue
                joined.append(args[i])
                i += 1
            args = joined
        return parse_known_args(args, namespace)

    parser.parse_known_args = parse_known  # type: ignore[method-assign]


def add_common(
    parser: argparse.ArgumentParser, *, json_help: str = "print JSON for scripts instead of a table"
) -> None:
    from knotcrawl.commands.db import add_db_option

    add_db_option(parser)
    parser.add_argument("--json", action="store_true", help=json_help)


def add_filters(parser: argparse.ArgumentParser, *, sort: str | None = None) -> None:
    group = parser.add_argument_group("filters")
    group.add_argument("--edition", choices=("en", "ru"), help="only this edition")
    group.add_argument(
        "--since",
        metavar="DATE",
        help="published at or after DATE (2019, 2019-05, 2019-05-17, 2019-05-17T15:17, "
        "…+03:00; UTC unless a zone is given)",
    )
    group.add_argument(
        "--until",
        metavar="DATE",
        help="published before the end of DATE (--until 2019-05 includes all of May; a "
        "date-time is an exclusive bound)",
    )
    group.add_argument("--author", metavar="TEXT", help="an author's name contains TEXT")
    group.add_argument(
        "--section", metavar="NAME", help="listed under this section (rubric/11, abhazia…)"
    )
    group.add_argument("--source", metavar="TEXT", help="the source line contains TEXT")
    group.add_argument(
        "--has-original",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="English articles translated from a Russian original (--no-has-original: not)",
    )
    group.add_argument(
        "--changed",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="articles the site edited (with earlier revisions)",
    )
    group.add_argument(
        "--gone",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="articles the site removed (--no-gone: only live ones)",
    )
    if sort is not None:
        parser.add_argument(
            "--sort",
            default=sort,
            metavar="KEY",
            help="published, id, title, first_seen, last_seen, url, edition; "
            f"prefix - for descending (default {sort})",
        )


def filters_from(args: argparse.Namespace) -> Any:
    from knotcrawl.db.queries import Filters

    return Filters.make(
        edition=args.edition,
        since=args.since,
        until=args.until,
        author=args.author,
        section=args.section,
        source=args.source,
        has_original=args.has_original,
        changed=args.changed,
        gone=args.gone,
    )


def check_limit(value: int | None) -> int | None:
    if value is None:
        return None
    if value < 0:
        raise UsageError(f"limit: {value} is negative (0 means no limit)")
    return value or None


def open_archive(args: argparse.Namespace) -> Any:
    from knotcrawl.db.engine import case_blind_advice, case_blind_ctype
    from knotcrawl.db.queries import open_for_reading

    archive = open_for_reading(args.db)
    folds = [vars(args).get(name) for name in ("query", "author", "source")]
    if any(folds):
        with archive.engine.connect() as conn:
            ctype = case_blind_ctype(conn)
        if ctype is not None:
            command = getattr(args, "command", None) or "knotcrawl"
            print(
                f"knotcrawl {command}: warning: may miss articles: {case_blind_advice(ctype)}",
                file=sys.stderr,
            )
    return archive


def dump_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def use_color() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def highlight(snippet: str, *, color: bool) -> str:
    """Turn the search markers into bold (a terminal) or [brackets] (anything else)."""
    from knotcrawl.db.queries import HIT_CLOSE, HIT_OPEN

    if color:
        return snippet.replace(HIT_OPEN, BOLD).replace(HIT_CLOSE, PLAIN)
    return snippet.replace(HIT_OPEN, "[").replace(HIT_CLOSE, "]")


def short_time(iso: str | None) -> str:
    """``2019-05-17T15:17:00Z`` → ``2019-05-17 15:17``."""
    if not iso:
        return "-"
    return iso.replace("T", " ")[:16]
