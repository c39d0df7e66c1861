"""Run one crawl from the command line: settings, logging, the Scrapy process, the exit status."""

from __future__ import annotations

import logging
import logging.handlers
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from knotcrawl.crawling.context import CrawlContext, one_line
from knotcrawl.crawling.options import FAST_SETTINGS, CrawlOptions
from knotcrawl.crawling.parsing import workers_from_settings
from knotcrawl.errors import Terminated, UsageError
from knotcrawl.files import file_write_error, folder_write_error, reason
from knotcrawl.terminal import clear_live_line

logger = logging.getLogger(__name__)

LOG_MAX_BYTES = 5 * 1024 * 1024
LOG_BACKUPS = 5


def spider_class(mode: str) -> type:
    from knotcrawl.spiders.articles import ArticlesSpider
    from knotcrawl.spiders.ids import IdsSpider
    from knotcrawl.spiders.range import RangeSpider
    from knotcrawl.spiders.sections import SectionsSpider
    from knotcrawl.spiders.update import UpdateSpider

    classes: dict[str, type] = {
        "update": UpdateSpider,
        "range": RangeSpider,
        "ids": IdsSpider,
        "sections": SectionsSpider,
        "articles": ArticlesSpider,
    }
    return classes[mode]


def parse_overrides(pairs: list[str] | None) -> dict[str, str]:
    """``-s NAME=VALUE`` pairs."""
    out: dict[str, str] = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"bad -s {pair!r}: expected NAME=VALUE")
        out[name.strip()] = value
    return out


def build_settings(options: CrawlOptions, overrides: dict[str, Any] | None = None) -> Any:
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("knotcrawl.settings", priority="project")
    if options.replica:
        settings.setdict(FAST_SETTINGS, priority="project")
    check_setting_types(settings, overrides or {})
    settings.setdict(overrides or {}, priority="cmdline")
    workers_from_settings(settings)  # a bad value is a usage error now, not a failed run
    check_stats_file(settings.get("KNOTCRAWL_STATS_FILE"))
    return settings


def check_setting_types(defaults: Any, overrides: dict[str, Any]) -> None:
    """``-s NAME=VALUE`` of a yes/no or number setting must read as one. Scrapy reads settings
    only as the crawl starts, where a typo was a traceback or a run that stopped with status 1
    and nothing on stderr (cron's "failures, retried next run"). A whole number where Scrapy
    wants one (``CONCURRENT_REQUESTS=1.5``) is not told from a float here: that crawl stops
    with status 1 and says why on stderr."""
    from scrapy.settings import BaseSettings

    for name, value in overrides.items():
        default = defaults.get(name)
        try:
            if isinstance(default, bool):
                BaseSettings({name: value}).getbool(name)
            elif isinstance(default, int | float):
                float(value)
        except ValueError:
            kind = "true or false" if isinstance(default, bool) else "a number"
            raise UsageError(f"-s {name}={value!r}: not {kind} (default {default!r})") from None


def check_stats_file(path: str | None) -> None:
    """``KNOTCRAWL_STATS_FILE`` is written when the crawl ends: one that cannot be written was
    a finished crawl reported as stopped (status 1, its job kept). Refused before instead."""
    if not path:
        return
    file = Path(path).expanduser()
    if file.is_dir():
        raise UsageError(f"KNOTCRAWL_STATS_FILE {path}: a directory, not a file")
    error = file_write_error(file) if file.exists() else folder_write_error(file.parent)
    if error is not None:
        raise UsageError(f"KNOTCRAWL_STATS_FILE {path}: cannot write it ({reason(error)})")


class _OneLine(logging.Formatter):
    """The console gets one line per message; tracebacks go to the log file only."""

    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname}: {record.getMessage()}"


class _Console(logging.StreamHandler):
    """stderr, with the progress line cleared before each message."""

    def emit(self, record: logging.LogRecord) -> None:
        clear_live_line()
        super().emit(record)


def setup_logging(settings: Any, log_dir: Path | None = None, verbose: bool = False) -> Path:
    """Scrapy's log to ``data/logs/knotcrawl.log`` (rotated); stderr only on a terminal."""
    from knotcrawl.crawling.context import default_job_dir

    log_dir = log_dir or default_job_dir().parent / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "knotcrawl.log"
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_knotcrawl", False):
            root.removeHandler(handler)
            handler.close()
    named = logging.getLevelName(str(settings.get("LOG_LEVEL", "INFO")))
    level = named if isinstance(named, int) else logging.INFO
    root.setLevel(level)
    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
    )
    file_handler.setFormatter(
        logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    )
    file_handler.setLevel(level)
    file_handler._knotcrawl = True  # type: ignore[attr-defined]
    root.addHandler(file_handler)
    if verbose or sys.stderr.isatty():
        console = _Console(sys.stderr)
        console.setLevel(max(level, logging.INFO) if verbose else logging.ERROR)
        console.setFormatter(_OneLine())
        console._knotcrawl = True  # type: ignore[attr-defined]
        root.addHandler(console)
    return path


def run_crawl(
    options: CrawlOptions,
    overrides: dict[str, Any] | None = None,
    *,
    verbose: bool = False,
    log_dir: Path | None = None,
    summary_stream: Any = None,
) -> int:
    """Run one crawl to its end in this process; return the exit status (docs/crawling.md).

    The crawl context (archive, lock, job frontier, ledger row) is opened before Scrapy
    starts, so a held lock exits with status 75 at once."""
    from scrapy.crawler import AsyncCrawlerProcess

    settings = build_settings(options, overrides)
    setup_logging(settings, log_dir, verbose)
    context = CrawlContext(options, summary_stream=summary_stream).open()
    interrupted: list[int] = []
    crawler: Any = None
    task: Any = None
    try:
        process = AsyncCrawlerProcess(settings)
        crawler = process.create_crawler(spider_class(options.mode))
        task = process.crawl(crawler, context=context)
        _note_signals(interrupted)
        process.start()
    except KeyboardInterrupt:  # Ctrl-C before _note_signals took over
        interrupted.append(signal.SIGINT)
    except Terminated:  # SIGTERM before _note_signals took over (the command line's handler)
        interrupted.append(signal.SIGTERM)
    finally:
        if context.result is None:  # the crawl never ran to its spider_closed signal
            # A second Ctrl-C stops the reactor before the spider closes: still an
            # interruption (the job is kept), not a failure.
            stats = getattr(crawler, "stats", None)
            requests = int(stats.get_value("downloader/request_count", 0) or 0) if stats else 0
            error = _crawl_error(task)
            if error is not None and not interrupted:
                # Scrapy could not run the crawl (a setting it cannot read): the log gets
                # the traceback, the summary and the stderr line its cause.
                logger.error("the crawl could not run", exc_info=error)
                context.start_failure = one_line(error)
            context.close("shutdown" if interrupted else "failed", requests)
        if interrupted:
            # The crawl is over and its job kept: a further Ctrl-C while the process exits
            # (the reactor gone, Python's default handler back) must not turn status 130
            # into a KeyboardInterrupt.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    assert context.result is not None
    return context.result.status


def _crawl_error(task: Any) -> BaseException | None:
    """The exception that ended Scrapy's crawl task, if it ended with one."""
    if task is None or not task.done() or task.cancelled():
        return None
    error: BaseException | None = task.exception()
    return error


def _note_signals(received: list[int]) -> None:
    """Make ``received`` tell whether a stop was asked for, from now to the reactor's end.

    Until Scrapy installs its SIGINT/SIGTERM handlers (an "after startup" trigger that
    ``process.start()`` adds), a signal stops the reactor: the crawl has not begun. Scrapy's
    handlers are then wrapped by a trigger added behind theirs, so that no signal falls
    between the two (one that did was a graceful stop the exit status called a failure)."""
    from twisted.internet import reactor as installed

    reactor: Any = installed  # the interfaces' stubs type its methods without self

    def stop(number: int, frame: Any) -> None:
        received.append(number)
        reactor.callFromThread(_stop_reactor, reactor)

    def wrap() -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous = signal.getsignal(signum)
            if not callable(previous):
                continue

            def handler(number: int, frame: Any, previous: Callable[..., Any] = previous) -> None:
                received.append(number)
                previous(number, frame)

            signal.signal(signum, handler)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop)
    # Runs among the "after startup" triggers, before Scrapy's (added later, by start()): the
    # trigger it adds runs right after Scrapy's.
    reactor.callWhenRunning(reactor.addSystemEventTrigger, "after", "startup", wrap)


def _stop_reactor(reactor: Any) -> None:
    if reactor.running:
        reactor.stop()
