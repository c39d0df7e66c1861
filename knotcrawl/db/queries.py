"""Read-only queries for analysts: filters, sorting, streamed record batches, search, stats.

Everything here reads the tables described in :mod:`knotcrawl.db.models` and writes nothing.
The repository (:class:`~knotcrawl.db.Archive`) opens the database; these functions take its
engine. Records come out as dicts in RECORD.md field order (the exact JSON shape), in batches,
so an export of any size keeps memory flat.

```python
from knotcrawl.db.queries import Filters, open_for_reading, iter_batches, search
archive = open_for_reading("data/knotcrawl.sqlite")
for batch in iter_batches(archive.engine, Filters(edition="en", since=...)):
    ...
```
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from itertools import accumulate, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    column,
    exists,
    func,
    literal_column,
    select,
    table,
)
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError
from sqlalchemy.sql.elements import ColumnElement

from knotcrawl.db import models as m
from knotcrawl.db import phrase_index
from knotcrawl.db import search as fts
from knotcrawl.db.types import SearchHit
from knotcrawl.errors import KnotcrawlError, UsageError
from knotcrawl.moscow import utc_iso
from knotcrawl.record import INT64_MAX, INT64_MIN, RECORD_FIELDS

if TYPE_CHECKING:
    from knotcrawl.db.repository import Archive

DEFAULT_BATCH = 1000
# Markers around the matched words of a snippet; commands turn them into bold or [brackets].
HIT_OPEN = "\x02"
HIT_CLOSE = "\x03"

_a = m.articles

# ----------------------------------------------------------------------------- opening


def open_for_reading(db: str | None = None) -> Archive:
    """Open an existing archive for reading: never creates or migrates a database.

    ``db`` is what ``--db`` takes (a SQLite path, ``sqlite:///…`` or ``postgresql://…``);
    ``None`` means ``KNOTCRAWL_DATABASE_URL`` or ``data/knotcrawl.sqlite``. A missing file, a
    file that is not a knotcrawl archive or an unreachable server raise :class:`UsageError`.
    """
    from knotcrawl.db import Archive, migrate
    from knotcrawl.db.engine import (
        default_path,
        describe,
        make_engine,
        refuse_empty,
        resolve_url,
        sqlite_path,
    )

    refuse_empty(db)
    text = db or os.environ.get("KNOTCRAWL_DATABASE_URL") or ""
    path: Path | None = None
    if not text:
        path = default_path()
        if not path.exists():
            raise UsageError(f"no database at {path} (give --db PATH or a postgresql:// URL)")
    elif "://" not in text and text != ":memory:":
        path = Path(text).expanduser()
        if path.is_dir():
            raise UsageError(f"{path} is a directory, not a database file")
        if not path.is_file():
            raise UsageError(f"no database at {path}")
    if path is not None and path.stat().st_size == 0:
        # Connecting would write a SQLite header (page size, WAL) into it: a read must not.
        raise UsageError(f"{path} is an empty file, not a knotcrawl archive")
    url = resolve_url(text or None)
    engine = make_engine(url)
    shown = describe(url)
    try:
        file = sqlite_path(engine)
        if file is not None and not file.is_file():
            raise UsageError(f"no database at {file}")
        try:
            revision = migrate.current_revision(engine)
        except DBAPIError as exc:
            first = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else exc
            raise UsageError(f"cannot read the database {shown}: {first}") from None
        if revision is None:
            raise UsageError(migrate.not_an_archive(engine))
    finally:
        engine.dispose()
    try:
        return Archive.open(text or None)
    except KnotcrawlError as exc:
        raise UsageError(str(exc)) from None


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A connection for reads, with the helper functions the queries need registered."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            raw = conn.connection.driver_connection
            raw.create_function("kc_fold", 1, _fold, deterministic=True)  # type: ignore[union-attr]
        yield conn


def _fold(value: str | None) -> str | None:
    return None if value is None else value.casefold().replace("ё", "е")


# ----------------------------------------------------------------------------- dates

# The shapes --since/--until accept. Anything else is refused rather than handed to
# ``datetime.fromisoformat``, which reads ``20190517`` as a date-time and ``2019-05-17+03:00``
# as 03:00 of that day.
# A zone only after a day: ``2026-01-05:30`` is a typo, not January at UTC-05:30.
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(Z|[+-]\d{2}:\d{2})?)?)?$", re.IGNORECASE)
_INSTANT = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?$",
    re.IGNORECASE,
)


def _zone(text: str | None) -> tzinfo:
    if not text or text.upper() == "Z":
        return UTC
    hours, minutes = int(text[1:3]), int(text[4:6])
    if hours > 23 or minutes > 59:
        raise ValueError(text)
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if text[0] == "-" else offset)


def parse_moment(text: str, *, end: bool = False, option: str = "date") -> datetime:
    """A UTC instant from ``2019``, ``2019-05``, ``2019-05-17``, ``2019-05-17T15:17``,
    ``2019-05-17 15:17:00+03:00`` or ``…Z``. Without a zone it is UTC; a period with a zone
    (``2019-05-17+03:00``) is that period on the clocks of that zone.

    With ``end`` (an upper bound), a year, month or day means the end of that period: the
    bound is exclusive, so ``--until 2019-05`` takes all of May.
    """
    value = text.strip()
    try:
        period = _PERIOD.match(value)
        if period is not None:
            year, month, day, zone = period.groups()
            start = datetime(int(year), int(month or 1), int(day or 1), tzinfo=_zone(zone))
            if end:
                if day:
                    start += timedelta(days=1)
                elif month:
                    start = (start + timedelta(days=32)).replace(day=1)
                else:
                    start = start.replace(year=start.year + 1)
            return start.astimezone(UTC)
        if _INSTANT.match(value):
            moment = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
            if moment.tzinfo is None:
                return moment.replace(tzinfo=UTC)
            return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        pass
    raise UsageError(
        f"{option}: not a date {text!r} (use 2019, 2019-05, 2019-05-17, 2019-05-17T15:17 or "
        "2019-05-17T18:17+03:00; times without a zone are UTC)"
    )


def _moment(value: Any, *, end: bool, option: str) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        start = datetime(value.year, value.month, value.day, tzinfo=UTC)
        return start + timedelta(days=1) if end else start
    return parse_moment(str(value), end=end, option=option)


# ----------------------------------------------------------------------------- filters


@dataclass(frozen=True, slots=True)
class Filters:
    """Which articles a command or an API call looks at. ``None`` = no condition.

    ``since <= published_at < until``; ``author`` and ``source`` are case-insensitive
    substrings; ``section`` is exact (``rubric/11``, ``abhazia``); ``has_original``,
    ``changed`` (has earlier revisions) and ``gone`` select the articles with (True) or
    without (False) that property.
    """

    edition: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    author: str | None = None
    section: str | None = None
    source: str | None = None
    has_original: bool | None = None
    changed: bool | None = None
    gone: bool | None = None

    @classmethod
    def make(cls, **values: Any) -> Filters:
        """Filters from keyword arguments; dates may be strings (``"2019-05"``), ``date`` or
        ``datetime``. An unknown keyword or a bad value raises :class:`UsageError`."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise UsageError(
                f"unknown filter {', '.join(unknown)} (known: {', '.join(sorted(known))})"
            )
        edition = values.get("edition")
        if edition is not None and edition not in ("en", "ru"):
            raise UsageError(f"edition: {edition!r} is not en or ru")
        for name in ("author", "section", "source"):
            text = values.get(name)
            if text is None:
                continue
            if fts.undecodable(str(text)):
                raise UsageError(f"{name}: not UTF-8 text (is the terminal's encoding UTF-8?)")
            if not str(text).strip():
                # "" would match every article (a substring of all) or none: say so instead.
                raise UsageError(f"{name}: empty; leave the filter out to match every article")
        values["since"] = _moment(values.get("since"), end=False, option="since")
        values["until"] = _moment(values.get("until"), end=True, option="until")
        return cls(**values)

    def with_edition(self, edition: str | None) -> Filters:
        return replace(self, edition=edition)


def conditions(filters: Filters, dialect: str) -> list[ColumnElement[bool]]:
    """The WHERE conditions on ``articles`` for ``filters``."""
    a = _a
    out: list[ColumnElement[bool]] = []
    if filters.edition is not None:
        out.append(a.c.edition == filters.edition)
    if filters.since is not None:
        out.append(a.c.published_at >= filters.since)
    if filters.until is not None:
        out.append(a.c.published_at < filters.until)
    # The child tables are aliased and the EXISTS correlated to ``articles`` alone: the top
    # lists select FROM article_authors or article_sections themselves, and auto-correlation
    # would leave these subqueries without a FROM.
    if filters.author:
        au = m.article_authors.alias("filter_authors")
        out.append(
            exists()
            .where(au.c.article_pk == a.c.id, _contains(au.c.name, filters.author, dialect))
            .correlate(a)
        )
    if filters.section:
        s = m.article_sections.alias("filter_sections")
        out.append(
            exists().where(s.c.article_pk == a.c.id, s.c.section == filters.section).correlate(a)
        )
    if filters.source:
        out.append(_contains(a.c.source, filters.source, dialect))
    if filters.has_original is not None:
        out.append(
            a.c.original_url.is_not(None) if filters.has_original else a.c.original_url.is_(None)
        )
    if filters.changed is not None:
        rv = m.revisions.alias("filter_revisions")
        changed = exists().where(rv.c.article_pk == a.c.id).correlate(a)
        out.append(changed if filters.changed else ~changed)
    if filters.gone is not None:
        out.append(a.c.gone_at.is_not(None) if filters.gone else a.c.gone_at.is_(None))
    return out


def _contains(col: Any, needle: str, dialect: str) -> ColumnElement[bool]:
    if dialect == "sqlite":
        return func.kc_fold(col).contains(_fold(needle), autoescape=True)
    folded = func.translate(col, "Ёё", "Ее")
    return folded.icontains(needle.replace("ё", "е").replace("Ё", "Е"), autoescape=True)


# ----------------------------------------------------------------------------- sorting

SORTS: dict[str, tuple[str, ...]] = {
    "published": ("published_at",),
    "id": ("edition", "article_id"),
    "edition": ("edition", "article_id"),
    "title": ("title",),
    "first_seen": ("first_seen_at",),
    "last_seen": ("last_seen_at",),
    "url": ("url",),
}


def sort_spec(sort: str | None) -> tuple[tuple[str, ...], bool]:
    """The article columns and direction of ``--sort`` (``published``, ``-published``, ``id``…)."""
    key = (sort or "id").strip()
    descending = key.startswith("-")
    name = key[1:] if key[:1] in ("-", "+") else key
    name = name.replace("-", "_")
    if name.endswith("_at"):
        name = name[: -len("_at")]
    if name == "article_id":
        name = "id"
    columns = SORTS.get(name)
    if columns is None:
        raise UsageError(
            f"sort: unknown key {sort!r} (one of {', '.join(SORTS)}; prefix - for descending)"
        )
    return columns, descending


def order_by(sort: str | None, cols: Any = None) -> list[Any]:
    """ORDER BY clauses for ``--sort`` on ``cols`` (the articles table's columns by default);
    NULLs last, the row id breaks ties in the sort's direction. The row id, not the edition and
    article id: the search's publication key (SQLite) and ``ix_articles_search_window``
    (PostgreSQL) order equal times by it, so their index walks give this very order."""
    cols = _a.c if cols is None else cols
    names, descending = sort_spec(sort)
    out: list[Any] = []
    for name in (*names, "id"):
        col = cols[name]
        out.append((col.desc() if descending else col.asc()).nulls_last())
    return out


# ----------------------------------------------------------------------------- records


def optional_utc_iso(value: datetime | None) -> str | None:
    """A stored time as RECORD.md writes it (``utc_iso``), ``None`` kept."""
    return None if value is None else utc_iso(value)


# The child tables as JSON arrays in one correlated subquery each: one query per batch, no
# second pass over the children (SQLite returns the JSON as text, psycopg as Python values).
_CHILDREN_SQL = {
    "sqlite": {
        "authors": "(SELECT json_group_array(name) FROM (SELECT name FROM article_authors "
        "WHERE article_pk = articles.id ORDER BY position))",
        "links": "(SELECT json_group_array(json_object('url', url, 'text', text, 'kind', kind, "
        "'edition', edition, 'article_id', article_id)) FROM (SELECT * FROM article_links "
        "WHERE article_pk = articles.id ORDER BY position))",
        "sections": "(SELECT json_group_array(section) FROM (SELECT section FROM "
        "article_sections WHERE article_pk = articles.id ORDER BY position))",
    },
    "postgresql": {
        "authors": "(SELECT json_agg(name ORDER BY position) FROM article_authors "
        "WHERE article_pk = articles.id)",
        "links": "(SELECT json_agg(json_build_object('url', url, 'text', text, 'kind', kind, "
        "'edition', edition, 'article_id', article_id) ORDER BY position) FROM article_links "
        "WHERE article_pk = articles.id)",
        "sections": "(SELECT json_agg(section ORDER BY position) FROM article_sections "
        "WHERE article_pk = articles.id)",
    },
}


def _child_columns(dialect: str) -> list[Any]:
    sql = _CHILDREN_SQL.get(dialect, _CHILDREN_SQL["postgresql"])
    return [
        literal_column(sql[name]).label(f"j_{name}") for name in ("authors", "links", "sections")
    ]


def _json_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return list(json.loads(value))
    return list(value)


_ARTICLE_COLUMNS = (
    "id",
    "edition",
    "article_id",
    "url",
    "fetched_url",
    "title",
    "published_at",
    "published_local",
    "published_raw",
    "source",
    "photo_caption",
    "body",
    "original_url",
    "original_article_id",
    "original_published_at",
    "original_published_local",
    "original_published_raw",
    "lead",
    "content_hash",
    "parser_version",
    "first_seen_at",
    "last_seen_at",
)


def _records(rows: Sequence[Any]) -> list[dict[str, Any]]:
    """RECORD.md dicts (RECORD_FIELDS order) for rows of ``_ARTICLE_COLUMNS`` + children."""
    out = []
    for row in rows:
        original = None
        if row.original_url is not None:
            original = {
                "url": row.original_url,
                "article_id": row.original_article_id,
                "published_at": optional_utc_iso(row.original_published_at),
                "published_local": row.original_published_local,
                "published_raw": row.original_published_raw,
            }
        out.append(
            {
                "edition": row.edition,
                "article_id": row.article_id,
                "url": row.url,
                "fetched_url": row.fetched_url,
                "title": row.title,
                "published_at": optional_utc_iso(row.published_at),
                "published_local": row.published_local,
                "published_raw": row.published_raw,
                "authors": _json_list(row.j_authors),
                "source": row.source,
                "photo_caption": row.photo_caption,
                "body": row.body,
                "original": original,
                "links": _json_list(row.j_links),
                "lead": row.lead,
                "sections": _json_list(row.j_sections),
                "content_hash": row.content_hash,
                "parser_version": row.parser_version,
                "first_seen_at": optional_utc_iso(row.first_seen_at),
                "last_seen_at": optional_utc_iso(row.last_seen_at),
            }
        )
    return out


def record_query(filters: Filters, dialect: str, sort: str | None = None) -> Select[Any]:
    return (
        select(*(_a.c[name] for name in _ARTICLE_COLUMNS), *_child_columns(dialect))
        .where(*conditions(filters, dialect))
        .order_by(*order_by(sort))
    )


def iter_batches(
    engine: Engine,
    filters: Filters | None = None,
    *,
    sort: str | None = None,
    limit: int | None = None,
    batch: int = DEFAULT_BATCH,
) -> Iterator[list[dict[str, Any]]]:
    """Stream matching records as lists of RECORD dicts, ``batch`` at a time.

    One streamed query (a server-side cursor on PostgreSQL) inside one read transaction, so
    the export is a consistent snapshot; children are read per batch (see
    :func:`iter_record_columns`).
    """
    for columns in iter_record_columns(engine, filters, sort=sort, limit=limit, batch=batch):
        yield columns.records()


def iter_records(engine: Engine, filters: Filters | None = None, **kwargs: Any) -> Iterator[Any]:
    """Stream :class:`~knotcrawl.record.ArticleRecord` objects (see :func:`iter_batches`)."""
    from knotcrawl.record import ArticleRecord

    for chunk in iter_batches(engine, filters, **kwargs):
        for data in chunk:
            yield ArticleRecord.from_dict(data)


# ----------------------------------------------------------------------------- record columns
#
# The exports' reading side: records column by column, without a Python object per record.
# The articles are one streamed query of only the columns the fields need; each child table
# (authors, links, sections) one query per batch by primary key, instead of a correlated JSON
# aggregate per article and table that Python then parsed record by record. On SQLite the
# articles come straight from the sqlite3 cursor (times as the stored text, optionally text as
# UTF-8 bytes, which pyarrow takes without decoding) and the children as one JSON array per
# column (:func:`_sqlite_children`); on PostgreSQL through SQLAlchemy (times as aware
# datetimes), the children as rows ``WHERE article_pk IN (…)``. Everything runs on one
# connection in one read transaction: the export is a consistent snapshot.

# The children of a record and their value columns, in RECORD order of the object keys.
CHILD_TABLES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "authors": (m.article_authors, ("name",)),
    "links": (m.article_links, ("url", "text", "kind", "edition", "article_id")),
    "sections": (m.article_sections, ("section",)),
}
ORIGINAL_COLUMNS = (
    "original_url",
    "original_article_id",
    "original_published_at",
    "original_published_local",
    "original_published_raw",
)
TIME_COLUMNS = frozenset({"published_at", "original_published_at", "first_seen_at", "last_seen_at"})
# The text SQLite holds for a UTCDateTime (SQLAlchemy's storage format), years 1000-9999:
# the record's time text is cut from it; any other text goes through the ORM's conversion.
STORED_TIME = r"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?"
_STORED_TIME = re.compile(STORED_TIME)
# Ids per child query (SQLite allows 32,766 bound values, PostgreSQL 65,535).
_CHILD_CHUNK = 10_000


@dataclass(slots=True)
class ChildColumns:
    """The children of a batch's records: ``columns`` (see :data:`CHILD_TABLES`) in record
    order, then position; record ``i`` has rows ``offsets[i]`` to ``offsets[i + 1]``."""

    offsets: list[int]
    columns: dict[str, Sequence[Any]]


@dataclass(slots=True)
class RecordColumns:
    """One batch of records column by column, the values as the database driver gives them.

    ``columns`` holds the ``articles`` columns the fields need (``original`` is the five
    ``original_*`` columns); ``children`` the requested child lists. Text is ``str``, or UTF-8
    ``bytes`` when ``text_bytes`` (article columns only; children are ``str``); times are aware
    UTC ``datetime`` objects, or the text SQLite stores (``2019-05-17 15:17:00.000000``) when
    ``raw_times`` — :meth:`times` converts them exactly as the ORM does. :meth:`records` gives
    the RECORD dicts.
    """

    size: int
    fields: tuple[str, ...]
    columns: dict[str, Sequence[Any]]
    children: dict[str, ChildColumns]
    text_bytes: bool = False
    raw_times: bool = False
    time_processor: Any = None

    def __len__(self) -> int:
        return self.size

    def text(self, values: Sequence[Any]) -> Sequence[Any]:
        """``values`` (a column of this batch) with bytes decoded."""
        if not self.text_bytes:
            return values
        return [v.decode() if isinstance(v, bytes) else v for v in values]

    def times(self, name: str) -> list[datetime | None]:
        """A time column as aware UTC datetimes (``None`` for NULL)."""
        values = self.columns[name]
        if not self.raw_times:
            return list(values)
        process = self.time_processor
        return [
            None if v is None else process(v.decode() if isinstance(v, bytes) else v)
            for v in values
        ]

    def iso_times(self, name: str) -> list[str | None]:
        """A time column as RECORD text (``2019-05-17T15:17:00Z``, whole seconds). SQLite's
        stored text is cut and pasted when it has the usual form."""
        if not self.raw_times:
            return [optional_utc_iso(v) for v in self.columns[name]]
        match = _STORED_TIME.fullmatch
        out: list[str | None] = []
        for value in self.columns[name]:
            text = value.decode() if isinstance(value, bytes) else value
            if text is None:
                out.append(None)
            elif match(text):
                out.append(f"{text[:10]}T{text[11:19]}Z")
            else:
                out.append(optional_utc_iso(self.time_processor(text)))
        return out

    def child_lists(self, name: str) -> list[list[Any]]:
        """The RECORD lists of a child field (``links`` as dicts)."""
        child = self.children[name]
        offsets = child.offsets
        keys = CHILD_TABLES[name][1]
        columns = [
            self.text(child.columns[key]) if key != "article_id" else child.columns[key]
            for key in keys
        ]
        if name == "links":
            items: list[Any] = [
                dict(zip(keys, values, strict=True)) for values in zip(*columns, strict=True)
            ]
        else:
            items = list(columns[0])
        return [items[offsets[i] : offsets[i + 1]] for i in range(self.size)]

    def records(self) -> list[dict[str, Any]]:
        """RECORD dicts of the batch with ``fields`` (in that order), as :func:`iter_batches`
        gives them."""
        values: list[Sequence[Any]] = []
        for name in self.fields:
            if name in CHILD_TABLES:
                values.append(self.child_lists(name))
            elif name == "original":
                values.append(self._originals())
            elif name in TIME_COLUMNS:
                values.append(self.iso_times(name))
            elif name == "article_id":
                values.append(self.columns[name])
            else:
                values.append(self.text(self.columns[name]))
        names = self.fields
        return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]

    def _originals(self) -> list[dict[str, Any] | None]:
        c = self.columns
        urls = self.text(c["original_url"])
        ids = c["original_article_id"]
        times = self.iso_times("original_published_at")
        local = self.text(c["original_published_local"])
        raw = self.text(c["original_published_raw"])
        return [
            None
            if urls[i] is None
            else {
                "url": urls[i],
                "article_id": ids[i],
                "published_at": times[i],
                "published_local": local[i],
                "published_raw": raw[i],
            }
            for i in range(self.size)
        ]


def article_columns(fields: Sequence[str]) -> tuple[str, ...]:
    """The ``articles`` columns that ``fields`` (RECORD names) are read from."""
    out: list[str] = []
    for name in fields:
        if name == "original":
            out.extend(ORIGINAL_COLUMNS)
        elif name not in CHILD_TABLES:
            out.append(name)
    return tuple(out)


def record_order(sort: str | None) -> list[Any]:
    """:func:`order_by` as an index can serve it: the same order, without ``NULLS LAST`` on
    NOT NULL columns (SQLite cannot read an index for it) and without the ``id`` tie-break
    after the unique ``(edition, article_id)``."""
    names, descending = sort_spec(sort)
    keys = list(names) if names == ("edition", "article_id") else [*names, "id"]
    out: list[Any] = []
    for name in keys:
        col = _a.c[name]
        term = col.desc() if descending else col.asc()
        out.append(term.nulls_last() if col.nullable else term)
    return out


def iter_record_columns(
    engine: Engine,
    filters: Filters | None = None,
    *,
    sort: str | None = None,
    limit: int | None = None,
    batch: int = DEFAULT_BATCH,
    fields: Sequence[str] = RECORD_FIELDS,
    text_bytes: bool = False,
) -> Iterator[RecordColumns]:
    """Stream the matching records as :class:`RecordColumns`, ``batch`` at a time, reading
    only what ``fields`` need. ``text_bytes``: on SQLite, text as UTF-8 bytes (no decoding;
    for writers that take bytes, such as pyarrow)."""
    filters = filters or Filters()
    fields = check_fields(list(fields))
    check_count("limit", limit)
    if batch < 1:
        raise UsageError("batch: must be at least 1")
    names = article_columns(fields)
    kids = [name for name in CHILD_TABLES if name in fields]
    dialect = engine.dialect.name
    query = (
        select(_a.c.id, *(_a.c[name] for name in names))
        .where(*conditions(filters, dialect))
        .order_by(*record_order(sort))
    )
    if limit is not None:
        query = query.limit(limit)
    with reading(engine) as conn:
        if dialect == "sqlite":
            yield from _sqlite_record_columns(conn, query, fields, names, kids, batch, text_bytes)
            return
        result = conn.execution_options(stream_results=True, yield_per=batch).execute(query)
        for rows in result.partitions(batch):
            columns = list(zip(*rows, strict=True))
            ids = columns[0]
            yield RecordColumns(
                size=len(rows),
                fields=fields,
                columns=dict(zip(names, columns[1:], strict=True)),
                children={kid: _children(ids, _child_rows(conn, kid, ids), kid) for kid in kids},
            )


def _sqlite_record_columns(
    conn: Connection,
    query: Select[Any],
    fields: tuple[str, ...],
    names: tuple[str, ...],
    kids: list[str],
    batch: int,
    text_bytes: bool,
) -> Iterator[RecordColumns]:
    raw: Any = conn.connection.driver_connection
    time_processor = _a.c.published_at.type.result_processor(conn.dialect, None)
    factory = raw.text_factory
    result = conn.execute(query)  # no stream_results: SQLAlchemy must not fetch ahead
    cursor = result.cursor
    try:
        while True:
            raw.text_factory = bytes if text_bytes else str
            rows = cursor.fetchmany(batch)
            if not rows:
                break
            columns = list(zip(*rows, strict=True))
            del rows
            ids = columns[0]
            out = RecordColumns(
                size=len(ids),
                fields=fields,
                columns=dict(zip(names, columns[1:], strict=True)),
                children={kid: _sqlite_children(raw, kid, ids) for kid in kids},
                text_bytes=text_bytes,
                raw_times=True,
                time_processor=time_processor,
            )
            del columns, ids
            raw.text_factory = factory
            yield out
            del out  # hold no batch while the next is read
    finally:
        raw.text_factory = factory
        result.close()


def _sqlite_children(raw: Any, kid: str, ids: Sequence[int]) -> ChildColumns:
    """The children of the records ``ids`` in record order, then position: per chunk of ids,
    one query that returns each column as one JSON array (SQLite builds them in C; one
    json.loads per column instead of a Python tuple per child row). The ids go in as a JSON
    array too: ``json_each`` walks it in order and each id's children come from the primary
    key index in position order; the order is checked, and sorted here if it ever differs."""
    table_, keys = CHILD_TABLES[kid]
    arrays = ", ".join(f"json_group_array(c.{key})" for key in ("position", *keys))
    sql = (
        f"SELECT json_group_array(j.key), {arrays} FROM json_each(?) AS j "
        f"JOIN {table_.name} AS c ON c.article_pk = j.value"
    )
    index: list[int] = []
    columns: list[list[Any]] = [[] for _ in keys]
    for start in range(0, len(ids), _CHILD_CHUNK):
        chunk = list(ids[start : start + _CHILD_CHUNK])
        row = raw.execute(sql, (json.dumps(chunk),)).fetchone()
        where, position, *values = (json.loads(text) for text in row)
        pairs = list(zip(where, position, strict=True))
        if pairs != sorted(pairs):
            order = sorted(range(len(pairs)), key=pairs.__getitem__)
            where = [where[i] for i in order]
            values = [[value[i] for i in order] for value in values]
        index.extend(where if not start else [start + i for i in where])
        for gathered, more in zip(columns, values, strict=True):
            gathered.extend(more)
    counts = Counter(index)
    offsets = [0, *accumulate(map(counts.get, range(len(ids)), repeat(0)))]
    return ChildColumns(offsets, dict(zip(keys, columns, strict=True)))


def _child_rows(conn: Connection, kid: str, ids: Sequence[int]) -> list[Any]:
    table_, keys = CHILD_TABLES[kid]
    pk = table_.c.article_pk
    rows: list[Any] = []
    for start in range(0, len(ids), _CHILD_CHUNK):
        chunk = list(ids[start : start + _CHILD_CHUNK])
        stmt = (
            select(pk, *(table_.c[key] for key in keys))
            .where(pk.in_(chunk))
            .order_by(pk, table_.c.position)
        )
        rows.extend(tuple(row) for row in conn.execute(stmt))
    return rows


def _children(ids: Sequence[int], rows: list[Any], kid: str) -> ChildColumns:
    """Child rows (ordered by article, then position) as columns in the order of ``ids``."""
    keys = CHILD_TABLES[kid][1]
    if not rows:
        return ChildColumns([0] * (len(ids) + 1), {key: [] for key in keys})
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
    pks = columns[0]
    counts = Counter(pks)
    offsets = [0, *accumulate(map(counts.get, ids, repeat(0)))]
    if offsets[-1] != len(pks) or not _same_order(ids, pks):
        # The records are not in primary-key order (another sort): gather each one's rows.
        start: dict[int, int] = {}
        for i, pk in enumerate(pks):
            start.setdefault(pk, i)
        take = [i for pk in ids if pk in start for i in range(start[pk], start[pk] + counts[pk])]
        columns = [pks, *([col[i] for i in take] for col in columns[1:])]
    return ChildColumns(offsets, dict(zip(keys, columns[1:], strict=True)))


def _same_order(ids: Sequence[int], pks: Sequence[int]) -> bool:
    """Whether the child rows' article keys follow the records' order."""
    have = dict.fromkeys(pks)
    return list(have) == [pk for pk in ids if pk in have]


def count(engine: Engine, filters: Filters | None = None) -> int:
    filters = filters or Filters()
    with reading(engine) as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(_a)
                .where(*conditions(filters, engine.dialect.name))
            ).scalar_one()
        )


def summaries(
    engine: Engine,
    filters: Filters | None = None,
    *,
    sort: str | None = "-published",
    limit: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Short rows for ``knotcrawl list``: no body, authors joined in order."""
    filters = filters or Filters()
    check_count("limit", limit)
    a = _a
    rv = m.revisions
    query = (
        select(
            a.c.id,
            a.c.edition,
            a.c.article_id,
            a.c.url,
            a.c.title,
            a.c.published_at,
            a.c.source,
            a.c.original_url,
            a.c.gone_at,
            select(func.count()).where(rv.c.article_pk == a.c.id).scalar_subquery().label("revs"),
            *_child_columns(engine.dialect.name)[::2],  # authors, sections
        )
        .where(*conditions(filters, engine.dialect.name))
        .order_by(*order_by(sort))
    )
    if limit is not None:
        query = query.limit(limit)
    with reading(engine) as conn:
        result = conn.execution_options(stream_results=True, yield_per=DEFAULT_BATCH).execute(query)
        for rows in result.partitions(DEFAULT_BATCH):
            for row in rows:
                yield {
                    "edition": row.edition,
                    "article_id": row.article_id,
                    "url": row.url,
                    "title": row.title,
                    "published_at": optional_utc_iso(row.published_at),
                    "authors": _json_list(row.j_authors),
                    "source": row.source,
                    "sections": _json_list(row.j_sections),
                    "has_original": row.original_url is not None,
                    "revisions": int(row.revs),
                    "gone": row.gone_at is not None,
                }


def get(engine: Engine, edition: str, article_id: int) -> dict[str, Any] | None:
    if edition not in ("en", "ru"):
        raise UsageError(f"edition: {edition!r} is not en or ru")
    if not INT64_MIN <= article_id <= INT64_MAX:
        raise UsageError(f"article id: {article_id} is out of range (at most {INT64_MAX})")
    with reading(engine) as conn:
        row = conn.execute(
            select(
                *(_a.c[name] for name in _ARTICLE_COLUMNS), *_child_columns(engine.dialect.name)
            ).where(_a.c.edition == edition, _a.c.article_id == article_id)
        ).first()
        return _records([row])[0] if row is not None else None


def editions_with_id(engine: Engine, article_id: int) -> list[str]:
    with reading(engine) as conn:
        return list(
            conn.execute(
                select(_a.c.edition).where(_a.c.article_id == article_id).order_by(_a.c.edition)
            ).scalars()
        )


def translations_of(engine: Engine, ru_article_id: int, ru_url: str) -> list[dict[str, Any]]:
    """English articles whose ``original`` is the given Russian article."""
    a = _a
    with reading(engine) as conn:
        rows = conn.execute(
            select(a.c.edition, a.c.article_id, a.c.url, a.c.title, a.c.published_at)
            .where(
                a.c.edition == "en",
                (a.c.original_article_id == ru_article_id) | (a.c.original_url == ru_url),
            )
            .order_by(a.c.article_id)
        ).all()
    return [
        {
            "edition": r.edition,
            "article_id": r.article_id,
            "url": r.url,
            "title": r.title,
            "published_at": optional_utc_iso(r.published_at),
        }
        for r in rows
    ]


def state(engine: Engine, edition: str, article_id: int) -> dict[str, Any]:
    """Archive-only facts about an article: gone, version first seen."""
    a = _a
    with reading(engine) as conn:
        row = conn.execute(
            select(a.c.gone_at, a.c.gone_status, a.c.version_seen_at).where(
                a.c.edition == edition, a.c.article_id == article_id
            )
        ).first()
    if row is None:
        return {}
    return {
        "gone_at": optional_utc_iso(row.gone_at),
        "gone_status": row.gone_status,
        "version_seen_at": optional_utc_iso(row.version_seen_at),
    }


# ----------------------------------------------------------------------------- search


@lru_cache(maxsize=2)
def _stemmer(language: str) -> Any:
    try:
        import snowballstemmer
    except ImportError:
        raise UsageError(
            "--forms needs the snowballstemmer package (pip install 'knotcrawl[analysis]')"
        ) from None
    return snowballstemmer.stemmer(language)


_CYRILLIC = re.compile(r"[а-яё]")


def stem(word: str) -> str:
    language = "russian" if _CYRILLIC.search(word) else "english"
    return str(_stemmer(language).stemWord(word))


def _stem_prefix(word: str) -> str | None:
    """The prefix ``--forms`` searches for ``word``: its stem, when the word is 4 letters or
    more and starts with a stem of 3 or more (``city`` stems to ``citi``; ``war*`` would find
    warning). ``None``: the word is matched as written."""
    if len(word) < 4:
        return None
    stemmed = stem(word)
    if len(stemmed) < 3 or not word.startswith(stemmed):
        return None
    return stemmed


def with_word_forms(node: fts.Node) -> fts.Node:
    """Each single word (not in a phrase of several words) becomes a prefix search for its
    English or Russian stem: ``protests`` finds protest, protested, protesters…"""
    if isinstance(node, fts.Phrase):
        if len(node.words) != 1 or node.prefix:
            return node
        stemmed = _stem_prefix(node.words[0])
        return node if stemmed is None else fts.Phrase((stemmed,), prefix=True)
    if isinstance(node, fts.And):
        return fts.And(tuple(with_word_forms(c) for c in node.children))
    if isinstance(node, fts.Or):
        return fts.Or(tuple(with_word_forms(c) for c in node.children))
    return fts.Not(with_word_forms(node.child))


def words_without_forms(node: fts.Node) -> list[str]:
    """The single words of a query that :func:`with_word_forms` leaves as written (``суд``,
    ``city``), in query order: ``--forms`` finds no other form of them, which the user
    should be told (``суды --forms`` finds суд, суда…; ``суд --forms`` only суд)."""
    if isinstance(node, fts.Phrase):
        if len(node.words) != 1 or node.prefix or _stem_prefix(node.words[0]) is not None:
            return []
        return [node.words[0]]
    if isinstance(node, fts.And | fts.Or):
        return [word for child in node.children for word in words_without_forms(child)]
    return words_without_forms(node.child)


_FTS = table("articles_fts", column("rowid"))
# Word pairs (migration 0004, knotcrawl.db.phrase_index): a query made only of phrases is
# answered there, with the same matches and scores, without FTS5's position checks.
_PHRASES = table("articles_phrases", column("rowid"))
# Title, body, authors: a word in the title weighs most.
# The fourth column, the edition, only filters.
_FTS_WEIGHTS = (10.0, 1.0, 5.0, 0.0)
_FTS_RANK = "bm25(10.0, 1.0, 5.0, 0.0)"
# The SQLite full-text index is keyed by publication (migration 0003): the minute of
# ``published_at`` (UTC, since 1970) times 2**SEARCH_KEY_BITS plus ``articles.id``. Rowid
# ranges are the only cheap way to narrow an FTS5 search, so dates become rowid ranges and
# "newest first" is a reverse walk of the index.
SEARCH_KEY_BITS = 36
_ID_MASK = 2**SEARCH_KEY_BITS - 1
# Ranking scores every article in the window; a common word matches most of the archive,
# and scoring 300,000 matches takes about a second. By default the hits are the best of the
# newest RANK_WINDOW matches; ``window=None`` (``--rank-all``) ranks every match.
RANK_WINDOW = 2000


def search_key(published_at: datetime | None, pk: int) -> int:
    """The full-text index's rowid of an article (the SQL expression of migration 0003); the
    date filters' bounds are keys of id 0."""
    if published_at is None:
        return pk
    moment = published_at if published_at.tzinfo else published_at.replace(tzinfo=UTC)
    # SQLite's integer division truncates toward zero, as int() does.
    return int(int(moment.timestamp()) / 60) * 2**SEARCH_KEY_BITS + pk


@dataclass(frozen=True, slots=True)
class _KeyRange:
    """Rowid bounds of the publication-keyed index (``low <= rowid < high``) holding every
    article of the date filters; ``exact`` when they hold nothing else: bounds on whole
    minutes are exact (the key keeps the minute), others are widened to the minute and need
    the ``published_at`` conditions too. FTS5 uses one bound on each side, so every bound
    (the dates, the ranking window) is merged here, never added as a second condition."""

    low: int | None = None
    high: int | None = None
    exact: bool = True

    @classmethod
    def of(cls, filters: Filters) -> _KeyRange:
        low = high = None
        exact = True
        if filters.since is not None:
            exact = _whole_minute(filters.since)
            low = search_key(filters.since, 0)
        if filters.until is not None:
            whole = _whole_minute(filters.until)
            exact = exact and whole
            high = search_key(filters.until, 0) + (0 if whole else 2**SEARCH_KEY_BITS)
            if low is None:  # articles without a date are keyed by their id alone
                low = 2**SEARCH_KEY_BITS
        return cls(low, high, exact)

    def from_(self, start: int) -> _KeyRange:
        return replace(self, low=start if self.low is None else max(self.low, start))

    def conditions(self, rowid: Any = _FTS.c.rowid) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = []
        if self.low is not None:
            out.append(rowid >= self.low)
        if self.high is not None:
            out.append(rowid < self.high)
        return out


def _whole_minute(moment: datetime) -> bool:
    return moment.second == 0 and moment.microsecond == 0


# The edition column's token: the edition behind U+E000, a token character for FTS5's
# unicode61 but never part of a word of the query parser, so no search word matches it.
EDITION_MARK = "\ue000"


@dataclass(frozen=True, slots=True)
class _Index:
    """The SQLite full-text table that answers a query, and the query's MATCH text there."""

    table: Any
    query: str

    @property
    def column(self) -> Any:
        return literal_column(self.table.name)

    @property
    def rowid(self) -> Any:
        return self.table.c.rowid

    @property
    def rank(self) -> Any:
        return literal_column(f"{self.table.name}.rank")

    def match(self) -> ColumnElement[bool]:
        return self.column.op("MATCH")(self.query)

    @classmethod
    def of(cls, node: fts.Node, edition: str | None) -> _Index:
        pairs = phrase_index.to_fts5(node)
        if pairs is None:
            return cls(_FTS, _fts_query(node, edition))
        return cls(_PHRASES, _with_edition(pairs, edition))


def _fts_query(node: fts.Node, edition: str | None = None) -> str:
    """The FTS5 query of ``articles_fts``, with the edition filter as a match of the edition
    column's token."""
    return _with_edition(fts.to_fts5(node), edition)


def _with_edition(text: str, edition: str | None) -> str:
    if edition is None:
        return text
    if edition not in ("en", "ru"):
        raise UsageError(f"edition: {edition!r} is not en or ru")
    return f'({text}) AND "{EDITION_MARK}{edition}"'


def _in_index_only(filters: Filters, keys: _KeyRange) -> bool:
    """Whether the index alone (words, edition, rowid range) selects exactly the filtered
    articles, so no match needs its ``articles`` row looked up."""
    return keys.exact and replace(filters, since=None, until=None, edition=None) == Filters()


def _by_published(sort: str | None) -> bool | None:
    """True/False for a newest/oldest-first sort the index order gives, None otherwise."""
    if sort is None:
        return None
    names, descending = sort_spec(sort)
    return descending if names == ("published_at",) else None


def search(
    engine: Engine,
    query: str,
    filters: Filters | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
    sort: str | None = None,
    forms: bool = False,
    window: int | None = RANK_WINDOW,
) -> list[SearchHit]:
    """Full-text search with the syntax of :mod:`knotcrawl.db.search` plus every filter.

    Best match first among the newest ``window`` matching articles (every match when
    ``window`` is None), or in ``sort`` order over every match; each hit has a snippet of the
    text around the matched words, marked with :data:`HIT_OPEN`/:data:`HIT_CLOSE`. A
    malformed query raises :class:`UsageError`.
    """
    filters = filters or Filters()
    check_count("limit", limit)
    check_count("offset", offset)
    if window is not None and window < 1:
        raise UsageError("window: must be at least 1")
    node = fts.parse_query(query)
    if forms:
        node = with_word_forms(node)
    dialect = engine.dialect.name
    a = _a
    base = [
        a.c.id,
        a.c.edition,
        a.c.article_id,
        a.c.url,
        a.c.title,
        a.c.published_at,
        a.c.gone_at,
        a.c.first_seen_at,
        a.c.last_seen_at,
    ]
    where = conditions(filters, dialect)
    if dialect == "sqlite":
        return _search_sqlite(
            engine, query, node, base, filters, where, limit, offset, sort, window
        )
    # PostgreSQL: rank and cut in a subquery; ts_headline (costly) only for the hits shown.
    tsq = func.to_tsquery(literal_column("'simple'::regconfig"), fts.to_tsquery(node))
    vector: Any = literal_column("articles.search_vector")
    matched = [vector.op("@@")(tsq), *where]
    score = func.ts_rank_cd(vector, tsq).label("score")
    options = f"MaxFragments=1, MaxWords=24, MinWords=8, StartSel={HIT_OPEN}, StopSel={HIT_CLOSE}"

    def hits(matched: list[ColumnElement[bool]]) -> Any:
        inner = (
            select(*base, a.c.body, a.c.authors_text, score)
            .where(*matched)
            .order_by(*(order_by(sort) if sort else [score.desc(), a.c.id]))
            .limit(limit)
            .offset(offset)
            .subquery("h")
        )
        # Title, authors and body, "ё" folded as the index folds it, so a word found only in
        # the title or the authors is highlighted too.
        text = func.translate(
            func.concat_ws(" … ", inner.c.title, inner.c.authors_text, inner.c.body), "Ёё", "Ее"
        )
        snippet = func.ts_headline(literal_column("'simple'::regconfig"), text, tsq, options).label(
            "snip"
        )
        return select(*(inner.c[c.name] for c in base), inner.c.score, snippet).order_by(
            *(order_by(sort, inner.c) if sort else [inner.c.score.desc(), inner.c.id])
        )

    try:
        with reading(engine) as conn:
            if window is not None and not sort:
                ids = _newest_matches_pg(conn, matched, window)
                if not ids:
                    return []
                matched = [a.c.id.in_(ids)]
            rows = conn.execute(hits(matched)).all()
    except (OperationalError, ProgrammingError) as exc:
        raise _bad_query(query, exc) from None
    return [_hit(row, row.snip) for row in rows]


def _bad_query(query: str, exc: DBAPIError) -> UsageError:
    message = str(exc.orig).strip().splitlines()[0]
    return UsageError(f"bad search query {query!r}: {message}")


# A run of matched words is marked once: FTS5 marks a phrase as one match and every other
# word apart, ts_headline every word apart, so without this the backends' snippets differ.
_ADJACENT_HITS = re.compile(f"{HIT_CLOSE} {HIT_OPEN}")


def _hit(row: Any, snippet: str | None) -> SearchHit:
    return SearchHit(
        edition=row.edition,
        article_id=row.article_id,
        url=row.url,
        title=row.title,
        published_at=optional_utc_iso(row.published_at),
        score=round(abs(float(row.score)), 6),
        snippet=_ADJACENT_HITS.sub(" ", " ".join((snippet or "").split())),
        gone=row.gone_at is not None,
    )


# The newest matches are looked for among the newest articles first, in slices of these many
# articles, before all of them (see _newest_matches_pg).
PG_WINDOW_SLICES = (20_000,)


def _newest_matches_pg(
    conn: Connection, matched: list[ColumnElement[bool]], window: int
) -> list[int]:
    """The ids of the ``window`` newest matches, on PostgreSQL. Asked as one ``ORDER BY ...
    LIMIT``, the planner either sorts every match from the GIN index (a second for a common
    word at 500,000 articles) or walks ``ix_articles_search_window`` until it has the window,
    which reads the whole table when it guessed the matches too many (a phrase of common words
    that rarely stand together) or when they are all old. So the window is looked for among
    the newest articles first, in slices (``PG_WINDOW_SLICES``), where either plan reads at
    most the slice; a slice that holds ``window`` matches holds the newest ones. Otherwise
    every match is collected from the GIN index and sorted, as before the index existed.
    One slice of 20,000 articles: a larger one costs the words of middling frequency more
    (a tsvector check per article of the slice) than it saves the common ones."""
    a = _a
    for size in PG_WINDOW_SLICES:
        oldest = conn.execute(
            select(a.c.published_at).order_by(*newest_first()).offset(size - 1).limit(1)
        ).scalar()
        if oldest is None:  # the archive is smaller than the slice (or undated there)
            break
        ids = list(
            conn.execute(
                select(a.c.id)
                .where(*matched, a.c.published_at >= oldest)
                .order_by(*newest_first())
                .limit(window)
            ).scalars()
        )
        if len(ids) == window:
            return ids
    # The same order, written so that no index serves it: the planner collects the matches
    # from the GIN index (in parallel) and sorts them, never walking the window's index.
    unindexed = func.coalesce(a.c.published_at, literal_column("'-infinity'::timestamptz"))
    every = select(a.c.id).where(*matched).order_by(unindexed.desc(), a.c.id.desc())
    return list(conn.execute(every.limit(window)).scalars())


def newest_first() -> tuple[Any, Any]:
    """PostgreSQL's order of the search window, newest publication first. Index
    ``ix_articles_search_window`` (migration 0005) has exactly this order: it finds where the
    newest N articles start, and walks a slice of them without sorting."""
    return (_a.c.published_at.desc().nulls_last(), _a.c.id.desc())


def _search_sqlite(
    engine: Engine,
    query: str,
    node: fts.Node,
    base: list[Any],
    filters: Filters,
    where: list[ColumnElement[bool]],
    limit: int,
    offset: int,
    sort: str | None,
    window: int | None,
) -> list[SearchHit]:
    """FTS5 in steps: where the window of the newest matches starts (a reverse walk of the
    publication-keyed index, stopped after ``window`` rows), the page of hits in the window
    (ordered by FTS5's own ``rank``, or by ``sort``), then snippets for those rows only.
    Computing a snippet for every match before sorting would cost seconds for a common word;
    so would ranking every match."""
    a = _a
    index = _Index.of(node, filters.edition)
    fts_col, match, rowid = index.column, index.match(), index.rowid
    joined = index.table.join(a, a.c.id == rowid.op("&")(_ID_MASK))
    keys = _KeyRange.of(filters)
    plain = _in_index_only(filters, keys)
    newest_first = _by_published(sort)
    hits = select(*base, rowid.label("fts_key")).select_from(joined).where(match, *where)
    if newest_first is not None:
        hits = hits.add_columns(func.bm25(fts_col, *_FTS_WEIGHTS).label("score")).order_by(
            rowid.desc() if newest_first else rowid.asc()
        )
    elif sort:
        score = func.bm25(fts_col, *_FTS_WEIGHTS).label("score")
        hits = hits.add_columns(score).order_by(*order_by(sort))

    def page(keys: _KeyRange) -> Select[Any]:
        if newest_first is None and not sort:
            return _best_first(index, base, where, keys, limit, offset, plain=plain)
        return hits.where(*keys.conditions(rowid)).limit(limit).offset(offset)

    try:
        with reading(engine) as conn:
            if window is not None and not sort:
                # Only rowid bounds narrow what FTS5 ranks: find the window's oldest key.
                start = conn.execute(
                    select(rowid)
                    .select_from(index.table if plain else joined)
                    .where(match, *keys.conditions(rowid), *([] if plain else where))
                    .order_by(rowid.desc())
                    .limit(1)
                    .offset(window - 1)
                ).scalar()
                if start is not None:
                    keys = keys.from_(start)
            rows = conn.execute(page(keys)).all()
            snippets: dict[int, str] = {}
            if rows:
                # From articles_fts (the other table has no text), the words alone: the
                # edition's token is not worth highlighting.
                text_col: Any = literal_column("articles_fts")
                words = text_col.op("MATCH")(_fts_query(node))
                snippet = func.snippet(text_col, -1, HIT_OPEN, HIT_CLOSE, "…", 24)
                by_key = {int(row.fts_key): row.id for row in rows}
                snippets = {
                    by_key[int(key)]: text
                    for key, text in conn.execute(
                        select(_FTS.c.rowid, snippet).where(words, _FTS.c.rowid.in_(list(by_key)))
                    )
                }
    except (OperationalError, ProgrammingError) as exc:
        raise _bad_query(query, exc) from None
    return [_hit(row, snippets.get(row.id)) for row in rows]


def _best_first(
    index: _Index,
    base: list[Any],
    where: list[ColumnElement[bool]],
    keys: _KeyRange,
    limit: int,
    offset: int,
    *,
    plain: bool,
) -> Select[Any]:
    """The page of hits on SQLite in FTS5's rank order, equal ranks by row id as on
    PostgreSQL (FTS5 alone leaves them in its rowid order, which is publication order). They
    are ranked in the full-text table alone; when it selects the hits by itself (``plain``)
    the page is cut there too, and only its rows are joined to ``articles``: joining every
    match before the sort took three times as long as ranking them."""
    a, rank, rowid = _a, index.rank, index.rowid
    pk = rowid.op("&")(_ID_MASK)
    ranked = select(rowid.label("fts_key"), pk.label("pk"), rank.label("score")).where(
        index.match(), rank.op("MATCH")(_FTS_RANK), *keys.conditions(rowid)
    )
    if plain:
        ranked = ranked.order_by(rank, pk).limit(limit).offset(offset)
    r = ranked.subquery("ranked")
    hits = (
        select(*base, r.c.fts_key, r.c.score)
        .join_from(r, a, a.c.id == r.c.pk)
        .where(*where)
        .order_by(r.c.score, r.c.pk)
    )
    return hits if plain else hits.limit(limit).offset(offset)


def search_count(
    engine: Engine, query: str, filters: Filters | None = None, *, forms: bool = False
) -> int:
    """How many articles match (for "N of M hits")."""
    filters = filters or Filters()
    node = fts.parse_query(query)
    if forms:
        node = with_word_forms(node)
    dialect = engine.dialect.name
    a = _a
    where = conditions(filters, dialect)
    if dialect == "sqlite":
        index = _Index.of(node, filters.edition)
        keys = _KeyRange.of(filters)
        keyed = [index.match(), *keys.conditions(index.rowid)]
        if _in_index_only(filters, keys):
            stmt = select(func.count()).select_from(index.table).where(*keyed)
        else:
            joined = index.table.join(a, a.c.id == index.rowid.op("&")(_ID_MASK))
            stmt = select(func.count()).select_from(joined).where(*keyed, *where)
    else:
        tsq = func.to_tsquery(literal_column("'simple'::regconfig"), fts.to_tsquery(node))
        vector: Any = literal_column("articles.search_vector")
        stmt = select(func.count()).select_from(a).where(vector.op("@@")(tsq), *where)
    try:
        with reading(engine) as conn:
            return int(conn.execute(stmt).scalar_one())
    except (OperationalError, ProgrammingError) as exc:
        raise _bad_query(query, exc) from None


# ----------------------------------------------------------------------------- stats


def _month(dialect: str) -> Any:
    if dialect == "sqlite":
        return func.strftime("%Y-%m", _a.c.published_at)
    return func.to_char(func.timezone("UTC", _a.c.published_at), "YYYY-MM")


def monthly_counts(engine: Engine, filters: Filters | None = None) -> list[tuple[str, str, int]]:
    """``(month "YYYY-MM" in UTC, edition, articles)``, by month then edition."""
    filters = filters or Filters()
    dialect = engine.dialect.name
    month = _month(dialect).label("month")
    stmt = (
        select(month, _a.c.edition, func.count())
        .where(_a.c.published_at.is_not(None), *conditions(filters, dialect))
        .group_by(month, _a.c.edition)
        .order_by(month, _a.c.edition)
    )
    with reading(engine) as conn:
        return [(str(mo), str(ed), int(n)) for mo, ed, n in conn.execute(stmt)]


def top_values(
    engine: Engine, what: str, filters: Filters | None = None, *, limit: int = 10
) -> list[tuple[str, int]]:
    """The most frequent authors, sections or sources among the matching articles."""
    filters = filters or Filters()
    dialect = engine.dialect.name
    where = conditions(filters, dialect)
    value: Any
    if what == "author":
        au = m.article_authors
        value = au.c.name
        stmt = select(value, func.count()).select_from(au.join(_a, _a.c.id == au.c.article_pk))
    elif what == "section":
        se = m.article_sections
        value = se.c.section
        stmt = select(value, func.count()).select_from(se.join(_a, _a.c.id == se.c.article_pk))
    elif what == "source":
        value = _a.c.source
        stmt = select(value, func.count()).select_from(_a).where(value.is_not(None))
    else:
        raise ValueError(what)
    stmt = stmt.where(*where).group_by(value).order_by(func.count().desc(), value).limit(limit)
    with reading(engine) as conn:
        return [(str(v), int(n)) for v, n in conn.execute(stmt)]


def totals(engine: Engine, filters: Filters | None = None) -> dict[str, Any]:
    """Counts of the matching articles: all, per edition, gone, changed, English with a
    Russian original, first and last publication time."""
    filters = filters or Filters()
    dialect = engine.dialect.name
    a = _a
    rv = m.revisions
    where = conditions(filters, dialect)
    with reading(engine) as conn:
        per_edition: dict[str, int] = dict(
            (str(ed), int(n))
            for ed, n in conn.execute(
                select(a.c.edition, func.count()).where(*where).group_by(a.c.edition)
            )
        )
        row = conn.execute(
            select(
                func.count(),
                func.count(a.c.gone_at),
                func.min(a.c.published_at),
                func.max(a.c.published_at),
            ).where(*where)
        ).one()
        changed = conn.execute(
            select(func.count())
            .select_from(a)
            .where(exists().where(rv.c.article_pk == a.c.id), *where)
        ).scalar_one()
        en_total, en_original = conn.execute(
            select(func.count(), func.count(a.c.original_url)).where(a.c.edition == "en", *where)
        ).one()
        revisions = conn.execute(
            select(func.count()).select_from(rv).join(a, a.c.id == rv.c.article_pk).where(*where)
        ).scalar_one()
    return {
        "articles": int(row[0]),
        "by_edition": {ed: int(per_edition.get(ed, 0)) for ed in ("en", "ru")},
        "gone": int(row[1]),
        "changed": int(changed),
        "revisions": int(revisions),
        "first_published_at": optional_utc_iso(row[2]),
        "last_published_at": optional_utc_iso(row[3]),
        "en_articles": int(en_total),
        "en_with_original": int(en_original),
        "en_original_share": (int(en_original) / int(en_total)) if en_total else None,
    }


def crawl_health(engine: Engine, *, runs: int = 5, errors: int | None = 5) -> dict[str, Any]:
    """The last crawl runs (newest first) and the open crawl errors (count, how many of them
    robots.txt refuses, and the newest ``errors``; ``None``: all)."""
    c, e = m.crawl_runs, m.crawl_errors
    with reading(engine) as conn:
        run_rows = conn.execute(select(c).order_by(c.c.id.desc()).limit(runs)).mappings().all()
        n_errors = conn.execute(select(func.count()).select_from(e)).scalar_one()
        n_refused = conn.execute(
            select(func.count()).select_from(e).where(e.c.refused_since.is_not(None))
        ).scalar_one()
        error_rows = conn.execute(
            select(
                e.c.url,
                e.c.error,
                e.c.attempts,
                e.c.first_seen_at,
                e.c.last_seen_at,
                e.c.refused_since,
            )
            .order_by(e.c.last_seen_at.desc(), e.c.id.desc())
            .limit(errors)
        ).all()
    keys = ("new", "updated", "unchanged", "gone", "failed", "requests")
    return {
        "runs": [
            {
                "id": r["id"],
                "mode": r["mode"],
                "status": r["status"],
                "started_at": optional_utc_iso(r["started_at"]),
                "finished_at": optional_utc_iso(r["finished_at"]),
                **{k: int(r[k] or 0) for k in keys},
            }
            for r in run_rows
        ],
        "open_errors": int(n_errors),
        "refused_by_robots": int(n_refused),
        "recent_errors": [
            {
                "url": r.url,
                "error": r.error,
                "attempts": int(r.attempts),
                "first_seen_at": optional_utc_iso(r.first_seen_at),
                "last_seen_at": optional_utc_iso(r.last_seen_at),
                "refused_since": optional_utc_iso(r.refused_since),
            }
            for r in error_rows
        ],
    }


def check_count(name: str, value: int | None) -> None:
    """Refuse a negative ``limit`` or ``offset`` from the API: SQLite reads ``LIMIT -1`` as no
    limit and a negative offset as none, where PostgreSQL raises, so the two would differ. One
    past the database's integers made the drivers raise OverflowError or DataError."""
    if value is not None and value < 0:
        raise UsageError(f"{name}: {value} is negative")
    if value is not None and value > INT64_MAX:
        raise UsageError(f"{name}: {value} is out of range (at most {INT64_MAX})")


def check_fields(requested: str | Sequence[str] | None) -> tuple[str, ...]:
    """The RECORD fields to output: all (in RECORD order) or the requested ones, in the order
    given. An unknown field raises :class:`UsageError`."""
    if requested is None:
        return RECORD_FIELDS
    names = (
        [n.strip() for n in requested.split(",")]
        if isinstance(requested, str)
        else [str(n).strip() for n in requested]
    )
    names = [n for n in names if n]
    if not names:
        raise UsageError("fields: no field named")
    unknown = [n for n in names if n not in RECORD_FIELDS]
    if unknown:
        raise UsageError(f"unknown field {', '.join(unknown)} (fields: {', '.join(RECORD_FIELDS)})")
    seen: dict[str, None] = {}
    for n in names:
        seen.setdefault(n)
    return tuple(seen)


def as_mapping(filters: Filters) -> Mapping[str, Any]:
    return {f.name: getattr(filters, f.name) for f in fields(filters)}
