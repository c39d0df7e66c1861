"""``knotcrawl update``: the incremental run for cron."""

from __future__ import annotations

import argparse
from typing import Any

from knotcrawl.analysis.cli import one_line_errors
from knotcrawl.commands.crawl import add_crawl_options, common_arguments


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "update",
        help="incremental crawl for cron: new articles, recent edits and deletions, retries",
        description="Walk the all-news listings (EN /rubric/11, RU /articles and the RU RSS "
        "feed) from page 1 and fetch every article the archive lacks, stopping after "
        "--overlap pages in a row with nothing new; re-fetch the articles of the last "
        "--recheck-days days (edits become revisions, 404/410 marks them gone); retry the "
        "URLs in the crawl-errors table. Prints one summary line. Exit status: 0 all well, "
        "1 failures (retried next run; a URL robots.txt refuses fails only the run that first "
        "meets the refusal, later runs list it as robots-refused), 2 usage or configuration, "
        "3 layout drift, 75 another run holds the lock, 130 interrupted.",
    )
    one_line_errors(parser, "update")
    parser.add_argument(
        "--overlap",
        type=int,
        default=2,
        metavar="K",
        help="stop after K listing pages in a row with nothing new (default 2)",
    )
    parser.add_argument(
        "--recheck-days",
        type=float,
        default=7.0,
        metavar="N",
        help="re-fetch articles published in the N days (default 7) before now or before the "
        "last finished update, whichever is earlier",
    )
    parser.add_argument(
        "--sections",
        action="store_true",
        help="also walk every rubric, category and region listing",
    )
    parser.add_argument(
        "--no-retry-errors",
        dest="retry_errors",
        action="store_false",
        help="do not retry the URLs in the crawl-errors table",
    )
    add_crawl_options(parser, now_help="where the recheck window (--recheck-days) ends")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from knotcrawl.crawling.options import CrawlOptions, preflight
    from knotcrawl.crawling.runner import parse_overrides, run_crawl

    # The archive and the directories are checked before Scrapy starts: a bad --db, --job-dir
    # or --log-dir is one line and status 2, not status 1 (which cron takes for "failures").
    preflight(args)

    arguments = common_arguments(args)
    arguments.update(
        overlap=args.overlap,
        recheck_days=args.recheck_days,
        sections=args.sections,
        retry_errors=args.retry_errors,
    )
    options = CrawlOptions.from_arguments("update", arguments)
    return run_crawl(
        options,
        parse_overrides(args.settings),
        verbose=args.verbose,
        log_dir=Path(args.log_dir) if args.log_dir else None,
    )
