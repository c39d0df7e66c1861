"""SIGKILL a crawl mid-way; running it again gives the same archive as an uninterrupted crawl,
without fetching again what was stored."""

from __future__ import annotations

import signal
from datetime import UTC, datetime

from crawlkit import (
    assert_matches_truth,
    read_job,
    replica,
    replica_truth,
    summary_line,
    wait_for,
)

NOW = datetime(2026, 2, 1, tzinfo=UTC)
CONFIG = {"seed": 6, "articles": 150, "now": NOW}


def _stored(workspace) -> int:
    try:
        with workspace.archive() as archive:
            return int(archive.counts()["articles"])
    except Exception:
        return 0


def _signal_once_stored(workspace, proc, articles: int, signum: int) -> None:
    """Send ``signum`` to the running crawl once the archive holds ``articles``."""
    wait_for(proc, lambda: _stored(workspace) >= articles)
    proc.send_signal(signum)


def test_sigkill_then_resume(workspace):
    truth = replica_truth(**CONFIG)
    args = (
        "update",
        "--sections",
        "--now",
        NOW.isoformat(),
        "-s",
        "CONCURRENT_REQUESTS=2",
        "-s",
        "CONCURRENT_REQUESTS_PER_DOMAIN=2",
    )
    # Slow pages make the crawl take long enough to be killed in the middle.
    with replica(**CONFIG, faults=["/articles/*=slow:0.04"]) as server:
        proc = workspace.start(*args[:1], "--replica", server.proxy_url, *args[1:])
        _signal_once_stored(workspace, proc, len(truth) // 3, signal.SIGKILL)
        proc.wait()
        before = _stored(workspace)
        assert 0 < before < len(truth)
        jobs = list((workspace.data / "jobs").glob("*.sqlite"))
        assert len(jobs) == 1  # the frontier is left for the next run

        run = workspace.run(*args[:1], "--replica", server.proxy_url, *args[1:])
    assert run.status == 0, run.stderr
    line = summary_line(run)
    with workspace.archive() as archive:
        assert_matches_truth(archive, truth)
    assert f"new={len(truth) - before} " in line
    # Stored articles are not fetched again (at most the one between store and mark).
    assert run.stats.get("knotcrawl/stored/unchanged", 0) <= 1
    assert not list((workspace.data / "jobs").glob("*.sqlite"))
    with workspace.archive() as archive:
        assert_matches_truth(archive, truth)
        assert archive.counts()["articles"] == len(truth)
        assert archive.counts()["revisions"] == 0
        runs = archive.runs()
    # The killed run's ledger row: ended by the next run, and holding what it stored (its
    # counts are written after every stored batch).
    assert [r["status"] for r in runs] == ["ok", "killed"]
    assert runs[1]["new"] == before
    assert runs[0]["new"] + runs[1]["new"] == len(truth)


def test_sigterm_exits_130_and_the_next_run_resumes(workspace):
    config = {"seed": 6, "articles": 60, "now": NOW}
    truth = replica_truth(**config)
    args = ("crawl", "--sections", "-s", "CONCURRENT_REQUESTS=2")
    with replica(**config, faults=["/articles/*=slow:0.05"]) as server:
        proc = workspace.start(*args[:1], "--replica", server.proxy_url, *args[1:])
        _signal_once_stored(workspace, proc, 10, signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 130
        assert "interrupted" in out and out.count("\n") == 1
        assert len(list((workspace.data / "jobs").glob("*.sqlite"))) == 1
        run = workspace.run(*args[:1], "--replica", server.proxy_url, *args[1:])
    assert run.status == 0, run.stderr
    with workspace.archive() as archive:
        assert_matches_truth(archive, truth)
        assert [r["status"] for r in archive.runs()] == ["ok", "interrupted"]


# SIGTERM sent by the crawl itself as Scrapy builds its extensions: the first instant of a
# crawl, once the reactor runs (a signal there fell between Scrapy's handlers and knotcrawl's
# wrapping of them, and the graceful stop, before the engine ran, exited as a failure).
SIGTERM_AS_IT_STARTS = """
import os
import signal
import sys


class SigtermAtStartup:
    @classmethod
    def from_crawler(cls, crawler):
        os.kill(os.getpid(), signal.SIGTERM)
        return cls()


from knotcrawl.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_sigterm_as_the_crawl_starts_is_an_interruption(workspace):
    config = {"seed": 6, "articles": 30, "now": NOW}
    truth = replica_truth(**config)
    with replica(**config) as server:
        args = ("crawl", "--sections", "--replica", server.proxy_url)
        probe = ("-s", 'EXTENSIONS={"__main__.SigtermAtStartup": 0}')
        stopped = workspace.run(*args, *probe, entry=["-c", SIGTERM_AS_IT_STARTS])
        assert stopped.status == 130, (stopped.stdout, stopped.stderr)
        assert "interrupted" in stopped.stdout
        with workspace.archive() as archive:
            assert [r["status"] for r in archive.runs()] == ["interrupted"]
        run = workspace.run(*args)
    assert run.status == 0, run.stderr
    with workspace.archive() as archive:
        assert_matches_truth(archive, truth)


def test_a_resumed_update_also_fetches_what_came_since(workspace):
    """Interrupted, then run again half a year later: the job's pending requests are finished
    and the articles published meanwhile fetched in the same run, not left for the next."""
    config = {"seed": 6, "articles": 300}
    first, later = datetime(2025, 6, 1, tzinfo=UTC), datetime(2025, 12, 1, tzinfo=UTC)
    args = ("update", "-s", "CONCURRENT_REQUESTS=2")
    with replica(**config, now=first, faults=["/articles/*=slow:0.05"]) as server:
        proc = workspace.start(*args, "--replica", server.proxy_url, "--now", first.isoformat())
        _signal_once_stored(workspace, proc, 10, signal.SIGTERM)
        proc.communicate(timeout=60)
        assert proc.returncode == 130
    truth = replica_truth(**config, now=later)
    assert len(truth) > len(replica_truth(**config, now=first))  # published meanwhile
    with replica(**config, now=later) as server:
        run = workspace.run(*args, "--replica", server.proxy_url, "--now", later.isoformat())
    assert run.status == 0, run.stderr
    assert "resuming job" in (workspace.data / "logs" / "knotcrawl.log").read_text()
    with workspace.archive() as archive:
        assert_matches_truth(archive, truth, frozenset({"sections"}))


def test_a_resumed_update_rechecks_at_its_own_time(workspace):
    """An update interrupted after its rechecks, resumed after an edit: the resumed run
    rechecks again (at its own time), or the edit is missed for good (the next runs' window
    starts after the article's publication)."""
    config = {"seed": 1, "articles": 300}
    t1 = datetime(2024, 7, 17, tzinfo=UTC)  # EN 68094 published 07-16, edited 07-19
    t2 = datetime(2024, 7, 20, tzinfo=UTC)
    with replica(**config, now=t1) as server:
        first = workspace.run("update", "--replica", server.proxy_url, "--now", t1.isoformat())
    assert first.status == 0, first.stderr
    with workspace.archive() as archive:
        rechecks = len(archive.ids_published_since("en", t1.replace(day=10)))
        rechecks += len(archive.ids_published_since("ru", t1.replace(day=10)))
        assert rechecks and archive.has("en", 68094)
    # The second page of the EN walk answers after a minute: the run is interrupted there,
    # its rechecks done.
    slow = ["/rubric/11?page=2=slow:60"]
    query = "SELECT COUNT(*) FROM requests WHERE state='done' AND spec LIKE '%\"recheck\": true%'"
    with replica(**config, now=t1, faults=slow) as server:
        proc = workspace.start("update", "--replica", server.proxy_url, "--now", t1.isoformat())
        wait_for(proc, lambda: (rows := read_job(workspace, query)) and rows[0][0] >= rechecks)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
        assert proc.returncode == 130
    with replica(**config, now=t2) as server:
        resumed = workspace.run("update", "--replica", server.proxy_url, "--now", t2.isoformat())
    assert resumed.status == 0, resumed.stderr
    assert "resuming job" in (workspace.data / "logs" / "knotcrawl.log").read_text()
    assert "updated=1 " in summary_line(resumed)
    with workspace.archive() as archive:
        assert len(archive.revisions("en", 68094)) == 1
        assert_matches_truth(
            archive, {("en", 68094): replica_truth(**config, now=t2)[("en", 68094)]},
            frozenset({"sections"}),
        )  # fmt: skip
