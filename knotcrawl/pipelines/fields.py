"""Which extraction level produced each field: stats and the layout-drift counters."""

from __future__ import annotations

from typing import Any, Self

from knotcrawl.crawling.context import context_of
from knotcrawl.crawling.items import FetchedArticle

REQUIRED = ("title", "published_at", "body")


class FieldLevelsPipeline:
    """Counts ``knotcrawl/field/<field>/<level>`` for every article and flags pages that only the
    plain-text fallback could read (``knotcrawl/drift/text_only``); the run exits with status 3
    when such pages and pages with missing fields pass 5% of the articles."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedArticle):
            return item
        stats = self.crawler.stats
        sources = dict(item.sources)
        if "published" in sources and "published_at" not in sources:
            sources["published_at"] = sources.pop("published")
        for name, level in sorted(sources.items()):
            stats.inc_value(f"knotcrawl/field/{name}/{level}")
        stats.inc_value("knotcrawl/articles/parsed")
        context = context_of(self.crawler)
        if context is not None:
            context.count("parsed")
        if sources and all(sources.get(name) == "text" for name in REQUIRED):
            stats.inc_value("knotcrawl/drift/text_only")
            if context is not None:
                context.count("text_only")
        return item
