"""The shared spider: requests through the job frontier, page handling, failures.

Spiders navigate only: they decide what to fetch and hand pages to :mod:`knotcrawl.pages`;
every write is an item for the pipelines. Each request is first inserted into the job frontier
(:mod:`knotcrawl.crawling.frontier`) so an interrupted crawl resumes where it stopped.
"""

from __future__ import annotations

import itertools
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar, Self
from urllib.parse import parse_qs, urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import CloseSpider
from scrapy.http import Request, Response
from scrapy.utils.asyncio import sleep
from twisted.python.failure import Failure

from knotcrawl.crawling.context import (
    ROBOTS_REFUSAL,
    STORAGE_ERRORS,
    CrawlContext,
    attach,
    one_line,
    stop_crawl,
)
from knotcrawl.crawling.frontier import Spec
from knotcrawl.crawling.items import (
    ArticleGone,
    FetchedArticle,
    FetchFailed,
    IdGap,
    ListingEntry,
    ListingSeen,
)
from knotcrawl.crawling.options import FAST_SETTINGS, CrawlOptions
from knotcrawl.crawling.parsing import ArticleParser, workers_from_settings
from knotcrawl.hosts import article_ref
from knotcrawl.moscow import parse_utc_iso
from knotcrawl.record import ListingItem, ListingPage
from knotcrawl.spiders.search import iso_timestamp, probe_step

logger = logging.getLogger(__name__)

# The all-news listings (update), the deep archives (date-range backfill) and every listing
# whose items name a section of the article (sections crawl), per edition (SITE.md §2, §4).
ALL_NEWS: dict[str, str] = {"en": "/rubric/11", "ru": "/articles"}
DEEP_ARCHIVE: dict[str, str] = {"en": "/rubric/10", "ru": "/articles"}
# The RU feed is known from client code at two addresses (SITE.md §7; one feed audit found
# none at the first): the next is read when one answers no feed. No English feed is known.
FEEDS: dict[str, tuple[str, ...]] = {"en": (), "ru": ("/articles.rss", "/rss")}
FEED_PATHS = frozenset(path for paths in FEEDS.values() for path in paths)
SECTION_LISTINGS: dict[str, tuple[str, ...]] = {
    "en": (
        "/rubric/11",
        "/rubric/10",
        "/rubric/20",  # long reads and interviews (SITE.md §2.1)
        "/rubric/23",
        "/category/3",
        "/category/5",
        "/category/8",
        "/abhazia",
        "/karachaevo",
        "/northcaucdistr",
    ),
    "ru": ("/articles", "/rubric/41", "/rubric/1104"),  # 1104: the weekly review (SITE.md §2)
}

# Seeds inserted into the frontier (one transaction) and yielded at a time.
SEED_BATCH = 1000
PRIORITY = {"probe": 30, "listing": 20, "feed": 20, "article": 0}


def section_of(path: str) -> str:
    """``/rubric/11`` -> ``rubric/11``: the section name a listing gives its items."""
    return path.strip("/")


def header_dict(response: Response) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, values in response.headers.items():
        if values:
            out[name.decode("latin-1")] = values[-1].decode("latin-1")
    return out


class KnotSpider(scrapy.Spider):
    """Base of every knotcrawl spider (one per crawl mode)."""

    mode: ClassVar[str] = ""
    context: CrawlContext
    options: CrawlOptions
    parser: ArticleParser
    # Requests known to come that are not in the job yet (ids a batch has not reached): the
    # progress line counts them as queued, so its ETA covers the whole range.
    seeds_left: int = 0

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> Self:
        context: CrawlContext | None = kwargs.pop("context", None)
        if context is None:
            # `scrapy crawl <name> -a ...`: the same options as the command line.
            options = CrawlOptions.from_arguments(cls.mode, kwargs)
            context = CrawlContext(options)
            if options.replica and not crawler.settings.frozen:
                crawler.settings.setdict(FAST_SETTINGS, priority="spider")
            from knotcrawl.crawling.runner import setup_logging

            setup_logging(crawler.settings)
            context.open()
        spider = super().from_crawler(crawler, *args)
        spider.context = context
        spider.options = context.options
        attach(crawler, context)
        spider.parser = ArticleParser(workers_from_settings(crawler.settings))
        crawler.signals.connect(spider._on_closed, signal=signals.spider_closed)
        crawler.signals.connect(spider._on_spider_error, signal=signals.spider_error)
        crawler.signals.connect(spider._on_item_error, signal=signals.item_error)
        return spider

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known: dict[str, set[int]] = {}

    # -- lifecycle ------------------------------------------------------------------------

    def _on_closed(self, spider: scrapy.Spider, reason: str) -> None:
        if spider is not self:
            return
        self.parser.close()
        stats = self.crawler.stats
        if stats is not None:
            stats.set_value("knotcrawl/parse/workers", self.parser.workers)
            if self.parser.workers_lost:
                stats.set_value("knotcrawl/parse/workers_lost", 1)
        requests = int(stats.get_value("downloader/request_count", 0) or 0) if stats else 0
        path = self.crawler.settings.get("KNOTCRAWL_STATS_FILE")
        if path and stats is not None:
            write_stats(path, stats.get_stats(), dict(self.context.counts))
        self.context.close(reason, requests)

    def _on_spider_error(self, failure: Failure, response: Response, spider: Any) -> None:
        """A callback raised (a parser bug, say). Scrapy logs it and goes on; the request
        must not vanish with a job that then finishes, so it fails like a fetch that failed
        for good: the crawl-errors table, exit status 1, fetched again by the next run."""
        if spider is not self:
            return
        spec: Spec | None = response.meta.get("spec")
        if spec is None:
            self._failed(failure, None, response.url, None, None)
        else:
            self._failed(failure, spec.key, spec.url, spec.edition, spec.article_id)

    def _on_item_error(self, item: Any, response: Any, spider: Any, failure: Failure) -> None:
        """A pipeline raised on an item: its request fails as in :meth:`_on_spider_error`."""
        if spider is not self:
            return
        key: str | None = getattr(item, "key", None)
        record = getattr(item, "record", None)
        url = getattr(item, "url", None) or (record and (record.fetched_url or record.url))
        if not url:
            url = key.split(" ", 1)[-1] if key else getattr(response, "url", "")
        edition = getattr(item, "edition", None) or (record and record.edition)
        article_id = getattr(item, "article_id", None) or (record and record.article_id)
        self._failed(failure, key, url, edition, article_id)

    def _failed(
        self,
        failure: Failure,
        key: str | None,
        url: str,
        edition: str | None,
        article_id: int | None,
    ) -> None:
        exc = failure.value
        if not isinstance(exc, STORAGE_ERRORS):
            text = " ".join(str(exc).split())[:500]
            try:
                self.context.fail(key, url, f"{type(exc).__name__}: {text}", edition, article_id)
            except STORAGE_ERRORS as error:
                exc = error
            else:
                self.crawler.stats.inc_value("knotcrawl/failed/exception")
                return
        stop_crawl(self.crawler, exc)  # the archive or the job cannot be written

    async def start(self) -> AsyncIterator[Any]:
        try:
            async for request in self._start_requests():
                yield request
        except CloseSpider:
            raise
        except sqlite3.Error as exc:
            # The job's file cannot be written (a full disk under --job-dir) while the seeds
            # enter it: a failed write, as anywhere else in the crawl, not a failed start.
            stop_crawl(self.crawler, exc)
        except Exception as exc:
            # Scrapy logs it and closes the spider with reason "start_error"; the summary and
            # stderr say why (the archive's server went away while the seeds were read…).
            self.context.start_failure = one_line(exc)
            raise

    async def _start_requests(self) -> AsyncIterator[Any]:
        context = self.context
        frontier = context.frontier
        assert frontier is not None
        for edition in self.options.editions:
            known = set(context.archive.known_ids(edition))
            if context.resumed:
                # What this job stored before it was interrupted was new to it.
                known -= frontier.article_ids(edition)
            self.known[edition] = known
        if context.resumed:
            pending = list(frontier.pending())
            logger.info("resuming job %s: %d pending requests", context.key, len(pending))
            for spec in pending:
                yield self.request(spec)
            seeds: Iterable[Spec | None] = self.resumed_seeds()
        else:
            seeds = self.seeds()
            if self.options.retry_errors and self.mode != "articles":
                seeds = itertools.chain(seeds, self.error_seeds())
        # In batches, the next one once most of the last is fetched: Scrapy reads start() to
        # its end at once, and a range of millions of ids must not sit in memory (or in the
        # job file) before the first fetch.
        seeds = iter(seeds)
        exhausted = False
        while not exhausted:
            batch: list[Spec] = []
            ask_later = False
            for seed in seeds:
                if seed is None:
                    ask_later = True
                    break
                batch.append(seed)
                if len(batch) == SEED_BATCH:
                    break
            else:
                exhausted = True
            for spec in frontier.add(batch):
                yield self.request(spec)
            if ask_later:
                await sleep(0.2)
            while not exhausted and frontier.count("pending") > SEED_BATCH // 2:
                await sleep(0.2)

    def seeds(self) -> Iterable[Spec | None]:  # pragma: no cover - every mode defines it
        """The job's first requests. ``None`` means "none yet, ask again later": the seeds
        depend on answers still to come (the id bounds of ``--by-id``)."""
        return ()

    def resumed_seeds(self) -> Iterable[Spec | None]:
        """What a resumed job starts besides its pending requests (nothing: a backfill's
        requests do not depend on when it runs)."""
        return ()

    def error_seeds(self) -> Iterator[Spec]:
        """The URLs in the crawl-errors table (for the editions of this run): fetched again.
        An article gets the sections and lead the failed run saw for it; a listing page that
        failed inside a walk carries that walk on (migration 0006 keeps both with the error;
        rows recorded before it are fetched alone, as before)."""
        for row in self.context.archive.open_errors():
            url = _field(row, "url")
            if not url:
                continue
            retry = _field(row, "retry") or {}
            ref = article_ref(url)
            if ref is not None and ref.article_id is not None:
                if ref.edition not in self.options.editions:
                    continue
                yield self.article_spec(
                    ref.edition,
                    ref.article_id,
                    retry=True,
                    sections=retry.get("sections") or None,
                    lead=retry.get("lead"),
                )
                continue
            edition = _field(row, "edition")
            if edition not in self.options.editions:
                continue
            if retry.get("kind") == "probe":
                meta = retry.get("meta") or {}
                if "bound" in meta:
                    # A --by-id bound search: its ids are enumerated by the job that found
                    # both bounds, so only running that crawl again resumes it (and clears it).
                    continue
                yield Spec(
                    "probe", self.rebase(edition, url), edition, meta={**meta, "retry": True}
                )
                continue
            path = urlsplit(url).path
            kind = "feed" if path.rstrip("/") in FEED_PATHS else "listing"
            section = section_of(path) if kind == "listing" else None
            meta = retry.get("meta") or {"walk": None, "section": section}
            yield Spec(kind, self.rebase(edition, url), edition, meta={**meta, "retry": True})

    # -- building requests ----------------------------------------------------------------

    def rebase(self, edition: str, url: str) -> str:
        """``url`` on this run's base host for ``edition`` (mirrors map to it)."""
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return self.options.base[edition] + path  # type: ignore[index]

    def article_url(self, edition: str, article_id: int) -> str:
        bases = self.options.fetch_bases(edition)  # type: ignore[arg-type]
        return f"{bases[article_id % len(bases)]}/articles/{article_id}"

    def listing_url(self, edition: str, path: str, page: int = 1) -> str:
        base = self.options.base[edition]  # type: ignore[index]
        return f"{base}{path}" if page <= 1 else f"{base}{path}?page={page}"

    def article_spec(self, edition: str, article_id: int, **meta: Any) -> Spec:
        return Spec(
            "article",
            self.article_url(edition, article_id),
            edition,
            article_id,
            {k: v for k, v in meta.items() if v is not None},
        )

    def request(self, spec: Spec) -> Request:
        callback = {
            "article": self.parse_article_page,
            "listing": self.parse_listing_page,
            "feed": self.parse_feed_page,
            "probe": self.parse_probe_page,
        }[spec.kind]
        meta: dict[str, Any] = {"spec": spec, "handle_httpstatus_list": [404, 410]}
        if self.options.proxy:
            meta["proxy"] = self.options.proxy
        return Request(
            spec.url,
            callback=callback,
            errback=self.on_error,
            meta=meta,
            dont_filter=True,
            priority=PRIORITY.get(spec.kind, 0),
        )

    def queue(self, specs: Iterable[Spec]) -> list[Request]:
        """Requests for the specs this job had not seen yet (inserting them first)."""
        return [self.request(spec) for spec in self.add(specs)]

    def is_known(self, edition: str, article_id: int) -> bool:
        return article_id in self.known.get(edition, set())

    # -- articles -------------------------------------------------------------------------

    async def parse_article_page(self, response: Response) -> AsyncIterator[Any]:
        spec: Spec = response.meta["spec"]
        article_id = spec.article_id
        if response.status in (404, 410):
            assert article_id is not None
            if spec.meta.get("enumerate") and not self.is_known(spec.edition, article_id):
                yield IdGap(spec.edition, article_id, response.status, spec.key)
            else:
                yield ArticleGone(spec.edition, article_id, response.status, spec.key)
            return
        headers = header_dict(response)
        parsed = await self.parser.parse(response.body, response.url, headers)
        record = parsed.record
        if record is None:
            if parsed.failure == "missing_fields":
                self.context.count("missing_fields")
                self.crawler.stats.inc_value("knotcrawl/drift/missing_fields")
            yield self.failure(spec, parsed.message, parsed.failure or "not_an_article")
            return
        lead = spec.meta.get("lead")
        if lead:
            record.lead = lead
        sections = spec.meta.get("sections")
        if sections:
            record.sections = sorted(set(record.sections) | set(sections))
        yield FetchedArticle(
            record=record,
            key=spec.key,
            status=response.status,
            headers=headers,
            body=response.body,
            fetched_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            sources=parsed.sources,
        )

    # -- listings -------------------------------------------------------------------------

    def read_listing(self, response: Response, feed: bool = False) -> ListingPage | None:
        from knotcrawl.pages import NotAnArticle, parse_feed, parse_listing

        if response.status in (404, 410):
            return None
        try:
            parse = parse_feed if feed else parse_listing
            return parse(response.body, response.url, header_dict(response))
        except NotAnArticle:
            return None

    def listing_seen(self, spec: Spec, items: list[ListingItem]) -> ListingSeen:
        section = spec.meta.get("section")
        return ListingSeen(
            spec.edition,
            section,
            spec.url,
            spec.key,
            [ListingEntry(item.article_id, item.lead) for item in items] if section else [],
        )

    def follow_items(
        self, spec: Spec, items: Iterable[ListingItem], refresh: bool = False
    ) -> list[Spec]:
        section = spec.meta.get("section")
        specs = []
        for item in items:
            if not refresh and self.is_known(spec.edition, item.article_id):
                continue
            specs.append(
                self.article_spec(
                    spec.edition,
                    item.article_id,
                    lead=item.lead if section else None,
                    sections=[section] if section else None,
                    listed=True,
                )
            )
        return specs

    def other_page(self, spec: Spec, response: Response) -> FetchFailed | None:
        """A failure when redirects ended on another listing page than the one asked for (a
        page number or path dropped on the way): a walk or a page search must not take page
        3 for page 2. The next run fetches it again."""
        asked, got = _listing_position(spec.url), _listing_position(response.url)
        if asked == got:
            return None
        self.crawler.stats.inc_value("knotcrawl/listing/redirected_elsewhere")
        return self.failure(
            spec, f"redirected to another page: {response.url}", "redirected_elsewhere"
        )

    def sent_to_first_page(self, spec: Spec, response: Response) -> bool:
        """Whether redirects took page N > 1 of a listing to its first page (``?page=1`` or
        the bare address): a common way for a site to say "no such page", so the listing
        ends there, as at an empty page or a 404 past the end, and is no failure (which
        every later run would fetch again, failing again)."""
        path, page = _listing_position(spec.url)
        if page <= 1 or _listing_position(response.url) != (path, 1):
            return False
        self.crawler.stats.inc_value("knotcrawl/listing/redirected_to_first_page")
        return True

    def missing_listing(
        self, spec: Spec, response: Response, listing: ListingPage | None
    ) -> FetchFailed | None:
        """A failure when a listing's first page answers 404/410, or is no listing page (a
        "page not found" page with status 200), or is an all-news or deep-archive listing
        without items. Past the end a listing may answer any of these (SITE.md §2.2), but
        page 1 answering it means the listing is not there (the RU all-news listing is not
        known on the real site, SITE.md §4.3) or not readable (an anti-bot challenge page,
        §10.13): taken for an empty listing, the walk or page search would end at once,
        storing nothing from it and reporting nothing. The next run fetches it again. (A
        category or region may really be empty: its empty first page is only a warning.)"""
        path, page = _listing_position(spec.url)
        if page != 1 or (listing is not None and listing.items):
            return None
        if listing is not None:
            self.crawler.stats.inc_value("knotcrawl/listing/empty_first_page")
            if path not in (ALL_NEWS[spec.edition], DEEP_ARCHIVE[spec.edition]):
                logger.warning("the listing %s shows no articles", spec.url)
                return None
            return self.failure(
                spec,
                f"HTTP {response.status}: the listing's first page shows no articles",
                "listing_empty",
            )
        self.crawler.stats.inc_value("knotcrawl/listing/missing")
        what = "" if response.status in (404, 410) else " (not a listing page)"
        return self.failure(
            spec,
            f"HTTP {response.status}{what}: the listing has no first page",
            "listing_missing",
        )

    def walk_items(self, spec: Spec, response: Response) -> list[ListingItem] | FetchFailed:
        """The items of a walk's or page search's listing page (none past the end, or when
        redirected to the first page), or the failure when it is another page than the one
        asked for or a listing with no first page."""
        if self.sent_to_first_page(spec, response):
            return []
        listing = None
        failed = self.other_page(spec, response)
        if failed is None:
            listing = self.read_listing(response)
            failed = self.missing_listing(spec, response, listing)
        if failed is not None:
            return failed
        return listing.items if listing is not None else []

    def parse_listing_page(self, response: Response) -> Iterator[Any]:
        spec: Spec = response.meta["spec"]
        items = self.walk_items(spec, response)
        if isinstance(items, FetchFailed):
            yield items
            return
        children = self.on_listing(spec, items)
        yield self.listing_seen(spec, items)
        for child in children:
            yield self.request(child)

    def add(self, specs: Iterable[Spec]) -> list[Spec]:
        """Insert into the frontier (one transaction); the specs this job had not seen yet."""
        assert self.context.frontier is not None
        return self.context.frontier.add(specs)

    def on_listing(self, spec: Spec, items: list[ListingItem]) -> list[Spec]:
        """What to fetch after a listing page (its articles, the next page), already added
        to the frontier."""
        if spec.meta.get("walk") == "range":
            return self.add(self.range_walk(spec, items))
        follow = self.follow_items(spec, items, refresh=self.options.refresh)
        if spec.meta.get("walk") == "full" and self.moves_on(spec, items):
            # Past the end the site answers an empty page or 404: walk until then.
            follow.append(self.next_page(spec, previous=[i.article_id for i in items]))
        return self.add(follow)

    @staticmethod
    def moves_on(spec: Spec, items: list[ListingItem]) -> bool:
        """Whether a walk goes on after this page: it showed an item the previous page of the
        walk did not. (A page past the end that shows only a promoted article, again and
        again, must not keep a walk going forever.)"""
        previous = set(spec.meta.get("previous", []))
        return any(item.article_id not in previous for item in items)

    def next_page(self, spec: Spec, **meta: Any) -> Spec:
        page = int(spec.meta.get("page", 1)) + 1
        path = spec.meta["path"]
        return Spec(
            "listing",
            self.listing_url(spec.edition, path, page),
            spec.edition,
            meta={**spec.meta, "page": page, **meta},
        )

    def walk_spec(
        self, edition: str, path: str, walk: str, page: int = 1, section: bool = True, **meta: Any
    ) -> Spec:
        return Spec(
            "listing",
            self.listing_url(edition, path, page),
            edition,
            meta={
                "walk": walk,
                "path": path,
                "page": page,
                "section": section_of(path) if section else None,
                **meta,
            },
        )

    def feed_spec(self, edition: str, index: int = 0) -> Spec | None:
        """The request for the edition's ``index``-th feed address (``None``: no more)."""
        paths = FEEDS[edition]
        if index >= len(paths):
            return None
        url = self.listing_url(edition, paths[index])
        return Spec("feed", url, edition, meta={"walk": None, "section": None, "feed": index})

    def parse_feed_page(self, response: Response) -> Iterator[Any]:
        spec: Spec = response.meta["spec"]
        feed = self.read_listing(response, feed=True)
        items = feed.items if feed is not None else []
        if items:
            requests = self.queue(self.on_feed(spec, items))
        else:
            # A 404, a page that is no feed, or a feed with no items: the feed is read at its
            # next address. With none left the run goes on without it (the all-news walk
            # finds the same articles); a feed is no failure, or cron would fail for ever on
            # a site without one.
            index = spec.meta.get("feed")
            following = self.feed_spec(spec.edition, index + 1) if index is not None else None
            requests = self.queue([following]) if following is not None else []
            if following is None:
                self.crawler.stats.inc_value("knotcrawl/feed/missing")
                logger.warning("no feed at %s (HTTP %d)", spec.url, response.status)
        yield self.listing_seen(spec, [])
        yield from requests

    def on_feed(self, spec: Spec, items: list[ListingItem]) -> list[Spec]:
        """The articles to fetch after a feed."""
        return self.follow_items(spec, items)

    # -- date ranges (crawl --since/--until, and any run retrying one of their pages) -------

    @staticmethod
    def _range_bounds(spec: Spec) -> tuple[datetime | None, datetime | None]:
        since, until = spec.meta.get("since"), spec.meta.get("until")
        return (
            parse_utc_iso(since) if since else None,
            parse_utc_iso(until) if until else None,
        )

    def range_walk(self, spec: Spec, items: list[ListingItem]) -> list[Spec]:
        """A ``range`` walk's page: its items in the range, and the next page until the
        items are older than the range. (Another mode's retry of a page recorded before the
        meta held the range fetches its items only.)"""
        if "since" in spec.meta or "until" in spec.meta:
            since, until = self._range_bounds(spec)
        elif self.mode == "range":  # the job's own walk, recorded before the meta held them
            since, until = self.options.since, self.options.until
        else:
            return self.follow_items(spec, items)
        inside = []
        older = False
        for item in items:
            if not item.published_at:
                continue
            moment = parse_utc_iso(item.published_at)
            if since is not None and moment < since:
                older = True
            elif until is None or moment < until:
                inside.append(item)
        follow = self.follow_items(spec, inside, refresh=self.options.refresh)
        if self.moves_on(spec, items) and not older:
            follow.append(self.next_page(spec, previous=[i.article_id for i in items]))
        return follow

    def probe_items(
        self, spec: Spec, response: Response, counter: str
    ) -> list[ListingItem] | FetchFailed:
        """A page search's page: its items, or the failure when it is another page or a
        listing with no first page."""
        items = self.walk_items(spec, response)
        if not isinstance(items, FetchFailed):
            self.crawler.stats.inc_value(counter)
            self.context.count("probes")
        return items

    def parse_probe_page(self, response: Response) -> Iterator[Any]:
        """One page of a date range's page search; once the first page holding items older
        than ``until`` is found, the range walk starts there."""
        spec: Spec = response.meta["spec"]
        items = self.probe_items(spec, response, "knotcrawl/range/probes")
        if isinstance(items, FetchFailed):
            yield items
            return
        meta = dict(spec.meta)
        _since, until = self._range_bounds(spec)
        assert until is not None
        dates = [iso_timestamp(i.published_at) for i in items if i.published_at]
        state, found, nxt = probe_step(
            meta, int(meta["page"]), dates, len(items), until.timestamp()
        )
        children: list[Spec]
        if found is not None:
            # Page `found` is the first holding items older than `until`: walk from there.
            walk_meta = {
                "walk": "range",
                "path": meta["path"],
                "page": found,
                "section": meta["section"],
                "since": meta.get("since"),
                "until": meta.get("until"),
            }
            walk = Spec(
                "listing",
                self.listing_url(spec.edition, meta["path"], found),
                spec.edition,
                meta=walk_meta,
            )
            if found == int(meta["page"]):
                walk.url = spec.url
                children = self.range_walk(walk, items) if items else []
            else:
                children = [walk]
        else:
            assert nxt is not None
            children = [
                Spec(
                    "probe",
                    self.listing_url(spec.edition, meta["path"], nxt),
                    spec.edition,
                    meta={**meta, **state, "page": nxt},
                )
            ]
        added = self.add(children)
        yield self.listing_seen(spec, items)
        for child in added:
            yield self.request(child)

    # -- failures -------------------------------------------------------------------------

    def failure(self, spec: Spec, error: str, reason: str) -> FetchFailed:
        return FetchFailed(spec.url, error, spec.edition, spec.article_id, spec.key, reason)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        spec: Spec = request.meta["spec"]
        reason, text = describe_failure(failure)
        logger.warning("giving up on %s: %s", spec.url, text)
        yield self.failure(spec, text, reason)


def _listing_position(url: str) -> tuple[str, int]:
    """A listing URL's path and page number (1 without ``page``), whatever its host."""
    parts = urlsplit(url)
    pages = parse_qs(parts.query).get("page") or ["1"]
    return parts.path.rstrip("/") or "/", int(pages[0]) if pages[0].isdigit() else -1


def write_stats(path: str, stats: dict[str, Any], counts: dict[str, int]) -> None:
    """Append one JSON line: the run's Scrapy stats and knotcrawl counters."""
    import json

    line = json.dumps({"stats": stats, "counts": counts}, default=str)
    with open(path, "a", encoding="utf-8") as out:
        out.write(line + "\n")


def describe_failure(failure: Failure) -> tuple[str, str]:
    """A short reason (for stats) and a message (for the crawl-errors table)."""
    from scrapy.exceptions import CannotResolveHostError, DownloadTimeoutError, IgnoreRequest
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError

    value = failure.value
    if isinstance(value, HttpError):
        status = value.response.status
        return f"http_{status}", f"HTTP {status}"
    # Scrapy 2.19 hands on Twisted's errors wrapped in its own (same message).
    if isinstance(value, (TimeoutError, TCPTimedOutError, DownloadTimeoutError)):
        return "timeout", f"timeout: {value}"
    if isinstance(value, (DNSLookupError, CannotResolveHostError)):
        return "dns", f"DNS lookup failed: {value}"
    if isinstance(value, IgnoreRequest):
        text = str(value) or type(value).__name__
        if "robots" in text.lower():
            return "robots", ROBOTS_REFUSAL
        if "redirect" in text.lower():
            return "redirects", text
        return "ignored", text
    name = type(value).__name__
    # ResponseFailed (a dropped connection) holds Twisted Failures, whose repr says nothing
    # readable: "[<twisted.python.failure.Failure twisted.internet.error.ConnectionDone: …>]".
    causes = getattr(getattr(value, "__cause__", None), "reasons", None)
    if causes:
        text = "; ".join(f"{type(cause.value).__name__}: {cause.value}" for cause in causes)
        return name.lower(), f"{name}: {text}"
    return name.lower(), f"{name}: {value}"


def _field(row: Any, name: str) -> Any:
    if isinstance(row, dict):
        return row.get(name)
    return getattr(row, name, None)
