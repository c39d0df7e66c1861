"""The archive's tables as SQLAlchemy 2 models.

The migrations in ``knotcrawl/db/migrations/versions`` are the authority on the schema; these
models describe the same tables for queries (a test checks the two agree). The full-text
objects are backend-specific and live only in the migrations: on SQLite the FTS5 tables
``articles_fts`` and ``articles_phrases`` with their triggers, on PostgreSQL the generated
``articles.search_vector`` column and its GIN index.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# An article id: 64 bits, the range the crawl takes (``crawl --ids``, links to any
# ``/articles/<digits>``). SQLite's INTEGER is 64 bits already; PostgreSQL's needs BIGINT
# (migration 0009).
ARTICLE_ID = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC ``datetime`` in Python; ``timestamptz`` on PostgreSQL, text on SQLite."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime given to the archive: {value!r}")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Article(Base):
    """The current version of every article ever seen (never deleted; ``gone_at`` when gone)."""

    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("edition", "article_id", name="uq_articles_edition_article_id"),
        Index("ix_articles_edition_published_at", "edition", "published_at"),
        Index("ix_articles_published_at", "published_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    edition: Mapped[str] = mapped_column(String(2))
    article_id: Mapped[int] = mapped_column(ARTICLE_ID)
    url: Mapped[str] = mapped_column(Text)
    fetched_url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_local: Mapped[str | None] = mapped_column(String(32))
    published_raw: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    photo_caption: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    # Authors joined with "; " (the full-text index reads it; the list is article_authors).
    authors_text: Mapped[str] = mapped_column(Text, server_default="")
    original_url: Mapped[str | None] = mapped_column(Text)
    original_article_id: Mapped[int | None] = mapped_column(ARTICLE_ID)
    original_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    original_published_local: Mapped[str | None] = mapped_column(String(32))
    original_published_raw: Mapped[str | None] = mapped_column(Text)
    lead: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    parser_version: Mapped[str | None] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When the current version (content_hash) was first seen.
    version_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    gone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    gone_status: Mapped[int | None] = mapped_column(Integer)


class ArticleAuthor(Base):
    __tablename__ = "article_authors"
    __table_args__ = (Index("ix_article_authors_name", "name"),)

    article_pk: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)


class ArticleLink(Base):
    __tablename__ = "article_links"
    __table_args__ = (Index("ix_article_links_target", "edition", "article_id"),)

    article_pk: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    # NULL when the link has no anchor text (an image-only link; migration 0007), never ''.
    text: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    edition: Mapped[str | None] = mapped_column(String(2))
    article_id: Mapped[int | None] = mapped_column(ARTICLE_ID)


class ArticleSection(Base):
    """Sections the crawl saw the article listed under; ``position`` follows sorted order."""

    __tablename__ = "article_sections"
    __table_args__ = (
        UniqueConstraint("article_pk", "section", name="uq_article_sections_section"),
        Index("ix_article_sections_section", "section"),
    )

    article_pk: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    section: Mapped[str] = mapped_column(Text)


class Revision(Base):
    """An earlier version of an article, moved here when the site edited it."""

    __tablename__ = "revisions"
    __table_args__ = (Index("ix_revisions_article_pk", "article_pk"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_pk: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    edition: Mapped[str] = mapped_column(String(2))
    article_id: Mapped[int] = mapped_column(ARTICLE_ID)
    url: Mapped[str] = mapped_column(Text)
    fetched_url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_local: Mapped[str | None] = mapped_column(String(32))
    published_raw: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list[str]] = mapped_column(JSON)
    source: Mapped[str | None] = mapped_column(Text)
    photo_caption: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    original: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    links: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    parser_version: Mapped[str | None] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RawPage(Base):
    """A fetched article page, compressed. ``revision_id`` NULL = the current version's page."""

    __tablename__ = "raw_pages"
    __table_args__ = (
        Index(
            "uq_raw_pages_current",
            "article_pk",
            unique=True,
            sqlite_where=text("revision_id IS NULL"),
            postgresql_where=text("revision_id IS NULL"),
        ),
        Index("ix_raw_pages_revision_id", "revision_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_pk: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id", ondelete="CASCADE"))
    edition: Mapped[str] = mapped_column(String(2))
    article_id: Mapped[int] = mapped_column(ARTICLE_ID)
    url: Mapped[str] = mapped_column(Text)
    status: Mapped[int] = mapped_column(Integer)
    headers: Mapped[dict[str, Any]] = mapped_column(JSON)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    codec: Mapped[str] = mapped_column(String(8))
    size: Mapped[int] = mapped_column(Integer)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    parser_version: Mapped[str | None] = mapped_column(String(64))


class CrawlRun(Base):
    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mode: Mapped[str] = mapped_column(String(32))
    arguments: Mapped[dict[str, Any]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16))
    new: Mapped[int] = mapped_column(Integer, server_default="0")
    updated: Mapped[int] = mapped_column(Integer, server_default="0")
    unchanged: Mapped[int] = mapped_column(Integer, server_default="0")
    gone: Mapped[int] = mapped_column(Integer, server_default="0")
    failed: Mapped[int] = mapped_column(Integer, server_default="0")
    requests: Mapped[int] = mapped_column(Integer, server_default="0")


class CrawlErrorRow(Base):
    """A URL that failed; retried by the next run, deleted once it succeeds."""

    __tablename__ = "crawl_errors"
    __table_args__ = (Index("ix_crawl_errors_article", "edition", "article_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    edition: Mapped[str | None] = mapped_column(String(2))
    article_id: Mapped[int | None] = mapped_column(ARTICLE_ID)
    error: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # JSON: a listing's walk, or an article's listing context (migration 0006).
    retry: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Since when robots.txt refuses the URL; NULL for any other error (migration 0008).
    refused_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Gap(Base):
    """An id that answered 404/410 and was never an article (added by migration 0002)."""

    __tablename__ = "gaps"

    edition: Mapped[str] = mapped_column(String(2), primary_key=True)
    article_id: Mapped[int] = mapped_column(ARTICLE_ID, primary_key=True)
    status: Mapped[int] = mapped_column(Integer)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


articles = cast(Table, Article.__table__)
article_authors = cast(Table, ArticleAuthor.__table__)
article_links = cast(Table, ArticleLink.__table__)
article_sections = cast(Table, ArticleSection.__table__)
revisions = cast(Table, Revision.__table__)
raw_pages = cast(Table, RawPage.__table__)
crawl_runs = cast(Table, CrawlRun.__table__)
crawl_errors = cast(Table, CrawlErrorRow.__table__)
gaps = cast(Table, Gap.__table__)
