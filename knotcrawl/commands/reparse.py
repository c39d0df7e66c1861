"""``knotcrawl reparse``: run the current extraction over the stored raw pages.

Records whose extracted fields change because the parser changed are updated in place (no
revision: the site did not edit them); lead, sections and seen times are kept. Pages the current
parser version has read already are skipped (``--all`` reads them again), so a reparse stopped
by Ctrl-C resumes where it stopped when run again. With
``--workers N`` (default: the machine's cores, at most 4) N processes share the raw pages by id
modulo N, each reading, parsing and writing its own short batches. The command holds the
reparse lock, and every batch is written only after checking that it still does.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pickle
import signal
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, TextIO, cast

from knotcrawl.analysis.cli import one_line_errors
from knotcrawl.commands import batch_size, count
from knotcrawl.commands.db import add_db_option
from knotcrawl.crawling.options import check_range
from knotcrawl.errors import KnotcrawlError, UsageError
from knotcrawl.terminal import LiveLine, eta, progress_stream

if TYPE_CHECKING:  # the database layer is imported by run(): `--help` stays fast
    from multiprocessing.connection import Connection

    from knotcrawl.db.repository import LockHolder
    from knotcrawl.db.types import ReparseReport


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "reparse",
        help="re-extract stored pages with the current parser, without fetching again",
        description="Run the current extraction over the raw pages stored in the archive and "
        "update the records it now extracts differently (no revisions are made; lead, sections "
        "and seen times are kept). Reports how many records changed.",
    )
    one_line_errors(parser, "reparse")
    add_db_option(parser)
    parser.add_argument("--edition", choices=("en", "ru"), help="only this edition")
    parser.add_argument(
        "--since",
        metavar="DATE",
        help="only articles published at or after DATE (2019, 2019-05, 2019-05-17, "
        "2019-05-17T15:17, …+03:00; UTC unless a zone is given), as in `knotcrawl list`",
    )
    parser.add_argument(
        "--until",
        metavar="DATE",
        help="only articles published before the end of DATE (--until 2019-05 includes all of "
        "May; a date-time is an exclusive bound)",
    )
    parser.add_argument(
        "--batch",
        type=batch_size,
        default=200,
        metavar="N",
        help="raw pages per batch (default 200)",
    )
    parser.add_argument(
        "--workers",
        type=count,
        default=min(os.cpu_count() or 1, 4),
        metavar="N",
        help="processes sharing the work (default: the machine's cores, at most 4; "
        "at most 4x the cores)",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="also the pages the current parser version has read already (by default they "
        "are skipped, so an interrupted reparse resumes where it stopped)",
    )
    parser.add_argument(
        "--no-revisions",
        action="store_true",
        help="leave the stored pages of earlier revisions alone",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from knotcrawl.db import Archive
    from knotcrawl.db.engine import check_database
    from knotcrawl.db.queries import parse_moment

    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    # More processes than cores only share them (and each holds a parser and a connection):
    # 4x the cores is already past any gain; far more is a typo.
    most = 4 * (os.cpu_count() or 1)
    if args.workers > most:
        raise UsageError(
            f"--workers {args.workers}: at most {most} on this machine (4 x its cores)"
        )
    since = parse_moment(args.since, option="--since") if args.since else None
    until = parse_moment(args.until, end=True, option="--until") if args.until else None
    check_range(since, until)
    options = {
        "edition": args.edition,
        "since": since,
        "until": until,
        "batch": args.batch,
        "revisions": not args.no_revisions,
        "redo": args.all,
    }
    # Never creates an archive: a mistyped --db must not leave a new, empty one behind.
    check_database(args.db, create=False)
    from knotcrawl.pages import PARSER_VERSION

    with Archive.open(args.db) as archive, (lock := archive.lock("reparse")):
        db = archive.engine.url.render_as_string(False)
        filters = {k: options[k] for k in ("edition", "since", "until", "revisions")}
        pending = archive.reparse_pages(**filters, pending_for=None if args.all else PARSER_VERSION)
        done_before = 0 if args.all else archive.reparse_pages(**filters) - pending
        stream = progress_stream()
        line = None
        if stream is not None:
            line = ReparseProgress(stream, pending)
        try:
            if args.workers == 1:
                report = _reparse_shard(db, None, options, lock, line.report if line else None)
            else:
                check = partial(archive.check_lock, lock)
                held = archive.lock_holder(lock)
                report = _reparse_in_processes(db, args.workers, options, held, check, line)
        finally:
            if line is not None:
                line.live.clear()
    for edition, article_id, message in report.failures[:20]:
        print(f"reparse: {edition}/{article_id}: {message}", file=sys.stderr)
    print(
        f"reparsed {report.pages:,} pages with parser {report.parser_version}: "
        f"{report.changed:,} changed, {report.unchanged:,} unchanged, {report.failed:,} failed"
        + (f", {report.skipped:,} skipped (stored anew meanwhile)" if report.skipped else "")
        + (
            f"; {report.revision_pages:,} pages of earlier revisions, "
            f"{report.revisions_changed:,} changed"
            if report.revision_pages
            else ""
        )
        + (
            f"; {done_before:,} pages this parser had read already were left alone "
            "(--all reads them again)"
            if done_before
            else ""
        )
    )
    # 1 as for a crawl with failures: cron sees that some pages no longer parse.
    return 1 if report.failed else 0


class ReparseProgress:
    """``reparse: 120,000 of 500,000 pages (24%) | 3,400 changed | 2,150 pages/s | ETA 2:54``
    on stderr, at most once a second, from the reports of every process."""

    def __init__(self, stream: TextIO, total: int) -> None:
        self.live = LiveLine(stream)
        self.total = total
        self.started = time.monotonic()
        self._shown = 0.0

    def report(self, report: ReparseReport) -> None:
        self.show(report.pages + report.revision_pages, report.changed + report.revisions_changed)

    def show(self, pages: int, changed: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._shown < 1.0:
            return
        self._shown = now
        rate = pages / max(now - self.started, 1e-6)
        text = f"reparse: {pages:,} of {self.total:,} pages"
        if self.total:
            text += f" ({pages / self.total:.0%})"
        text += f" | {changed:,} changed | {rate:,.0f} pages/s"
        if rate > 0 and self.total > pages:
            text += f" | ETA {eta((self.total - pages) / rate)}"
        self.live.show(text)


def _reparse_shard(
    db: str,
    shard: tuple[int, int] | None,
    options: dict[str, Any],
    lock: object,
    progress: Callable[[ReparseReport], None] | None = None,
) -> Any:
    """One process's part of the reparse (all of it with ``shard=None``), checking the
    command's ``lock`` (the lock itself, or its holder in a worker process) before each
    write."""
    from knotcrawl.db import Archive
    from knotcrawl.pages import PARSER_VERSION, parse_article

    if progress is None and shard is not None and _COUNTS is not None:
        progress = partial(_count, shard[0])
    with Archive.open(db) as archive:
        if shard is not None and _PARENT is not None:
            lock = _WorkerLock(archive, lock, _PARENT)
        return archive.reparse(
            parse_article, PARSER_VERSION, shard=shard, progress=progress, lock=lock, **options
        )


# A worker's pages and changes so far, at [2k] and [2k + 1] for worker k (shared memory the
# command reads for its progress line), or None without a progress line.
_COUNTS: Any = None
# The command's process id, given to a worker process when it starts.
_PARENT: int | None = None


class _WorkerLock:
    """The command's lock as a worker process checks it before each write: the command must
    still be its parent, and (PostgreSQL) still hold the lock. A command killed by SIGKILL or
    the OOM killer cannot stop its workers, and they live on, reparented; on SQLite the
    file lock died with the command, so they would go on writing, lockless, beside the next
    reparse. Now each stops before its next batch."""

    def __init__(self, archive: Any, held: object, parent: int) -> None:
        self.archive = archive
        self.held = held
        self.parent = parent

    def check(self) -> None:
        from knotcrawl.errors import LockLost

        if os.getppid() != self.parent:
            raise LockLost(
                f"the reparse command (pid {self.parent}) that started this worker is gone: "
                "it stops; run the reparse again to resume"
            )
        if self.held is not None:
            self.archive.check_lock(self.held)


def _start_worker(counts: Any, parent: int) -> None:
    """Record what a worker process needs: the shared counts and the command's pid (given,
    not read with getppid(): a command killed while the worker starts has no pid to read)."""
    global _COUNTS, _PARENT
    _COUNTS = counts
    _PARENT = parent
    # Ctrl-C reaches every process of the group; the command stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _count(k: int, report: ReparseReport) -> None:
    _COUNTS[2 * k] = report.pages + report.revision_pages
    _COUNTS[2 * k + 1] = report.changed + report.revisions_changed


def _reparse_worker(
    results: Connection,
    db: str,
    shard: tuple[int, int],
    options: dict[str, Any],
    held: LockHolder | None,
    counts: Any,
    parent: int,
) -> None:
    """A worker process: its shard's report, or the error that stopped it, sent to the
    command on ``results``. Without a word when the command is gone: nobody would read it."""
    _start_worker(counts, parent)
    outcome: tuple[bool, Any]
    try:
        outcome = (True, _reparse_shard(db, shard, options, held))
    except Exception as exc:  # raised in the command, as if its own process had met it
        outcome = (False, exc)
    try:
        payload = pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
    except Exception:  # an error that does not pickle: its type and text
        error = RuntimeError(f"{type(outcome[1]).__name__}: {outcome[1]}")
        payload = pickle.dumps((False, error), pickle.HIGHEST_PROTOCOL)
    # The command died (SIGKILL, the OOM killer) while this worked: nobody to tell.
    with contextlib.suppress(BrokenPipeError):
        results.send_bytes(payload)


def _died(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        with contextlib.suppress(ValueError):
            return signal.Signals(-exitcode).name
    return f"exit status {exitcode}"


def _reparse_in_processes(
    db: str,
    workers: int,
    options: dict[str, Any],
    held: LockHolder | None,
    check: Callable[[], None],
    line: ReparseProgress | None,
) -> Any:
    """``workers`` processes, each reparsing the raw pages whose id is its number modulo
    ``workers``; their reports added up. The command holds the reparse lock meanwhile: the
    workers check it before each write through ``held``, the command with ``check``.

    One process per shard, each with its own pipe back, so that the command sees a worker
    that died without a report (the OOM killer): its pipe ends. (multiprocessing.Pool lost
    such a worker's task and waited for it for ever, holding the lock.)"""
    import multiprocessing
    from multiprocessing.connection import wait

    # spawn, not fork: this process has an open database connection and holds the lock.
    context = multiprocessing.get_context("spawn")
    counts = context.Array("q", 2 * workers, lock=False) if line is not None else None
    started: list[tuple[Connection, Any]] = []
    # The workers not heard from yet, by the receiving end of their pipe: (number, process).
    waiting: dict[Connection, tuple[int, Any]] = {}
    reports: dict[int, Any] = {}
    try:
        for k in range(workers):
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(
                target=_reparse_worker,
                args=(sender, db, (k, workers), options, held, counts, os.getpid()),
                name=f"knotcrawl-reparse-{k}",
                daemon=True,
            )
            process.start()
            sender.close()  # the worker holds the only sending end: its death ends the pipe
            started.append((receiver, process))
            waiting[receiver] = (k, process)
        while waiting:
            for ready in wait(list(waiting), 1.0):
                receiver = cast("Connection", ready)
                k, process = waiting.pop(receiver)
                try:
                    done, outcome = pickle.loads(receiver.recv_bytes())
                except EOFError:
                    process.join()
                    raise KnotcrawlError(
                        f"a reparse worker process died ({_died(process.exitcode)}); the "
                        "pages not written yet are still to do: run the reparse again to "
                        "resume"
                    ) from None
                if not done:
                    raise outcome
                reports[k] = outcome
            if line is not None and counts is not None:
                line.show(sum(counts[0::2]), sum(counts[1::2]), force=True)
            # The lock's session is otherwise idle for the whole run: asking keeps the server
            # from ending it (idle_session_timeout), and a lost lock stops every worker now.
            check()
    except BaseException:
        # Ctrl-C, SIGTERM, a lost lock, a failed or dead worker: every worker stops now (a
        # batch not committed is rolled back).
        for _, process in started:
            process.kill()
        raise
    finally:
        for receiver, process in started:
            process.join()
            receiver.close()
    total = reports[0]
    for k in range(1, workers):
        total.add(reports[k])
    return total
