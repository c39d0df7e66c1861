"""A database that cannot be used is one line on stderr and an exit status, never a traceback
(README, docs/analysts.md "Errors"): a malformed ``--db`` URL or an unsupported driver (2), a
PostgreSQL role that may only read (2 for the writing commands, the read commands work), and
a server that goes away in the middle of a command (1, nothing half-written).

The server-side failures are real: the test's connections are ended by the server
(``pg_terminate_backend``), as when it stops or restarts mid-command."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from clikit import Outcome, refused, run_cli
from sqlalchemy.engine import make_url

from knotcrawl.db import queries

ROOT = Path(__file__).resolve().parents[2]


run = run_cli


def failed(result: Outcome, *words: str) -> None:
    """Status 1, one line on stderr holding every one of ``words``, no traceback."""
    assert result.status == 1, (result.status, result.err)
    assert result.err.count("\n") == 1, result.err
    assert "Traceback" not in result.err
    for word in words:
        assert word in result.err, (word, result.err)


# ----------------------------------------------------------------------------- malformed URLs

MALFORMED = [
    ("postgresql://postgres:secret@127.0.0.1:notaport/x", "not a database URL"),
    ("postgresql://[::1/x", "not a database URL"),
    ("postgresql+asyncpg://postgres@127.0.0.1:5432/db", "unsupported PostgreSQL driver 'asyncpg'"),
    ("postgresql+pg8000://postgres@127.0.0.1:5432/db", "psycopg"),
    ("sqlite+aiosqlite:///archive.sqlite", "unsupported SQLite driver 'aiosqlite'"),
]
COMMANDS = [
    ("stats",),
    ("db", "current"),
    ("db", "upgrade"),
    ("update",),
    ("crawl", "1"),
    ("reparse",),
    ("search", "court"),
    ("list",),
    ("export", "-o", "out.csv"),
]


@pytest.mark.parametrize(("url", "words"), MALFORMED)
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_malformed_url_or_an_unsupported_driver_is_a_usage_error(
    url: str,
    words: str,
    command: tuple[str, ...],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(capsys, *command, "--db", url)
    refused(result, f"knotcrawl {command[0]}: ", words)
    assert "secret" not in result.err  # the password is never shown
    assert not list(tmp_path.iterdir())  # nothing written


def test_an_uncaught_database_error_is_one_line() -> None:
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from knotcrawl.errors import database_failure

    lost = OperationalError(
        "SELECT 1", {}, psycopg.OperationalError("consuming input failed: server closed\nmore")
    )
    failure = database_failure(lost)
    assert failure is not None and failure.status == 1
    assert str(failure) == "database error: consuming input failed: server closed"
    denied = ProgrammingError(
        "UPDATE crawl_runs", {}, psycopg.errors.InsufficientPrivilege("permission denied")
    )
    failure = database_failure(denied)
    assert failure is not None and failure.status == 2
    assert "read-only here" in str(failure)
    assert database_failure(ValueError("not a database error")) is None


# ----------------------------------------------------------------------------- PostgreSQL


def _terminate(url: str) -> None:
    """End every other connection to the database of ``url``, as a server shutting down does."""
    with psycopg.connect(_admin_url(url), autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (make_url(url).database,),
        )


def _admin_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(False)


@pytest.fixture(scope="module")
def demo_url(pg_server: Any) -> Iterator[str]:
    """A PostgreSQL archive filled by a small crawl of the replica (real stored pages)."""
    url: str = pg_server.new_database(migrated=False)
    env = {**os.environ, "KNOTCRAWL_PROGRESS": "off"}
    done = subprocess.run(
        [sys.executable, "-m", "knotcrawl", "demo", "--articles", "12", "--db", url],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    yield url
    pg_server.drop(url)


@pytest.mark.postgres
def test_export_stops_with_one_line_when_the_server_goes_away(
    demo_url: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = queries.iter_record_columns

    def dying(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for n, batch in enumerate(real(*args, **kwargs)):
            if n == 1:
                _terminate(demo_url)
            yield batch

    monkeypatch.setattr(queries, "iter_record_columns", dying)
    for name in ("out.parquet", "out.csv"):
        result = run(capsys, "export", "--db", demo_url, "-o", str(tmp_path / name), "--batch", "3")
        failed(result, "knotcrawl export: database error: ")
    assert not list(tmp_path.iterdir())  # no partial file


@pytest.mark.postgres
@pytest.mark.parametrize("workers", ["1", "2"])
def test_reparse_stops_with_one_line_when_the_server_goes_away(demo_url: str, workers: str) -> None:
    # The first write of the reparse ends every connection to the archive: the workers' and
    # the command's own (which holds the reparse lock), as a stopped server does.
    with psycopg.connect(_admin_url(demo_url), autocommit=True) as admin:
        admin.execute(
            "CREATE FUNCTION pgfix_die() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "PERFORM pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid(); "
            "PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NULL; END $$"
        )
        admin.execute(
            "CREATE TRIGGER pgfix_die BEFORE UPDATE ON raw_pages "
            "FOR EACH STATEMENT EXECUTE FUNCTION pgfix_die()"
        )
    try:
        done = subprocess.run(
            [
                *(sys.executable, "-m", "knotcrawl", "reparse", "--all"),
                *("--workers", workers, "--batch", "5", "--db", demo_url),
            ],
            cwd=ROOT,
            env={**os.environ, "KNOTCRAWL_PROGRESS": "off"},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        with psycopg.connect(_admin_url(demo_url), autocommit=True) as admin:
            admin.execute("DROP TRIGGER pgfix_die ON raw_pages")
            admin.execute("DROP FUNCTION pgfix_die()")
    result = Outcome(done.returncode, done.stdout, done.stderr)
    # Which the command hears of first is a race: a worker's failed write, or its own lock
    # session ended (its once-a-second check). Either way, one line naming what happened.
    if "lost the reparse lock" in result.err:
        failed(result, "knotcrawl reparse: lost the reparse lock", "terminating connection")
    else:
        failed(result, "knotcrawl reparse: database error")


@pytest.fixture
def read_only_url(demo_url: str) -> Iterator[str]:
    """``demo_url`` for a role that may connect and read, nothing more."""
    role = f"kc_ro_{uuid.uuid4().hex[:10]}"
    database = make_url(demo_url).database
    with psycopg.connect(_admin_url(demo_url), autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'ro'")
        admin.execute(f'GRANT CONNECT ON DATABASE "{database}" TO {role}')
        admin.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        admin.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    try:
        yield make_url(demo_url).set(username=role, password="ro").render_as_string(False)
    finally:
        with psycopg.connect(_admin_url(demo_url), autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s",
                (role,),
            )
            admin.execute(f"DROP OWNED BY {role}")
            admin.execute(f"DROP ROLE {role}")


@pytest.mark.postgres
def test_a_read_only_role_reads_and_the_writing_commands_say_read_only_here(
    read_only_url: str, demo_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    role = make_url(read_only_url).username
    for command in (
        ("update",),
        ("crawl", "--since", "2025-11-01"),
        ("demo",),
        ("reparse", "--all"),
        ("reparse", "--all", "--workers", "2"),
    ):
        result = run(capsys, *command, "--db", read_only_url)
        refused(
            result,
            f"knotcrawl {command[0]}: cannot write the archive",
            f"{role} has no INSERT permission on table",
            "it is read-only here",
        )
    for command in (
        ("stats",),
        ("list",),
        ("search", "court"),
        ("db", "current"),
        ("db", "counts"),
        ("db", "upgrade"),  # nothing to do: says so
        ("export", "-o", str(tmp_path / "all.csv")),
    ):
        result = run(capsys, *command, "--db", read_only_url)
        assert result.status == 0, (command, result.err)
    assert (tmp_path / "all.csv").stat().st_size > 0

    # A role that may write, in sessions that are read-only (or a hot standby).
    with psycopg.connect(_admin_url(demo_url), autocommit=True) as admin:
        admin.execute(f"GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
        admin.execute(f"ALTER ROLE {role} SET default_transaction_read_only = on")
    refused(run(capsys, "update", "--db", read_only_url), "read-only", "it is read-only here")
