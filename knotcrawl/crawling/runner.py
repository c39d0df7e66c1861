"""Run one crawl from the command line: settings, logging, the Scrapy process, the exit status."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path
from typing import Any

from knotcrawl.crawling.context import CrawlContext
from knotcrawl.crawling.options import FAST_SETTINGS, CrawlOptions
from knotcrawl.crawling.parsing import workers_from_settings
from knotcrawl.errors import UsageError

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
    settings.setdict(overrides or {}, priority="cmdline")
    workers_from_settings(settings)  # a bad value is a usage error now, not a failed run
    return settings


class _OneLine(logging.Formatter):
    """The console gets one line per message; tracebacks go to the log file only."""

    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname}: {record.getMessage()}"


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
        console = logging.StreamHandler(sys.stderr)
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
    try:
        process = AsyncCrawlerProcess(settings)
        process.crawl(spider_class(options.mode), context=context)
        process.start()
    finally:
        if context.result is None:  # the crawl never ran to its spider_closed signal
            context.close("failed", 0)
    assert context.result is not None
    return context.result.status
