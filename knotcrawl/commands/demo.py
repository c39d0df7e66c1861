"""``knotcrawl demo``: crawl a replica of both sites (started in-process) into the archive."""

from __future__ import annotations

import argparse
from typing import Any

from knotcrawl.analysis.cli import one_line_errors

DEMO_NOW = "2026-02-01T00:00:00Z"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="start a replica of both sites in-process, crawl it, show what was archived",
        description="Start the bundled replica of both editions (fixed seed and time), crawl it "
        "with `update --sections` into the archive, stop it, and print the counts per edition "
        "and the five newest articles. Running it again is an incremental update. The replica's "
        "articles are generated text under the real sites' URLs: an archive of the real sites is "
        "refused (give the demo its own, --db demo.sqlite), and a crawl of the real sites "
        "refuses the demo's.",
    )
    one_line_errors(parser, "demo")
    parser.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help="the archive (default: $KNOTCRAWL_DATABASE_URL or data/knotcrawl.sqlite; "
        "$KNOTCRAWL_DATA_DIR replaces data)",
    )
    parser.add_argument(
        "--articles",
        type=int,
        default=300,
        metavar="N",
        help="articles per edition in the replica (default 300)",
    )
    parser.add_argument("--seed", type=int, default=1, help="replica seed (default 1)")
    parser.add_argument(
        "--now",
        default=DEMO_NOW,
        metavar="TIME",
        help=f"the replica's current time (default {DEMO_NOW})",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log to stderr too")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import io
    import sys

    from knotcrawl.crawling.context import check_origin
    from knotcrawl.crawling.options import CrawlOptions, preflight
    from knotcrawl.crawling.runner import run_crawl
    from knotcrawl.db import Archive
    from knotcrawl.db.queries import parse_moment
    from knotcrawl.errors import UsageError
    from knotcrawl.replica import ReplicaConfig, serve_in_thread

    # Before the archive is touched: bad replica arguments leave no empty database behind.
    now = parse_moment(args.now, option="--now")
    try:
        config = ReplicaConfig(seed=args.seed, articles=args.articles, now=now)
    except ValueError as exc:
        raise UsageError(f"--articles: {exc}") from None
    # Before the replica starts: a bad --db is one line, not a traceback after a crawl, and a
    # crawl already running on the archive (status 75) is said before anything is served.
    preflight(args)
    with Archive.open(args.db) as archive, archive.lock("crawl"):
        check_origin(archive, replica=True)  # an archive of the real sites is refused
    summaries = io.StringIO()
    with serve_in_thread(config) as server:
        print(
            f"demo: replica of both editions ({args.articles} articles each) at {server.proxy_url}",
            file=sys.stderr,
        )
        options = CrawlOptions.from_arguments(
            "update",
            {
                "replica": server.proxy_url,
                "db": args.db,
                "now": args.now,
                "sections": True,
                "lock": True,
            },
        )
        status = run_crawl(options, verbose=args.verbose, summary_stream=summaries)
    for line in summaries.getvalue().splitlines():
        print(line)
    with Archive.open(args.db) as archive:
        print_report(archive)
    return status


def print_report(archive: Any) -> None:
    from sqlalchemy import func, select

    from knotcrawl.db import models as m
    from knotcrawl.db.queries import order_by

    a, rv = m.articles, m.revisions
    with archive.engine.connect() as conn:
        totals = dict(conn.execute(select(a.c.edition, func.count()).group_by(a.c.edition)).all())
        gone = dict(
            conn.execute(
                select(a.c.edition, func.count())
                .where(a.c.gone_at.is_not(None))
                .group_by(a.c.edition)
            ).all()
        )
        revised = dict(
            conn.execute(
                select(rv.c.edition, func.count(func.distinct(rv.c.article_id))).group_by(
                    rv.c.edition
                )
            ).all()
        )
        newest = conn.execute(
            select(a.c.published_at, a.c.edition, a.c.article_id, a.c.title)
            .order_by(*order_by("-published"))
            .limit(5)
        ).all()
    print(f"{'edition':<8}{'articles':>10}{'with revisions':>16}{'gone':>7}")
    for edition in ("en", "ru"):
        print(
            f"{edition:<8}{totals.get(edition, 0):>10}{revised.get(edition, 0):>16}"
            f"{gone.get(edition, 0):>7}"
        )
    print("newest:")
    for published, edition, article_id, title in newest:
        when = published.strftime("%Y-%m-%d %H:%M") if hasattr(published, "strftime") else published
        print(f"  {when}  {edition}  {article_id:>7}  {title}")
