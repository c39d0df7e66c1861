"""Plain values the repository takes and gives (no SQLAlchemy in them)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from knotcrawl.record import ArticleRecord


class StoreOutcome(StrEnum):
    """What :meth:`Archive.store` did. Compares equal to the plain strings."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    # The page is what the archive fetched before, but this parser extracts it differently
    # (a parser upgrade): the record was rewritten in place, without a revision.
    REEXTRACTED = "reextracted"


@dataclass(slots=True)
class RawPage:
    """A fetched article page as the crawler got it (``body`` uncompressed)."""

    url: str
    status: int
    headers: dict[str, Any]
    body: bytes
    fetched_at: datetime
    parser_version: str | None = None


@dataclass(slots=True)
class Revision:
    """An earlier version of an article: its record, and when it was current."""

    record: ArticleRecord
    first_seen_at: datetime
    last_seen_at: datetime
    replaced_at: datetime
    has_raw: bool = False


@dataclass(slots=True)
class CrawlError:
    url: str
    error: str
    edition: str | None
    article_id: int | None
    attempts: int
    first_seen_at: datetime
    last_seen_at: datetime
    # What the retry needs (a listing's walk, an article's listing context); {} if nothing.
    retry: dict[str, Any] = field(default_factory=dict)
    # Since when robots.txt refuses the URL (its first refusal in a row); None: another error.
    refused_since: datetime | None = None


@dataclass(slots=True)
class SearchHit:
    edition: str
    article_id: int
    url: str
    title: str
    published_at: str | None
    score: float
    snippet: str
    gone: bool = False


@dataclass(slots=True)
class ReparseReport:
    parser_version: str | None
    pages: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    revision_pages: int = 0
    revisions_changed: int = 0
    failures: list[tuple[str, int, str]] = field(default_factory=list)

    def add(self, other: ReparseReport) -> None:
        """Count another shard's reparse into this one (failures: the first 50 kept)."""
        self.pages += other.pages
        self.changed += other.changed
        self.unchanged += other.unchanged
        self.failed += other.failed
        self.skipped += other.skipped
        self.revision_pages += other.revision_pages
        self.revisions_changed += other.revisions_changed
        self.failures.extend(other.failures[: max(0, 50 - len(self.failures))])


CODEC = "zlib"


def compress(body: bytes) -> tuple[str, bytes]:
    return CODEC, zlib.compress(body, 6)


def decompress(codec: str, data: bytes) -> bytes:
    if codec == "zlib":
        return zlib.decompress(data)
    if codec == "none":
        return bytes(data)
    if codec == "zstd":
        try:
            from compression import zstd
        except ImportError:
            from backports import zstd
        return bytes(zstd.decompress(data))
    raise ValueError(f"unknown raw page codec {codec!r}")
