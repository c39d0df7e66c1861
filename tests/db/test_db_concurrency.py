"""Readers during writes, the crawl lock, and crash safety (SIGKILL mid-batch)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from db_factory import T0, end_lock_sessions, fake_parser, make_raw, make_record
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from knotcrawl.db import Archive
from knotcrawl.db import models as m
from knotcrawl.db.repository import LOCKED_STATUS
from knotcrawl.errors import KnotcrawlError, LockLost

HERE = Path(__file__).resolve().parent
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}

READER = """
import sys
from knotcrawl.db import Archive
with Archive.open(sys.argv[1]) as archive:
    print(archive.counts()["articles"], archive.has("en", 99))
"""


def read_in_another_process(url: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", READER, url], env=ENV, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_reader_is_not_blocked_by_an_open_write_transaction(
    archive: Archive, db_url: str
) -> None:
    archive.store_many([(make_record(i), None) for i in range(1, 6)], T0)
    with archive._write() as conn:
        archive._store_batch(conn, [(make_record(99), None)], T0)
        # Another process and another connection of this one read the committed state.
        assert read_in_another_process(db_url) == "5 False"
        with Archive.open(db_url) as other:
            assert other.counts()["articles"] == 5
            assert other.get("en", 99) is None
            assert sum(1 for _ in other.iter_records()) == 5
    assert read_in_another_process(db_url) == "6 True"


LOCKER = """
import sys
from knotcrawl.db import Archive
from knotcrawl.errors import KnotcrawlError, LockLost
with Archive.open(sys.argv[1]) as archive:
    try:
        with archive.lock("crawl"):
            print("got it")
    except KnotcrawlError as exc:
        print(exc)
        sys.exit(exc.status)
"""


def test_a_second_lock_attempt_fails_at_once_with_status_75(archive: Archive, db_url: str) -> None:
    with archive.lock("crawl"):
        with Archive.open(db_url) as other, pytest.raises(KnotcrawlError) as caught:  # noqa: SIM117
            with other.lock("crawl"):
                pass
        assert caught.value.status == LOCKED_STATUS == 75
        assert "holds the crawl lock" in str(caught.value)
        if archive.sqlite:  # the lock file names its holder: here, this very process
            assert str(caught.value).startswith("this process already holds the crawl lock")
        done = subprocess.run(
            [sys.executable, "-c", LOCKER, db_url],
            env=ENV,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 75, done.stdout + done.stderr
        if archive.sqlite:
            assert f"another knotcrawl process (pid {os.getpid()}) holds" in done.stdout
        with archive.lock("reparse"):  # another name is another lock
            pass
    done = subprocess.run(
        [sys.executable, "-c", LOCKER, db_url], env=ENV, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout.strip()) == (0, "got it")


def test_a_lost_lock_is_noticed_and_the_lock_can_be_taken_again(
    archive: Archive, db_url: str
) -> None:
    """A PostgreSQL advisory lock dies with its session (a terminated backend, an
    ``idle_session_timeout``); the holder must find out before it writes again."""
    lock = archive.lock("crawl")
    with lock, Archive.open(db_url) as other:
        archive.check_lock(lock)  # held: no error
        if archive.sqlite:
            return  # a file lock lives as long as its process
        assert end_lock_sessions(other.engine) == 1
        with pytest.raises(LockLost) as caught:
            archive.check_lock(lock)
        assert str(caught.value).startswith(f"lost the crawl lock on {archive.url}")
        with other.lock("crawl"):  # free for another process now
            pass


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("checked_by", ["command", "worker"])
def test_a_reparse_that_lost_its_lock_writes_no_further_batch(
    archive: Archive, db_url: str, checked_by: str
) -> None:
    """A reparse checks its lock before each write batch: in the command's process the lock
    itself, in a worker process (here another connection) the lock's holder."""
    records = [make_record(i, furniture=True) for i in range(1, 7)]
    archive.store_many([(record, make_raw(record)) for record in records], T0)
    improved = fake_parser("test-2")
    parsed: list[str] = []

    def parse_and_lose_the_lock(body: bytes, url: str, headers: Any = None) -> Any:
        parsed.append(url)
        if len(parsed) == 3:  # in the second batch of two
            assert end_lock_sessions(archive.engine) == 1
        return improved(body, url, headers)

    lock = archive.lock("reparse")
    with lock, Archive.open(db_url) as worker:
        held = lock if checked_by == "command" else archive.lock_holder(lock)
        with pytest.raises(LockLost) as caught:
            worker.reparse(parse_and_lose_the_lock, "test-2", batch=2, lock=held)
    assert str(caught.value).startswith(f"lost the reparse lock on {archive.url}")
    versions = [record.parser_version for record in archive.iter_records()]
    assert versions == ["test-2"] * 2 + ["test-1"] * 4  # the first batch whole, no more


@pytest.fixture
def two_schemas(pg_server: Any) -> Iterator[list[str]]:
    """URLs of two archives in one PostgreSQL database, in schemas ``one`` and ``two`` (the
    connection's search_path names the schema)."""
    url = make_url(pg_server.new_database(migrated=False))
    with psycopg.connect(url.render_as_string(False), autocommit=True) as conn:
        conn.execute("CREATE SCHEMA one")
        conn.execute("CREATE SCHEMA two")
    try:
        yield [
            url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False)
            for schema in ("one", "two")
        ]
    finally:
        pg_server.drop(url.render_as_string(False))


@pytest.mark.postgres
def test_archives_in_two_schemas_of_one_database_lock_apart(
    two_schemas: list[str],
) -> None:
    one, two = two_schemas
    with Archive.open(one) as first, Archive.open(two) as second, Archive.open(one) as again:
        first.store(make_record(1), seen_at=T0)
        assert second.counts()["articles"] == 0  # two archives, not one
        with first.lock("crawl"):
            with second.lock("crawl"):  # the other archive's crawl runs
                pass
            with pytest.raises(KnotcrawlError) as caught:  # noqa: SIM117
                with again.lock("crawl"):  # a second crawl of the same archive does not
                    pass
    assert caught.value.status == LOCKED_STATUS


def check_whole_articles(url: str, backend: str) -> int:
    """Every stored article has all its authors, links, sections and its raw page."""
    with Archive.open(url) as archive:
        records = list(archive.iter_records(batch=50))
        for stored in records:
            expected = make_record(
                stored.article_id, stored.edition, sections=[f"rubric/{stored.article_id % 3}"]
            )
            assert stored.authors == expected.authors
            assert stored.links == expected.links
            assert stored.sections == expected.sections
            assert stored.body == expected.body
            raw = archive.raw_page(stored.edition, stored.article_id)
            assert raw is not None and raw.body == make_raw(expected).body
        with archive.engine.connect() as conn:
            for table in (m.article_authors, m.article_links, m.article_sections, m.raw_pages):
                orphans = conn.execute(
                    select(func.count())
                    .select_from(table)
                    .where(~table.c.article_pk.in_(select(m.articles.c.id)))
                ).scalar_one()
                assert orphans == 0
            if backend == "sqlite":
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
                conn.execute(
                    text(
                        "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)"
                    )
                )
        return len(records)


def start_writer(url: str, size: int, pause: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(HERE / "crash_writer.py"), url, str(size), str(pause)],
        env=ENV,
        stdout=subprocess.PIPE,
        text=True,
    )


def wait_for(writer: subprocess.Popen[str], line: str) -> None:
    assert writer.stdout is not None
    for got in writer.stdout:
        if got.strip() == line:
            return
    raise AssertionError(f"the writer ended (status {writer.wait()}) before printing {line!r}")


def test_sigkill_in_the_middle_of_a_batch_leaves_whole_batches(db_url: str, backend: str) -> None:
    writer = start_writer(db_url, size=40, pause=3)
    try:
        wait_for(writer, "MID")
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    if backend == "postgresql":
        time.sleep(0.2)  # let the server notice the dropped connection (not needed for reads)
    assert check_whole_articles(db_url, backend) == 3 * 40


def test_sigkill_at_random_moments_leaves_whole_articles(db_url: str, backend: str) -> None:
    rng = random.Random(1234)
    for _ in range(3):
        writer = start_writer(db_url, size=25, pause=-1)
        try:
            wait_for(writer, "COMMITTED 0")
            time.sleep(rng.uniform(0.0, 0.15))
        finally:
            os.kill(writer.pid, signal.SIGKILL)
            writer.wait(timeout=30)
        stored = check_whole_articles(db_url, backend)
        assert stored >= 25 and stored % 25 == 0


OPENER = """
import sys
from knotcrawl.db import Archive
with Archive.open(sys.argv[1]) as archive:
    print(archive.counts()["articles"])
"""


def test_processes_opening_a_new_database_at_once_all_succeed(empty_db_url: str) -> None:
    openers = [
        subprocess.Popen(
            [sys.executable, "-c", OPENER, empty_db_url],
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [opener.communicate(timeout=120) for opener in openers]
    assert [opener.returncode for opener in openers] == [0, 0, 0], results
    assert [out.strip() for out, _ in results] == ["0", "0", "0"]
