"""Downloader middlewares.

:class:`RobotsTxtMiddleware` is Scrapy's, with every request that arrives while a host's
robots.txt is still being fetched checked against it: Scrapy 2.19's awaits the one Deferred
from each waiting request, and a Deferred passes its result only to the first awaiter (the
others get ``None``, "no robots.txt", and are sent unchecked: a crawl's first requests).

:class:`BackoffRetryMiddleware` replaces Scrapy's ``RetryMiddleware`` (which retries at once and
ignores ``Retry-After``): before handing a retry back to the scheduler it waits for the server's
``Retry-After`` (seconds or an HTTP date, capped) or for an exponential backoff with jitter, and
a ``Retry-After`` holds back every request to that host, not only the retry.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from time import monotonic
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxt
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.asyncio import sleep
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header value (delta-seconds or HTTP-date)."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


class RobotsTxtMiddleware(ScrapyRobotsTxt):
    """Scrapy's robots.txt middleware; requests waiting for a robots.txt all get its parser."""

    async def robot_parser(self, request: Request) -> RobotParser | None:
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if not isinstance(pending, Deferred):
            return await super().robot_parser(request)
        # A Deferred of its own for this waiter, fed by a callback that passes the parser on
        # to the waiters after it.
        mine: Deferred[RobotParser | None] = Deferred()

        def relay(parser: RobotParser | None) -> RobotParser | None:
            mine.callback(parser)
            return parser

        pending.addCallback(relay)
        return await maybe_deferred_to_future(mine)


class BackoffRetryMiddleware(RetryMiddleware):
    """Retries with exponential backoff, honouring ``Retry-After``.

    Settings: ``KNOTCRAWL_RETRY_BACKOFF_BASE`` (seconds), ``KNOTCRAWL_RETRY_BACKOFF_MAX`` and
    ``KNOTCRAWL_RETRY_AFTER_MAX`` (the longest Retry-After obeyed; a longer one is capped); their
    defaults are in :mod:`knotcrawl.settings`.

    A ``Retry-After`` (on any status it retries: 429, 503…) is the server's word for the host:
    no request goes to that host before it has passed, retried or not. The host's downloader
    slot is held back as soon as the response arrives (``response_downloaded``, before the
    downloader sends that slot's next request), so this needs a download delay, which the
    polite defaults and AutoThrottle give; the fast settings have none.
    """

    @classmethod
    def from_crawler(cls, crawler: Any) -> BackoffRetryMiddleware:
        middleware = super().from_crawler(crawler)
        crawler.signals.connect(middleware.hold_back_host, signal=signals.response_downloaded)
        return middleware

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.base = settings.getfloat("KNOTCRAWL_RETRY_BACKOFF_BASE", 1.0)
        self.cap = settings.getfloat("KNOTCRAWL_RETRY_BACKOFF_MAX", 60.0)
        self.after_cap = settings.getfloat("KNOTCRAWL_RETRY_AFTER_MAX", 300.0)

    def delay(self, request: Request, response: Response | None = None) -> float:
        attempt = int(request.meta.get("retry_times", 0))
        backoff = min(self.cap, self.base * (2**attempt))
        backoff *= random.uniform(0.5, 1.0)
        if response is not None:
            after = retry_after_seconds(response.headers.get(b"Retry-After"))
            if after is not None:
                return max(backoff, min(after, self.after_cap))
        return backoff

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        wait = self.delay(request, response)
        retry = self._retry(request, f"HTTP {response.status}")
        if retry is None:
            return response
        self._stat("retry/backoff_seconds", wait)
        await sleep(wait)
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> Request | Response | None:
        if request.meta.get("dont_retry", False) or not isinstance(
            exception, self.exceptions_to_retry
        ):
            return None
        retry = self._retry(request, exception)
        if retry is None:
            return None
        wait = self.delay(request)
        self._stat("retry/backoff_seconds", wait)
        await sleep(wait)
        return retry

    def hold_back_host(self, response: Response, request: Request, spider: Any = None) -> None:
        """No request to the host of a response with ``Retry-After`` before it has passed."""
        if response.status not in self.retry_http_codes:
            return
        after = retry_after_seconds(response.headers.get(b"Retry-After"))
        downloader = getattr(getattr(self.crawler, "engine", None), "downloader", None)
        if after is None or downloader is None:
            return
        slot = downloader.slots.get(request.meta.get(downloader.DOWNLOAD_SLOT))
        # Without a delay the downloader never looks at ``lastseen``: nothing to hold back.
        if slot is not None and slot.delay > 0:
            # The downloader sends a slot's next request once the slot's delay has passed
            # since ``lastseen``: moved to the end of the wait, it holds the host back so long.
            slot.lastseen = max(slot.lastseen, monotonic() + min(after, self.after_cap))
            self._stat("retry/host_held_back", 1)

    def _stat(self, name: str, value: float) -> None:
        stats = getattr(self.crawler, "stats", None)
        if stats is not None:
            stats.inc_value(name, value)


class RunProxyMiddleware:
    """Send every request of a knotcrawl crawl (robots.txt too) through ``--proxy``/``--replica``.

    Spiders set ``meta["proxy"]`` on their own requests; the requests Scrapy makes by itself
    (robots.txt) get it here. Runs before Scrapy's HttpProxyMiddleware."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunProxyMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if "proxy" in request.meta:
            return None
        from knotcrawl.crawling.context import context_of

        context = context_of(self.crawler)
        proxy = context.options.proxy if context is not None else None
        proxy = proxy or self.crawler.settings.get("KNOTCRAWL_PROXY")
        if proxy:
            request.meta["proxy"] = proxy
        return None
