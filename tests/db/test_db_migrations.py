"""Schema migrations: creation, the upgrade from the first schema, refusal of stale schemas."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from db_factory import T0, comparable, make_raw, make_record
from sqlalchemy import column, func, insert, select, table, text, update
from sqlalchemy import inspect as sqlalchemy_inspect

from knotcrawl.cli import main
from knotcrawl.db import Archive, migrate, models
from knotcrawl.db.engine import make_engine
from knotcrawl.db.models import Base
from knotcrawl.errors import KnotcrawlError
from knotcrawl.record import Link


def test_open_creates_a_new_database_at_head(empty_db_url: str) -> None:
    with Archive.open(empty_db_url) as archive:
        assert migrate.current_revision(archive.engine) == migrate.head_revision()
        assert archive.counts()["articles"] == 0


def test_upgrade_from_the_first_schema_loses_nothing(
    empty_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(empty_db_url)
    migrate.upgrade(engine, "0001")
    assert migrate.current_revision(engine) == "0001"
    records = [make_record(i, "en" if i % 2 else "ru", sections=["rubric/1"]) for i in range(1, 21)]
    # Fill the old schema with the repository's own writers (the 0001 tables only).
    old_archive = Archive(engine)
    with old_archive._write() as conn:
        old_archive._insert_new(conn, [(r, make_raw(r)) for r in records], T0)
    edited = make_record(1, paragraphs=["An edited body."], sections=["rubric/1"])
    with old_archive._write() as conn:
        existing = old_archive._existing_for_test(conn, "en", 1)
        old_archive._apply_changes(conn, [(edited, make_raw(edited), existing)], T0 + timedelta(1))
    engine.dispose()

    with pytest.raises(KnotcrawlError, match="knotcrawl db upgrade"):
        Archive.open(empty_db_url)
    assert main(["db", "current", "--db", empty_db_url]) == 0
    assert "0001 (needs `knotcrawl db upgrade`" in capsys.readouterr().out
    head = migrate.head_revision()
    assert main(["db", "upgrade", "--db", empty_db_url]) == 0
    upgraded = capsys.readouterr()
    assert f"0001 -> {head}" in upgraded.out
    assert f"upgrading 0001 -> {head} (a large archive takes minutes)" in upgraded.err
    assert main(["db", "upgrade", "--db", empty_db_url]) == 0
    assert f"already at {head}" in capsys.readouterr().out

    with Archive.open(empty_db_url) as archive:
        counts = archive.counts()
        assert counts["articles"] == 20 and counts["revisions"] == 1 and counts["raw_pages"] == 21
        for record in records[1:]:
            stored = archive.get(record.edition, record.article_id)
            assert stored is not None and comparable(stored) == comparable(record)
        current = archive.get("en", 1)
        assert current is not None and current.body == "An edited body."
        assert [r.record.body for r in archive.revisions("en", 1)] == [records[0].body]
        assert {h.article_id for h in archive.search("edited")} == {1}
        # Phrases are searched in the phrase index of migration 0004, filled from the rows.
        assert {h.article_id for h in archive.search('"an edited body"')} == {1}
        phrase = " ".join(records[1].body.split()[:2])
        assert 2 in {h.article_id for h in archive.search(f'"{phrase}"')}
        # The new table works.
        archive.record_gap("en", 999, 404)
        assert archive.gap_ids("en") == {999}


def test_a_database_from_a_newer_knotcrawl_is_refused(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(KnotcrawlError, match="newer than this knotcrawl"):
        Archive.open(db_url)
    # `db current` says so too, not "needs `knotcrawl db upgrade`" (which cannot go back).
    assert main(["db", "current", "--db", db_url]) == 0
    assert "9999 (newer than this knotcrawl" in capsys.readouterr().out


# The search objects are backend-specific and live in the migrations only.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_the_models_match_the_migrations(db_url: str) -> None:
    search_objects = {
        "articles_fts",
        "articles_fts_source",
        "search_vector",
        "ix_articles_search",
        "ix_articles_search_window",
    }

    def include(obj: object, name: str | None, kind: str, reflected: bool, other: object) -> bool:
        if name in search_objects or (name or "").startswith(("articles_fts_", "articles_phrases")):
            return False
        return name != "alembic_version"

    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"include_object": include, "compare_type": True}
            )
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_db_counts_and_a_missing_file(
    db_url: str, tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    with Archive.open(db_url) as archive:
        archive.store(make_record(1), seen_at=T0)
    assert main(["db", "counts", "--db", db_url]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts["articles"] == 1 and counts["articles_en"] == 1
    # an edition without articles is 0, not a missing key (a script reads both)
    assert counts["articles_ru"] == 0
    missing = f"{tmp_path}/missing.sqlite"
    for action in ("current", "counts"):
        assert main(["db", action, "--db", missing]) == 2  # a usage error, as for every command
        assert capsys.readouterr().err.strip() == f"knotcrawl db: no database at {missing}"


@pytest.mark.parametrize("table", ["notes", "articles"])
def test_a_database_of_another_application_is_left_alone(
    empty_db_url: str, table: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database with tables but no knotcrawl schema is refused (exit 2), by the commands
    that would create an archive too, and gets no knotcrawl table."""
    engine = make_engine(empty_db_url)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE {table} (x INTEGER)"))
    try:
        with pytest.raises(KnotcrawlError, match=f"not a knotcrawl archive.*\\({table}\\)") as err:
            Archive.open(empty_db_url)
        assert err.value.status == 2
        assert main(["db", "upgrade", "--db", empty_db_url]) == 2
        message = capsys.readouterr().err
        assert message.startswith("knotcrawl db: ") and message.count("\n") == 1
        with engine.connect() as conn:
            assert migrate.current_revision(engine) is None
            names = set(sqlalchemy_inspect(conn).get_table_names())
        assert names == {table}
    finally:
        engine.dispose()


def test_upgrade_from_0006_makes_empty_link_texts_null(
    empty_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Migration 0007: ``''`` link texts, in ``article_links`` and in the revisions' JSON,
    become NULL / ``null``; other texts and the JSON's key order are kept. The downgrade
    writes ``''`` back."""
    engine = make_engine(empty_db_url)
    migrate.upgrade(engine, "0006")
    record = make_record(1)
    record.links = [
        Link("https://example.org/image", "EMPTY", "external"),
        Link("https://example.org/named", "named", "external"),
    ]
    old_archive = Archive(engine)
    with old_archive._write() as conn:
        old_archive._insert_new(conn, [(record, make_raw(record)), (make_record(2), None)], T0)
    edited = make_record(1, paragraphs=["An edited body."])
    edited.links = list(record.links)
    with old_archive._write() as conn:
        existing = old_archive._existing_for_test(conn, "en", 1)
        old_archive._apply_changes(conn, [(edited, make_raw(edited), existing)], T0 + timedelta(1))
    # What knotcrawl wrote before 0007 for a link without text: ''.
    li, rv = models.article_links, models.revisions
    old_links = [
        {"url": link.url, "text": "" if link.text == "EMPTY" else link.text, "kind": link.kind}
        | {"edition": None, "article_id": None}
        for link in record.links
    ]
    with engine.begin() as conn:
        conn.execute(update(li).where(li.c.text == "EMPTY").values(text=""))
        conn.execute(update(rv).values(links=old_links))
        assert conn.execute(select(func.count()).where(li.c.text == "")).scalar_one() == 1
    engine.dispose()

    assert main(["db", "upgrade", "--db", empty_db_url]) == 0
    assert f"0006 -> {migrate.head_revision()}" in capsys.readouterr().out
    texts = [None, "named"]
    engine = make_engine(empty_db_url)
    try:
        with engine.connect() as conn:
            assert not conn.execute(select(func.count()).where(li.c.text == "")).scalar_one()
            pk = conn.execute(select(rv.c.article_pk)).scalar_one()
            current = select(li.c.text).where(li.c.article_pk == pk).order_by(li.c.position)
            assert conn.execute(current).scalars().all() == texts
            (links,) = conn.execute(select(rv.c.links)).scalars().all()
            assert links == [
                old | {"text": text} for old, text in zip(old_links, texts, strict=True)
            ]
            assert all(list(link) == list(old_links[0]) for link in links)  # key order kept
        with Archive.open(empty_db_url) as archive:
            got = archive.get("en", 1)
            assert got is not None and [link.text for link in got.links] == texts
            (revision,) = archive.revisions("en", 1)
            assert [link.text for link in revision.record.links] == texts
            other = archive.get("en", 2)
            assert other is not None and all(link.text for link in other.links)

        with engine.connect() as conn:
            command.downgrade(migrate.alembic_config(conn), "0006")
            conn.commit()
        with engine.connect() as conn:
            current = select(li.c.text).where(li.c.article_pk == pk).order_by(li.c.position)
            assert conn.execute(current).scalars().all() == ["", "named"]
            assert conn.execute(select(rv.c.links)).scalar_one() == old_links
            assert not next(
                c
                for c in sqlalchemy_inspect(conn).get_columns("article_links")
                if c["name"] == "text"
            )["nullable"]
    finally:
        engine.dispose()


def test_upgrade_from_0007_takes_robots_refusals_for_standing_ones(empty_db_url: str) -> None:
    """Migration 0008: an open error "forbidden by robots.txt" was reported by every run
    before; it becomes a standing refusal since its first failure, so the first run after
    the upgrade does not fail for it again. Other errors are no refusal."""
    engine = make_engine(empty_db_url)
    migrate.upgrade(engine, "0007")
    refused, failing = "https://x/articles/1", "https://x/articles/2"
    old_errors = table(
        "crawl_errors",
        *(column(name) for name in ("url", "error", "attempts", "first_seen_at", "last_seen_at")),
    )
    with engine.begin() as conn:
        for url, error in ((refused, "forbidden by robots.txt"), (failing, "HTTP 503")):
            conn.execute(
                insert(old_errors).values(
                    url=url, error=error, attempts=3, first_seen_at=T0, last_seen_at=T0
                )
            )
    try:
        migrate.upgrade(engine)
        with Archive(engine) as archive:
            since = {e.url: e.refused_since for e in archive.open_errors()}
        assert since == {refused: T0, failing: None}
        with engine.connect() as conn:
            command.downgrade(migrate.alembic_config(conn), "0007")
            conn.commit()
        with engine.connect() as conn:
            names = {c["name"] for c in sqlalchemy_inspect(conn).get_columns("crawl_errors")}
        assert "refused_since" not in names
    finally:
        engine.dispose()


def test_upgrade_from_0008_widens_article_ids_and_the_downgrade_narrows_them(
    empty_db_url: str,
) -> None:
    """Migration 0009: every article id column takes 64 bits (PostgreSQL's held 32); the
    downgrade gives the old columns back (SQLite's INTEGER is 64 bits either way)."""
    engine = make_engine(empty_db_url)
    migrate.upgrade(engine, "0008")
    try:
        migrate.upgrade(engine)
        with Archive(engine) as archive:
            archive.record_gap("en", 2**40, 404)
            assert archive.gap_ids("en") == {2**40}
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM gaps"))  # the narrow column cannot hold it
            command.downgrade(migrate.alembic_config(conn), "0008")
        with engine.connect() as conn:
            column = next(
                c for c in sqlalchemy_inspect(conn).get_columns("gaps") if c["name"] == "article_id"
            )
        assert str(column["type"]) == "INTEGER"
    finally:
        engine.dispose()


def test_ctrl_c_while_an_upgrade_fills_the_phrase_index_is_an_interruption(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """SQLite turns the KeyboardInterrupt raised inside knotcrawl's SQL function into
    "user-defined function raised exception"; the command still says it was interrupted
    (130, resume by running it again), and the archive stays at its revision."""
    import signal

    from knotcrawl.db import phrase_index

    url = str(tmp_path / "old.sqlite")
    engine = make_engine(url)
    migrate.upgrade(engine, "0003")
    old_archive = Archive(engine)
    with old_archive._write() as conn:
        old_archive._insert_new(
            conn, [(r, make_raw(r)) for r in [make_record(1), make_record(2)]], T0
        )
    engine.dispose()
    real = phrase_index.phrase_text

    def ctrl_c_on_the_first_row(text: str | None) -> str | None:
        monkeypatch.setattr(phrase_index, "phrase_text", real)
        signal.raise_signal(signal.SIGINT)  # to this thread: handled inside SQLite's call
        return real(text)

    monkeypatch.setattr(phrase_index, "phrase_text", ctrl_c_on_the_first_row)
    assert main(["db", "upgrade", "--db", url]) == 130
    assert capsys.readouterr().err.splitlines()[-1] == "knotcrawl db: interrupted"
    assert migrate.current_revision(make_engine(url)) == "0003"
