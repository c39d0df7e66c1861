"""``knotcrawl reparse``: run the current extraction over the stored raw pages.

Records whose extracted fields change because the parser changed are updated in place (no
revision: the site did not edit them); lead, sections and seen times are kept. With
``--workers N`` (default: the machine's cores, at most 4) N processes share the raw pages by id
modulo N, each reading, parsing and writing its own short batches.
"""

from __future__ import annotations

import argparse
import os
import signal
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
        "--workers",
        type=int,
        default=min(os.cpu_count() or 1, 4),
        metavar="N",
        help="processes sharing the work (default: the machine's cores, at most 4)",
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
    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    options = {
        "edition": args.edition,
        "since": args.since,
        "until": args.until,
        "batch": args.batch,
        "revisions": not args.no_revisions,
    }
    with Archive.open(args.db) as archive, archive.lock("reparse"):
        db = archive.engine.url.render_as_string(False)
        if args.workers == 1:
            report = _reparse_shard(db, None, options)
        else:
            report = _reparse_in_processes(db, args.workers, options)
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


def _reparse_shard(db: str, shard: tuple[int, int] | None, options: dict[str, Any]) -> Any:
    """One process's part of the reparse (all of it with ``shard=None``)."""
    from knotcrawl.db import Archive
    from knotcrawl.pages import PARSER_VERSION, parse_article

    with Archive.open(db) as archive:
        return archive.reparse(parse_article, PARSER_VERSION, shard=shard, **options)


def _ignore_interrupt() -> None:
    # Ctrl-C reaches every process of the group; the command stops the pool itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _reparse_in_processes(db: str, workers: int, options: dict[str, Any]) -> Any:
    """``workers`` processes, each reparsing the raw pages whose id is its number modulo
    ``workers``; their reports added up. The command holds the reparse lock meanwhile."""
    import multiprocessing

    # spawn, not fork: this process has an open database connection and holds the lock.
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_ignore_interrupt) as pool:
        reports = pool.starmap(
            _reparse_shard, [(db, (k, workers), options) for k in range(workers)]
        )
    total = reports[0]
    for report in reports[1:]:
        total.add(report)
    return total
