"""Article pages into records for the spiders: in the crawl's process, or in worker processes.

Scrapy runs in one thread, and the GIL keeps a thread from parsing beside it; a crawl without
politeness delays (a mirror, the replica) is bound by that one core. With
``KNOTCRAWL_PARSE_WORKERS = N`` the page objects run in N worker processes, so extraction uses
other cores while Scrapy fetches and the pipelines store; 0 parses in the crawl's process. The
default, ``auto``, is one worker when the crawl has no politeness delay (``DOWNLOAD_DELAY`` 0,
AutoThrottle off: the replica, a fast mirror) on a machine with more than one core, and none
otherwise: polite crawls of the real sites fetch a page a second and would only pay for an
extra process.

Either way the same function turns a page into a :class:`ParsedArticle`, so the result does
not depend on where it ran. Each worker has two pipes, read and written by the crawl's asyncio
loop without blocking it and without helper threads (``concurrent.futures`` spent as much of
the crawl's time on its queue threads as the parsing it moved away). A worker that dies (a
crash, the kernel's OOM killer) loses nothing: the pages it held are parsed in the crawl's
process, as is every later page once no worker is left; the log says so and the stats carry
``knotcrawl/parse/workers_lost``. A worker stops when its task pipe closes, which happens when
the crawl ends or dies, SIGKILL included, or, without a word, when the crawl died while it
parsed a page and its answer finds nobody to read it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import multiprocessing
import os
import pickle
import signal
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from knotcrawl.errors import UsageError
from knotcrawl.record import ArticleRecord

logger = logging.getLogger(__name__)

# multiprocessing.Connection's framing (a big-endian length, then the bytes) for messages under
# 2 GiB, so the worker reads and writes with Connection.recv_bytes/send_bytes.
_FRAME = struct.Struct("!i")


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


def workers_from_settings(settings: Any) -> int:
    """``KNOTCRAWL_PARSE_WORKERS``: a count, or ``auto`` (see the module's docstring)."""
    value = settings.get("KNOTCRAWL_PARSE_WORKERS", "auto")
    if str(value).strip().lower() == "auto":
        unthrottled = settings.getfloat("DOWNLOAD_DELAY") == 0 and not settings.getbool(
            "AUTOTHROTTLE_ENABLED"
        )
        return 1 if unthrottled and (os.cpu_count() or 1) > 1 else 0
    try:
        workers = int(value)
    except (TypeError, ValueError):
        workers = -1
    if workers < 0:
        raise UsageError(f"KNOTCRAWL_PARSE_WORKERS: {value!r} is not a count of 0 or more, or auto")
    return workers


class WorkerError(RuntimeError):
    """An unexpected error of the page objects in a worker (a bug), raised in the crawl as it
    would have been raised there."""


def _serve(tasks: Connection, results: Connection) -> None:
    """A worker: parse pages until the task pipe closes."""
    # Ctrl-C reaches the whole process group; the crawl decides how to stop, not the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import knotcrawl.pages  # noqa: F401  (before the first page, not while it waits)

    while True:
        try:
            task_id, body, url, headers = pickle.loads(tasks.recv_bytes())
        except (EOFError, OSError):
            return
        outcome: Any
        try:
            outcome = parse_article_response(body, url, headers)
        except Exception as exc:  # sent back and raised in the crawl, as if parsed there
            outcome = WorkerError(f"{type(exc).__name__}: {exc} (parsing {url})")
        try:
            results.send_bytes(pickle.dumps((task_id, outcome), pickle.HIGHEST_PROTOCOL))
        except BrokenPipeError:  # the crawl died while this parsed: nobody to answer
            return


Task = tuple[bytes, str, dict[str, str]]


class _Worker(asyncio.Protocol):
    """One worker process and its two pipes; this protocol reads the result pipe."""

    def __init__(self, parser: ArticleParser, context: Any) -> None:
        self.parser = parser
        task_read, task_write = context.Pipe(duplex=False)
        result_read, result_write = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_serve, args=(task_read, result_write), name="knotcrawl-parse", daemon=True
        )
        self.process.start()
        # The worker holds the other ends; closing ours here is what lets it see the crawl go.
        task_read.close()
        result_write.close()
        # Our ends as plain descriptors, for asyncio's pipe transports.
        self._task_fd: int | None = os.dup(task_write.fileno())
        self._result_fd: int | None = os.dup(result_read.fileno())
        task_write.close()
        result_read.close()
        self.pending: dict[int, tuple[asyncio.Future[ParsedArticle], Task]] = {}
        self.alive = True
        self._writer: asyncio.WriteTransport | None = None
        self._reader: asyncio.ReadTransport | None = None
        self._buffer = bytearray()

    async def connect(self) -> None:
        loop = asyncio.get_running_loop()
        assert self._task_fd is not None and self._result_fd is not None
        write_pipe = os.fdopen(self._task_fd, "wb", buffering=0)
        read_pipe = os.fdopen(self._result_fd, "rb", buffering=0)
        self._task_fd = self._result_fd = None
        self._writer, _ = await loop.connect_write_pipe(asyncio.BaseProtocol, write_pipe)
        self._reader, _ = await loop.connect_read_pipe(lambda: self, read_pipe)

    def submit(self, task_id: int, task: Task) -> asyncio.Future[ParsedArticle]:
        future: asyncio.Future[ParsedArticle] = asyncio.get_running_loop().create_future()
        self.pending[task_id] = (future, task)
        assert self._writer is not None
        payload = pickle.dumps((task_id, *task), pickle.HIGHEST_PROTOCOL)
        # Buffered by the transport when the pipe is full: a large page never blocks the loop.
        self._writer.write(_FRAME.pack(len(payload)) + payload)
        return future

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        while len(buffer) >= _FRAME.size:
            (size,) = _FRAME.unpack_from(buffer)
            end = _FRAME.size + size
            if len(buffer) < end:
                return
            task_id, outcome = pickle.loads(buffer[_FRAME.size : end])
            del buffer[:end]
            future, _ = self.pending.pop(task_id)
            if isinstance(outcome, WorkerError):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.alive:
            self.parser.lose(self)

    def close(self) -> None:
        self.alive = False
        # Both pipes close now, not on the loop's next turn: the worker must read the end of
        # its task pipe before the join below (and the loop may have stopped already).
        for transport in (self._writer, self._reader):
            if transport is None:
                continue
            pipe = transport.get_extra_info("pipe")
            if not transport.is_closing():
                with contextlib.suppress(RuntimeError):  # the loop is closed
                    transport.close()
            pipe.close()
        for fd in (self._task_fd, self._result_fd):
            if fd is not None:
                os.close(fd)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


class ArticleParser:
    """Parses article pages for a spider, with ``workers`` processes (0: in this process)."""

    def __init__(self, workers: int = 0) -> None:
        if workers < 0:
            raise ValueError("KNOTCRAWL_PARSE_WORKERS must be 0 or more")
        self.workers = workers
        self.workers_lost = False
        self._workers: list[_Worker] = []
        self._started: asyncio.Future[None] | None = None
        self._ids = itertools.count()

    @property
    def worker_pids(self) -> list[int]:
        return [w.process.pid for w in self._workers if w.alive and w.process.pid is not None]

    async def parse(self, body: bytes, url: str, headers: Mapping[str, str]) -> ParsedArticle:
        if self._started is None:  # a run that parses no article starts no worker
            self._started = asyncio.ensure_future(self._start())
        await self._started
        live = [w for w in self._workers if w.alive]
        if not live:
            return parse_article_response(body, url, headers)
        worker = min(live, key=lambda w: len(w.pending))  # the one with the fewest in hand
        return await worker.submit(next(self._ids), (body, url, dict(headers)))

    async def _start(self) -> None:
        # spawn, not fork: the crawl's process has threads and open database connections.
        context = multiprocessing.get_context("spawn")
        self._workers = [_Worker(self, context) for _ in range(self.workers)]
        for worker in self._workers:
            await worker.connect()

    def lose(self, worker: _Worker) -> None:
        """A worker died: parse what it held here; later pages go to the others, or here."""
        worker.alive = False
        self.workers_lost = True
        logger.warning(
            "parse worker %s died; its %d pages and, with no worker left, every later page "
            "are parsed in the crawl process",
            worker.process.pid,
            len(worker.pending),
        )
        pending, worker.pending = worker.pending, {}
        for future, task in pending.values():
            if not future.done():
                try:
                    future.set_result(parse_article_response(*task))
                except Exception as exc:  # raised where the page is awaited
                    future.set_exception(exc)

    def close(self) -> None:
        for worker in self._workers:
            worker.close()
