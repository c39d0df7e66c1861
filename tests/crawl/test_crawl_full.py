"""A full crawl of both editions equals the replica's truth, record by record."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from crawlkit import assert_matches_truth, replica, replica_truth, summary_line

NOW = datetime(2026, 2, 1, tzinfo=UTC)
CONFIG = {"seed": 3, "articles": 150, "now": NOW}


def test_full_crawl_equals_truth_and_a_second_update_is_cheap(workspace):
    truth = replica_truth(**CONFIG)
    with replica(**CONFIG) as server:
        run = workspace.run(
            "update", "--replica", server.proxy_url, "--sections", "--now", NOW.isoformat()
        )
        assert run.status == 0, run.stderr
        line = summary_line(run)
        assert line.startswith("knotcrawl update: new=")
        assert f"new={len(truth)} " in line
        for field in ("updated=0", "gone=0", "failed=0", "requests=", "duration="):
            assert field in line
        # stats: stored outcomes and per-field cascade levels
        assert run.stats["knotcrawl/stored/new"] == len(truth)
        assert any(k.startswith("knotcrawl/field/title/") for k in run.stats)
        with workspace.archive() as archive:
            assert_matches_truth(archive, truth)
            assert archive.counts()["articles"] == len(truth)
            runs = archive.runs()
            assert runs[0]["mode"] == "update" and runs[0]["status"] == "ok"
            assert runs[0]["new"] == len(truth)
            recent = {
                ed: archive.ids_published_since(ed, NOW - timedelta(days=7)) for ed in ("en", "ru")
            }
        # No job file is left behind by a finished crawl.
        assert not list((workspace.data / "jobs").glob("*.sqlite"))

        again = workspace.run("update", "--replica", server.proxy_url, "--now", NOW.isoformat())
        assert again.status == 0, again.stderr
        assert "new=0 updated=0" in summary_line(again)
        # robots.txt x2, the RSS feed, `overlap` (2) listing pages per edition, the recheck window
        expected = 2 + 1 + 2 * 2 + sum(len(v) for v in recent.values())
        assert again.requests == expected


@pytest.mark.postgres
def test_full_crawl_into_postgresql(workspace):
    """The same crawl into a PostgreSQL archive (the lock is an advisory lock there)."""
    url = os.environ.get("KNOTCRAWL_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("KNOTCRAWL_TEST_POSTGRES_URL is not set (.ci/start-postgres starts a server)")
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(url).set(drivername="postgresql")
    name = f"kc_crawl_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base.render_as_string(False), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    db = base.set(database=name).render_as_string(False)
    config = {"seed": 3, "articles": 40, "now": NOW}
    truth = replica_truth(**config)
    try:
        with replica(**config) as server:
            run = workspace.run(
                "update",
                "--replica",
                server.proxy_url,
                "--sections",
                "--now",
                NOW.isoformat(),
                "--db",
                db,
            )
        assert run.status == 0, run.stderr
        from knotcrawl.db import Archive

        with Archive.open(db) as archive:
            assert_matches_truth(archive, truth)
            assert archive.runs()[0]["status"] == "ok"
    finally:
        with psycopg.connect(base.render_as_string(False), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
