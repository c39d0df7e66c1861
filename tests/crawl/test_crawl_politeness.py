"""The real-site politeness defaults, read from Scrapy's own downloader state (no timing)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from time import monotonic
from types import SimpleNamespace
from typing import Any, TypeVar

from scrapy import Request, signals
from scrapy.core.downloader import Downloader
from scrapy.http import Response
from scrapy.utils.test import get_crawler

import knotcrawl.settings
from knotcrawl.middlewares import BackoffRetryMiddleware

T = TypeVar("T")
ARTICLE = "https://www.eng.kavkaz-uzel.eu/articles/92646"


def polite_crawler() -> Any:
    """A crawler with knotcrawl's project settings (the real sites' defaults) and a
    downloader, as ``knotcrawl crawl`` and ``scrapy crawl`` build them."""
    project = {
        name: getattr(knotcrawl.settings, name)
        for name in dir(knotcrawl.settings)
        # The test runs without the crawl's reactor (get_crawler picks the test's).
        if name.isupper() and name != "TWISTED_REACTOR"
    }
    crawler = get_crawler(settings_dict=project)
    crawler.engine = SimpleNamespace(downloader=Downloader(crawler))
    return crawler


async def in_loop(make: Callable[[], T]) -> T:
    """``make()`` inside a running asyncio loop (Scrapy's downloader asks for one)."""
    return make()


def host_slot(crawler: Any, url: str) -> tuple[Request, Any]:
    """A request and its host's downloader slot, as the downloader sets them up."""
    request = Request(url)
    key, slot = crawler.engine.downloader._get_slot(request)
    request.meta[Downloader.DOWNLOAD_SLOT] = key
    return request, slot


def test_requests_to_a_host_are_at_least_a_second_apart():
    _request, slot = asyncio.run(in_loop(lambda: host_slot(polite_crawler(), ARTICLE)))
    # The jitter spreads the delay over delay * (1 ± jitter); its low end is the closest
    # two requests to one host can come (AutoThrottle only raises the delay).
    assert slot.delay * (1 - slot.jitter) >= 1.0


def test_retry_after_holds_back_every_request_to_that_host():
    crawler = asyncio.run(in_loop(polite_crawler))
    BackoffRetryMiddleware.from_crawler(crawler)
    request, slot = asyncio.run(in_loop(lambda: host_slot(crawler, ARTICLE)))
    before = monotonic()
    response = Response(ARTICLE, status=429, headers={"Retry-After": "30"}, request=request)
    crawler.signals.send_catch_log(
        signals.response_downloaded, response=response, request=request, spider=None
    )
    # The downloader sends the slot's next request once its delay has passed since lastseen.
    assert slot.lastseen >= before + 30


def test_retry_after_is_not_counted_as_holding_back_a_host_without_a_delay():
    """Without a download delay (``--replica``) the downloader never looks at ``lastseen``:
    nothing is held back, so ``retry/host_held_back`` must not say it was (it counted every
    Retry-After)."""
    crawler = asyncio.run(in_loop(polite_crawler))
    crawler.stats.open_spider()
    BackoffRetryMiddleware.from_crawler(crawler)
    request, slot = asyncio.run(in_loop(lambda: host_slot(crawler, ARTICLE)))
    slot.delay = 0
    response = Response(ARTICLE, status=429, headers={"Retry-After": "30"}, request=request)
    crawler.signals.send_catch_log(
        signals.response_downloaded, response=response, request=request, spider=None
    )
    assert crawler.stats.get_value("retry/host_held_back") is None
