"""Validate article records against the record contract before they are stored."""

from __future__ import annotations

import re
from typing import Any, Self

from scrapy.exceptions import DropItem

from knotcrawl.crawling.context import context_of
from knotcrawl.crawling.items import FetchedArticle
from knotcrawl.hosts import EDITIONS

_ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_CANONICAL = re.compile(r"^https?://[^/]+/articles/(\d+)$")
_SPACES = re.compile(r"\s+")


class ValidatePipeline:
    """Repairs what can be repaired without guessing and drops what breaks the contract.

    A dropped record is not lost: its URL goes to the crawl-errors table (retried next run).
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedArticle):
            return item
        record = item.record
        stats = self.crawler.stats
        # Repairs: harmless normalisations, each counted.
        title = _SPACES.sub(" ", record.title or "").strip()
        if title != record.title:
            record.title = title
            stats.inc_value("knotcrawl/fixed/title_whitespace")
        if record.url.endswith("/"):
            record.url = record.url.rstrip("/")
            stats.inc_value("knotcrawl/fixed/url_slash")
        if record.lead == "":
            record.lead = None
            stats.inc_value("knotcrawl/fixed/empty_lead")
        if record.source == "":
            record.source = None
            stats.inc_value("knotcrawl/fixed/empty_source")
        if record.photo_caption == "":
            record.photo_caption = None
            stats.inc_value("knotcrawl/fixed/empty_caption")
        sections = sorted(set(record.sections))
        if sections != record.sections:
            record.sections = sections
            stats.inc_value("knotcrawl/fixed/sections_order")
        # Checks.
        reason = self.problem(item)
        if reason is not None:
            stats.inc_value(f"knotcrawl/dropped/{reason}")
            context = context_of(self.crawler)
            if context is not None:
                context.fail(
                    item.key,
                    record.fetched_url or record.url,
                    f"invalid record: {reason}",
                    record.edition,
                    record.article_id,
                )
            raise DropItem(f"{record.url}: {reason}")
        return item

    @staticmethod
    def problem(item: FetchedArticle) -> str | None:
        record = item.record
        if record.edition not in EDITIONS:
            return "edition"
        if not record.title:
            return "missing_title"
        if not record.body:
            return "missing_body"
        if not record.published_at or not _ISO_UTC.match(record.published_at):
            return "published_at"
        match = _CANONICAL.match(record.url or "")
        if match is None:
            return "url"
        if int(match.group(1)) != record.article_id:
            return "id_mismatch"
        return None
