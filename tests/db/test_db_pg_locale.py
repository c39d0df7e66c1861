"""A PostgreSQL database whose LC_CTYPE is C (``initdb --no-locale``, some managed servers).

There PostgreSQL lower-cases ASCII letters only and takes every other character for a letter:
the search index keeps ``Суд`` and ``Кавказского`` capitalised and ``«Суд»`` as one word, and
ILIKE (``--author``, ``--source``) compares Cyrillic case-sensitively. Search and those filters
then miss Russian articles without any error, and give other numbers than SQLite. A new archive
is refused there; an archive made there before says so whenever it would miss articles.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from clikit import refused, run_cli
from sqlalchemy import inspect

from knotcrawl.db import migrate
from knotcrawl.db.engine import make_engine

pytestmark = pytest.mark.postgres


@pytest.fixture
def c_locale_url(pg_server: object) -> Iterator[str]:
    url = pg_server.new_c_locale_database()  # type: ignore[attr-defined]
    yield url
    pg_server.drop(url)  # type: ignore[attr-defined]


@pytest.fixture
def c_locale_archive(c_locale_url: str) -> str:
    """An archive an older knotcrawl made in a C-locale database (the refusal bypassed)."""
    engine = make_engine(c_locale_url)
    with engine.connect() as conn:
        command.upgrade(migrate.alembic_config(conn), "head")
        conn.commit()
    engine.dispose()
    return c_locale_url


def test_a_new_archive_is_refused_in_a_c_locale_database(
    c_locale_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(capsys, "db", "upgrade", "--db", c_locale_url)
    refused(result, "LC_CTYPE", "C.UTF-8")


def test_the_refusal_leaves_the_database_empty(
    c_locale_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run_cli(capsys, "db", "upgrade", "--db", c_locale_url)
    engine = make_engine(c_locale_url)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


def test_search_in_a_c_locale_archive_warns_that_it_misses_words(
    c_locale_archive: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(capsys, "search", "--db", c_locale_archive, "суд")
    assert "LC_CTYPE" in result.err


def test_an_author_filter_in_a_c_locale_archive_warns(
    c_locale_archive: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(capsys, "list", "--db", c_locale_archive, "--author", "Петрова")
    assert "LC_CTYPE" in result.err


def test_a_list_without_text_filters_says_nothing_of_the_locale(
    c_locale_archive: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(capsys, "list", "--db", c_locale_archive, "--edition", "ru")
    assert "LC_CTYPE" not in result.err
