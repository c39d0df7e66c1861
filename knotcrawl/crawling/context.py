"""The state one crawl shares between its spider, pipelines and the command line.

A :class:`CrawlContext` owns the archive connection, the lock, the job frontier, the run's row
in the crawl-runs ledger and the counters of the summary line. The command line opens it before
Scrapy starts (so a held lock exits with status 75 at once); ``scrapy crawl`` opens it from the
spider. Either way the context closes itself when the spider closes.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
import time
import weakref
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from knotcrawl.crawling.frontier import Frontier, job_key
from knotcrawl.crawling.options import CrawlOptions
from knotcrawl.errors import KnotcrawlError, LockLost, UsageError
from knotcrawl.moscow import utc_iso
from knotcrawl.terminal import clear_live_line

logger = logging.getLogger(__name__)

# Exit statuses (docs/crawling.md).
OK, FAILURES, USAGE, DRIFT, LOCKED, INTERRUPTED = 0, 1, 2, 3, 75, 130
DRIFT_THRESHOLD = 0.05
LOCK_NAME = "crawl"
# The error of a URL that robots.txt refuses, in the crawl-errors table (migration 0008 reads
# rows with this text as refusals).
ROBOTS_REFUSAL = "forbidden by robots.txt"

_CONTEXTS: weakref.WeakKeyDictionary[Any, CrawlContext] = weakref.WeakKeyDictionary()


def attach(crawler: Any, context: CrawlContext) -> None:
    _CONTEXTS[crawler] = context


def context_of(crawler: Any) -> CrawlContext | None:
    return _CONTEXTS.get(crawler)


def one_line(exc: BaseException) -> str:
    """An error as the user needs it: a database's own message (without SQLAlchemy's SQL and
    background link), any other error with its type."""
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    if not isinstance(exc, STORAGE_ERRORS):
        return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return lines[0] if lines else type(orig).__name__


# Errors of the archive or the job file: nothing more can be stored, so the crawl stops.
# A lost archive lock too: another process may be writing.
STORAGE_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error, SQLAlchemyError, LockLost)


def stop_crawl(crawler: Any, exc: BaseException) -> None:
    """A write to the archive or the job failed (a full disk, a lost database server): close
    the spider now, with reason ``storage_error``. What was not stored is still pending in the
    job, so the run exits 1 and running the same command again resumes it."""
    message = f"cannot store the crawl: {one_line(exc)}"
    context = context_of(crawler)
    if context is not None:
        if context.fatal is not None:
            return
        context.fatal = message
    logger.error("%s", message, exc_info=exc)
    if crawler.stats is not None:
        crawler.stats.inc_value("knotcrawl/storage_error")
    engine = getattr(crawler, "engine", None)
    if engine is None or getattr(engine, "spider", None) is None:
        return
    from scrapy.utils.defer import deferred_from_coro

    closing = deferred_from_coro(engine.close_spider_async(reason="storage_error"))
    closing.addErrback(lambda f: logger.error("could not stop the crawl: %s", f.getErrorMessage()))


def default_job_dir() -> Path:
    try:
        from knotcrawl.db.engine import data_dir

        return Path(data_dir()) / "jobs"
    except Exception:  # the archive package not ready: the project's data directory
        return Path("data") / "jobs"


@dataclass(slots=True)
class RunResult:
    status: int
    counts: dict[str, int]
    requests: int
    duration: float
    reason: str
    summary: str


def run_origin(arguments: dict[str, Any]) -> str | None:
    """What a ledger row's run crawled: ``replica`` or ``site`` (``None``: it does not say).
    Runs from before the ledger said so are told by their base URLs: the replica's are
    ``http://``, the real sites' ``https://``."""
    flag = arguments.get("replica")
    if flag is not None:
        return "replica" if flag else "site"
    bases = [str(b) for b in (arguments.get("base") or {}).values()]
    if not bases:
        return None
    return "replica" if all(b.startswith("http://") for b in bases) else "site"


def check_origin(archive: Any, *, replica: bool) -> None:
    """Refuse to mix the replica's generated articles and the real sites' in one archive.
    They share URLs and ids, so each would be stored as an edit of the other: a demo run on
    a real archive would make generated text the current version of real articles, and a
    real crawl into the quick start's archive (the default one) would mix the two."""
    mine = "replica" if replica else "site"
    for run_id, arguments in archive.ledger():
        origin = run_origin(arguments)
        if origin is None or origin == mine:
            continue
        if replica:
            raise UsageError(
                f"{archive.url} is an archive of the real sites (run {run_id}): the replica's "
                "generated articles would replace real ones as edits; give the replica crawl "
                "or the demo an archive of its own (--db demo.sqlite)"
            )
        raise UsageError(
            f"{archive.url} holds the replica's generated articles (run {run_id}: `knotcrawl "
            "demo` or a --replica crawl); a crawl of the real sites would mix real and "
            "generated articles: give it another --db, or remove this archive first"
        )


class CrawlContext:
    def __init__(self, options: CrawlOptions, *, summary_stream: Any = None) -> None:
        self.options = options
        self.archive: Any = None
        self.frontier: Frontier | None = None
        self.run_id: Any = None
        self.counts: Counter[str] = Counter()
        self.started = time.monotonic()
        self.result: RunResult | None = None
        self.summary_stream = summary_stream if summary_stream is not None else sys.stdout
        self._lock: Any = None
        self.error_urls: set[str] = set()
        # URLs robots.txt refused before this run, and since when: asked for again, since
        # robots.txt may allow them now, but no failure while the refusal stands (cron would
        # mail every hour about what nobody can fix).
        self.refused_before: dict[str, datetime] = {}
        # URLs robots.txt refused in this run, and since when (the summary line says).
        self.refused: dict[str, datetime] = {}
        self.failed_before = 0
        # Why this run's requests failed ("HTTP 503", "ConnectionRefusedError"…), for the
        # one stderr line that says so at the end (the log has every URL).
        self.failure_kinds: Counter[str] = Counter()
        # Why the crawl stopped early when a write to the archive or the job failed.
        self.fatal: str | None = None
        # Why the spider could not read its first requests (Scrapy's reason "start_error"),
        # or why Scrapy could not run the crawl at all (reason "failed").
        self.start_failure: str | None = None
        self.is_open = False
        self.key = job_key(options.mode, options.arguments(), options.database_label())

    # -- opening --------------------------------------------------------------------------

    def open(self) -> CrawlContext:
        if self.is_open:
            return self
        from knotcrawl.db import Archive

        self.archive = Archive.open(self.options.db)
        if self.options.lock:
            try:
                self._lock = self.archive.lock(LOCK_NAME)
                enter = getattr(self._lock, "__enter__", None)
                if enter is not None:
                    enter()
            except KnotcrawlError as exc:
                self.archive.close() if hasattr(self.archive, "close") else None
                if exc.status in (LOCKED, UsageError.status):  # held, or a read-only archive
                    raise
                raise KnotcrawlError(str(exc), LOCKED) from exc
        try:
            check_origin(self.archive, replica=self.options.replica)
        except UsageError:
            self._abandon()
            raise
        job_dir = self.options.job_dir or default_job_dir()
        path = Path(job_dir) / f"{self.key}.sqlite"
        try:
            if self.options.resume == "no":
                Frontier(path).remove()
            self.frontier = Frontier(path)
        except (sqlite3.Error, OSError) as exc:  # a full disk, a file that is not a job
            self._abandon()
            raise KnotcrawlError(f"cannot write the crawl job {path}: {exc}") from None
        if self.options.resume == "yes" and not self.frontier.resumed:
            logger.info("nothing to resume for this job: starting it afresh")
        # Requests of this job that failed before it was interrupted: still failed (their
        # URLs are in the crawl-errors table for the next run), so the summary counts them.
        self.failed_before = self.frontier.count("failed") if self.frontier.resumed else 0
        # URLs in the crawl-errors table: a stored page clears its row (no write otherwise).
        errors = self.archive.open_errors()
        self.error_urls = {e.url for e in errors}
        self.refused_before = {e.url: e.refused_since for e in errors if e.refused_since}
        if self._lock is not None:
            self.archive.end_stale_runs()  # no other crawl can be running: we hold the lock
        # The ledger keeps the run's own time as well (not part of the job key): the next
        # update rechecks from it (Archive.last_update_time); and whether it crawled the
        # replica (check_origin).
        ledger = {
            **self.options.arguments(),
            "now": self.options.current_time().isoformat(),
            "replica": self.options.replica,
        }
        self.run_id = self.archive.start_run(self.options.mode, ledger)
        self.started = time.monotonic()
        self.is_open = True
        return self

    @property
    def resumed(self) -> bool:
        return bool(self.frontier and self.frontier.resumed)

    def check_lock(self) -> None:
        """Raise ``LockLost`` when this run no longer holds the archive's crawl lock (checked
        before every write of stored articles, so a run that lost it writes no more)."""
        if self._lock is not None:
            self.archive.check_lock(self._lock)

    def clear_error(self, url: str | None) -> None:
        if url and url in self.error_urls:
            self.archive.clear_error(url)
            self.error_urls.discard(url)

    def record_error(
        self,
        url: str,
        error: str,
        edition: str | None,
        article_id: int | None,
        retry: dict[str, Any] | None = None,
        *,
        refused: bool = False,
    ) -> None:
        self.archive.record_error(url, error, edition, article_id, retry, refused=refused)
        self.error_urls.add(url)

    def fail(
        self,
        key: str | None,
        url: str,
        error: str,
        edition: str | None,
        article_id: int | None,
        *,
        refused: bool = False,
    ) -> bool:
        """A request failed for good in this run: its URL goes to the crawl-errors table (the
        next run fetches it again, carrying on a listing's walk, and giving an article the
        sections and lead this run saw), the run counts a failure, the job marks it failed.
        ``refused``: robots.txt refused it. A refusal that stood before this run is no
        failure: its row stays (since when it is refused, for ``knotcrawl stats``), the
        summary line counts it, and the job marks it ``refused``. False for that one. A URL
        named on the command line (``crawl URL|ID``) fails every run: it is what was asked."""
        standing = refused and url in self.refused_before and self.options.mode != "articles"
        if self.archive is not None:
            retry = self.frontier.retry_of(key) if self.frontier is not None and key else None
            self.record_error(url, error, edition, article_id, retry, refused=refused)
        if refused:
            self.refused[url] = self.refused_before.get(url) or datetime.now(UTC)
        if standing:
            if self.frontier is not None and key is not None:
                self.frontier.mark(key, "refused")
            return False
        self.count("failed")
        self.failure_kinds[error.split(":", 1)[0].strip()[:60] or "error"] += 1
        if self.frontier is not None and key is not None:
            self.frontier.mark(key, "failed")
        return True

    # -- counting -------------------------------------------------------------------------

    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] += n

    def save_progress(self, requests: int) -> None:
        """The counts so far into the run's ledger row (after each stored batch)."""
        if self.archive is not None and self.run_id is not None:
            self.archive.run_progress(self.run_id, self._totals(), requests)

    def _totals(self) -> dict[str, int]:
        counts = {
            name: int(self.counts[name])
            for name in (
                "new",
                "updated",
                "unchanged",
                "gone",
                "gaps",
                "failed",
                "listings",
                "parsed",
                "missing_fields",
                "text_only",
            )
        }
        counts["failed"] += self.failed_before
        return counts

    def drift_ratio(self) -> float:
        parsed = self.counts["parsed"] + self.counts["missing_fields"]
        if not parsed:
            return 0.0
        return (self.counts["missing_fields"] + self.counts["text_only"]) / parsed

    # -- closing --------------------------------------------------------------------------

    def close(self, reason: str, requests: int) -> RunResult:
        if self.result is not None:
            return self.result
        duration = time.monotonic() - self.started
        # A failed write may come last (the final batch, while closing): then the crawl did
        # not finish, whatever Scrapy says, and its job is kept for the next run.
        finished = reason == "finished" and self.fatal is None
        if reason in ("shutdown", "cancelled"):
            status = INTERRUPTED
        elif not finished:
            status = FAILURES
        elif self.drift_ratio() > DRIFT_THRESHOLD:
            status = DRIFT
        elif self.counts["failed"] or self.failed_before:
            status = FAILURES
        else:
            status = OK
        counts = self._totals()
        run_status = {OK: "ok", FAILURES: "failures", DRIFT: "drift"}.get(status, "interrupted")
        summary = (
            f"knotcrawl {self.options.mode}: new={counts['new']} updated={counts['updated']} "
            f"unchanged={counts['unchanged']} gone={counts['gone']} gaps={counts['gaps']} "
            f"failed={counts['failed']} "
            f"requests={requests} duration={duration:.1f}s"
        )
        if self.refused:
            since = utc_iso(min(self.refused.values()))
            summary += f" robots-refused={len(self.refused)} (since {since} at the longest)"
        if status == DRIFT:
            summary += f" layout-drift={self.drift_ratio():.0%}"
        if self.fatal is not None:
            summary += f" stopped: {self.fatal} (run again to resume)"
        elif status == INTERRUPTED:
            summary += " interrupted (run again to resume)"
        elif not finished:
            cause = f": {self.start_failure}" if self.start_failure else ""
            summary += f" stopped: {reason}{cause} (run again to resume)"
        try:
            if self.archive is not None and self.run_id is not None:
                self.archive.finish_run(self.run_id, run_status, counts, requests)
        except Exception as exc:  # the ledger must not hide the crawl's own result
            logger.error("could not finish the crawl-runs ledger row: %s", one_line(exc))
        if self.frontier is not None:
            if finished and self._keep_context_of_failures():
                self.frontier.remove()
            else:
                self.frontier.close()
        self._release()
        self.result = RunResult(status, counts, requests, duration, reason, summary)
        clear_live_line()
        print(summary, file=self.summary_stream, flush=True)
        if self.fatal is not None:
            print(
                f"knotcrawl {self.options.mode}: {self.fatal}; what was not stored is still "
                "queued, and running the same command again resumes the job",
                file=sys.stderr,
                flush=True,
            )
        elif status == FAILURES and not finished and reason == "start_error":
            cause = self.start_failure or "see the log"
            print(
                f"knotcrawl {self.options.mode}: could not read the crawl's first requests "
                f"({cause}); running the same command again resumes the job",
                file=sys.stderr,
                flush=True,
            )
        elif status == FAILURES and not finished and self.start_failure:
            print(
                f"knotcrawl {self.options.mode}: the crawl could not run ({self.start_failure}; "
                "the log has the traceback); once that is fixed, running the same command "
                "again resumes the job",
                file=sys.stderr,
                flush=True,
            )
        elif self.failure_kinds:
            kinds = ", ".join(f"{n} {kind}" for kind, n in self.failure_kinds.most_common(3))
            more = ", …" if len(self.failure_kinds) > 3 else ""
            failed = sum(self.failure_kinds.values())
            refusals = (
                "; while robots.txt refuses a URL, later runs ask for it again without failing"
                if ROBOTS_REFUSAL in self.failure_kinds
                else ""
            )
            print(
                f"knotcrawl {self.options.mode}: {failed} URL{'' if failed == 1 else 's'} "
                f"failed ({kinds}{more}); they are in the crawl-errors table (knotcrawl stats) "
                f"and the next run fetches them again{refusals}",
                file=sys.stderr,
                flush=True,
            )
        older = self.counts["older_than_archive"]
        if older:  # by design, but a partly filled archive would otherwise miss them unseen
            print(
                f"knotcrawl {self.options.mode}: {older} listing or feed item"
                f"{'' if older == 1 else 's'} missing from the archive but older than its "
                "newest articles were not fetched: an update does not backfill "
                "(knotcrawl crawl --since DATE does)",
                file=sys.stderr,
                flush=True,
            )
        return self.result

    def _keep_context_of_failures(self) -> bool:
        """Before a finished job's file goes: the listing context it saved for articles whose
        request failed goes into their crawl-errors rows. A listing read after the failure
        (another section, later in the run) saved its section only in the job, and the next
        run's retry stores the article with what the row says. False when that cannot be
        written (the job is then kept, and the next run of it tries again)."""
        assert self.frontier is not None
        try:
            failed = list(self.frontier.failed_articles())
            rows = {e.url: e.retry for e in self.archive.open_errors()} if failed else {}
            for key, spec in failed:
                retry = self.frontier.retry_of(key)
                if spec.url in rows and rows[spec.url] != retry:
                    self.archive.set_error_retry(spec.url, retry)
        except STORAGE_ERRORS as exc:
            logger.error("could not keep the listing context of failed articles: %s", one_line(exc))
            return False
        return True

    def _abandon(self) -> None:
        """Give back what :meth:`open` took before it failed: the lock, then the archive."""
        self._release()
        if hasattr(self.archive, "close"):
            self.archive.close()

    def _release(self) -> None:
        lock, self._lock = self._lock, None
        if lock is None:
            return
        try:
            if hasattr(lock, "__exit__"):
                lock.__exit__(None, None, None)
            elif hasattr(lock, "release"):
                lock.release()
        except Exception:
            logger.exception("could not release the crawl lock")

    def abort(self) -> None:
        """Release what :meth:`open` took when the crawl never started."""
        if self.frontier is not None:
            self.frontier.close()
        self._release()
