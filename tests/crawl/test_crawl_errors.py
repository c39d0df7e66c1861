"""Nothing is lost when the crawl itself fails: an archive that cannot be written (a full disk)
stops the crawl at once with one line and status 1, and the next run resumes it; a parser that
raises on one page fails that page like a failed fetch, and the next run fetches it again.

Each failure is injected into the crawl's own process by a wrapper of the command line (the
code below), so the crawl runs exactly as `knotcrawl update` does."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest
from crawlkit import CrawlRun, Workspace, assert_matches_truth, replica, replica_truth, summary_line

from knotcrawl.replica import Replica, ReplicaConfig

NOW = datetime(2026, 2, 1, tzinfo=UTC)
CONFIG = {"seed": 6, "articles": 80, "now": NOW}

# The archive's file may not grow past N pages: SQLite then answers SQLITE_FULL, "database or
# disk is full", as it does on a full disk. The job file is a plain sqlite3 connection and
# keeps working, as it would on another disk.
SMALL_DISK = """
import sys
from sqlalchemy import event
from sqlalchemy.engine import Engine

pages = int(sys.argv.pop(1))

@event.listens_for(Engine, "connect")
def small_disk(dbapi_connection, record):
    dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

from knotcrawl.cli import main
sys.exit(main(sys.argv[1:]))
"""

# The page objects raise an unexpected error (a parser bug) on one article.
PARSER_BUG = """
import sys
from knotcrawl.pages import ArticlePage

article_id = int(sys.argv.pop(1))
to_record = ArticlePage.to_record

def buggy(self):
    record = to_record(self)
    if record.article_id == article_id:
        raise RuntimeError("parser bug on purpose")
    return record

ArticlePage.to_record = buggy
from knotcrawl.cli import main
sys.exit(main(sys.argv[1:]))
"""


# The job's file may not grow once it holds N requests: SQLite then answers SQLITE_FULL, as on a
# full disk under --job-dir. The archive is on another disk, and keeps working.
FULL_JOB_DISK = """
import sys
from knotcrawl.crawling.frontier import Frontier

requests = int(sys.argv.pop(1))
add = Frontier.add

def add_until_full(self, specs):
    if self.count() >= requests:
        self._db.execute("PRAGMA max_page_count=1")  # no page more than the file has
    return add(self, specs)

Frontier.add = add_until_full
from knotcrawl.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run_wrapped(workspace: Workspace, code: str, value: int, *args: str) -> CrawlRun:
    """``knotcrawl ARGS`` run by one of the wrappers above, which reads ``value`` first."""
    return workspace.run(*args, entry=["-c", code, str(value)])


def _stored(workspace: Workspace) -> int:
    with workspace.archive() as archive:
        return int(archive.counts()["articles"])


def test_a_full_disk_stops_the_crawl_and_the_next_run_resumes(workspace):
    truth = replica_truth(**CONFIG)
    args = ("update", "--sections", "--now", NOW.isoformat(), "-s", "KNOTCRAWL_STORE_BATCH=10")
    workspace.archive().close()  # a new archive at the newest schema
    with sqlite3.connect(workspace.db) as conn:
        empty = conn.execute("PRAGMA page_count").fetchone()[0]
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    room = empty + 600_000 // page_size  # about a third of this crawl
    with replica(**CONFIG) as server:
        full = run_wrapped(
            workspace, SMALL_DISK, room, args[0], "--replica", server.proxy_url, *args[1:]
        )
        assert full.status == 1, full.stderr
        line = summary_line(full)
        assert line.endswith(
            " stopped: cannot store the crawl: database or disk is full (run again to resume)"
        )
        # One line on stderr, no traceback (that goes to the log file).
        assert full.stderr.splitlines() == [
            "knotcrawl update: cannot store the crawl: database or disk is full; what was not "
            "stored is still queued, and running the same command again resumes the job"
        ]
        assert full.stats["knotcrawl/storage_error"] == 1
        before = _stored(workspace)
        assert 0 < before < len(truth)
        assert len(list((workspace.data / "jobs").glob("*.sqlite"))) == 1  # the job is kept

        again = workspace.run(args[0], "--replica", server.proxy_url, *args[1:])
    assert again.status == 0, again.stderr
    assert f"new={len(truth) - before} " in summary_line(again)
    assert not list((workspace.data / "jobs").glob("*.sqlite"))
    with workspace.archive() as archive:
        # Every field, the listing sections and leads included: the context a listing gave
        # an article waiting in the failed batch was kept in the job.
        assert_matches_truth(archive, truth)
        assert archive.counts()["articles"] == len(truth)
        assert [r["status"] for r in archive.runs()] == ["ok", "failures"]


def test_a_parser_error_fails_the_page_and_the_next_run_fetches_it(workspace):
    truth = replica_truth(**CONFIG)
    victim = sorted(truth)[len(truth) // 2]
    args = ("update", "--now", NOW.isoformat(), "-s", "KNOTCRAWL_PARSE_WORKERS=0")
    with replica(**CONFIG) as server:
        bug = run_wrapped(
            workspace, PARSER_BUG, victim[1], args[0], "--replica", server.proxy_url, *args[1:]
        )
        assert bug.status == 1, bug.stderr
        assert " failed=1 " in summary_line(bug)
        assert bug.stats["knotcrawl/failed/exception"] == 1
        with workspace.archive() as archive:
            assert archive.get(*victim) is None
            assert archive.counts()["articles"] == len(truth) - 1
            errors = archive.open_errors()
        assert len(errors) == 1
        assert errors[0].error == "RuntimeError: parser bug on purpose"
        assert f"/articles/{victim[1]}" in errors[0].url

        again = workspace.run(args[0], "--replica", server.proxy_url, *args[1:])
    assert again.status == 0, again.stderr
    with workspace.archive() as archive:
        assert_matches_truth(archive, truth, skip=frozenset({"sections", "lead"}))
        assert archive.open_errors() == []


# The archive's server goes away while the crawl reads its first requests (the ids it knows):
# Scrapy logs the error and closes the spider with reason "start_error".
SERVER_GONE_AT_START = """
import sys
import psycopg
from sqlalchemy.exc import OperationalError
from knotcrawl.db import Archive

sys.argv.pop(1)

def gone(self, edition):
    raise OperationalError(
        "SELECT articles.article_id", {},
        psycopg.OperationalError("connection failed: server closed the connection unexpectedly"),
    )

Archive.known_ids = gone
from knotcrawl.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_database_error_while_the_crawl_starts_is_said_on_stderr(workspace):
    with replica(**CONFIG) as server:
        run = run_wrapped(
            workspace,
            SERVER_GONE_AT_START,
            0,
            "crawl",
            "--since",
            "2025-11-01",
            "--replica",
            server.proxy_url,
            "--now",
            NOW.isoformat(),
        )
    assert run.status == 1, run.stderr
    cause = "connection failed: server closed the connection unexpectedly"
    assert summary_line(run).endswith(f" stopped: start_error: {cause} (run again to resume)")
    assert run.stderr.splitlines() == [
        f"knotcrawl range: could not read the crawl's first requests ({cause}); running the "
        "same command again resumes the job"
    ]


@pytest.mark.parametrize(
    ("mode", "full_at"),
    [
        ("--sections", 60),  # the job fills while the listing walks add their pages
        ("--ids", 1500),  # ... while the third batch of ids enters it (a failed start)
    ],
)
def test_a_full_job_disk_stops_the_crawl_and_the_next_run_resumes(workspace, mode, full_at):
    if mode == "--ids":
        live = Replica(ReplicaConfig(**CONFIG)).live_ids("en")
        lo = live[len(live) // 2]
        ids = set(range(lo, lo + 2500))
        args: tuple[str, ...] = ("crawl", "--edition", "en", "--ids", f"{lo}-{lo + 2499}")
        truth = {k: r for k, r in replica_truth(("en",), **CONFIG).items() if k[1] in ids}
        skip = frozenset({"sections", "lead"})
    else:
        args, truth, skip = ("crawl", "--sections"), replica_truth(**CONFIG), frozenset()
    with replica(**CONFIG) as server:
        full = run_wrapped(
            workspace, FULL_JOB_DISK, full_at, args[0], "--replica", server.proxy_url, *args[1:]
        )
        assert full.status == 1, full.stderr
        assert summary_line(full).endswith(
            " stopped: cannot store the crawl: database or disk is full (run again to resume)"
        )
        assert full.stderr.splitlines() == [
            f"knotcrawl {mode[2:]}: cannot store the crawl: database or disk is full; what "
            "was not stored is still queued, and running the same command again resumes the job"
        ]
        assert len(list((workspace.data / "jobs").glob("*.sqlite"))) == 1  # the job is kept
        before = _stored(workspace)

        again = workspace.run(args[0], "--replica", server.proxy_url, *args[1:])
    assert again.status == 0, again.stderr
    assert f"new={len(truth) - before} " in summary_line(again)
    assert not list((workspace.data / "jobs").glob("*.sqlite"))
    with workspace.archive() as archive:
        assert_matches_truth(archive, truth, skip)
        assert archive.counts()["articles"] == len(truth)
        if mode == "--ids":  # every id answered: an article, or a gap
            assert archive.gap_ids("en") == ids - {article_id for _, article_id in truth}


def test_a_crawl_that_scrapy_cannot_start_says_why_on_stderr(workspace):
    """A setting no check before the start knows (a count given as 1.5) fails inside Scrapy:
    status 1 as any stopped crawl, and the one stderr line that cron mails names the error
    (there was none: the run stopped without a word)."""
    run = workspace.run(
        "update", "--replica", "http://127.0.0.1:1", "-s", "CONCURRENT_REQUESTS=1.5"
    )
    assert run.status == 1, run.stderr
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr
    assert "invalid literal for int()" in run.stderr
