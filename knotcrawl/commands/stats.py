"""``knotcrawl stats``: articles per month and edition, top authors, sections, sources, the
share of English articles with a Russian original, crawl health; ``--plot`` draws a chart."""

from __future__ import annotations

import argparse
from typing import Any

from knotcrawl.analysis.cli import add_common, add_filters, one_line_errors
from knotcrawl.commands import count, whole_number
from knotcrawl.crawling.options import check_range


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "stats",
        help="statistics of the archive (per month, authors, sections, crawl health), a chart",
        description="Statistics of the matching articles and the crawl ledger. --plot FILE.png "
        "draws articles per month per edition.",
    )
    one_line_errors(parser, "stats")
    add_common(parser)
    add_filters(parser)
    parser.add_argument("--top", type=count, default=10, help="rows in each top list (default 10)")
    parser.add_argument(
        "--errors",
        type=whole_number(0),
        default=5,
        metavar="N",
        help="open crawl errors to list, newest first (default 5; 0: all of them)",
    )
    parser.add_argument(
        "--by",
        choices=("month", "year"),
        default="month",
        help="the period of the articles table (default month; the JSON has months)",
    )
    parser.add_argument(
        "--plot",
        metavar="FILE.png",
        help="draw articles per month per edition to this image (.png, .svg or .pdf by the "
        "name; - for PNG on stdout)",
    )
    parser.set_defaults(run=run)


def _by_year(rows: list[tuple[str, int, int, int]]) -> list[tuple[str, int, int, int]]:
    years: dict[str, list[int]] = {}
    for month, en, ru, total in rows:
        acc = years.setdefault(month[:4], [0, 0, 0])
        acc[0] += en
        acc[1] += ru
        acc[2] += total
    return [(year, *acc) for year, acc in years.items()]  # type: ignore[misc]


def _which(args: argparse.Namespace) -> str | None:
    """The filters in words, for the chart's subtitle (``None``: every article)."""
    parts = []
    if args.edition:
        parts.append("English edition" if args.edition == "en" else "Russian edition")
    if args.since:
        parts.append(f"since {args.since}")
    if args.until:
        parts.append(f"until {args.until}")
    if args.author:
        parts.append(f"author contains “{args.author}”")
    if args.section:
        parts.append(f"section {args.section}")
    if args.source:
        parts.append(f"source contains “{args.source}”")
    for flag, yes, no in (
        (args.has_original, "with a Russian original", "without a Russian original"),
        (args.changed, "edited", "never edited"),
        (args.gone, "gone from the site", "still on the site"),
    ):
        if flag is not None:
            parts.append(yes if flag else no)
    return ", ".join(parts) or None


def run(args: argparse.Namespace) -> int:
    import sys

    from knotcrawl.analysis import stats
    from knotcrawl.analysis.cli import dump_json, filters_from, open_archive, short_time
    from knotcrawl.analysis.export import check_target, refuse_archive_file
    from knotcrawl.analysis.tables import key_values, print_table
    from knotcrawl.errors import UsageError

    filters = filters_from(args)
    check_range(filters.since, filters.until)
    if args.top < 1:
        raise UsageError("top: must be at least 1")
    if args.plot is not None:  # --plot "" is an empty name to refuse, not "no chart"
        if args.plot == "-" and sys.stdout.isatty():
            raise UsageError("refusing to write a PNG to a terminal: give --plot FILE.png")
        stats.plot_format(args.plot)  # an unknown suffix is refused before any work
        check_target(args.plot)
        refuse_archive_file(args.plot, args.db)
    period = stats.asked_period(filters)
    with open_archive(args) as archive:
        data = stats.gather(archive.engine, filters, top=args.top, errors=args.errors or None)
    if args.plot is not None:
        months = stats.plot_monthly(
            data["per_month"], args.plot, subtitle=_which(args), period=period
        )
        data["plot"] = {"path": args.plot, "months": months}
    if args.json:
        dump_json(data)
        return 0
    if args.plot == "-":
        return 0
    t = data["totals"]
    share = t["en_original_share"]
    print("Articles")
    lines: list[tuple[str, object]] = [
        ("articles", f"{t['articles']} (en {t['by_edition']['en']}, ru {t['by_edition']['ru']})"),
        (
            "published",
            f"{short_time(t['first_published_at'])} – {short_time(t['last_published_at'])} UTC"
            if t["first_published_at"]
            else "none",
        ),
        ("edited (with revisions)", f"{t['changed']} ({t['revisions']} revisions)"),
        ("gone from the site", t["gone"]),
    ]
    if args.edition != "ru":  # only English articles can have a Russian original
        lines.append(
            (
                "English with a Russian original",
                f"{t['en_with_original']} of {t['en_articles']}"
                + (f" ({share:.1%})" if share is not None else ""),
            )
        )
    print(key_values(lines))
    rows = stats.month_table(data["per_month"], period)
    if args.by == "year":
        rows = _by_year(rows)
    print()
    print(f"Articles per {args.by} (UTC)")
    print_table([args.by.upper(), "EN", "RU", "TOTAL"], rows, numeric=[False, True, True, True])
    for title, key, label in (
        ("Top authors", "top_authors", "author"),
        ("Top sections", "top_sections", "section"),
        ("Top sources", "top_sources", "source"),
    ):
        print()
        print(title)
        print_table(
            [label.upper(), "ARTICLES"],
            [(item[label], item["articles"]) for item in data[key]],
            numeric=[False, True],
        )
    crawl = data["crawl"]
    print()
    print("Crawl health")
    if crawl["runs"]:
        print_table(
            [
                "RUN",
                "MODE",
                "STATUS",
                "STARTED (UTC)",
                "FINISHED",
                "NEW",
                "UPDATED",
                "UNCHANGED",
                "GONE",
                "FAILED",
                "REQUESTS",
            ],
            [
                (
                    r["id"],
                    r["mode"],
                    r["status"],
                    short_time(r["started_at"]),
                    short_time(r["finished_at"]),
                    r["new"],
                    r["updated"],
                    r["unchanged"],
                    r["gone"],
                    r["failed"],
                    r["requests"],
                )
                for r in crawl["runs"]
            ],
            numeric=[True, False, False, False, False, True, True, True, True, True, True],
        )
    else:
        print("no crawl runs recorded")
    shown = len(crawl["recent_errors"])
    # the table lists the newest few: say so when there are more, and how to see them all
    more = (
        f" (the {shown} newest below; --errors 0 lists all)"
        if crawl["open_errors"] > shown > 0
        else ""
    )
    refused = crawl["refused_by_robots"]
    # A refusal fails only the run that first met it: say why later runs did not fail.
    standing = (
        f"; robots.txt refuses {refused}, every run asks again and fails no more for it"
        if refused
        else ""
    )
    print(f"open crawl errors: {crawl['open_errors']}{more}{standing}")
    if crawl["recent_errors"]:
        print_table(
            ["URL", "ERROR", "ATTEMPTS", "FIRST SEEN (UTC)", "LAST SEEN (UTC)"],
            [
                (
                    e["url"],
                    e["error"]
                    + (f" since {short_time(e['refused_since'])}" if e["refused_since"] else ""),
                    e["attempts"],
                    short_time(e["first_seen_at"]),
                    short_time(e["last_seen_at"]),
                )
                for e in crawl["recent_errors"]
            ],
            numeric=[False, False, True, False, False],
        )
    if args.plot is not None:
        print(f"\nchart of {data['plot']['months']} months written to {args.plot}")
    return 0
