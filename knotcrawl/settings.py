"""Scrapy settings for knotcrawl.

The defaults are polite to the real sites (robots.txt, one request at a time per host, at least
one second between requests, AutoThrottle, retries with backoff). Crawls of the bundled replica
override them with fast settings (see ``knotcrawl.spiders``).
"""

from knotcrawl import __version__

BOT_NAME = "knotcrawl"
SPIDER_MODULES = ["knotcrawl.spiders"]
NEWSPIDER_MODULE = "knotcrawl.spiders"

USER_AGENT = (
    f"knotcrawl/{__version__} (research archive crawler; +https://github.com/knotcrawl/knotcrawl)"
)
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
RANDOMIZE_DOWNLOAD_DELAY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60

RETRY_ENABLED = True
RETRY_TIMES = 4
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
