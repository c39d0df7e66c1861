"""Scrapy settings for knotcrawl.

The defaults are polite to the real sites (robots.txt, one request at a time per host, at least
one second between requests, AutoThrottle, retries with backoff). Crawls of the bundled replica
override them with fast settings (``knotcrawl.crawling.options.FAST_SETTINGS``). Every value can
be overridden with ``-s NAME=VALUE`` on ``knotcrawl update|crawl`` and ``scrapy crawl``.
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
# Scrapy starts CONCURRENT_ITEMS asyncio tasks for every response's callback output; a page
# yields at most one record and a listing's ~20 requests, so the default 100 only costs time
# (half the crawl's CPU in a profile of a replica crawl).
CONCURRENT_ITEMS = 8
# Scrapy re-reads and parses the source of a generator callback (to warn about `return value`)
# whenever its bound method is not in a small weak cache: 3% of a replica crawl's CPU. The
# spiders are type-checked and tested; the check belongs to development, not to every page.
WARN_ON_GENERATOR_RETURN_VALUE = False
CONCURRENT_REQUESTS_PER_DOMAIN = 1
# 1 to 2 s between two requests to a host: the jitter spreads DOWNLOAD_DELAY by a third either
# way, and never below the one second promised (AutoThrottle only raises the delay).
DOWNLOAD_DELAY = 1.5
DOWNLOAD_DELAY_JITTER = 1 / 3
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.5
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60

RETRY_ENABLED = True
RETRY_TIMES = 4
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

TELNETCONSOLE_ENABLED = False
# Scrapy 2.19's remote-control extension (on by default) opens a localhost HTTP endpoint that runs
# Python code in the crawl and leaves a token file per run in ~/.local/state/scrapy: nothing
# here uses it, and an unattended cron crawl should not expose one.
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
# knotcrawl installs its own handlers (a rotated file in data/logs; stderr on a terminal).
LOG_INSTALL_ROOT_HANDLER = False
FEED_EXPORT_ENCODING = "utf-8"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# Retries: knotcrawl's middleware waits (exponential backoff with jitter, or the server's
# Retry-After, capped) before retrying; Scrapy's own RetryMiddleware is replaced by it.
KNOTCRAWL_RETRY_BACKOFF_BASE = 2.0
KNOTCRAWL_RETRY_BACKOFF_MAX = 120.0
KNOTCRAWL_RETRY_AFTER_MAX = 600.0
DOWNLOADER_MIDDLEWARES = {
    # --proxy / --replica for every request, robots.txt included.
    "knotcrawl.middlewares.RunProxyMiddleware": 90,
    # Scrapy 2.19's lets the requests sent while robots.txt loads through unchecked.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "knotcrawl.middlewares.RobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "knotcrawl.middlewares.BackoffRetryMiddleware": 550,
}
ITEM_PIPELINES = {
    "knotcrawl.pipelines.validate.ValidatePipeline": 100,
    "knotcrawl.pipelines.fields.FieldLevelsPipeline": 200,
    "knotcrawl.pipelines.store.StorePipeline": 300,
}
EXTENSIONS = {
    "knotcrawl.crawling.progress.ProgressLine": 500,
    # Feeds (`scrapy crawl … -o items.jsonl`, FEEDS) get the stored article records, in the
    # record contract's shape, not the pipelines' internal items.
    "scrapy.extensions.feedexport.FeedExporter": None,
    "knotcrawl.crawling.records_feed.RecordFeedExporter": 0,
}
# auto: a live progress line on stderr when it is a terminal; on / off.
KNOTCRAWL_PROGRESS = "auto"
# Truncated bodies are failures (retried), never stored.
DOWNLOAD_FAIL_ON_DATALOSS = True
REDIRECT_MAX_TIMES = 5
# Items are page records: the log gets one line per drop, not a dump per item.
LOG_FORMATTER = "knotcrawl.crawling.logformatter.QuietLogFormatter"
# The proxy for every request when not given per crawl (--proxy sets it per run).
KNOTCRAWL_PROXY = None
# Articles are written in batches: this many records, or what arrived within this many seconds.
KNOTCRAWL_STORE_BATCH = 50
KNOTCRAWL_STORE_INTERVAL = 1.0
# Worker processes that parse article pages (knotcrawl.crawling.parsing); 0 parses in the
# crawl's process. auto: one worker when DOWNLOAD_DELAY is 0 and AutoThrottle is off (the
# replica, a fast mirror: one core would limit the crawl), none for polite crawls.
KNOTCRAWL_PARSE_WORKERS = "auto"
# Write the final Scrapy stats of each run as JSON to this file (tests, benchmarks).
KNOTCRAWL_STATS_FILE = None
