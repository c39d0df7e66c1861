"""Storage fixtures: every archive test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``KNOTCRAWL_TEST_POSTGRES_URL`` (``.ci/start-postgres`` starts one); when
it is unset the PostgreSQL variants are skipped. Each test session makes its own uniquely named
databases (a migrated template, then one copy per test) and drops them at the end.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from knotcrawl.db import Archive

PG_URL = os.environ.get("KNOTCRAWL_TEST_POSTGRES_URL")
NO_PG = (
    "KNOTCRAWL_TEST_POSTGRES_URL is not set: PostgreSQL variants skipped "
    "(.ci/start-postgres starts a throwaway server and prints its URL)"
)
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


class PgServer:
    """Creates and drops the test session's databases on the test server."""

    def __init__(self, url: str) -> None:
        import psycopg
        from sqlalchemy.engine import make_url

        self.base = make_url(url)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.prefix = f"kc_test_{worker}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self.admin = psycopg.connect(
            self.base.set(drivername="postgresql").render_as_string(False), autocommit=True
        )
        self.created: list[str] = []
        self.counter = 0
        self.template = self._create("tpl")
        Archive.open(self.url(self.template)).close()  # migrate once, copy per test

    def url(self, name: str) -> str:
        return self.base.set(drivername="postgresql", database=name).render_as_string(False)

    def _create(self, suffix: str, template: str | None = None, clause: str = "") -> str:
        name = f"{self.prefix}_{suffix}"
        if template:
            clause = f" TEMPLATE {template}{clause}"
        self.admin.execute(f'CREATE DATABASE "{name}"{clause}')
        self.created.append(name)
        return name

    def new_database(self, *, migrated: bool = True) -> str:
        self.counter += 1
        name = self._create(str(self.counter), self.template if migrated else None)
        return self.url(name)

    def new_c_locale_database(self) -> str:
        """An empty database whose LC_CTYPE is C (``initdb --no-locale``'s default)."""
        self.counter += 1
        clause = " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
        return self.url(self._create(str(self.counter), clause=clause))

    def drop(self, url: str) -> None:
        from sqlalchemy.engine import make_url

        name = make_url(url).database
        self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self.created:
            self.created.remove(name)

    def close(self) -> None:
        for name in reversed(self.created):
            self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.close()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    if not PG_URL:
        pytest.skip(NO_PG)
    server = PgServer(PG_URL)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "archive.sqlite"
    Archive.open(str(path)).close()
    return path


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[str]:
    """A fresh, migrated, empty archive of the test's backend."""
    if backend == "sqlite":
        path = tmp_path / "archive.sqlite"
        shutil.copyfile(sqlite_template, path)
        yield str(path)
        return
    server: PgServer = request.getfixturevalue("pg_server")
    url = server.new_database()
    yield url
    server.drop(url)


@pytest.fixture
def empty_db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database with no schema at all."""
    if backend == "sqlite":
        yield str(tmp_path / "empty.sqlite")
        return
    server: PgServer = request.getfixturevalue("pg_server")
    url = server.new_database(migrated=False)
    yield url
    server.drop(url)


@pytest.fixture
def archive(db_url: str) -> Iterator[Archive]:
    with Archive.open(db_url) as opened:
        yield opened
