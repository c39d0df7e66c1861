"""Scrapy's feed exports (``scrapy crawl … -o items.jsonl``, ``FEEDS``) of the stored records.

The items the spiders yield are the pipelines' internal messages (a page with its raw bytes, a
listing's sightings, a gap, a failure), not what a Scrapy user wants in a feed, and the raw
bytes made every JSON feed fail. :class:`RecordFeedExporter` replaces Scrapy's
``FeedExporter``: it exports each article once its batch is in the archive, as the archive holds
it (``Archive.get``: the record contract's shape with the sections and lead the run merged in
and the seen times), which is also what ``knotcrawl export --format jsonl`` writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

from scrapy import signals
from scrapy.extensions.feedexport import FeedExporter

from knotcrawl.crawling.context import context_of

# Sent by the store pipeline after each committed batch, with ``articles``: the
# ``(edition, article_id)`` pairs it wrote.
records_stored = object()


class RecordFeedExporter(FeedExporter):
    """Scrapy's ``FeedExporter`` fed with the stored article records instead of the items."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> Self:
        exporter = cls(crawler)  # NotConfigured (no extension) without a feed
        crawler.signals.connect(exporter.open_spider, signals.spider_opened)
        crawler.signals.connect(exporter.close_spider, signals.spider_closed)
        crawler.signals.connect(exporter.export_stored, records_stored)
        return exporter

    def export_stored(self, articles: Sequence[tuple[str, int]]) -> None:
        context, spider = context_of(self.crawler), self.crawler.spider
        if context is None or context.archive is None or spider is None:
            return
        for edition, article_id in articles:
            record = context.archive.get(edition, article_id)
            if record is not None:
                self.item_scraped(record.to_dict(), spider)
