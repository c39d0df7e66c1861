"""A live progress line on stderr when it is a terminal (nothing at all under cron)."""

from __future__ import annotations

import time
from typing import Any, Self, TextIO

from scrapy import signals
from scrapy.exceptions import NotConfigured

from knotcrawl.crawling.context import context_of
from knotcrawl.terminal import LiveLine, eta, progress_stream


class ProgressLine:
    """``pages 120 | articles 96 (new 90) | 14.2 req/s | ETA 0:35`` rewritten every second.

    Enabled when stderr is a terminal (``KNOTCRAWL_PROGRESS``: ``auto``, ``on``, ``off``)."""

    def __init__(self, crawler: Any, stream: TextIO) -> None:
        self.crawler = crawler
        self.live = LiveLine(stream)
        self.started = time.monotonic()
        self._call: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> Self:
        stream = progress_stream(crawler.settings.get("KNOTCRAWL_PROGRESS"))
        if stream is None:
            raise NotConfigured
        ext = cls(crawler, stream)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider: Any) -> None:
        from twisted.internet import task

        self.started = time.monotonic()
        self._call = task.LoopingCall(self.show)
        self._call.start(1.0, now=False)

    def closed(self, spider: Any, reason: str) -> None:
        if self._call is not None and self._call.running:
            self._call.stop()
        self.live.clear()

    def line(self) -> str:
        stats = self.crawler.stats
        requests = int(stats.get_value("downloader/request_count", 0) or 0)
        responses = int(stats.get_value("response_received_count", 0) or 0)
        context = context_of(self.crawler)
        counts = context.counts if context is not None else {}
        articles = sum(int(counts.get(k, 0)) for k in ("new", "updated", "unchanged"))
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = requests / elapsed
        text = (
            f"pages {responses} | articles {articles} (new {counts.get('new', 0)}) | "
            f"failed {counts.get('failed', 0)} | {rate:.1f} req/s"
        )
        pending = None
        if context is not None and context.frontier is not None:
            try:
                pending = context.frontier.count("pending")
            except Exception:
                pending = None
        if pending is not None and rate > 0:
            queued = pending + max(int(getattr(self.crawler.spider, "seeds_left", 0)), 0)
            text += f" | queued {queued} | ETA {eta(queued / rate)}"
        return text

    def show(self) -> None:
        self.live.show(self.line())
