"""The archive: the one place that reads and writes the database.

Scrapy pipelines and every command use :class:`Archive`. Writes are batched; each batch is one
transaction holding whole articles (row, authors, links, sections, raw page), so a killed
process leaves whole articles only. See ``docs/storage.md``.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, cast

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Row,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from knotcrawl.db import migrate
from knotcrawl.db import models as m
from knotcrawl.db.engine import WRITE_OPTION, describe, is_sqlite, make_engine, sqlite_path
from knotcrawl.db.types import (
    CrawlError,
    RawPage,
    ReparseReport,
    Revision,
    SearchHit,
    StoreOutcome,
    compress,
    decompress,
)
from knotcrawl.errors import KnotcrawlError, LockLost, UsageError
from knotcrawl.files import file_write_error
from knotcrawl.hosts import EDITIONS
from knotcrawl.moscow import parse_utc_iso, utc_iso
from knotcrawl.record import ArticleRecord, Link, Original, content_hash

LOCKED_STATUS = 75  # EX_TEMPFAIL: another process holds the lock; try again later.
DEFAULT_BATCH = 500
# The record fields an article row holds directly (lists and `original` are handled apart).
_SCALARS = (
    "url",
    "fetched_url",
    "title",
    "published_local",
    "published_raw",
    "source",
    "photo_caption",
    "body",
)

ParseFunction = Callable[[bytes, str, Mapping[str, Any]], ArticleRecord]


def _now() -> datetime:
    return datetime.now(UTC)


def _reparse_filters(
    edition: str | None,
    since: datetime | None,
    until: datetime | None,
    shard: tuple[int, int] | None,
    pending_for: str | None = None,
) -> list[ColumnElement[bool]]:
    """Which raw pages a reparse reads (with ``articles`` joined), besides current/earlier.
    ``pending_for``: only pages that parser version has not read yet."""
    a, r = m.articles, m.raw_pages
    conditions: list[ColumnElement[bool]] = []
    if pending_for is not None:
        conditions.append(r.c.parser_version.is_distinct_from(pending_for))
    if shard is not None:
        k, n = shard
        if not 0 <= k < n:
            raise UsageError(f"shard {k} of {n}: want 0 <= k < n")
        conditions.append((r.c.id % n) == k)
    if edition is not None:
        conditions.append(a.c.edition == edition)
    if since is not None:
        conditions.append(a.c.published_at >= _aware(since))
    if until is not None:
        conditions.append(a.c.published_at < _aware(until))
    return conditions


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"the archive needs aware datetimes, got {moment!r}")
    return moment.astimezone(UTC)


def _to_dt(value: str | None) -> datetime | None:
    return parse_utc_iso(value) if value else None


def _to_iso(value: datetime | None) -> str | None:
    return utc_iso(value) if value is not None else None


def _record_values(record: ArticleRecord) -> dict[str, Any]:
    """The article-row columns a page determines (not lead, sections, seen times)."""
    values: dict[str, Any] = {name: getattr(record, name) for name in _SCALARS}
    values["published_at"] = _to_dt(record.published_at)
    values["authors_text"] = "; ".join(record.authors)
    original = record.original
    values["original_url"] = original.url if original else None
    values["original_article_id"] = original.article_id if original else None
    values["original_published_at"] = _to_dt(original.published_at) if original else None
    values["original_published_local"] = original.published_local if original else None
    values["original_published_raw"] = original.published_raw if original else None
    values["content_hash"] = record.content_hash
    values["parser_version"] = record.parser_version
    return values


def _link_text(link: Link) -> str | None:
    """A link's anchor text as stored: ``None`` (NULL, JSON ``null``) when it has none, also
    for an empty string from an older parser (RECORD.md: never ``""``)."""
    return link.text or None


def _link_dict(link: Link) -> dict[str, Any]:
    return {
        "url": link.url,
        "text": _link_text(link),
        "kind": link.kind,
        "edition": link.edition,
        "article_id": link.article_id,
    }


def _original_dict(original: Original | None) -> dict[str, Any] | None:
    if original is None:
        return None
    return {
        "url": original.url,
        "article_id": original.article_id,
        "published_at": original.published_at,
        "published_local": original.published_local,
        "published_raw": original.published_raw,
    }


def _extracted(record: ArticleRecord) -> dict[str, Any]:
    """Everything a parse of the page decides: what reparse compares."""
    values = _record_values(record)
    values.pop("parser_version")
    values["authors"] = list(record.authors)
    values["links"] = [_link_dict(link) for link in record.links]
    return values


def _sorted_sections(sections: Iterable[str]) -> list[str]:
    return sorted({s for s in sections if s})


@dataclass(slots=True)
class _Existing:
    pk: int
    content_hash: str
    lead: str | None
    last_seen_at: datetime
    parser_version: str | None = None


class Archive:
    """The archive database. ``Archive.open()`` creates and migrates a new database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sqlite = is_sqlite(engine)

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, url: str | None = None, *, upgrade: bool = False) -> Archive:
        """Open the archive at ``url`` (default: ``KNOTCRAWL_DATABASE_URL`` or
        ``data/knotcrawl.sqlite``). An empty database is created at the newest schema; one at an
        older schema raises (run ``knotcrawl db upgrade``) unless ``upgrade`` is true."""
        engine = make_engine(url)
        try:
            cls._check_schema(engine, upgrade=upgrade)
        except OperationalError as exc:
            engine.dispose()
            raise KnotcrawlError(f"cannot open the database: {exc.orig}") from None
        except BaseException:
            engine.dispose()
            raise
        return cls(engine)

    @staticmethod
    def _check_schema(engine: Engine, *, upgrade: bool) -> None:
        current = migrate.current_revision(engine)
        head = migrate.head_revision()
        if current == head:
            return
        if current is None:
            migrate.upgrade(engine)  # (refused if the database holds other tables)
            return
        if current not in migrate.known_revisions():
            raise KnotcrawlError(
                f"the database is at schema revision {current}, newer than this knotcrawl "
                f"knows ({head}): upgrade knotcrawl"
            )
        if upgrade:
            migrate.upgrade(engine)
            return
        raise KnotcrawlError(
            f"the database is at schema revision {current}, this knotcrawl needs {head}: "
            "back it up and run `knotcrawl db upgrade`"
        )

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        return describe(self.engine.url)

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    # ------------------------------------------------------------------ storing

    def store(
        self,
        record: ArticleRecord,
        *,
        seen_at: datetime,
        raw: RawPage | None = None,
        parse: ParseFunction | None = None,
    ) -> StoreOutcome:
        """Store one fetched article (one transaction). See :meth:`store_many`."""
        with self._write() as conn:
            return self._store_batch(conn, [(record, raw)], _aware(seen_at), parse)[0]

    def store_many(
        self,
        records_with_raw: Iterable[tuple[ArticleRecord, RawPage | None]],
        seen_at: datetime,
        *,
        batch: int = DEFAULT_BATCH,
        parse: ParseFunction | None = None,
    ) -> Counter[str]:
        """Store fetched articles, ``batch`` per transaction; count the outcomes.

        Unchanged content hash: only ``last_seen_at`` moves (lead and sections merge, the raw
        page is replaced). Changed: the old version moves to ``revisions`` with its raw page,
        unless the stored record came from another parser version and ``parse`` (the parser
        that made the new record) reads the stored raw page as the new record: then the site
        did not change, the parser did, and the record is rewritten in place
        (``reextracted``), as ``reparse`` would have done.
        """
        seen = _aware(seen_at)
        counts: Counter[str] = Counter()
        chunk: list[tuple[ArticleRecord, RawPage | None]] = []
        for item in records_with_raw:
            chunk.append(item)
            if len(chunk) >= batch:
                counts.update(self._store_chunk(chunk, seen, parse))
                chunk = []
        if chunk:
            counts.update(self._store_chunk(chunk, seen, parse))
        return counts

    def _store_chunk(
        self,
        chunk: list[tuple[ArticleRecord, RawPage | None]],
        seen: datetime,
        parse: ParseFunction | None,
    ) -> list[str]:
        with self._write() as conn:
            outcomes: list[str] = []
            # The same article twice in a batch: store the batch in parts, in order.
            part: list[tuple[ArticleRecord, RawPage | None]] = []
            keys: set[tuple[str, int]] = set()
            for record, raw in chunk:
                key = (record.edition, record.article_id)
                if key in keys:
                    outcomes.extend(self._store_batch(conn, part, seen, parse))
                    part, keys = [], set()
                part.append((record, raw))
                keys.add(key)
            outcomes.extend(self._store_batch(conn, part, seen, parse))
            return outcomes

    def _by_edition(self, keys: Iterable[tuple[str, int]]) -> dict[str, list[int]]:
        grouped: dict[str, list[int]] = defaultdict(list)
        for edition, article_id in keys:
            grouped[edition].append(article_id)
        return grouped

    def _store_batch(
        self,
        conn: Connection,
        items: Sequence[tuple[ArticleRecord, RawPage | None]],
        seen: datetime,
        parse: ParseFunction | None = None,
    ) -> list[StoreOutcome]:
        a = m.articles
        # The hash is defined by RECORD.md; a record whose stored hash went stale (a caller
        # edited its body) is stored with the right one.
        items = [
            (r, raw)
            if r.content_hash == (h := content_hash(r.title, r.body))
            else (replace(r, content_hash=h), raw)
            for r, raw in items
        ]
        keys = [(r.edition, r.article_id) for r, _ in items]
        existing: dict[tuple[str, int], _Existing] = {}
        for edition, ids in self._by_edition(keys).items():
            rows = conn.execute(
                select(
                    a.c.id,
                    a.c.article_id,
                    a.c.content_hash,
                    a.c.lead,
                    a.c.last_seen_at,
                    a.c.parser_version,
                ).where(a.c.edition == edition, a.c.article_id.in_(ids))
            )
            for row in rows:
                existing[(edition, row.article_id)] = _Existing(
                    row.id, row.content_hash, row.lead, row.last_seen_at, row.parser_version
                )

        outcomes: list[StoreOutcome] = []
        new: list[tuple[ArticleRecord, RawPage | None]] = []
        same: list[tuple[ArticleRecord, RawPage | None, _Existing]] = []
        changed: list[tuple[ArticleRecord, RawPage | None, _Existing]] = []
        reextracted: list[tuple[ArticleRecord, RawPage | None, _Existing]] = []
        unedited = self._unedited(conn, items, existing, parse)
        for (record, raw), key in zip(items, keys, strict=True):
            old = existing.get(key)
            if old is None:
                new.append((record, raw))
                outcomes.append(StoreOutcome.NEW)
            elif old.content_hash == record.content_hash:
                same.append((record, raw, old))
                outcomes.append(StoreOutcome.UNCHANGED)
            elif old.pk in unedited:
                reextracted.append((record, raw, old))
                outcomes.append(StoreOutcome.REEXTRACTED)
            else:
                changed.append((record, raw, old))
                outcomes.append(StoreOutcome.UPDATED)

        if new:
            self._insert_new(conn, new, seen)
        if changed:
            self._apply_changes(conn, changed, seen)
        if same:
            self._rewrite_unhashed(conn, same)
        if same or reextracted:
            self._touch_unchanged(conn, same + reextracted, seen)
        if reextracted:
            self._rewrite_extracted(conn, [(old.pk, record) for record, _, old in reextracted])
        if same or changed or reextracted:
            self._merge_sections(conn, [(r, old.pk) for r, _, old in same + changed + reextracted])
        # Stored articles are neither gaps nor open errors any more.
        for edition, ids in self._by_edition(keys).items():
            conn.execute(
                delete(m.gaps).where(m.gaps.c.edition == edition, m.gaps.c.article_id.in_(ids))
            )
            conn.execute(
                delete(m.crawl_errors).where(
                    m.crawl_errors.c.edition == edition, m.crawl_errors.c.article_id.in_(ids)
                )
            )
        return outcomes

    def _unedited(
        self,
        conn: Connection,
        items: Sequence[tuple[ArticleRecord, RawPage | None]],
        existing: dict[tuple[str, int], _Existing],
        parse: ParseFunction | None,
    ) -> set[int]:
        """The stored articles (pks) whose new record differs only because another parser
        version made the stored one: ``parse`` reads their stored raw page as the new record."""
        if parse is None:
            return set()
        suspects: dict[int, ArticleRecord] = {}
        for record, _ in items:
            old = existing.get((record.edition, record.article_id))
            if (
                old is not None
                and old.content_hash != record.content_hash
                and old.parser_version != record.parser_version
            ):
                suspects[old.pk] = record
        if not suspects:
            return set()
        r = m.raw_pages
        rows = conn.execute(
            select(r).where(r.c.article_pk.in_(list(suspects)), r.c.revision_id.is_(None))
        ).all()
        unedited = set()
        for row in rows:
            record = suspects[row.article_pk]
            try:
                again = parse(decompress(row.codec, row.body), row.url, dict(row.headers))
            except Exception:  # the stored page no longer parses: the new one stands as an edit
                continue
            if content_hash(again.title, again.body) == record.content_hash:
                unedited.add(row.article_pk)
        return unedited

    def _rewrite_unhashed(
        self, conn: Connection, items: list[tuple[ArticleRecord, RawPage | None, _Existing]]
    ) -> None:
        """Unchanged articles whose fields outside the hash differ from the stored record's
        (a recheck through a mirror with another markup: its date line reads ``17:28 /
        28.01.2026``; a parser upgrade) get the new record's fields, so that a record always
        agrees with the raw page kept with it."""
        a = m.articles
        new = {old.pk: record for record, raw, old in items if raw is not None}
        if not new:
            return
        rows = conn.execute(select(a).where(a.c.id.in_(list(new)))).all()
        differ = []
        for row, stored in zip(rows, self._records(conn, rows), strict=True):
            record = new[row.id]
            got, had = _extracted(record), _extracted(stored)
            got.pop("fetched_url"), had.pop("fetched_url")
            if got != had:
                differ.append((row.id, record))
        if differ:
            self._rewrite_extracted(conn, differ)

    def _rewrite_extracted(self, conn: Connection, items: list[tuple[int, ArticleRecord]]) -> None:
        """The extracted fields of stored articles replaced in place (no revision)."""
        a = m.articles
        for pk, record in items:
            conn.execute(update(a).where(a.c.id == pk).values(**_record_values(record)))
        self._replace_children(conn, items)

    def _replace_children(self, conn: Connection, items: list[tuple[int, ArticleRecord]]) -> None:
        pks = [pk for pk, _ in items]
        conn.execute(delete(m.article_authors).where(m.article_authors.c.article_pk.in_(pks)))
        conn.execute(delete(m.article_links).where(m.article_links.c.article_pk.in_(pks)))
        self._insert_children(conn, items)

    def _existing_for_test(self, conn: Connection, edition: str, article_id: int) -> _Existing:
        """The stored state ``_apply_changes`` needs (tests that write an old schema use it)."""
        a = m.articles
        row = conn.execute(
            select(a.c.id, a.c.content_hash, a.c.lead, a.c.last_seen_at).where(
                a.c.edition == edition, a.c.article_id == article_id
            )
        ).one()
        return _Existing(row.id, row.content_hash, row.lead, row.last_seen_at)

    def _insert_new(
        self, conn: Connection, items: list[tuple[ArticleRecord, RawPage | None]], seen: datetime
    ) -> None:
        rows = []
        for record, _ in items:
            values = _record_values(record)
            values.update(
                edition=record.edition,
                article_id=record.article_id,
                lead=record.lead,
                first_seen_at=seen,
                last_seen_at=seen,
                version_seen_at=seen,
                gone_at=None,
                gone_status=None,
            )
            rows.append(values)
        pks = self._allocate_ids(conn, len(rows))
        for pk, values in zip(pks, rows, strict=True):
            values["id"] = pk
        conn.execute(insert(m.articles), rows)
        self._insert_children(conn, [(pk, r) for pk, (r, _) in zip(pks, items, strict=True)])
        sections = [
            {"article_pk": pk, "position": i, "section": s}
            for pk, (record, _) in zip(pks, items, strict=True)
            for i, s in enumerate(_sorted_sections(record.sections))
        ]
        if sections:
            conn.execute(insert(m.article_sections), sections)
        raws = [
            self._raw_row(pk, record, raw, None)
            for pk, (record, raw) in zip(pks, items, strict=True)
            if raw is not None
        ]
        if raws:
            conn.execute(insert(m.raw_pages), raws)

    @staticmethod
    def _allocate_ids(conn: Connection, count: int) -> list[int]:
        """Primary keys for ``count`` new articles, so a batch inserts with a plain
        ``executemany`` (no per-row RETURNING). SQLite: the write transaction (BEGIN
        IMMEDIATE) excludes other writers; PostgreSQL: the column's sequence."""
        a = m.articles
        if conn.dialect.name == "sqlite":
            top = conn.execute(select(func.coalesce(func.max(a.c.id), 0))).scalar_one()
            return list(range(top + 1, top + 1 + count))
        return list(
            conn.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence('articles', 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": count},
            ).scalars()
        )

    @staticmethod
    def _insert_children(conn: Connection, items: list[tuple[int, ArticleRecord]]) -> None:
        authors = [
            {"article_pk": pk, "position": i, "name": name}
            for pk, record in items
            for i, name in enumerate(record.authors)
        ]
        if authors:
            conn.execute(insert(m.article_authors), authors)
        links = [
            {
                "article_pk": pk,
                "position": i,
                "url": link.url,
                "text": _link_text(link),
                "kind": link.kind,
                "edition": link.edition,
                "article_id": link.article_id,
            }
            for pk, record in items
            for i, link in enumerate(record.links)
        ]
        if links:
            conn.execute(insert(m.article_links), links)

    @staticmethod
    def _raw_row(
        pk: int, record: ArticleRecord, raw: RawPage, revision_id: int | None
    ) -> dict[str, Any]:
        codec, body = compress(raw.body)
        return {
            "article_pk": pk,
            "revision_id": revision_id,
            "edition": record.edition,
            "article_id": record.article_id,
            "url": raw.url,
            "status": raw.status,
            "headers": dict(raw.headers),
            "fetched_at": _aware(raw.fetched_at),
            "codec": codec,
            "size": len(raw.body),
            "body": body,
            "parser_version": raw.parser_version or record.parser_version,
        }

    def _touch_unchanged(
        self,
        conn: Connection,
        items: list[tuple[ArticleRecord, RawPage | None, _Existing]],
        seen: datetime,
    ) -> None:
        a = m.articles
        conn.execute(
            update(a)
            .where(a.c.id == bindparam("pk"))
            .values(
                last_seen_at=bindparam("seen"),
                lead=bindparam("new_lead"),
                # The URL of this fetch, as the raw page kept below is this fetch's (a
                # recheck through a mirror); reparse would otherwise "change" it later.
                fetched_url=bindparam("fetched"),
                gone_at=None,
                gone_status=None,
            ),
            [
                {
                    "pk": old.pk,
                    "seen": max(seen, old.last_seen_at),
                    "new_lead": record.lead if record.lead is not None else old.lead,
                    "fetched": record.fetched_url,
                }
                for record, _, old in items
            ],
        )
        with_raw = [(record, raw, old) for record, raw, old in items if raw is not None]
        if not with_raw:
            return
        r = m.raw_pages
        current = dict(
            conn.execute(
                select(r.c.article_pk, r.c.id).where(
                    r.c.article_pk.in_([old.pk for _, _, old in with_raw]),
                    r.c.revision_id.is_(None),
                )
            ).all()
        )
        replace, add = [], []
        for record, raw, old in with_raw:
            row = self._raw_row(old.pk, record, raw, None)
            if old.pk in current:
                row["raw_id"] = current[old.pk]
                replace.append(row)
            else:
                add.append(row)
        if replace:
            columns = ("url", "status", "headers", "fetched_at", "codec", "size", "body")
            stmt = (
                update(r)
                .where(r.c.id == bindparam("raw_id"))
                .values(
                    {c: bindparam(c) for c in columns}
                    | {"parser_version": bindparam("parser_version")}
                )
            )
            conn.execute(stmt, replace)
        if add:
            conn.execute(insert(r), add)

    def _apply_changes(
        self,
        conn: Connection,
        items: list[tuple[ArticleRecord, RawPage | None, _Existing]],
        seen: datetime,
    ) -> None:
        a, r = m.articles, m.raw_pages
        pks = [old.pk for _, _, old in items]
        old_rows = {row.id: row for row in conn.execute(select(a).where(a.c.id.in_(pks)))}
        authors, links = self._children(conn, pks)
        revision_rows = []
        for _, _, old in items:
            row = old_rows[old.pk]
            revision_rows.append(
                {
                    "article_pk": row.id,
                    "edition": row.edition,
                    "article_id": row.article_id,
                    **{name: getattr(row, name) for name in _SCALARS},
                    "published_at": row.published_at,
                    "authors": authors.get(row.id, []),
                    "original": _original_dict(self._original(row)),
                    "links": [_link_dict(link) for link in links.get(row.id, [])],
                    "content_hash": row.content_hash,
                    "parser_version": row.parser_version,
                    "first_seen_at": row.version_seen_at,
                    "last_seen_at": row.last_seen_at,
                    "replaced_at": seen,
                }
            )
        revision_ids = list(
            conn.execute(
                insert(m.revisions).returning(m.revisions.c.id, sort_by_parameter_order=True),
                revision_rows,
            ).scalars()
        )
        # The current raw page belongs to the old version now.
        conn.execute(
            update(r)
            .where(r.c.article_pk == bindparam("pk"), r.c.revision_id.is_(None))
            .values(revision_id=bindparam("rev")),
            [{"pk": pk, "rev": rev} for pk, rev in zip(pks, revision_ids, strict=True)],
        )
        updates = []
        for record, _, old in items:
            values = _record_values(record)
            values.update(
                pk=old.pk,
                lead=record.lead if record.lead is not None else old.lead,
                last_seen_at=max(seen, old.last_seen_at),
                version_seen_at=seen,
                gone_at=None,
                gone_status=None,
            )
            updates.append(values)
        columns = [k for k in updates[0] if k != "pk"]
        conn.execute(
            update(a).where(a.c.id == bindparam("pk")).values({c: bindparam(c) for c in columns}),
            updates,
        )
        self._replace_children(conn, [(old.pk, record) for record, _, old in items])
        raws = [
            self._raw_row(old.pk, record, raw, None)
            for record, raw, old in items
            if raw is not None
        ]
        if raws:
            conn.execute(insert(r), raws)

    def _merge_sections(self, conn: Connection, items: list[tuple[ArticleRecord, int]]) -> None:
        """Sections are the union of every listing the article was seen under."""
        wanted: dict[int, set[str]] = defaultdict(set)
        for record, pk in items:
            wanted[pk].update(s for s in record.sections if s)
        pks = [pk for pk, sections in wanted.items() if sections]
        if not pks:
            return
        s = m.article_sections
        have: dict[int, set[str]] = defaultdict(set)
        for pk, section in conn.execute(
            select(s.c.article_pk, s.c.section).where(s.c.article_pk.in_(pks))
        ).all():
            have[pk].add(section)
        rewrite = {pk: wanted[pk] | have[pk] for pk in pks if not wanted[pk] <= have[pk]}
        if not rewrite:
            return
        conn.execute(delete(s).where(s.c.article_pk.in_(list(rewrite))))
        conn.execute(
            insert(s),
            [
                {"article_pk": pk, "position": i, "section": name}
                for pk, sections in rewrite.items()
                for i, name in enumerate(sorted(sections))
            ],
        )

    def add_listing_context(
        self, edition: str, article_id: int, sections: Iterable[str], lead: str | None
    ) -> bool:
        """Add sections (union) and the lead seen on a listing; no revision. False if the
        article is not stored (yet)."""
        return bool(self.add_listing_contexts(edition, [(article_id, list(sections), lead)]))

    def add_listing_contexts(
        self, edition: str, entries: Sequence[tuple[int, Sequence[str], str | None]]
    ) -> set[int]:
        """:meth:`add_listing_context` for every entry of a listing page in one transaction;
        returns the article ids that are stored (the others are not, yet)."""
        if not entries:
            return set()
        a = m.articles
        wanted = {article_id for article_id, _, _ in entries}
        with self._write() as conn:
            pk_of = {
                int(article_id): int(pk)
                for article_id, pk in conn.execute(
                    select(a.c.article_id, a.c.id).where(
                        a.c.edition == edition, a.c.article_id.in_(sorted(wanted))
                    )
                )
            }
            probes = []
            for article_id, sections, lead in entries:
                pk = pk_of.get(article_id)
                if pk is None:
                    continue
                if lead:
                    conn.execute(
                        update(a)
                        .where(a.c.id == pk, a.c.lead.is_distinct_from(lead))
                        .values(lead=lead)
                    )
                probe = ArticleRecord(
                    edition, article_id, "", "", "", "", "", "", sections=list(sections)
                )
                probes.append((probe, pk))
            self._merge_sections(conn, probes)
        return set(pk_of)

    def mark_gone(
        self, edition: str, article_id: int, at: datetime, status: int
    ) -> Literal["gone", "already_gone", "unknown"]:
        """Mark a stored article gone (it answered 404/410); never deletes. ``gone`` when it
        was live until now, ``already_gone`` when it was marked before (the first time and
        status are kept), ``unknown`` when the archive does not hold it (a gap)."""
        a = m.articles
        with self._write() as conn:
            found = conn.execute(
                select(a.c.id, a.c.gone_at).where(
                    a.c.edition == edition, a.c.article_id == article_id
                )
            ).first()
            if found is None:
                return "unknown"
            if found.gone_at is None:
                conn.execute(
                    update(a)
                    .where(a.c.id == found.id)
                    .values(gone_at=_aware(at), gone_status=status)
                )
            self._clear_article_errors(conn, edition, article_id)
            return "gone" if found.gone_at is None else "already_gone"

    def record_gap(
        self, edition: str, article_id: int, status: int, *, at: datetime | None = None
    ) -> None:
        """An id that answered ``status`` (404/410) and has never been an article."""
        moment = _aware(at) if at else _now()
        g = m.gaps
        with self._write() as conn:
            stmt = self._upsert(conn, g).values(
                edition=edition,
                article_id=article_id,
                status=status,
                first_seen_at=moment,
                last_seen_at=moment,
            )
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[g.c.edition, g.c.article_id],
                    set_={"status": status, "last_seen_at": moment},
                )
            )
            self._clear_article_errors(conn, edition, article_id)

    def gap_ids(self, edition: str) -> set[int]:
        g = m.gaps
        with self._read() as conn:
            return set(conn.execute(select(g.c.article_id).where(g.c.edition == edition)).scalars())

    @staticmethod
    def _upsert(conn: Connection, table: Any) -> Any:
        if conn.dialect.name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            return sqlite_insert(table)
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)

    @staticmethod
    def _clear_article_errors(conn: Connection, edition: str, article_id: int) -> None:
        e = m.crawl_errors
        conn.execute(delete(e).where(e.c.edition == edition, e.c.article_id == article_id))

    # ------------------------------------------------------------------ reading

    @staticmethod
    def _original(row: Any) -> Original | None:
        if row.original_url is None:
            return None
        return Original(
            url=row.original_url,
            article_id=row.original_article_id,
            published_at=cast(str, _to_iso(row.original_published_at)),
            published_local=row.original_published_local,
            published_raw=row.original_published_raw,
        )

    @staticmethod
    def _names(conn: Connection, column: Column[str], pks: list[int]) -> dict[int, list[str]]:
        """The names in ``column`` of a child table (authors, sections) of each article in
        ``pks``, in their order on the page."""
        table = column.table
        names: dict[int, list[str]] = defaultdict(list)
        for pk, name in conn.execute(
            select(table.c.article_pk, column)
            .where(table.c.article_pk.in_(pks))
            .order_by(table.c.article_pk, table.c.position)
        ).all():
            names[pk].append(name)
        return names

    @staticmethod
    def _children(
        conn: Connection, pks: list[int]
    ) -> tuple[dict[int, list[str]], dict[int, list[Link]]]:
        authors = Archive._names(conn, m.article_authors.c.name, pks)
        links: dict[int, list[Link]] = defaultdict(list)
        li = m.article_links
        for row in conn.execute(
            select(li).where(li.c.article_pk.in_(pks)).order_by(li.c.article_pk, li.c.position)
        ):
            links[row.article_pk].append(
                Link(row.url, row.text, row.kind, row.edition, row.article_id)
            )
        return authors, links

    def _records(self, conn: Connection, rows: Sequence[Row[Any]]) -> list[ArticleRecord]:
        if not rows:
            return []
        pks = [row.id for row in rows]
        authors, links = self._children(conn, pks)
        sections = self._names(conn, m.article_sections.c.section, pks)
        return [
            ArticleRecord(
                edition=row.edition,
                article_id=row.article_id,
                **{name: getattr(row, name) for name in _SCALARS},
                published_at=cast(str, _to_iso(row.published_at)),
                authors=authors.get(row.id, []),
                original=self._original(row),
                links=links.get(row.id, []),
                lead=row.lead,
                sections=sections.get(row.id, []),
                content_hash=row.content_hash,
                parser_version=row.parser_version,
                first_seen_at=_to_iso(row.first_seen_at),
                last_seen_at=_to_iso(row.last_seen_at),
            )
            for row in rows
        ]

    def get(self, edition: str, article_id: int) -> ArticleRecord | None:
        a = m.articles
        with self._read() as conn:
            row = conn.execute(
                select(a).where(a.c.edition == edition, a.c.article_id == article_id)
            ).first()
            return self._records(conn, [row])[0] if row is not None else None

    def has(self, edition: str, article_id: int) -> bool:
        a = m.articles
        with self._read() as conn:
            return bool(
                conn.execute(
                    select(exists().where(a.c.edition == edition, a.c.article_id == article_id))
                ).scalar()
            )

    def is_gone(self, edition: str, article_id: int) -> bool | None:
        """True if stored and gone, False if stored and live, None if not stored."""
        a = m.articles
        with self._read() as conn:
            row = conn.execute(
                select(a.c.gone_at).where(a.c.edition == edition, a.c.article_id == article_id)
            ).first()
        return None if row is None else row.gone_at is not None

    def known_ids(self, edition: str) -> set[int]:
        a = m.articles
        with self._read() as conn:
            return set(conn.execute(select(a.c.article_id).where(a.c.edition == edition)).scalars())

    def newest_published(self, edition: str | None = None) -> datetime | None:
        """The publication time of the newest article of ``edition`` (None: of any edition);
        None when there is no dated article."""
        a = m.articles
        query = select(func.max(a.c.published_at))
        if edition is not None:
            query = query.where(a.c.edition == edition)
        with self._read() as conn:
            value = conn.execute(query).scalar()
        return None if value is None else _aware(value)

    def ids_published_since(self, edition: str, since: datetime) -> list[int]:
        a = m.articles
        with self._read() as conn:
            return list(
                conn.execute(
                    select(a.c.article_id)
                    .where(a.c.edition == edition, a.c.published_at >= _aware(since))
                    .order_by(a.c.article_id)
                ).scalars()
            )

    def iter_records(
        self,
        edition: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        *,
        include_gone: bool = True,
        batch: int = 1000,
    ) -> Iterator[ArticleRecord]:
        """Stream records ordered by (edition, article_id), ``batch`` rows per query (keyset
        pagination, a short read per batch). ``since``/``until`` bound ``published_at``
        (``since <= published_at < until``)."""
        a = m.articles
        conditions = []
        if edition is not None:
            conditions.append(a.c.edition == edition)
        if since is not None:
            conditions.append(a.c.published_at >= _aware(since))
        if until is not None:
            conditions.append(a.c.published_at < _aware(until))
        if not include_gone:
            conditions.append(a.c.gone_at.is_(None))
        last: tuple[str, int] | None = None
        while True:
            query = select(a).where(*conditions)
            if last is not None:
                query = query.where(
                    or_(
                        a.c.edition > last[0],
                        and_(a.c.edition == last[0], a.c.article_id > last[1]),
                    )
                )
            query = query.order_by(a.c.edition, a.c.article_id).limit(batch)
            with self._read() as conn:
                rows = conn.execute(query).all()
                records = self._records(conn, rows)
            yield from records
            if len(rows) < batch:
                return
            last = (rows[-1].edition, rows[-1].article_id)

    def revisions(self, edition: str, article_id: int) -> list[Revision]:
        """Earlier versions, oldest first."""
        rv, r = m.revisions, m.raw_pages
        with self._read() as conn:
            rows = conn.execute(
                select(rv, exists().where(r.c.revision_id == rv.c.id).label("has_raw"))
                .where(rv.c.edition == edition, rv.c.article_id == article_id)
                .order_by(rv.c.id)
            ).all()
        result = []
        for row in rows:
            original = row.original
            record = ArticleRecord(
                edition=row.edition,
                article_id=row.article_id,
                **{name: getattr(row, name) for name in _SCALARS},
                published_at=cast(str, _to_iso(row.published_at)),
                authors=list(row.authors),
                original=Original(**original) if original else None,
                links=[Link(**link) for link in row.links],
                content_hash=row.content_hash,
                parser_version=row.parser_version,
                first_seen_at=_to_iso(row.first_seen_at),
                last_seen_at=_to_iso(row.last_seen_at),
            )
            result.append(
                Revision(
                    record, row.first_seen_at, row.last_seen_at, row.replaced_at, bool(row.has_raw)
                )
            )
        return result

    def raw_page(self, edition: str, article_id: int) -> RawPage | None:
        """The stored page of the current version, decompressed."""
        a, r = m.articles, m.raw_pages
        with self._read() as conn:
            row = conn.execute(
                select(r)
                .join(a, a.c.id == r.c.article_pk)
                .where(
                    a.c.edition == edition, a.c.article_id == article_id, r.c.revision_id.is_(None)
                )
            ).first()
        if row is None:
            return None
        return RawPage(
            row.url,
            row.status,
            dict(row.headers),
            decompress(row.codec, row.body),
            row.fetched_at,
            row.parser_version,
        )

    def counts(self) -> dict[str, int]:
        a = m.articles
        with self._read() as conn:
            result: dict[str, int] = {
                "articles": conn.execute(select(func.count()).select_from(a)).scalar_one(),
                # both editions always, 0 when none is stored yet: the keys do not come and go
                **{f"articles_{edition}": 0 for edition in EDITIONS},
            }
            for edition, n in conn.execute(
                select(a.c.edition, func.count()).group_by(a.c.edition)
            ).all():
                result[f"articles_{edition}"] = n
            result["gone"] = conn.execute(
                select(func.count()).select_from(a).where(a.c.gone_at.is_not(None))
            ).scalar_one()
            for name, table in (
                ("revisions", m.revisions),
                ("raw_pages", m.raw_pages),
                ("gaps", m.gaps),
                ("errors", m.crawl_errors),
                ("runs", m.crawl_runs),
            ):
                result[name] = conn.execute(select(func.count()).select_from(table)).scalar_one()
        return result

    # ------------------------------------------------------------------ runs and errors

    def start_run(self, mode: str, arguments: Mapping[str, Any]) -> int:
        with self._write() as conn:
            return int(
                conn.execute(
                    insert(m.crawl_runs)
                    .values(
                        mode=mode, arguments=dict(arguments), started_at=_now(), status="running"
                    )
                    .returning(m.crawl_runs.c.id)
                ).scalar_one()
            )

    def finish_run(
        self, run_id: int, status: str, counts: Mapping[str, int], requests: int
    ) -> None:
        values = _run_counts(counts)
        with self._write() as conn:
            conn.execute(
                update(m.crawl_runs)
                .where(m.crawl_runs.c.id == run_id)
                .values(status=status, finished_at=_now(), requests=requests, **values)
            )

    def run_progress(self, run_id: int, counts: Mapping[str, int], requests: int) -> None:
        """A running crawl's counts so far (after each stored batch), so that the ledger of
        a run killed before it could finish still says what it stored."""
        values = _run_counts(counts)
        with self._write() as conn:
            conn.execute(
                update(m.crawl_runs)
                .where(m.crawl_runs.c.id == run_id, m.crawl_runs.c.status == "running")
                .values(requests=requests, **values)
            )

    def end_stale_runs(self) -> int:
        """Ledger rows still ``running`` when this process holds the crawl lock belong to
        crawls that were killed (SIGKILL, power cut): mark them ``killed``. Returns how many."""
        with self._write() as conn:
            result = conn.execute(
                update(m.crawl_runs)
                .where(m.crawl_runs.c.status == "running")
                .values(status="killed")
            )
            return int(result.rowcount or 0)

    def runs(self, limit: int = 20) -> list[dict[str, Any]]:
        c = m.crawl_runs
        with self._read() as conn:
            rows = conn.execute(select(c).order_by(c.c.id.desc()).limit(limit)).mappings().all()
        return [dict(row) for row in rows]

    def ledger(self) -> list[tuple[int, dict[str, Any]]]:
        """Every run's id and arguments (what it crawled), oldest first."""
        c = m.crawl_runs
        with self._read() as conn:
            rows = conn.execute(select(c.c.id, c.c.arguments).order_by(c.c.id)).all()
        return [(run_id, arguments or {}) for run_id, arguments in rows]

    def last_update_time(self, edition: str) -> datetime | None:
        """The time of the last ``update`` run of ``edition`` that finished its walk and
        recheck (status ok, failures or drift): its ``--now``, else when it started."""
        c = m.crawl_runs
        return self._run_time(
            select(c.c.arguments, c.c.started_at)
            .where(c.c.mode == "update", c.c.status.in_(("ok", "failures", "drift")))
            .order_by(c.c.id.desc()),
            edition,
        )

    def first_run_time(self, edition: str) -> datetime | None:
        """The time of the first crawl run of any mode that covered ``edition`` (its
        ``--now``, else when it started): before it no article of that edition was fetched."""
        c = m.crawl_runs
        return self._run_time(select(c.c.arguments, c.c.started_at).order_by(c.c.id), edition)

    def _run_time(self, runs: Any, edition: str) -> datetime | None:
        """The time of the first of ``runs`` (ledger rows: arguments, started_at) that covered
        ``edition``: its ``--now``, else when it started."""
        with self._read() as conn:
            # Streamed: the run sought is mostly among the first rows, but may be behind
            # thousands of runs of the other edition (a ledger of years of hourly updates).
            for arguments, started_at in conn.execute(runs.execution_options(yield_per=200)):
                arguments = arguments or {}
                if edition in arguments.get("editions", ()):
                    now = arguments.get("now")
                    return datetime.fromisoformat(now) if now else _aware(started_at)
        return None

    def record_error(
        self,
        url: str,
        error: str,
        edition: str | None = None,
        article_id: int | None = None,
        retry: dict[str, Any] | None = None,
        *,
        refused: bool = False,
    ) -> None:
        """Remember a failed URL (one row per URL, ``attempts`` counts); the next run retries it.
        ``retry``: what that retry needs (a listing's walk, an article's listing context); an
        earlier row's is kept when this failure brings none. ``refused``: robots.txt refused
        the URL; ``refused_since`` keeps the moment of the first refusal in a row, and any
        other error clears it."""
        e = m.crawl_errors
        moment = _now()
        retry_text = json.dumps(retry, sort_keys=True, ensure_ascii=False) if retry else None
        refused_since = moment if refused else None
        with self._write() as conn:
            stmt = self._upsert(conn, e).values(
                url=url,
                edition=edition,
                article_id=article_id,
                error=error,
                attempts=1,
                first_seen_at=moment,
                last_seen_at=moment,
                retry=retry_text,
                refused_since=refused_since,
            )
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[e.c.url],
                    set_={
                        "error": error,
                        "attempts": e.c.attempts + 1,
                        "last_seen_at": moment,
                        "edition": func.coalesce(stmt.excluded.edition, e.c.edition),
                        "article_id": func.coalesce(stmt.excluded.article_id, e.c.article_id),
                        "retry": func.coalesce(stmt.excluded.retry, e.c.retry),
                        "refused_since": (
                            func.coalesce(e.c.refused_since, stmt.excluded.refused_since)
                            if refused
                            else None
                        ),
                    },
                )
            )

    def set_error_retry(self, url: str, retry: dict[str, Any]) -> None:
        """Replace what the retry of a failed URL needs (``retry`` of :meth:`record_error`),
        its attempts and times unchanged; nothing when the URL has no row."""
        e = m.crawl_errors
        retry_text = json.dumps(retry, sort_keys=True, ensure_ascii=False) if retry else None
        with self._write() as conn:
            conn.execute(update(e).where(e.c.url == url).values(retry=retry_text))

    def clear_error(self, url: str) -> None:
        with self._write() as conn:
            conn.execute(delete(m.crawl_errors).where(m.crawl_errors.c.url == url))

    def open_errors(self) -> list[CrawlError]:
        e = m.crawl_errors
        with self._read() as conn:
            rows = conn.execute(select(e).order_by(e.c.first_seen_at, e.c.id)).all()
        return [
            CrawlError(
                row.url,
                row.error,
                row.edition,
                row.article_id,
                row.attempts,
                row.first_seen_at,
                row.last_seen_at,
                json.loads(row.retry) if row.retry else {},
                row.refused_since,
            )
            for row in rows
        ]

    # ------------------------------------------------------------------ search

    def search(
        self,
        query: str,
        *,
        edition: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[SearchHit]:
        """Full-text search over title, body and authors, best first, with a snippet.

        The syntax (see :mod:`knotcrawl.db.search`) is the same on both backends; a malformed
        query raises :class:`~knotcrawl.errors.UsageError`.
        """
        # One implementation for the repository, the CLI and the notebook API: it ranks and
        # cuts the page first and computes snippets only for the hits returned.
        from knotcrawl.db import queries

        hits = queries.search(
            self.engine,
            query,
            queries.Filters(edition=edition, since=since, until=until),
            limit=limit,
            offset=offset,
        )
        return [
            replace(
                hit,
                snippet=hit.snippet.replace(queries.HIT_OPEN, "[").replace(queries.HIT_CLOSE, "]"),
            )
            for hit in hits
        ]

    # ------------------------------------------------------------------ reparse

    def reparse(
        self,
        parse: ParseFunction,
        parser_version: str | None,
        *,
        edition: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        batch: int = 200,
        revisions: bool = True,
        progress: Callable[[ReparseReport], None] | None = None,
        shard: tuple[int, int] | None = None,
        redo: bool = False,
        lock: object = None,
    ) -> ReparseReport:
        """Run ``parse`` over the stored raw pages and update what the parser now extracts
        differently. No revisions are made (the site did not change); lead, sections and seen
        times stay. Streams: ``batch`` raw pages per read, one short write per batch.
        ``shard=(k, n)`` takes only the raw pages whose id is k modulo n, so n processes can
        share one reparse. Pages ``parser_version`` has read already (each batch marks its
        pages) are skipped unless ``redo``: an interrupted reparse resumes where it stopped.
        ``lock`` (see :meth:`check_lock`) is checked before each write: a reparse that lost
        it raises :class:`LockLost` with every batch before written whole, and no more."""
        report = ReparseReport(parser_version)
        a, r = m.articles, m.raw_pages
        chosen = _reparse_filters(edition, since, until, shard, None if redo else parser_version)
        conditions: list[ColumnElement[bool]] = [r.c.revision_id.is_(None), *chosen]
        last = 0
        while True:
            with self._read() as conn:
                rows = conn.execute(
                    select(r, a.c.content_hash.label("stored_hash"))
                    .join(a, a.c.id == r.c.article_pk)
                    .where(r.c.id > last, *conditions)
                    .order_by(r.c.id)
                    .limit(batch)
                ).all()
                stored = self._stored_by_pk(conn, [row.article_pk for row in rows])
            if not rows:
                break
            last = rows[-1].id
            changes: list[tuple[int, str, ArticleRecord]] = []
            parsed_ids: list[int] = []
            for row in rows:
                report.pages += 1
                new = self._parse_raw(parse, row, report)
                if new is None:
                    continue
                new.parser_version = parser_version
                parsed_ids.append(row.id)
                old = stored[row.article_pk]
                if _extracted(new) != _extracted(old):
                    changes.append((row.article_pk, row.stored_hash, new))
                else:
                    report.unchanged += 1
            self.check_lock(lock)
            with self._write() as conn:
                for pk, stored_hash, new in changes:
                    values = _record_values(new)
                    done = conn.execute(
                        update(a)
                        .where(a.c.id == pk, a.c.content_hash == stored_hash)
                        .values(**values)
                    ).rowcount
                    if not done:  # the crawler stored a new version meanwhile
                        report.skipped += 1
                        continue
                    self._replace_children(conn, [(pk, new)])
                    report.changed += 1
                if parsed_ids:
                    # Only pages still current: a page the crawler moved to a revision
                    # meanwhile (an edit) was read as the article's, and its revision row is
                    # renewed below only if the page is not marked read.
                    read = and_(r.c.id.in_(parsed_ids), r.c.revision_id.is_(None))
                    conn.execute(update(r).where(read).values(parser_version=parser_version))
                    conn.execute(
                        update(a)
                        .where(
                            a.c.id.in_(select(r.c.article_pk).where(read)),
                            a.c.parser_version.is_distinct_from(parser_version),
                        )
                        .values(parser_version=parser_version)
                    )
            if progress is not None:
                progress(report)
        if revisions:
            self._reparse_revisions(parse, parser_version, chosen, batch, report, progress, lock)
        return report

    def reparse_pages(
        self,
        *,
        edition: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        revisions: bool = True,
        pending_for: str | None = None,
    ) -> int:
        """How many raw pages :meth:`reparse` reads with these arguments (for its progress);
        ``pending_for``: only those that parser version has not read yet."""
        a, r = m.articles, m.raw_pages
        conditions = _reparse_filters(edition, since, until, None, pending_for)
        if not revisions:
            conditions.append(r.c.revision_id.is_(None))
        with self._read() as conn:
            stmt = select(func.count()).select_from(r.join(a, a.c.id == r.c.article_pk))
            return int(conn.execute(stmt.where(*conditions)).scalar_one())

    def _stored_by_pk(self, conn: Connection, pks: list[int]) -> dict[int, ArticleRecord]:
        if not pks:
            return {}
        a = m.articles
        rows = conn.execute(select(a).where(a.c.id.in_(pks))).all()
        return {row.id: rec for row, rec in zip(rows, self._records(conn, rows), strict=True)}

    @staticmethod
    def _parse_raw(parse: ParseFunction, row: Any, report: ReparseReport) -> ArticleRecord | None:
        try:
            body = decompress(row.codec, row.body)
            new = parse(body, row.url, dict(row.headers))
            if (new.edition, new.article_id) != (row.edition, row.article_id):
                raise KnotcrawlError(
                    f"the page parses as {new.edition}/{new.article_id}, not "
                    f"{row.edition}/{row.article_id}"
                )
        except Exception as exc:  # one bad page must not stop a reparse of the archive
            report.failed += 1
            if len(report.failures) < 50:
                report.failures.append(
                    (row.edition, row.article_id, f"{type(exc).__name__}: {exc}")
                )
            return None
        return new

    def _reparse_revisions(
        self,
        parse: ParseFunction,
        parser_version: str | None,
        article_conditions: list[Any],
        batch: int,
        report: ReparseReport,
        progress: Callable[[ReparseReport], None] | None,
        lock: object,
    ) -> None:
        a, r, rv = m.articles, m.raw_pages, m.revisions
        last = 0
        while True:
            with self._read() as conn:
                rows = conn.execute(
                    select(r, rv.c.content_hash.label("stored_hash"), rv.c.title.label("old_title"))
                    .join(rv, rv.c.id == r.c.revision_id)
                    .join(a, a.c.id == r.c.article_pk)
                    .where(r.c.id > last, *article_conditions)
                    .order_by(r.c.id)
                    .limit(batch)
                ).all()
                old_rows = (
                    {
                        row.id: row
                        for row in conn.execute(
                            select(rv).where(rv.c.id.in_([row.revision_id for row in rows]))
                        )
                    }
                    if rows
                    else {}
                )
            if not rows:
                return
            last = rows[-1].id
            # Parse outside any transaction, then write the batch in one short one.
            writes: list[tuple[int, int, dict[str, Any]]] = []
            for row in rows:
                report.revision_pages += 1
                new = self._parse_raw(parse, row, report)
                if new is None:
                    continue
                old = old_rows[row.revision_id]
                values = {name: getattr(new, name) for name in _SCALARS}
                values.update(
                    published_at=_to_dt(new.published_at),
                    authors=list(new.authors),
                    original=_original_dict(new.original),
                    links=[_link_dict(link) for link in new.links],
                    content_hash=new.content_hash,
                )
                if {k: getattr(old, k) for k in values} != values:
                    report.revisions_changed += 1
                else:
                    values = {}
                values["parser_version"] = parser_version
                writes.append((row.id, old.id, values))
            self.check_lock(lock)
            with self._write() as conn:
                for raw_id, revision_id, values in writes:
                    conn.execute(update(rv).where(rv.c.id == revision_id).values(**values))
                    conn.execute(
                        update(r).where(r.c.id == raw_id).values(parser_version=parser_version)
                    )
            if progress is not None:
                progress(report)

    # ------------------------------------------------------------------ locking

    def lock(self, name: str = "crawl") -> AbstractContextManager[None]:
        """Hold the named lock for the ``with`` block; raise (status 75) at once if another
        process holds it. SQLite: ``flock`` on a file beside the database; PostgreSQL: a
        session advisory lock."""
        if self.sqlite:
            return self._file_lock(name)
        return self._advisory_lock(name)

    def _lock_path(self, name: str) -> Path:
        path = sqlite_path(self.engine)
        if path is None:
            return (
                Path(tempfile.gettempdir())
                / f"knotcrawl-memory-{os.getpid()}-{id(self)}.{name}.lock"
            )
        return path.with_name(f"{path.name}.{name}.lock")

    @contextmanager
    def _file_lock(self, name: str) -> Iterator[None]:
        path = self._lock_path(name)
        database = sqlite_path(self.engine)
        try:
            if database is not None and database.exists():
                # The folder may be writable and the archive not (chattr +i, a bind mount).
                error = file_write_error(database)
                if error is not None:
                    raise error
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            # A read-only archive (read-only storage, another user's files): the read
            # commands work on it, the writing ones stop here, before any work.
            raise UsageError(
                f"cannot write the archive {self.url} or beside it ({exc.strerror}): "
                "it is read-only here, so only the read commands can use it"
            ) from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 64, 0).decode(errors="replace").strip()
                if holder == str(os.getpid()):
                    message = f"this process already holds the {name} lock on {path}"
                else:
                    who = f" (pid {holder})" if holder else ""
                    message = f"another knotcrawl process{who} holds the {name} lock on {path}"
                raise KnotcrawlError(message, status=LOCKED_STATUS) from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
            try:
                yield
            finally:
                os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _advisory_lock(self, name: str) -> AdvisoryLock:
        return AdvisoryLock(self.engine, self.url, name)

    def lock_holder(self, lock: object) -> LockHolder | None:
        """What another process of this archive needs to check ``lock`` (from :meth:`lock`,
        entered) with :meth:`check_lock`; None for a file lock, which cannot be lost while
        the process holding it lives."""
        holder = getattr(lock, "holder", None)
        return holder if isinstance(holder, LockHolder) else None

    def check_lock(self, lock: object) -> None:
        """Raise :class:`LockLost` when ``lock`` (from :meth:`lock`, entered, or its
        :meth:`lock_holder` in another process) is no longer held. A file lock cannot be lost
        while its process lives; a PostgreSQL advisory lock dies with its session (a
        terminated backend, ``idle_session_timeout``, a restart)."""
        if isinstance(lock, LockHolder):
            with self._read() as conn:
                if not lock.held_on(conn):
                    raise lock.lost(self.url)
            return
        check = getattr(lock, "check", None)
        if check is not None:
            check()


def _advisory_key(schema: str, name: str) -> int:
    """The 64-bit advisory lock key of lock ``name`` of the archive in ``schema``. Advisory
    locks are per database, and one database may hold an archive per schema: keyed by the
    name alone, the crawl of one archive would refuse the crawl of another."""
    digest = hashlib.sha256(f"knotcrawl:{schema}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@dataclass(frozen=True, slots=True)
class LockHolder:
    """A held advisory lock as any session can check it: its name, its key and the server
    process (``pid``) of the session holding it. It pickles, so a reparse's worker processes
    check their command's lock with it before each write batch."""

    name: str
    key: int
    pid: int

    def held_on(self, conn: Connection) -> bool:
        """Whether the session ``pid`` still holds the lock (asked on ``conn``, any session)."""
        # The 64-bit key is split over classid (high half) and objid (low half).
        count = conn.execute(
            text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND pid = :pid AND objsubid = 1"
                " AND ((classid::bigint << 32) | objid::bigint) = :key"
            ),
            {"key": self.key, "pid": self.pid},
        ).scalar()
        return bool(count)

    def lost(self, url: str, reason: str = "") -> LockLost:
        return LockLost(
            f"lost the {self.name} lock on {url}: the server ended its session{reason}; "
            "another process may be writing, so this one stops"
        )


class AdvisoryLock:
    """A PostgreSQL session advisory lock on a connection of its own, held from ``__enter__``
    to ``__exit__``, keyed by the archive's schema and the lock's name. :meth:`check` asks the
    server whether this session still holds it (which also keeps the session from idling
    out); ``holder`` lets other sessions ask."""

    def __init__(self, engine: Any, url: str, name: str) -> None:
        self.engine = engine
        self.url = url
        self.name = name
        self.holder: LockHolder | None = None  # once entered
        self.conn: Any = None

    def __enter__(self) -> None:
        conn = self.engine.connect()
        try:
            # The schema the archive's tables are in (the first of the search_path that
            # exists), as Archive.open found them.
            schema, pid = conn.execute(select(func.current_schema(), func.pg_backend_pid())).one()
            holder = LockHolder(self.name, _advisory_key(schema, self.name), pid)
            got = conn.execute(select(func.pg_try_advisory_lock(holder.key))).scalar()
            conn.commit()
        except BaseException:
            conn.close()
            raise
        if not got:
            conn.close()
            raise KnotcrawlError(
                f"another knotcrawl process holds the {self.name} lock on {self.url}",
                status=LOCKED_STATUS,
            )
        self.conn, self.holder = conn, holder

    def check(self) -> None:
        conn, holder = self.conn, self.holder
        if conn is None or holder is None:
            return
        try:
            held = holder.held_on(conn)
            conn.commit()
        except SQLAlchemyError as exc:
            held = False
            lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
            reason = f" ({lines[0]})" if lines else ""
        else:
            reason = ""
        if not held:
            raise holder.lost(self.url, reason)

    def __exit__(self, *exc_info: object) -> None:
        conn, holder = self.conn, self.holder
        self.conn = self.holder = None
        if conn is None or holder is None:
            return
        try:
            conn.execute(select(func.pg_advisory_unlock(holder.key)))
            conn.commit()
        except SQLAlchemyError:
            pass  # a lost session holds no lock to release
        finally:
            conn.close()


def _run_counts(counts: Mapping[str, int]) -> dict[str, Any]:
    """The ledger's count columns of a crawl run, from its counters."""
    return {
        name: int(counts.get(name, 0)) for name in ("new", "updated", "unchanged", "gone", "failed")
    }
