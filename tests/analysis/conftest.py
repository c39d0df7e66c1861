"""Analyst fixtures: one filled archive per backend (SQLite, PostgreSQL), read by every test.

See ``analysis_fixtures.py`` for what the archive holds. PostgreSQL comes from
``KNOTCRAWL_TEST_POSTGRES_URL`` through the storage tests' fixtures (``tests/db/conftest.py``);
when it is unset the PostgreSQL variants are skipped with the reason.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from analysis_fixtures import BACKENDS, Filled, fill, pg_server, sqlite_template
from clikit import Outcome, run_cli

__all__ = ["pg_server", "sqlite_template"]


@pytest.fixture(scope="session", params=BACKENDS)
def filled(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: Path,
) -> Iterator[Filled]:
    """The filled archive of one backend, shared by the session's tests (read only)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("analysis") / "archive.sqlite"
        shutil.copyfile(sqlite_template, path)
        yield fill(str(path), "sqlite")
        return
    server = request.getfixturevalue("pg_server")
    url = server.new_database()
    try:
        yield fill(url, "postgresql")
    finally:
        server.drop(url)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Outcome]:
    """Run ``knotcrawl ARGS…`` in this process; the exit status, stdout and stderr."""
    return functools.partial(run_cli, capsys)
