"""``knotcrawl list``: the articles that match the filters, as a table or JSON."""

from __future__ import annotations

import argparse
from typing import Any

from knotcrawl.analysis.cli import add_common, add_filters, one_line_errors
from knotcrawl.commands import count
from knotcrawl.crawling.options import check_range

DEFAULT_LIMIT = 50


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "list",
        help="list the articles that match filters (edition, dates, author, section…)",
        description="List articles of the archive, newest first by default. Dates are UTC "
        "unless they carry a zone.",
    )
    one_line_errors(parser, "list")
    add_common(parser)
    add_filters(parser, sort="-published")
    parser.add_argument(
        "--limit",
        type=count,
        default=DEFAULT_LIMIT,
        help=f"at most this many (default {DEFAULT_LIMIT}; 0 = all)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from knotcrawl.analysis.cli import check_limit, filters_from, open_archive, short_time
    from knotcrawl.analysis.tables import print_table
    from knotcrawl.db import queries

    filters = filters_from(args)
    check_range(filters.since, filters.until)
    queries.sort_spec(args.sort)
    limit = check_limit(args.limit)
    with open_archive(args) as archive:
        rows = queries.summaries(archive.engine, filters, sort=args.sort, limit=limit)
        if args.json:
            # a streamed JSON array: any number of rows in flat memory
            sys.stdout.write("[")
            for i, row in enumerate(rows):
                sys.stdout.write(("," if i else "") + "\n  " + json.dumps(row, ensure_ascii=False))
            sys.stdout.write("\n]\n")
            return 0
        table = [
            (
                f"{r['edition']}:{r['article_id']}",
                short_time(r["published_at"]),
                r["title"],
                ", ".join(r["authors"]) or "-",
                " ".join(
                    flag
                    for flag, on in (
                        ("orig", r["has_original"]),
                        (f"rev{r['revisions']}", r["revisions"]),
                        ("gone", r["gone"]),
                    )
                    if on
                ),
            )
            for r in rows
        ]
        shown = len(table)
        more = limit is not None and shown == limit and queries.count(archive.engine, filters)
    print_table(
        ["ID", "PUBLISHED (UTC)", "TITLE", "AUTHORS", "FLAGS"],
        table,
        numeric=[False] * 5,
    )
    if more and more > shown:
        print(f"{shown} of {more} articles (--limit 0 shows all)", file=sys.stderr)
    elif not shown:
        print("no articles match", file=sys.stderr)
    return 0
