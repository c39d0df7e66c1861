"""What the spiders hand to the pipelines (dataclass items; Scrapy reads them via ItemAdapter).

Spiders only navigate and call the page objects; every archive write happens in a pipeline.
Each item carries ``key``, the frontier key of the request it answers, so the pipeline can mark
that request done in the same step as the write.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from knotcrawl.record import ArticleRecord


@dataclass(slots=True)
class FetchedArticle:
    """An article page that parsed into a record."""

    record: ArticleRecord
    key: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: str
    sources: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class ListingEntry:
    article_id: int
    lead: str | None


@dataclass(slots=True)
class ListingSeen:
    """A listing page was read: the section it stands for and the items it showed."""

    edition: str
    section: str | None
    url: str
    key: str
    entries: list[ListingEntry] = field(default_factory=list)


@dataclass(slots=True)
class ArticleGone:
    """An article the archive knows (or a listing showed) answered 404/410."""

    edition: str
    article_id: int
    status: int
    key: str


@dataclass(slots=True)
class IdGap:
    """An id that never existed (or not any more): a 404 while enumerating ids."""

    edition: str
    article_id: int
    status: int
    key: str


@dataclass(slots=True)
class FetchFailed:
    """A request that failed for good in this run; it goes to the crawl-errors table."""

    url: str
    error: str
    edition: str | None
    article_id: int | None
    key: str
    reason: str = "error"
