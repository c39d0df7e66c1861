"""``knotcrawl crawl``: backfill by date range, by ids, by sections, or single articles."""

from __future__ import annotations

import argparse
from typing import Any

from knotcrawl.analysis.cli import one_line_errors
from knotcrawl.errors import UsageError


def add_crawl_options(parser: argparse.ArgumentParser, *, now_help: str) -> None:
    """Options every crawl command shares (they mirror the spiders' ``-a`` arguments);
    ``now_help`` says what ``--now`` moves in this command."""
    parser.add_argument(
        "--edition",
        choices=("en", "ru", "all"),
        default="all",
        help="which edition to crawl (default: all)",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help="the archive: a SQLite path or a postgresql:// URL "
        "(default: $KNOTCRAWL_DATABASE_URL or data/knotcrawl.sqlite; $KNOTCRAWL_DATA_DIR "
        "replaces data)",
    )
    parser.add_argument(
        "--proxy", metavar="URL", default=None, help="send every request through this HTTP proxy"
    )
    parser.add_argument(
        "--replica",
        metavar="URL",
        default=None,
        help="crawl a knotcrawl replica at URL: proxy + http:// canonical hosts "
        "+ fast settings (no delays)",
    )
    parser.add_argument(
        "--base-url",
        metavar="EDITION=URL",
        action="append",
        default=[],
        help="fetch an edition from this host, e.g. en=https://caucasianknot.info "
        "(records keep canonical URLs)",
    )
    parser.add_argument(
        "--mirror",
        metavar="URL",
        action="append",
        default=[],
        help="also fetch articles through this mirror host (round robin; repeatable)",
    )
    resume = parser.add_mutually_exclusive_group()
    resume.add_argument(
        "--resume",
        dest="resume",
        action="store_const",
        const="yes",
        default="auto",
        help="continue the interrupted run of the same job (the default whenever one is left)",
    )
    resume.add_argument(
        "--fresh",
        dest="resume",
        action="store_const",
        const="no",
        help="discard an interrupted run of the same job and start afresh",
    )
    parser.add_argument(
        "--job-dir",
        metavar="DIR",
        default=None,
        help="where job frontiers live (default: data/jobs; $KNOTCRAWL_DATA_DIR replaces data)",
    )
    parser.add_argument(
        "--log-dir",
        metavar="DIR",
        default=None,
        help="where the rotated log goes (default: data/logs; $KNOTCRAWL_DATA_DIR replaces data)",
    )
    parser.add_argument(
        "--now",
        metavar="TIME",
        default=None,
        help=f"the current time (default: the clock): {now_help}",
    )
    parser.add_argument(
        "-s",
        "--set",
        dest="settings",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="override a Scrapy setting (repeatable)",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log to stderr as well as to the log file"
    )


def common_arguments(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "edition": args.edition,
        "db": args.db,
        "proxy": args.proxy,
        "replica": args.replica,
        "base_url": args.base_url,
        "mirror": args.mirror,
        "resume": args.resume,
        "job_dir": args.job_dir,
        "now": args.now,
    }


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "crawl",
        help="backfill: a date range, an id range, the section listings, or single articles",
        description="Backfill the archive. `--since/--until` walks the deep archive listing "
        "from the first page of the range (found by a search over page numbers); `--ids` "
        "enumerates ids (404s are recorded as gaps); `--sections` walks every rubric, "
        "category and region listing to record sections and leads; URLs or ids fetch single "
        "articles. An interrupted crawl continues when run again.",
    )
    one_line_errors(parser, "crawl")
    parser.add_argument(
        "targets",
        nargs="*",
        metavar="URL|ID",
        help="article URLs (any mirror) or ids (en:123, or 123 with --edition)",
    )
    parser.add_argument(
        "--since",
        metavar="DATE",
        help="oldest publication date, inclusive (2019, 2019-05, 2019-05-17, 2019-05-17T15:17, "
        "…+03:00; UTC unless a zone is given), as in `knotcrawl list`",
    )
    parser.add_argument(
        "--until",
        metavar="DATE",
        help="newest publication date, inclusive (--until 2019-05 includes all of May; a "
        "date-time is an exclusive bound)",
    )
    parser.add_argument("--ids", metavar="N-M", help="id ranges, e.g. 60000-60500,61000")
    parser.add_argument(
        "--by-id",
        action="store_true",
        help="with --since/--until: find the ids at the ends of the date range, then enumerate "
        "every id between them (finds articles that no listing shows)",
    )
    parser.add_argument(
        "--sections", action="store_true", help="walk the rubric, category and region listings"
    )
    parser.add_argument(
        "--refresh", action="store_true", help="fetch articles the archive already holds too"
    )
    parser.add_argument(
        "--no-retry-errors",
        dest="retry_errors",
        action="store_false",
        help="do not retry the URLs in the crawl-errors table",
    )
    add_crawl_options(parser, now_help="where `--by-id --since` without --until stops")
    parser.set_defaults(run=run)


def mode_of(args: argparse.Namespace) -> str:
    if args.sections:
        return "sections"
    if args.ids or args.by_id:
        return "ids"
    if args.since or args.until:
        return "range"
    if args.targets:
        return "articles"
    raise UsageError("say what to crawl: --since/--until, --ids, --sections, or URLs/ids")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from knotcrawl.crawling.options import CrawlOptions, preflight
    from knotcrawl.crawling.runner import parse_overrides, run_crawl

    # The archive and the directories are checked before Scrapy starts: a bad --db, --job-dir
    # or --log-dir is one line and status 2, not status 1 (which cron takes for "failures").
    preflight(args)

    mode = mode_of(args)
    arguments = common_arguments(args)
    arguments.update(
        since=args.since,
        until=args.until,
        ids=args.ids,
        by_id=args.by_id,
        targets=args.targets,
        refresh=args.refresh,
        retry_errors=args.retry_errors,
    )
    options = CrawlOptions.from_arguments(mode, arguments)
    return run_crawl(
        options,
        parse_overrides(args.settings),
        verbose=args.verbose,
        log_dir=Path(args.log_dir) if args.log_dir else None,
    )
