"""``knotcrawl search QUERY``: ranked full-text search with snippets, dates and URLs."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from knotcrawl.analysis.cli import add_common, add_filters, one_line_errors
from knotcrawl.commands import count
from knotcrawl.crawling.options import check_range


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "search",
        help="full-text search of the archive, best match first, with snippets",
        description='Search titles, bodies and authors. Words are ANDed; "a phrase", '
        "prefix*, a OR b, a NOT b (or -b) and (groups) work on SQLite and PostgreSQL alike. "
        "--forms also finds other English and Russian forms of each word (protests: protest, "
        "protesters; выборы: выборов). Every filter of `knotcrawl list` applies.",
    )
    one_line_errors(parser, "search")
    parser.add_argument(
        "query",
        metavar="QUERY",
        nargs="?",
        help="the search, e.g. '\"human rights\" court' (one that starts with - goes after "
        "--: knotcrawl search -- '-court protest')",
    )
    add_common(parser)
    add_filters(parser)
    parser.add_argument(
        "--sort",
        default=None,
        metavar="KEY",
        help="order hits by published, -published, id, title… instead of relevance",
    )
    parser.add_argument("--limit", type=count, default=20, help="hits to show (default 20)")
    parser.add_argument("--offset", type=count, default=0, help="skip this many hits first")
    parser.add_argument(
        "--forms", action="store_true", help="match other word forms (stem + prefix)"
    )
    parser.add_argument(
        "--window",
        type=count,
        default=None,
        metavar="N",
        help="rank the best of the newest N matches (default 2000: a common word matches "
        "most of the archive, and ranking all of them takes seconds); 0 ranks every match",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from knotcrawl.analysis.cli import (
        check_limit,
        dump_json,
        filters_from,
        highlight,
        open_archive,
        short_time,
        use_color,
    )
    from knotcrawl.db import queries
    from knotcrawl.db.search import lowercase_operators, parse_query
    from knotcrawl.errors import UsageError

    if args.query is None:
        args.command_parser.error("the following arguments are required: QUERY")
    parsed = parse_query(args.query)  # a syntax error is reported before the database is opened
    filters = filters_from(args)
    check_range(filters.since, filters.until)
    if args.sort is not None:
        queries.sort_spec(args.sort)
    if args.limit is not None and args.limit <= 0:
        # `list --limit 0` lists everything; a search shows pages of ranked hits.
        raise UsageError(
            "limit: search shows a page of hits; give a positive --limit (and --offset for the "
            "next page), or `knotcrawl export` for every match"
        )
    limit = check_limit(args.limit) or 20
    if args.offset < 0:
        raise UsageError("offset: must not be negative")
    if args.window is not None and args.window < 0:
        raise UsageError("window: must not be negative (0 ranks every match)")
    window = queries.RANK_WINDOW if args.window is None else (args.window or None)
    with open_archive(args) as archive:
        hits = queries.search(
            archive.engine,
            args.query,
            filters,
            limit=limit,
            offset=args.offset,
            sort=args.sort,
            forms=args.forms,
            window=window,
        )
        total = (
            queries.search_count(archive.engine, args.query, filters, forms=args.forms)
            if len(hits) in (limit, window) or args.offset
            else args.offset + len(hits)
        )
    for word in dict.fromkeys(lowercase_operators(args.query)):
        # `protest or rally` wants either word; it gets the articles holding all three
        print(
            f"note: {word!r} is searched as a word; operators are upper case: {word.upper()}",
            file=sys.stderr,
        )
    if args.forms:
        for word in dict.fromkeys(queries.words_without_forms(parsed)):
            # `суд --forms` would quietly count only суд, where `суды --forms` finds суда…
            print(
                f"note: --forms matches {word!r} as written (too short, or its stem is not "
                f"how it starts); {word}* finds every word that starts with it",
                file=sys.stderr,
            )
    if args.json:
        dump_json(
            {
                "query": args.query,
                "total": total,
                "offset": args.offset,
                "window": None if args.sort else window,
                "hits": [
                    {
                        "rank": args.offset + i + 1,
                        "edition": h.edition,
                        "article_id": h.article_id,
                        "url": h.url,
                        "title": h.title,
                        "published_at": h.published_at,
                        "score": h.score,
                        "snippet": highlight(h.snippet, color=False),
                        "gone": h.gone,
                    }
                    for i, h in enumerate(hits)
                ],
            }
        )
        return 0
    color = use_color()
    width = len(str(args.offset + len(hits)))
    for i, hit in enumerate(hits):
        rank = str(args.offset + i + 1).rjust(width)
        gone = "  (gone)" if hit.gone else ""
        title = f"\x1b[1m{hit.title}\x1b[0m" if color else hit.title
        print(f"{rank}. {hit.edition}:{hit.article_id}  {short_time(hit.published_at)}  {title}")
        pad = " " * (width + 2)
        print(f"{pad}{hit.url}{gone}")
        if hit.snippet:
            print(f"{pad}{highlight(hit.snippet, color=color)}")
        print()
    if not hits and total and args.offset:
        ranked = min(total, window) if window is not None and not args.sort else total
        print(
            f"no hits past {args.offset:,}: {total:,} articles match {args.query!r}"
            + (
                f" and the newest {ranked:,} are ranked (--window 0 ranks all)"
                if ranked < total
                else ""
            ),
            file=sys.stderr,
        )
    elif not hits:
        print(f"no articles match {args.query!r}", file=sys.stderr)
    else:
        first = args.offset + 1
        print(f"hits {first}–{args.offset + len(hits)} of {total:,}", file=sys.stderr)
        if window is not None and not args.sort and total > window:
            print(
                f"(best of the newest {window:,} matches; --window 0 ranks all {total:,}, "
                "--sort -published lists them newest first)",
                file=sys.stderr,
            )
    return 0
