"""Test records for the storage tests (no replica): deterministic, varied, both editions.

A raw page here is JSON, not HTML: ``fake_parser(version)`` reads it the way a real parser
reads HTML, which lets tests swap "parser v1" for an improved "parser v2". And
``end_lock_sessions``: the server ending the session of a lock, as in production.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Engine, text

from knotcrawl.db import RawPage
from knotcrawl.hosts import Edition, canonical_url
from knotcrawl.moscow import local_iso, utc_iso
from knotcrawl.record import ArticleRecord, Link, Original, content_hash

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
FURNITURE = "Subscribe to the Caucasian Knot channel"

_EN = [
    "protest",
    "court",
    "village",
    "police",
    "residents",
    "republic",
    "election",
    "rights",
    "activist",
    "mountain",
    "river",
    "border",
    "refugee",
    "detention",
    "trial",
    "lawyer",
    "mosque",
    "festival",
    "pipeline",
    "road",
]
_RU = [
    "протест",
    "суд",
    "село",
    "полиция",
    "жители",
    "республика",
    "выборы",
    "права",
    "активист",
    "гора",
    "река",
    "граница",
    "беженец",
    "задержание",
    "процесс",
    "адвокат",
    "мечеть",
    "фестиваль",
    "трубопровод",
    "дорога",
]


def _words(edition: str, seed: int, count: int) -> str:
    vocab = _EN if edition == "en" else _RU
    return " ".join(vocab[(seed * 7 + i * 3) % len(vocab)] for i in range(count))


def make_record(
    article_id: int = 1,
    edition: str = "en",
    *,
    title: str | None = None,
    paragraphs: list[str] | None = None,
    authors: list[str] | None = None,
    sections: list[str] | None = None,
    lead: str | None = None,
    published: datetime | None = None,
    parser_version: str = "test-1",
    furniture: bool = False,
) -> ArticleRecord:
    """A record as a crawler would build it (``furniture``: parser v1's bug included)."""
    seed = article_id
    published = published or T0 - timedelta(hours=article_id)
    if title is None:
        title = f"{_words(edition, seed, 4).capitalize()} {article_id}"
    if paragraphs is None:
        paragraphs = [_words(edition, seed + k, 12) + "." for k in range(1 + seed % 3)]
    body_paragraphs = [*paragraphs, FURNITURE] if furniture else list(paragraphs)
    if authors is None:
        authors = [f"Author {seed % 5}", f"Reporter {seed % 3}"][: 1 + seed % 2]
    url = canonical_url(cast(Edition, edition), article_id)
    other: Edition = "ru" if edition == "en" else "en"
    links = [
        Link(
            canonical_url(other, article_id + 1000), "related", "article", other, article_id + 1000
        ),
        Link(f"https://example.org/{article_id}", "source", "external"),
    ][: 1 + seed % 2]
    original = None
    if edition == "en" and seed % 2 == 0:
        original = Original(
            url=canonical_url("ru", article_id + 500),
            article_id=article_id + 500,
            published_at=utc_iso(published - timedelta(hours=2)),
            published_local=local_iso(published - timedelta(hours=2)),
            published_raw="May 17, 2019 at 05:00 pm MSK",
        )
        links.append(Link(original.url, "click here", "original", "ru", article_id + 500))
    return ArticleRecord(
        edition=edition,
        article_id=article_id,
        url=url,
        fetched_url=url,
        title=title,
        published_at=utc_iso(published),
        published_local=local_iso(published),
        published_raw=published.strftime("%d %B %Y, %H:%M"),
        authors=authors,
        source="CK correspondent" if seed % 3 == 0 else None,
        photo_caption=f"Photo {article_id}" if seed % 4 == 0 else None,
        body="\n\n".join(body_paragraphs),
        original=original,
        links=links,
        lead=lead,
        sections=sorted(sections or []),
        parser_version=parser_version,
    )


def make_raw(
    record: ArticleRecord, fetched_at: datetime = T0, *, furniture: bool = True
) -> RawPage:
    """The "page" of a record: JSON with the paragraphs, plus a furniture paragraph."""
    page = record.to_dict()
    paragraphs = [p for p in record.body.split("\n\n") if p != FURNITURE]
    page["paragraphs"] = [*paragraphs, FURNITURE] if furniture else paragraphs
    for key in ("body", "lead", "sections", "content_hash", "parser_version"):
        page.pop(key)
    return RawPage(
        url=record.fetched_url,
        status=200,
        headers={"Content-Type": "text/html; charset=utf-8"},
        body=json.dumps(page, ensure_ascii=False).encode(),
        fetched_at=fetched_at,
        parser_version=record.parser_version,
    )


def fake_parser(version: str) -> Any:
    """A parse function for :func:`make_raw` pages. ``test-1`` keeps the furniture paragraph
    in the body (the bug), ``test-2`` drops it (the fix)."""

    def parse(body: bytes, url: str, headers: Mapping[str, Any] | None = None) -> ArticleRecord:
        page = json.loads(body)
        paragraphs = page.pop("paragraphs")
        if version != "test-1":
            paragraphs = [p for p in paragraphs if p != FURNITURE]
        page["body"] = "\n\n".join(paragraphs)
        page["parser_version"] = version
        page["first_seen_at"] = page["last_seen_at"] = None
        record = ArticleRecord.from_dict(page)
        record.content_hash = content_hash(record.title, record.body)
        return record

    return parse


def comparable(record: ArticleRecord) -> dict[str, Any]:
    """A record's fields without the times the archive sets."""
    data = record.to_dict()
    data.pop("first_seen_at")
    data.pop("last_seen_at")
    return data


def end_lock_sessions(engine: Engine) -> int:
    """End the sessions holding advisory locks on the PostgreSQL database of ``engine``, as
    the server does to a session past ``idle_session_timeout`` or on ``pg_terminate_backend``,
    and wait until they are gone (their locks with them); how many there were."""
    with engine.connect() as conn:
        return len(
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid, 10000) FROM pg_locks"
                    " WHERE locktype = 'advisory' AND pid <> pg_backend_pid()"
                    " AND database = (SELECT oid FROM pg_database"
                    " WHERE datname = current_database())"
                )
            ).all()
        )
