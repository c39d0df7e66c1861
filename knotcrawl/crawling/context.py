"""The state one crawl shares between its spider, pipelines and the command line.

A :class:`CrawlContext` owns the archive connection, the lock, the job frontier, the run's row
in the crawl-runs ledger and the counters of the summary line. The command line opens it before
Scrapy starts (so a held lock exits with status 75 at once); ``scrapy crawl`` opens it from the
spider. Either way the context closes itself when the spider closes.
"""

from __future__ import annotations

import logging
import sys
import time
import weakref
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knotcrawl.crawling.frontier import Frontier, job_key
from knotcrawl.crawling.options import CrawlOptions
from knotcrawl.errors import KnotcrawlError

logger = logging.getLogger(__name__)

# Exit statuses (docs/crawling.md).
OK, FAILURES, USAGE, DRIFT, LOCKED, INTERRUPTED = 0, 1, 2, 3, 75, 130
DRIFT_THRESHOLD = 0.05
LOCK_NAME = "crawl"

_CONTEXTS: weakref.WeakKeyDictionary[Any, CrawlContext] = weakref.WeakKeyDictionary()


def attach(crawler: Any, context: CrawlContext) -> None:
    _CONTEXTS[crawler] = context


def context_of(crawler: Any) -> CrawlContext | None:
    return _CONTEXTS.get(crawler)


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
                if exc.status == LOCKED:
                    raise
                raise KnotcrawlError(str(exc), LOCKED) from exc
        job_dir = self.options.job_dir or default_job_dir()
        path = Path(job_dir) / f"{self.key}.sqlite"
        if self.options.resume == "no":
            Frontier(path).remove()
        self.frontier = Frontier(path)
        if self.options.resume == "yes" and not self.frontier.resumed:
            logger.info("nothing to resume for this job: starting it afresh")
        # URLs in the crawl-errors table: a stored page clears its row (no write otherwise).
        self.error_urls = {e.url for e in self.archive.open_errors()}
        self.run_id = self.archive.start_run(self.options.mode, self.options.arguments())
        self.started = time.monotonic()
        self.is_open = True
        return self

    @property
    def resumed(self) -> bool:
        return bool(self.frontier and self.frontier.resumed)

    def clear_error(self, url: str | None) -> None:
        if url and url in self.error_urls:
            self.archive.clear_error(url)
            self.error_urls.discard(url)

    def record_error(
        self, url: str, error: str, edition: str | None, article_id: int | None
    ) -> None:
        self.archive.record_error(url, error, edition, article_id)
        self.error_urls.add(url)

    # -- counting -------------------------------------------------------------------------

    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] += n

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
        finished = reason == "finished"
        if reason in ("shutdown", "cancelled"):
            status = INTERRUPTED
        elif not finished:
            status = FAILURES
        elif self.drift_ratio() > DRIFT_THRESHOLD:
            status = DRIFT
        elif self.counts["failed"]:
            status = FAILURES
        else:
            status = OK
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
        run_status = {OK: "ok", FAILURES: "failures", DRIFT: "drift"}.get(status, "interrupted")
        summary = (
            f"knotcrawl {self.options.mode}: new={counts['new']} updated={counts['updated']} "
            f"unchanged={counts['unchanged']} gone={counts['gone']} failed={counts['failed']} "
            f"requests={requests} duration={duration:.1f}s"
        )
        if status == DRIFT:
            summary += f" layout-drift={self.drift_ratio():.0%}"
        if status == INTERRUPTED:
            summary += " interrupted (run again to resume)"
        elif not finished:
            summary += f" stopped: {reason} (run again to resume)"
        try:
            if self.archive is not None and self.run_id is not None:
                self.archive.finish_run(self.run_id, run_status, counts, requests)
        except Exception:  # the ledger must not hide the crawl's own result
            logger.exception("could not finish the crawl-runs ledger row")
        if self.frontier is not None:
            if finished:
                self.frontier.remove()
            else:
                self.frontier.close()
        self._release()
        self.result = RunResult(status, counts, requests, duration, reason, summary)
        print(summary, file=self.summary_stream, flush=True)
        return self.result

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
