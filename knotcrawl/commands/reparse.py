"""``knotcrawl reparse``: run the current extraction over the stored raw pages.

Records whose extracted fields change because the parser changed are updated in place (no
revision: the site did not edit them); lead, sections and seen times are kept.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from knotcrawl.commands.db import add_db_option
from knotcrawl.errors import UsageError


def _moment(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a date: {text!r} (use 2019-05-17 or 2019-05-17T15:17:00Z)"
        ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "reparse",
        help="re-extract stored pages with the current parser, without fetching again",
        description="Run the current extraction over the raw pages stored in the archive and "
        "update the records it now extracts differently (no revisions are made; lead, sections "
        "and seen times are kept). Reports how many records changed.",
    )
    add_db_option(parser)
    parser.add_argument("--edition", choices=("en", "ru"), help="only this edition")
    parser.add_argument(
        "--since", type=_moment, metavar="DATE", help="only articles published at or after DATE"
    )
    parser.add_argument(
        "--until", type=_moment, metavar="DATE", help="only articles published before DATE"
    )
    parser.add_argument(
        "--batch", type=int, default=200, metavar="N", help="raw pages per batch (default 200)"
    )
    parser.add_argument(
        "--no-revisions",
        action="store_true",
        help="leave the stored pages of earlier revisions alone",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from knotcrawl.db import Archive

    if args.batch < 1:
        raise UsageError("--batch must be at least 1")
    from knotcrawl.pages import PARSER_VERSION, parse_article

    with Archive.open(args.db) as archive, archive.lock("reparse"):
        report = archive.reparse(
            parse_article,
            PARSER_VERSION,
            edition=args.edition,
            since=args.since,
            until=args.until,
            batch=args.batch,
            revisions=not args.no_revisions,
        )
    for edition, article_id, message in report.failures[:20]:
        print(f"reparse: {edition}/{article_id}: {message}", file=sys.stderr)
    print(
        f"reparsed {report.pages} pages with parser {report.parser_version}: "
        f"{report.changed} changed, {report.unchanged} unchanged, {report.failed} failed"
        + (f", {report.skipped} skipped (stored anew meanwhile)" if report.skipped else "")
        + (
            f"; {report.revision_pages} pages of earlier revisions, "
            f"{report.revisions_changed} changed"
            if report.revision_pages
            else ""
        )
    )
    return 0
