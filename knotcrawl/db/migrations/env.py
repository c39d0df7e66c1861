"""Alembic environment: runs on the connection knotcrawl hands over (see knotcrawl.db.migrate)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from knotcrawl.db.engine import make_engine
from knotcrawl.db.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: let Alembic copy tables when a migration needs it.
        render_as_batch=connection.dialect.name == "sqlite",
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("knotcrawl migrations run online only (knotcrawl db upgrade)")
run_migrations_online()
