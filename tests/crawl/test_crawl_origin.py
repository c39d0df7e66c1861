"""The replica's generated articles and the real sites' never share an archive: they have the
same URLs and ids, so each would be stored as an edit of the other. A crawl of one refuses an
archive that holds the other (status 2) before it fetches or writes anything."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from crawlkit import replica

from knotcrawl.crawling.context import run_origin
from knotcrawl.db import Archive

NOW = datetime(2026, 2, 1, tzinfo=UTC)
SMALL = {"seed": 2, "articles": 20, "now": NOW}
SITE_RUN = {
    "mode": "update",
    "editions": ["en", "ru"],
    "base": {"en": "https://www.eng.kavkaz-uzel.eu", "ru": "https://www.kavkaz-uzel.eu"},
    "replica": False,
}


def _archive_of_the_sites(workspace) -> int:
    with Archive.open(workspace.db, upgrade=True) as archive:
        run_id = archive.start_run("update", SITE_RUN)
        archive.finish_run(run_id, "ok", {}, 0)
        return len(archive.runs())


def test_the_demo_refuses_an_archive_of_the_real_sites(workspace):
    runs = _archive_of_the_sites(workspace)
    run = workspace.run("demo", "--articles", "20")
    assert run.status == 2, run.stderr
    assert "is an archive of the real sites" in run.stderr
    assert "--db demo.sqlite" in run.stderr
    assert "demo: replica" not in run.stderr  # refused before the replica started
    with workspace.archive() as archive:
        assert len(archive.runs()) == runs
        assert archive.known_ids("en") == set()


def test_a_replica_crawl_refuses_an_archive_of_the_real_sites(workspace):
    runs = _archive_of_the_sites(workspace)
    with replica(**SMALL) as server:
        run = workspace.run("update", "--replica", server.proxy_url, "--now", NOW.isoformat())
    assert run.status == 2, run.stderr
    assert "is an archive of the real sites (run 1)" in run.stderr
    assert run.requests == 0
    with workspace.archive() as archive:
        assert len(archive.runs()) == runs


def test_a_crawl_of_the_real_sites_refuses_the_demo_archive(workspace):
    with replica(**SMALL) as server:
        first = workspace.run("update", "--replica", server.proxy_url, "--now", NOW.isoformat())
    assert first.status == 0, first.stderr
    with workspace.archive() as archive:
        stored = len(archive.known_ids("en"))
    assert stored > 0
    # No --replica: the real sites (the tests' network guard would refuse any fetch).
    run = workspace.run("update", "--edition", "en")
    assert run.status == 2, run.stderr
    assert "holds the replica's generated articles (run 1" in run.stderr
    assert run.requests == 0
    with workspace.archive() as archive:
        assert len(archive.runs()) == 1
        assert len(archive.known_ids("en")) == stored
    # The replica again is welcome.
    with replica(**SMALL) as server:
        again = workspace.run("update", "--replica", server.proxy_url, "--now", NOW.isoformat())
    assert again.status == 0, again.stderr


@pytest.mark.parametrize(
    ("arguments", "origin"),
    [
        ({"replica": True, "base": {"en": "https://x"}}, "replica"),
        ({"replica": False, "base": {"en": "http://x"}}, "site"),
        # Runs from before the ledger said so: the replica is crawled over http://.
        ({"base": {"en": "http://www.eng.kavkaz-uzel.eu"}}, "replica"),
        ({"base": {"en": "https://www.eng.kavkaz-uzel.eu"}}, "site"),
        ({"base": {"en": "http://a", "ru": "https://b"}}, "site"),
        ({"mode": "update"}, None),
    ],
)
def test_the_origin_of_a_run(arguments, origin):
    assert run_origin(arguments) == origin
