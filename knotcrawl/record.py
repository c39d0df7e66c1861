"""The article record and the listing/feed shapes: the contract of RECORD.md.

These dataclasses are the Scrapy items too (Scrapy handles dataclass items through
ItemAdapter). ``to_dict`` gives the exact JSON shape, keys in RECORD.md order.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

# The archive's integers (SQLite's INTEGER, PostgreSQL's bigint): article ids, limits and
# offsets past them made the drivers raise OverflowError or DataError, not a usage error.
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

LinkKind = Literal["article", "original", "external"]


def content_hash(title: str, body: str) -> str:
    """Hex SHA-256 of ``title + "\\n" + body``; a change of it is a new revision."""
    return hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()


@dataclass(slots=True)
class Link:
    url: str
    text: str | None  # None when the link has no anchor text (an image-only link)
    kind: LinkKind
    edition: str | None = None
    article_id: int | None = None


@dataclass(slots=True)
class Original:
    """The Russian article an English one was translated from (the cross-reference line)."""

    url: str
    article_id: int | None
    published_at: str
    published_local: str
    published_raw: str


@dataclass(slots=True)
class ArticleRecord:
    edition: str
    article_id: int
    url: str
    fetched_url: str
    title: str
    published_at: str
    published_local: str
    published_raw: str
    authors: list[str] = field(default_factory=list)
    source: str | None = None
    photo_caption: str | None = None
    body: str = ""
    original: Original | None = None
    links: list[Link] = field(default_factory=list)
    lead: str | None = None
    sections: list[str] = field(default_factory=list)
    content_hash: str = ""
    parser_version: str | None = None
    first_seen_at: str | None = None
    last_seen_at: str | None = None

    def __post_init__(self) -> None:
        if not self.content_hash:
            self.content_hash = content_hash(self.title, self.body)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ArticleRecord:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if isinstance(values.get("original"), dict):
            values["original"] = Original(**values["original"])
        values["links"] = [
            Link(**link) if isinstance(link, dict) else link for link in values.get("links") or []
        ]
        return cls(**values)


RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ArticleRecord))
# Fields a page alone cannot tell; ground truth and `parse` comparisons leave them out.
CRAWL_ONLY_FIELDS: frozenset[str] = frozenset(
    {"fetched_url", "parser_version", "first_seen_at", "last_seen_at"}
)


@dataclass(slots=True)
class ListingItem:
    article_id: int
    url: str
    title: str | None = None
    published_at: str | None = None
    published_raw: str | None = None
    lead: str | None = None
    photo_caption: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class ListingPage:
    """A listing (``kind="listing"``) or the RSS feed (``kind="feed"``)."""

    kind: Literal["listing", "feed"]
    edition: str
    url: str
    page: int | None
    items: list[ListingItem] = field(default_factory=list)
    next_page: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.kind == "feed":
            # RECORD.md's feed shape has no page numbers (the shared sample's proposal did).
            del data["page"], data["next_page"]
        return data
