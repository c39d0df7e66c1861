"""Write every item to the archive and mark its request done in the job frontier."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, Self

from knotcrawl.crawling.context import STORAGE_ERRORS, CrawlContext, context_of, stop_crawl
from knotcrawl.crawling.items import (
    ArticleGone,
    FetchedArticle,
    FetchFailed,
    IdGap,
    ListingSeen,
)
from knotcrawl.crawling.records_feed import records_stored
from knotcrawl.db.types import StoreOutcome
from knotcrawl.pages import parse_article

logger = logging.getLogger(__name__)


def _url_of(key: str) -> str:
    return key.split(" ", 1)[1] if " " in key else key


def _moment(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class StorePipeline:
    """The archive write. Stats: ``knotcrawl/stored/new|updated|unchanged``, ``knotcrawl/gone``,
    ``knotcrawl/gaps``, ``knotcrawl/failed/<reason>``, ``knotcrawl/listing_context``,
    ``knotcrawl/robots/newly_refused|still_refused``.

    Articles are written in batches (``KNOTCRAWL_STORE_BATCH`` records, or whatever arrived
    within ``KNOTCRAWL_STORE_INTERVAL`` seconds, one transaction each); their frontier entries
    are marked done only after the batch is written, so a crash loses nothing: the unwritten
    ones are still pending and are fetched again."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        settings = getattr(crawler, "settings", None)
        self.batch = settings.getint("KNOTCRAWL_STORE_BATCH", 50) if settings else 50
        self.interval = settings.getfloat("KNOTCRAWL_STORE_INTERVAL", 1.0) if settings else 1.0
        self.buffer: dict[tuple[str, int], FetchedArticle] = {}
        self._call: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> Self:
        return cls(crawler)

    @property
    def context(self) -> CrawlContext:
        context = context_of(self.crawler)
        if context is None or context.archive is None:
            raise RuntimeError("StorePipeline needs an open crawl context (knotcrawl spiders)")
        return context

    def open_spider(self) -> None:
        if self.interval > 0:
            from twisted.internet import task

            self._call = task.LoopingCall(self.flush)
            self._call.start(self.interval, now=False)

    def close_spider(self) -> None:
        if self._call is not None and self._call.running:
            self._call.stop()
        self.flush()

    def process_item(self, item: Any) -> Any:
        context = self.context
        if context.fatal is not None:
            return item  # nothing more is written; its request stays pending in the job
        try:
            self._store(context, item)
        except STORAGE_ERRORS as exc:
            stop_crawl(self.crawler, exc)
        return item

    def _store(self, context: CrawlContext, item: Any) -> None:
        archive = context.archive
        stats = self.crawler.stats
        if isinstance(item, FetchedArticle):
            record = item.record
            key = (record.edition, record.article_id)
            if key in self.buffer:
                self.flush()
            self.buffer[key] = item
            if len(self.buffer) >= self.batch:
                self.flush()
        elif isinstance(item, ListingSeen):
            if item.section:
                self._context(context, item)
                stats.inc_value("knotcrawl/listing_context", len(item.entries))
            context.clear_error(item.url)
            context.count("listings")
            self._done(context, item.key)
        elif isinstance(item, ArticleGone):
            if (item.edition, item.article_id) in self.buffer:
                self.flush()
                if context.fatal is not None:
                    return
            marked = archive.mark_gone(
                item.edition, item.article_id, datetime.now(UTC), item.status
            )
            if marked == "gone":
                stats.inc_value("knotcrawl/gone")
                context.count("gone")
            elif marked == "already_gone":  # rechecked again: counted by the run that saw it go
                stats.inc_value("knotcrawl/gone/already")
            else:  # listed, then deleted before it was ever archived
                archive.record_gap(item.edition, item.article_id, item.status)
                stats.inc_value("knotcrawl/gaps")
                context.count("gaps")
            context.clear_error(_url_of(item.key))
            self._done(context, item.key)
        elif isinstance(item, IdGap):
            archive.record_gap(item.edition, item.article_id, item.status)
            context.clear_error(_url_of(item.key))
            stats.inc_value("knotcrawl/gaps")
            context.count("gaps")
            self._done(context, item.key)
        elif isinstance(item, FetchFailed):
            refused = item.reason == "robots"
            failed = context.fail(
                item.key, item.url, item.error, item.edition, item.article_id, refused=refused
            )
            if failed:
                stats.inc_value(f"knotcrawl/failed/{item.reason}")
            if refused:
                stats.inc_value(f"knotcrawl/robots/{'newly' if failed else 'still'}_refused")

    def _context(self, context: CrawlContext, item: ListingSeen) -> None:
        """A listing showed these articles: the section and each lead go to the archive
        (articles stored already) or to the job (the rest: applied when the article is
        stored, and kept there until then, even for an article waiting in the batch, which a
        failed write or a crash may lose). One transaction each per listing page."""
        assert item.section is not None
        section, edition = item.section, item.edition
        waiting, entries = [], []
        for entry in item.entries:
            if (edition, entry.article_id) in self.buffer:
                waiting.append((edition, entry.article_id, section, entry.lead))
            else:
                entries.append((entry.article_id, [section], entry.lead))
        stored = context.archive.add_listing_contexts(edition, entries)
        assert context.frontier is not None
        context.frontier.add_context(
            waiting
            + [
                (edition, article_id, section, lead)
                for article_id, _, lead in entries
                if article_id not in stored
            ]
        )

    def flush(self) -> None:
        """Write the waiting articles (one transaction), then mark them done. If the write
        fails, the crawl stops: the batch is still pending in the job (docs/crawling.md)."""
        if not self.buffer:
            return
        context = self.context
        items = list(self.buffer.values())
        self.buffer.clear()
        if context.fatal is not None:
            return
        try:
            self._write(context, items)
        except Exception as exc:  # any failed batch: its articles are still pending in the job
            # Called from the timer and from close_spider too: nothing may escape there.
            stop_crawl(self.crawler, exc)

    def _write(self, context: CrawlContext, items: list[FetchedArticle]) -> None:
        from knotcrawl.db import RawPage

        pairs = []
        latest = None
        assert context.frontier is not None
        articles = [(item.record.edition, item.record.article_id) for item in items]
        saved = context.frontier.saved_context(articles)
        for item in items:
            record = item.record
            sections, lead = saved.get((record.edition, record.article_id), ([], None))
            if sections:
                record.sections = sorted(set(record.sections) | set(sections))
            if lead and not record.lead:
                record.lead = lead
            fetched_at = _moment(item.fetched_at)
            latest = fetched_at if latest is None else max(latest, fetched_at)
            raw = RawPage(
                url=record.fetched_url or _url_of(item.key),
                status=item.status,
                headers=item.headers,
                body=item.body,
                fetched_at=fetched_at,
                parser_version=record.parser_version,
            )
            pairs.append((record, raw))
        assert latest is not None
        # parse_article: the parser that made these records reads a stored page again when the
        # archive's record came from another parser version (an upgrade is not an edit).
        context.check_lock()
        outcomes = context.archive.store_many(pairs, latest, batch=len(pairs), parse=parse_article)
        stats = self.crawler.stats
        for outcome, n in outcomes.items():
            name = str(getattr(outcome, "value", outcome))
            stats.inc_value(f"knotcrawl/stored/{name}", n)
            # The site did not change a re-extracted article: the run counts it unchanged.
            context.count("unchanged" if name == StoreOutcome.REEXTRACTED else name, n)
        context.frontier.mark_stored([item.key for item in items], articles)
        # Feed exports (`scrapy crawl … -o`) take the records once they are in the archive.
        self.crawler.signals.send_catch_log(records_stored, articles=articles)
        for item in items:
            for url in {_url_of(item.key), item.record.fetched_url}:
                context.clear_error(url)
        context.save_progress(int(stats.get_value("downloader/request_count", 0) or 0))

    @staticmethod
    def _done(context: CrawlContext, key: str) -> None:
        if context.frontier is not None:
            context.frontier.mark(key, "done")
