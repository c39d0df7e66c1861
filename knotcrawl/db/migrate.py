"""Alembic, configured in code: no alembic.ini at run time.

``upgrade`` brings a database to a revision (``head`` by default); ``current_revision`` and
``head_revision`` tell where a database and this knotcrawl stand.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

from knotcrawl.db.engine import WRITE_OPTION, case_blind_advice, case_blind_ctype, describe
from knotcrawl.errors import UsageError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATION_LOCK = 0x6B6E6F74_6D696772  # "knotmigr"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate in one transaction that excludes other migrators: SQLite's BEGIN IMMEDIATE, a
    transaction-scoped advisory lock on PostgreSQL. A second process that opens a new database
    at the same moment waits, then finds it migrated."""
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        if MigrationContext.configure(conn).get_current_revision() is None:
            missing = missing_schema(conn)
            if missing is not None:
                raise UsageError(missing)
            _refuse_foreign_tables(conn)
            _refuse_case_blind_locale(conn)
        command.upgrade(alembic_config(conn), revision)
        conn.commit()


def missing_schema(conn: Connection) -> str | None:
    """The one line for a PostgreSQL connection whose ``search_path`` names no existing schema
    (``options=-csearch_path=ck_en`` before ``CREATE SCHEMA ck_en``), where the server has
    nowhere to create the tables; None when there is a schema, and on SQLite."""
    if conn.dialect.name != "postgresql" or conn.execute(text("SELECT current_schema()")).scalar():
        return None
    path = conn.execute(text("SELECT current_setting('search_path')")).scalar()
    return (
        f"{describe(conn.engine.url)} has no schema for the archive: no schema of its "
        f"search_path ({path}) exists (CREATE SCHEMA it first, or name an existing one)"
    )


def _refuse_foreign_tables(conn: Connection) -> None:
    """A database without a knotcrawl schema is made an archive only when it holds no tables:
    knotcrawl's tables are not added to another application's database."""
    tables = _foreign_tables(conn)
    if tables:
        raise UsageError(
            f"{describe(conn.engine.url)} is not a knotcrawl archive: it holds other tables "
            f"({_some(tables)}) and no knotcrawl schema version (give knotcrawl a new file or an "
            "empty database)"
        )


def _refuse_case_blind_locale(conn: Connection) -> None:
    """A new archive is not made where search would miss Russian words (an archive made
    there before is still read: the analyst commands say what it misses)."""
    ctype = case_blind_ctype(conn)
    if ctype is not None:
        raise UsageError(
            f"{describe(conn.engine.url)} cannot hold a knotcrawl archive: "
            f"{case_blind_advice(ctype)}"
        )


def _foreign_tables(conn: Connection) -> list[str]:
    return sorted(t for t in inspect(conn).get_table_names() if t != "alembic_version")


def _some(tables: list[str]) -> str:
    return ", ".join(tables[:5]) + (f" and {len(tables) - 5} more" if len(tables) > 5 else "")


def not_an_archive(engine: Engine) -> str:
    """The one line for a database without a knotcrawl schema version that a command will not
    make an archive (the read commands, ``db current``): empty, or another application's."""
    shown = describe(engine.url)
    with engine.connect() as conn:
        missing = missing_schema(conn)
        tables = _foreign_tables(conn)
    if missing is not None:
        return missing
    if tables:
        return (
            f"{shown} is not a knotcrawl archive: it holds other tables ({_some(tables)}) and no "
            "knotcrawl schema version"
        )
    return (
        f"{shown} is an empty database, not a knotcrawl archive yet (`knotcrawl db upgrade`, a "
        "crawl or `knotcrawl demo` makes it one)"
    )
