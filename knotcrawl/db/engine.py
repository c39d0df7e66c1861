"""Database URLs and engines: SQLite by default, PostgreSQL when given a URL.

``resolve_url`` turns what a user types (nothing, a file path, ``sqlite:///…``,
``postgresql://…``) into an SQLAlchemy URL; ``make_engine`` builds the engine with the
settings the archive relies on (SQLite: WAL, busy timeout, foreign keys, explicit ``BEGIN``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from knotcrawl.db import phrase_index
from knotcrawl.errors import UsageError
from knotcrawl.files import file_write_error, folder_write_error, reason

DEFAULT_FILENAME = "knotcrawl.sqlite"
BUSY_TIMEOUT_MS = 30_000
# The page size of a new SQLite archive (SQLite's default is 4,096). A full-text query reads
# long doclists; in 16 KiB pages the first query after the index left the operating system's
# cache reads a quarter of the pages (p95 119 -> 51-58 ms at 500,000 articles), with the same
# warm latency and write speed. 32 and 64 KiB made warm queries slower (docs/performance.md).
PAGE_SIZE = 16_384
# Execution option that makes a SQLite transaction start with BEGIN IMMEDIATE (takes the write
# lock at once, so a read-then-write transaction never fails half-way on a busy database).
WRITE_OPTION = "knotcrawl_write"


def data_dir() -> Path:
    """``data`` below the current directory, or ``KNOTCRAWL_DATA_DIR``."""
    return Path(os.environ.get("KNOTCRAWL_DATA_DIR") or "data")


def default_path() -> Path:
    return data_dir() / DEFAULT_FILENAME


def refuse_empty(db: str | None) -> None:
    """``--db ""`` (say ``--db "$UNSET_VARIABLE"``) must not fall back to the default archive
    unnoticed: only ``None`` means the default."""
    if db is not None and not db.strip():
        raise UsageError("--db is empty: give a SQLite file path or a postgresql:// URL")


def resolve_url(url: str | None = None) -> URL:
    """The SQLAlchemy URL of the archive.

    ``None`` means ``KNOTCRAWL_DATABASE_URL`` or else ``data/knotcrawl.sqlite``. A string without
    ``://`` is a SQLite file path. ``postgresql://`` and ``postgres://`` use psycopg 3.
    """
    refuse_empty(url)
    text = url or os.environ.get("KNOTCRAWL_DATABASE_URL") or ""
    if not text:
        path = default_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # $KNOTCRAWL_DATA_DIR under /proc, ./data in a read-only folder
            raise UsageError(
                f"cannot create the data folder {path.parent} of the default archive: {reason(exc)}"
            ) from None
        return URL.create("sqlite", database=str(path.resolve()))
    if "://" not in text:
        if text == ":memory:":
            return URL.create("sqlite", database=":memory:")
        path = Path(text).expanduser()
        if not path.parent.is_dir():
            raise UsageError(f"no such directory for the database file: {path.parent}")
        return URL.create("sqlite", database=str(path.resolve()))
    if text.startswith("postgres://"):
        text = "postgresql://" + text[len("postgres://") :]
    try:
        parsed = make_url(text)
    except ArgumentError as exc:
        raise UsageError(f"not a database URL: {_hide_password(text)!r} ({exc})") from None
    except ValueError as exc:
        # SQLAlchemy reads the port with int(): "host:notaport", an unclosed "[::1".
        raise UsageError(
            f"not a database URL: {_hide_password(text)!r} (a malformed host or port: {exc})"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        if parsed.drivername in ("postgresql", "postgresql+psycopg2"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        if parsed.drivername != "postgresql+psycopg":
            raise UsageError(
                f"unsupported PostgreSQL driver {parsed.get_driver_name()!r}: knotcrawl uses "
                "psycopg 3 (postgresql:// or postgresql+psycopg://)"
            )
        return parsed
    if backend == "sqlite":
        if parsed.drivername not in ("sqlite", "sqlite+pysqlite"):
            raise UsageError(
                f"unsupported SQLite driver {parsed.get_driver_name()!r}: knotcrawl uses "
                "Python's sqlite3 (a file path, or sqlite:///PATH)"
            )
        return parsed
    raise UsageError(f"unsupported database {backend!r}: use a SQLite path or a postgresql:// URL")


def _hide_password(text: str) -> str:
    """A URL as a message may show it: ``user:secret@`` becomes ``user:***@``."""
    return re.sub(r"(://[^/@:]*:)[^/@]*@", r"\1***@", text)


def describe(url: URL) -> str:
    """How messages name the archive: a SQLite file by its path, a server by its URL with
    the password hidden."""
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return url.render_as_string(hide_password=True)


def check_database(
    db: str | None, *, create: bool, need_head: bool = True, write: bool = True
) -> URL:
    """Refuse a ``--db`` that cannot be the archive, before a command starts any work.

    The commands that write (crawl, update, demo, reparse, db) would otherwise fail deep inside
    SQLAlchemy or Scrapy with a traceback and status 1, which cron reads as "failures, retried
    next run"; a wrong path or an unreachable server is a usage error (status 2), as the read
    commands report it (:func:`knotcrawl.db.queries.open_for_reading`). ``create``: a missing or
    empty SQLite file and an empty database may become a new archive (else they are refused, so a
    typo never leaves a new archive behind). ``need_head``: an archive at another schema revision
    is refused (run ``knotcrawl db upgrade``). ``write``: a PostgreSQL archive this user may not
    write (a read-only role, a read-only server) is refused as a read-only SQLite file is (the
    crawl lock refuses that one). Returns the resolved URL.
    """
    from knotcrawl.db import migrate

    url = resolve_url(db)
    shown = describe(url)
    database = url.database or ""
    if url.get_backend_name() == "sqlite" and database not in ("", ":memory:"):
        file = Path(database)
        if file.is_dir():
            raise UsageError(f"{file} is a directory, not a database file")
        if not file.exists() or file.stat().st_size == 0:
            if create:
                error = folder_write_error(file.parent)
                if error is not None:
                    raise UsageError(f"cannot create the database {file}: {reason(error)}")
                return url
            # Checked before connecting: SQLite would write a header into an empty file.
            empty = " (an empty file)" if file.exists() else ""
            raise UsageError(f"no database at {file}{empty}")
    engine = make_engine(url)
    try:
        current = migrate.current_revision(engine)
        refusal = write_refusal(engine, empty=current is None) if write else None
        missing = migrate.not_an_archive(engine) if current is None and not create else None
    except DBAPIError as exc:
        first = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else str(exc)
        raise UsageError(f"cannot read the database {shown}: {first}") from None
    finally:
        engine.dispose()
    if refusal is not None:
        raise UsageError(
            f"cannot write the archive {shown} ({refusal}): it is read-only here, so only "
            "the read commands can use it"
        )
    if current is None:
        if create:
            return url
        assert missing is not None
        raise UsageError(missing)
    head = migrate.head_revision()
    if need_head and current != head:
        if current not in migrate.known_revisions():
            raise UsageError(
                f"{shown} is at schema revision {current}, newer than this knotcrawl knows "
                f"({head}): upgrade knotcrawl"
            )
        raise UsageError(
            f"{shown} is at schema revision {current}, this knotcrawl needs {head}: "
            "back it up and run `knotcrawl db upgrade`"
        )
    return url


def write_refusal(engine: Engine, *, empty: bool) -> str | None:
    """Why this PostgreSQL user may not write the archive (None: it may; SQLite: always None).

    Asked of the server before any work, so that a read-only role or server is one line and
    status 2, not a permission error half-way through a crawl or a reparse."""
    if is_sqlite(engine):
        return None
    from sqlalchemy import text

    from knotcrawl.db.models import Base

    with engine.connect() as conn:
        if conn.execute(text("SELECT current_setting('transaction_read_only')")).scalar() == "on":
            return "the server or this user's sessions are read-only"
        user = conn.execute(text("SELECT current_user")).scalar()
        if empty:
            may_create = conn.execute(
                text("SELECT has_schema_privilege(current_schema(), 'CREATE')")
            ).scalar()
            return f"{user} may not create tables in it" if may_create is False else None
        missing = conn.execute(
            text(
                "SELECT t, p FROM unnest(CAST(:tables AS text[])) AS t, "
                "unnest(ARRAY['INSERT', 'UPDATE', 'DELETE']) AS p "
                "WHERE NOT has_table_privilege(to_regclass(t), p) LIMIT 1"
            ),
            {"tables": [table.name for table in Base.metadata.sorted_tables]},
        ).first()
        if missing is not None:
            return f"{user} has no {missing[1]} permission on table {missing[0]}"
    return None


def case_blind_ctype(conn: Any) -> str | None:
    """The LC_CTYPE of a PostgreSQL database that cannot fold Russian text (None: it can, or
    SQLite).

    PostgreSQL's text search and ILIKE take letters and their case from the database's
    LC_CTYPE. Under ``C`` (``initdb --no-locale``, some managed servers) it lower-cases ASCII
    letters only and takes every other character for a letter: the index keeps ``Суд``
    capitalised and ``«Суд»`` as one word, so search, ``--author`` and ``--source`` miss
    Russian articles without an error. Asked by behaviour, not by locale name."""
    from sqlalchemy import text

    if conn.dialect.name != "postgresql":
        return None
    folded = conn.execute(text("SELECT to_tsvector('simple', '«Суд»')::text")).scalar()
    if folded == "'суд':1":
        return None
    return str(conn.execute(text("SELECT current_setting('lc_ctype')")).scalar())


def case_blind_advice(ctype: str) -> str:
    """What to do about :func:`case_blind_ctype`, for the messages that name it."""
    return (
        f"its LC_CTYPE is {ctype}, under which PostgreSQL neither lower-cases Cyrillic letters "
        "nor splits words at «quotes», so search, --author and --source miss Russian articles; "
        "make the archive in a database with a UTF-8 locale (CREATE DATABASE … TEMPLATE "
        "template0 LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8', or en_US.UTF-8)"
    )


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _read_only_file(database: str | None) -> Path | None:
    """The archive's path when it exists but this process may not write it or its folder
    (read-only storage, an archive of another user): it is then opened read-only, so the read
    commands work and every write fails with "readonly database"."""
    if database in (None, "", ":memory:") or database.startswith("file:"):
        return None
    path = Path(database)
    if not path.is_file():
        return None
    if file_write_error(path) is None and folder_write_error(path.parent) is None:
        return None
    return path


def _connect_read_only(path: Path, connect_args: dict[str, Any]) -> Any:
    """``mode=ro``; a WAL archive whose ``-shm`` file is absent and cannot be made (a
    read-only folder, no writer running) needs ``immutable=1`` as well: with the folder
    read-only, no crawl can be writing it."""
    import sqlite3
    from urllib.parse import quote

    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    timeout = float(connect_args.get("timeout", BUSY_TIMEOUT_MS / 1000))
    conn = sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        conn.close()
        if folder_write_error(path.parent) is None:
            raise
        wal = path.with_name(f"{path.name}-wal")
        if wal.is_file() and wal.stat().st_size > 0:
            # immutable=1 ignores the -wal file: the last writes would be missing, unsaid.
            raise UsageError(
                f"{path}: its {wal.name} file holds writes not yet in the archive file, and "
                "SQLite cannot read it without a -shm file, which it cannot create in this "
                "read-only folder; copy the archive with its -wal file to a writable folder "
                "(or checkpoint it where it was written: sqlite3 ARCHIVE 'PRAGMA "
                "wal_checkpoint(TRUNCATE)')"
            ) from None
        conn = sqlite3.connect(
            uri + "&immutable=1", uri=True, timeout=timeout, check_same_thread=False
        )
    return conn


def sqlite_path(engine: Engine) -> Path | None:
    """The file of a SQLite database (``None`` for an in-memory one or PostgreSQL)."""
    if not is_sqlite(engine):
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file::memory"):
        return None
    return Path(database)


def make_engine(url: str | URL | None = None, **kwargs: Any) -> Engine:
    resolved = url if isinstance(url, URL) else resolve_url(url)
    if resolved.get_backend_name() == "sqlite":
        return _sqlite_engine(resolved, **kwargs)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(resolved, **kwargs)


def _sqlite_engine(url: URL, **kwargs: Any) -> Engine:
    connect_args = kwargs.pop("connect_args", {})
    connect_args.setdefault("timeout", BUSY_TIMEOUT_MS / 1000)
    if url.database in (None, "", ":memory:"):
        from sqlalchemy.pool import StaticPool

        kwargs.setdefault("poolclass", StaticPool)
        connect_args.setdefault("check_same_thread", False)
    read_only = _read_only_file(url.database)
    if read_only is not None:
        kwargs.setdefault("creator", lambda: _connect_read_only(read_only, connect_args))
    engine = create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        # The phrase index's triggers call it (migration 0004).
        phrase_index.register(dbapi_connection)
        if read_only is not None:
            dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            return
        cursor = dbapi_connection.cursor()
        try:
            # Takes effect only while the file is still empty, so before journal_mode=WAL
            # writes its header; an existing archive keeps its page size.
            cursor.execute(f"PRAGMA page_size={PAGE_SIZE}")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    return engine
