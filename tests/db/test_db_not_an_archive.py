"""A database without a knotcrawl schema, given to a read command or `db current`: the one
line says whether it is empty (a new archive is one command away) or another application's
(which tables), as the write commands already say; never the puzzling "it has no schema" (a
PostgreSQL database always has schemas)."""

from __future__ import annotations

import sqlite3

import pytest
from clikit import refused, run_cli

READERS = [("list",), ("stats",), ("db", "current"), ("db", "counts"), ("reparse",)]


def _sqlite_or_pg(backend: str, url: str, statement: str) -> None:
    if backend == "sqlite":
        with sqlite3.connect(url) as conn:
            conn.execute(statement)
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement)


@pytest.mark.parametrize("command", READERS)
def test_an_empty_database_is_called_empty(
    backend: str, empty_db_url: str, command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    # SQLite: a file with a header and no table (the empty file is refused before, apart)
    header_only = "PRAGMA user_version = 3" if backend == "sqlite" else "SELECT 1"
    _sqlite_or_pg(backend, empty_db_url, header_only)
    result = run_cli(capsys, *command, "--db", empty_db_url)
    refused(result, "empty database", "db upgrade")
    assert "has no schema" not in result.err


@pytest.mark.parametrize("command", READERS)
def test_another_applications_database_names_its_tables(
    backend: str, empty_db_url: str, command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    _sqlite_or_pg(backend, empty_db_url, "CREATE TABLE notes (x integer)")
    result = run_cli(capsys, *command, "--db", empty_db_url)
    refused(result, "not a knotcrawl archive", "other tables (notes)")
    assert "has no schema" not in result.err


@pytest.mark.postgres
@pytest.mark.parametrize("command", [*READERS, ("db", "upgrade")])
def test_a_search_path_without_an_existing_schema_says_create_it(
    request: pytest.FixtureRequest, command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    """``options=-csearch_path=ck_new`` before ``CREATE SCHEMA ck_new``: the server has no
    schema to create the tables in. One line naming the schema and status 2, from the
    commands that would make the archive too (`db upgrade` printed the SQL and exited 1), and
    not "`knotcrawl db upgrade` … makes it one" from the read commands."""
    server = request.getfixturevalue("pg_server")
    url = server.new_database(migrated=False)
    try:
        result = run_cli(capsys, *command, "--db", f"{url}?options=-csearch_path%3Dck_new")
        refused(result, "ck_new", "CREATE SCHEMA")
    finally:
        server.drop(url)
