"""Article pages into records for the spiders: in the crawl's process, or in worker processes.

Scrapy runs in one thread, and the GIL keeps a thread from parsing beside it; a crawl without
politeness delays (a mirror, the replica) is bound by that one core. With
``KNOTCRAWL_PARSE_WORKERS = N`` the page objects run in N worker processes, so extraction uses
the other cores while Scrapy fetches and the pipelines store. The default, 0, parses in the
crawl's process: polite crawls of the real sites fetch a page a second and gain nothing from
an extra process.

Either way the same function turns a page into a :class:`ParsedArticle`, so the result does
not depend on where it ran. A worker that dies (a crash, the kernel's OOM killer) breaks the
pool; the page it held and every later page are then parsed in the crawl's process, and the
run says so in the log and in ``knotcrawl/parse/workers_lost``.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from knotcrawl.record import ArticleRecord

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class ParsedArticle:
    """A page's record and the cascade level of each field, or why there is no record:
    ``failure`` is ``missing_fields`` or ``not_an_article`` with ``message`` (exceptions with
    their own constructors do not cross a process boundary intact, so a failure is data)."""

    record: ArticleRecord | None
    sources: dict[str, str] = field(default_factory=dict)
    failure: str | None = None
    message: str = ""


def parse_article_response(body: bytes, url: str, headers: Mapping[str, str]) -> ParsedArticle:
    """The record of a fetched article page (no I/O; runs in a worker or in the crawl)."""
    from knotcrawl.pages import ArticlePage, MissingFields, NotAnArticle

    try:
        page = ArticlePage(body, url, headers)
        record = page.to_record()
        return ParsedArticle(record, page.sources)
    except MissingFields as exc:
        return ParsedArticle(None, failure="missing_fields", message=f"missing fields: {exc}")
    except NotAnArticle as exc:
        return ParsedArticle(None, failure="not_an_article", message=f"not an article: {exc}")


def _worker_start(parent: int) -> None:
    # Ctrl-C reaches the whole process group; the crawl decides how to stop, not the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    # Import the page objects now, not while the first page waits.
    import knotcrawl.pages  # noqa: F401


def _exit_with_parent(parent: int) -> None:
    """A crawl killed with SIGKILL cannot stop its workers; they stop themselves once their
    parent is gone (they would otherwise wait on the task queue for ever)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


class ArticleParser:
    """Parses article pages for a spider, with ``workers`` processes (0: in this process)."""

    def __init__(self, workers: int = 0) -> None:
        if workers < 0:
            raise ValueError("KNOTCRAWL_PARSE_WORKERS must be 0 or more")
        self.workers = workers
        self.workers_lost = False
        self._pool: ProcessPoolExecutor | None = None
        if workers:
            # spawn, not fork: the crawl's process has threads and open database connections.
            self._pool = ProcessPoolExecutor(
                workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_start,
                initargs=(os.getpid(),),
            )

    async def parse(self, body: bytes, url: str, headers: Mapping[str, str]) -> ParsedArticle:
        pool = self._pool
        if pool is not None:
            try:
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(
                    pool, parse_article_response, body, url, dict(headers)
                )
            except BrokenProcessPool:
                if self._pool is pool:
                    logger.warning(
                        "a parse worker died; parsing the rest of this run in the crawl process"
                    )
                    self.workers_lost = True
                    self._pool = None
                    pool.shutdown(wait=False, cancel_futures=True)
        return parse_article_response(body, url, headers)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
